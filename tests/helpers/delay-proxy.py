#!/usr/bin/env python3
"""delay-proxy.py PORT UPSTREAM_PORT DELAY_MS STATS -- a long link in user
space: a TCP proxy on 127.0.0.1:PORT to 127.0.0.1:UPSTREAM_PORT that
delivers every chunk DELAY_MS after it arrived, each way (a round trip
of 2 x DELAY_MS), and holds a new connection's first bytes one round trip
(its handshake). For kernels without netem (tc qdisc ... netem delay).

It also counts requests in flight: a connection is busy from the first
byte a client sends while idle until the first byte of the answer reaches
the client (HTTP/1.1 without pipelining: one request at a time a
connection); each busy spell is a round trip (an interim "100 Continue"
ends one). On SIGTERM it writes STATS ("connections N", "max_open N",
"max_busy N", "round_trips N") and exits.
"""
import asyncio, os, signal, sys, time

port, up_port, delay, stats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000.0, sys.argv[4]
count = {"connections": 0, "open": 0, "max_open": 0, "busy": 0, "max_busy": 0, "round_trips": 0}


def bump(key, by):
    count[key] += by
    peak = "max_" + key
    if count[key] > count[peak]:
        count[peak] = count[key]


async def pump(reader, writer, hold, on_read, on_deliver):
    """reader -> writer, each chunk delivered `delay` (plus `hold` for the
    first) seconds after it arrived, in order; EOF passed on the same way."""
    q = asyncio.Queue()

    async def read():
        first = True
        while True:
            data = await reader.read(65536)
            q.put_nowait((time.monotonic() + delay + (hold if first else 0), data))
            first = False
            if not data:
                return
            on_read()

    async def write():
        while True:
            due, data = await q.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            on_deliver()
            await writer.drain()

    try:
        await asyncio.gather(read(), write())
    except (ConnectionError, OSError):
        pass


async def serve(creader, cwriter):
    count["connections"] += 1
    bump("open", 1)
    state = {"busy": False}

    def request():
        if not state["busy"]:
            state["busy"] = True
            bump("busy", 1)
            count["round_trips"] += 1

    def answered():
        if state["busy"]:
            state["busy"] = False
            bump("busy", -1)

    try:
        sreader, swriter = await asyncio.open_connection("127.0.0.1", up_port)
    except OSError:
        cwriter.close()
        bump("open", -1)
        return
    await asyncio.gather(pump(creader, swriter, 2 * delay, request, lambda: None),
                         pump(sreader, cwriter, 0, lambda: None, answered))
    answered()
    for w in (swriter, cwriter):
        w.close()
    bump("open", -1)


def write_stats():
    tmp = stats + ".tmp"
    with open(tmp, "w") as f:
        for k in ("connections", "max_open", "max_busy", "round_trips"):
            f.write("%s %d\n" % (k, count[k]))
    os.rename(tmp, stats)


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", port, reuse_address=True)
    done = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, done.set)
    async with server:
        await done.wait()
    write_stats()


asyncio.run(main())
