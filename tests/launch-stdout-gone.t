#!/bin/sh
''':'
exec "$PY" "$0" "$@"
'''
# iotrc-launch stops when its records cannot be written (issue 14 #7): with
# stdout closed at start (an internal pipe used to take fd 1 and it ran for
# ever, reading and discarding records), with stdout on /dev/null opened
# read-only (it reported once and kept running), and when the reader goes
# away mid-run, also with an engine that ignores SIGINT: each time it stops
# the engine and exits 1 within seconds, saying why.
import os, subprocess, sys, time
T = os.environ["T"]
os.makedirs(T + "/s", exist_ok=True)
open(T + "/s/vfs.d", "w").close()
cmd = ["iotrc-launch", "-k", "dtrace", "-e", os.path.abspath("tests/launch-fake-engine"), "-d", T + "/s", "vfs"]

def fail(msg):
    print("FAIL: " + msg); sys.exit(1)

def run(fake, stdout, label, reader=None):
    env = dict(os.environ, FAKE=fake, FAKE_PIDFILE=T + "/pid-" + label)
    t = time.time()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE, env=env,
                         close_fds=True, pass_fds=())
    if reader:
        reader(p)
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("%s: still running after 20 s" % label)
    err = p.stderr.read().decode()
    if rc != 1:
        fail("%s: exit %d, want 1: %s" % (label, rc, err))
    if "stdout" not in err:
        fail("%s: no message about stdout: %s" % (label, err))
    # the engine (and its group) is gone too
    try:
        pid = int(open(T + "/pid-" + label).read())
        time.sleep(0)  # the launcher reaped it before exiting
        os.kill(pid, 0)
        fail("%s: the engine %d survived" % (label, pid))
    except (FileNotFoundError, ValueError, ProcessLookupError):
        pass
    print("%s: exit 1 after %.1f s: %s" % (label, time.time() - t, err.strip().splitlines()[-1]))

# stdout closed: the child starts with fd 1 closed
def closed_stdout():
    r = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh"] + cmd, env=dict(os.environ, FAKE="flood"),
                       stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=20)
    if r.returncode != 1 or b"stdout" not in r.stderr:
        fail("closed stdout: exit %d: %s" % (r.returncode, r.stderr.decode()))
    print("closed stdout: exit 1:", r.stderr.decode().strip())
closed_stdout()
with open("/dev/null", "rb") as ro:
    run("flood", ro, "read-only")

def go_away(p):
    p.stdout.read(200000)
    p.stdout.close()
run("flood", subprocess.PIPE, "reader-gone", go_away)
run("stubborn-flood", subprocess.PIPE, "reader-gone-stubborn", go_away)
