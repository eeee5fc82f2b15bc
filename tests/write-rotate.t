#!/bin/sh
''':'
exec "$PY" "$0" "$@"
'''
# iotrc-write: each rotation trigger (rows, compressed bytes, age, SIGHUP),
# periodic flushes of whole frames, and SIGTERM/SIGINT/end of input each
# finishing the current file with exit 0.
import os
import secrets
import select
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, "tests/helpers")
from write_check import HEADER, all_rows, check, finished, parts, rows, stats, to_csv, wait_for

T = os.environ["T"]


class Writer:
    def __init__(self, name, *args):
        self.dir = os.path.join(T, name)
        self.stats = os.path.join(T, name + ".st")
        self.p = subprocess.Popen(["iotrc-write", "-d", self.dir, "-p", "fs", "--stats",
                                   self.stats] + list(args), stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.announced = []
        self.buf = b""
        # ready (signal handlers set) once it wrote its stats file
        check(wait_for(lambda: os.path.exists(self.stats), 10), "%s: no start" % self.dir)

    def feed(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def announcement(self, timeout=5.0):
        fd = self.p.stdout.fileno()
        while b"\n" not in self.buf:
            r, _, _ = select.select([fd], [], [], timeout)
            check(r, "%s: no file announced within %gs" % (self.dir, timeout))
            self.buf += os.read(fd, 4096)
        line, self.buf = self.buf.split(b"\n", 1)
        line = line.decode()
        check(os.path.isfile(line), "announced %r, not a file" % line)
        self.announced.append(line)
        return line

    def end(self, sig=None, want=0, close=True):
        if sig:
            self.p.send_signal(sig)
        elif close:
            self.p.stdin.close()
            self.p.stdin = None
        try:
            out, err = self.p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            check(False, "%s: did not exit" % self.dir)
        check(self.p.returncode == want, "%s: exit %d: %s" % (self.dir, self.p.returncode, err))
        check(err == b"", "%s: stderr: %s" % (self.dir, err.decode()))
        self.announced += (self.buf + out).decode().split()
        check(self.announced == finished(self.dir),
              "announced %s, finished %s" % (self.announced, finished(self.dir)))
        check(parts(self.dir) == [], "left behind: %s" % parts(self.dir))
        return all_rows(self.dir)


def counts(d):
    return [len(r) for _, _, r in __import__("write_check").read_dir(d)]


# rows: exactly --max-rows data rows per file
data = rows(2500)
w = Writer("rows", "-r", "1000")
w.feed(to_csv(HEADER, data))
check(w.end() == data, "rows: rows differ")
check(counts(w.dir) == [1000, 1000, 500], "rows: counts %s" % counts(w.dir))

# compressed bytes: hardly compressible rows, -s 100k; a file may pass the
# limit by what one 128 KiB block of input compresses to
data = [["2024-05-01 10:00:00.%06d" % i, "write", "1", secrets.token_hex(64), "1", str(i)]
        for i in range(12000)]
w = Writer("bytes", "-s", "100k")
w.feed(to_csv(HEADER, data))
check(w.end() == data, "bytes: rows differ")
sizes = [os.path.getsize(p) for p in finished(w.dir)]
check(len(sizes) >= 4, "bytes: only %d files: %s" % (len(sizes), sizes))
check(all(100 << 10 <= s < (100 << 10) + (128 << 10) for s in sizes[:-1]),
      "bytes: sizes %s" % sizes)

# age: one row per 50 ms for 1.5 s, files of 0.3 s; the last file rotates
# by age with no input at all
w = Writer("age", "-a", "0.3s", "-f", "0.1")
w.feed(",".join(HEADER) + "\n")
data = rows(30, nasty=False)
for r in data:
    w.feed(to_csv(None, [r]))
    time.sleep(0.05)
# stdin still open: only age can finish the last file
check(wait_for(lambda: stats(w.stats).get("rows_written") == len(data) and
               stats(w.stats).get("current_file") == "", 2),
      "age: last file not finished by age: %s" % stats(w.stats))
n = stats(w.stats)["files_finished"]
check(w.end() == data, "age: rows differ")
check(len(finished(w.dir)) == n, "age: %d files at the end, %d before" % (len(finished(w.dir)), n))
check(4 <= n <= 8, "age: %d files for 1.5 s at 0.3 s: %s" % (n, counts(w.dir)))

# SIGHUP: rotate now
w = Writer("hup")
data = rows(40)
w.feed(to_csv(HEADER, data[:10]))
time.sleep(0.2)
w.p.send_signal(signal.SIGHUP)
w.announcement()
w.feed(to_csv(None, data[10:]))
check(w.end() == data, "hup: rows differ")
check(counts(w.dir) == [10, 30], "hup: counts %s" % counts(w.dir))

# flushes: after --flush-interval the temporary file holds whole zstd
# frames with every row so far, readable by zstd -d while the writer runs
w = Writer("flush", "-f", "0.2")
data = rows(100, nasty=False)
w.feed(to_csv(HEADER, data))
ok = wait_for(lambda: stats(w.stats).get("rows_written") == 100, 3)
check(ok, "flush: stats %s" % stats(w.stats))
part = os.path.join(w.dir, parts(w.dir)[0])
check(stats(w.stats).get("current_file") == part, "flush: current_file %s" % stats(w.stats))
got = subprocess.run(["zstd", "-q", "-dc", part], capture_output=True, text=True)
check(got.returncode == 0 and got.stdout == to_csv(HEADER, data),
      "flush: zstd -d of the temporary file: %s" % got.stderr)
w.feed(to_csv(None, rows(50, 100, nasty=False)))
time.sleep(0.5)
frames = subprocess.run(["zstd", "-lv", part], capture_output=True, text=True).stdout
check("Zstandard Frames: 2\n" in frames,
      "flush: want 2 frames: %s" % frames)
check(w.end() == data + rows(50, 100, nasty=False), "flush: rows differ")
check(stats(w.stats).get("rows_pending") == 0, "flush: pending %s" % stats(w.stats))

# SIGTERM and SIGINT: finish the current file, exit 0, nothing lost: rows
# the producer wrote just after the signal are read too (upstream.md §10.3)
for sig in (signal.SIGTERM, signal.SIGINT):
    w = Writer("sig%d" % sig)
    data = rows(35)
    w.feed(to_csv(HEADER, data[:25]))
    time.sleep(0.1)
    t = time.time()
    w.p.send_signal(sig)
    w.feed(to_csv(None, data[25:]))
    check(w.end(close=False) == data, "%s: rows differ" % sig)
    check(time.time() - t < 1.5, "%s: took %.1fs to stop" % (sig, time.time() - t))
    check(counts(w.dir) == [35], "%s: counts %s" % (sig, counts(w.dir)))

# a second signal ends the drain at once, even if the producer goes on
w = Writer("twice")
w.feed(to_csv(HEADER, rows(5)))
stop = threading.Event()


def produce():
    i = 5
    try:
        while not stop.is_set():
            w.feed(to_csv(None, rows(1, i)))
            i += 1
            time.sleep(0.02)
    except (BrokenPipeError, ValueError):
        pass


t = threading.Thread(target=produce)
t.start()
w.p.send_signal(signal.SIGTERM)
time.sleep(0.3)
t0 = time.time()
w.p.send_signal(signal.SIGTERM)
w.p.wait(3)
stop.set()
t.join()
check(time.time() - t0 < 1.0, "second signal: took %.1fs" % (time.time() - t0))
w.p.stdin = None
got = w.end(close=False)
check(got == rows(len(got)), "second signal: not the rows fed, in order")
print("ok")
