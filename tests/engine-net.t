#!/bin/sh
# engine-net.t — real end-to-end: iotrc-launch net (bpftrace) | iotrc-parse net
# while tests/helpers/workload makes TCP connections over 127.0.0.1 and ::1
# and a unix-socket connection, then a connect to 127.0.0.1 that is refused,
# closing every socket; the rows of its pid must be exactly these, with
# addresses and ports of both ends of connect and accept, descriptors,
# -errno as the return value of the refused connect, a CLOSE for each
# socket, and times inside each call.
. tests/engine-common.sh
engine_require
engine_trace net net "$T"
$PY -c "$engine_py_common"'
cols = ["event_type", "domain", "sock_type", "ipver", "local_addr", "remote_addr",
        "sport", "dport", "fd", "backlog", "shutdown_how", "return_value"]
E = ""
c = {k: v["ret"] for k, v in enumerate(calls)}
def closes(fam, ver, typ, *fds):    # CLOSE of each socket, with what it was
    return [("CLOSE", fam, typ, ver, E, E, E, E, str(fd), E, E, "0") for fd in fds]
def tcp(fam, ver, addr, k, p, cp):
    return [
        ("SOCKET_CREATE", fam, "SOCK_STREAM", ver, E, E, E, E, str(c[k]), E, E, str(c[k])),
        ("BIND", fam, E, ver, addr, E, E, E, str(c[k]), E, E, "0"),
        ("LISTEN", E, E, E, E, E, E, E, str(c[k]), "8", E, "0"),
        ("SOCKET_CREATE", fam, "SOCK_STREAM", ver, E, E, E, E, str(c[k + 3]), E, E, str(c[k + 3])),
        # and the local end: the port of the connecting socket, of the listener
        ("CONNECT", fam, E, ver, addr, addr, cp, p, str(c[k + 3]), E, E, "0"),
        ("ACCEPT", fam, E, ver, addr, addr, p, cp, str(c[k + 5]), E, E, str(c[k + 5])),
        ("SHUTDOWN", E, E, E, E, E, E, E, str(c[k + 3]), E, "SHUT_WR", "0"),
    ] + closes(fam, ver, "SOCK_STREAM", c[k + 5], c[k + 3], c[k])
sock = T + "/sock"
want = tcp("AF_INET", "4", "127.0.0.1", 0, facts["port4"], facts["cport4"]) + \
       tcp("AF_INET6", "6", "::1", 10, facts["port6"], facts["cport6"]) + [
    ("SOCKET_CREATE", "AF_UNIX", "SOCK_STREAM", E, E, E, E, E, str(c[20]), E, E, str(c[20])),
    ("BIND", "AF_UNIX", E, E, sock, E, E, E, str(c[20]), E, E, "0"),
    ("LISTEN", E, E, E, E, E, E, E, str(c[20]), "1", E, "0"),
    ("SOCKET_CREATE", "AF_UNIX", "SOCK_STREAM", E, E, E, E, E, str(c[23]), E, E, str(c[23])),
    ("CONNECT", "AF_UNIX", E, E, E, sock, E, E, str(c[23]), E, E, "0"),
    ("ACCEPT", E, E, E, E, E, E, E, str(c[25]), E, E, str(c[25])),   # accept(l, NULL, NULL)
] + closes("AF_UNIX", E, "SOCK_STREAM", c[25], c[23], c[20]) + [
    # refused: return_value is -errno, -111 ECONNREFUSED on Linux
    ("SOCKET_CREATE", "AF_INET", "SOCK_STREAM", "4", E, E, E, E, str(c[30]), E, E, str(c[30])),
    ("CONNECT", "AF_INET", E, "4", E, "127.0.0.1", E, facts["refused_port"], str(c[30]), E, E, "-111"),
] + closes("AF_INET", "4", "SOCK_STREAM", c[30])
assert calls[31]["name"] == "connect_refused" and calls[31]["err"] == 111, calls[31]
net = mine[mine.event_type != ""]
assert all(net.tid == str(pid)) and all(net.command == "workload")
expect(net, cols, want)
check_times(net, [x for x in calls if x["name"] != "unlink"])
print("ok: %d nw_conn rows of pid %d exact, mono_ns and timestamp inside each call" % (len(net), pid))
' "$T" || fail "net rows"
