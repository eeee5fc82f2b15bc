#!/bin/sh
# Descriptor names do not outlive what they name (upstream.md §10 #6):
# exec closes O_CLOEXEC descriptors (and those made by F_DUPFD_CLOEXEC or
# dup3(O_CLOEXEC)) but keeps the others; exit forgets a process's
# descriptors, so a reused pid does not inherit its predecessor's names;
# a child seen forking inherits its parent's descriptors, minus the
# O_CLOEXEC ones once it has exec'd.
set -eu
export TZ=UTC
"$PY" - <<'PY'
import subprocess
L = 0x1000000      # O_CLOEXEC on macOS
def r(op, pid, ppid, ret=0, fd=-1, fd2=-1, path='', flags=0, size=0):
    global L
    return '\x01'.join(map(str, [op, pid, ppid, pid, 'x', 1763900000000000000, 5, ret, 0, 4, fd, fd2,
                                 path, '', size, -1, flags, 0]))
recs = ['#iotrc-records 1 stream=vfs engine=fixture os=darwin clock=ns',
    r('open', 10, 1, ret=3, fd=-1, path='/keep', flags=0),
    r('open', 10, 1, ret=4, fd=-1, path='/cloexec', flags=L),
    r('fcntl', 10, 1, ret=5, fd=3, flags=67),            # F_DUPFD_CLOEXEC of /keep
    r('dup', 10, 1, ret=6, fd=4),                        # dup clears FD_CLOEXEC
    r('fork', 10, 1, ret=11),
    r('exec', 11, 10, path='/bin/child'),
    r('read', 11, 10, ret=1, fd=3, size=1),              # child: inherited /keep
    r('read', 11, 10, ret=1, fd=4, size=1),              # child exec'd: O_CLOEXEC gone
    r('fork', 10, 1, ret=12),
    r('read', 12, 10, ret=1, fd=4, size=1),              # second child, no exec: /cloexec
    r('exec', 10, 1, path='/bin/next'),
    r('read', 10, 1, ret=1, fd=3, size=1),               # /keep
    r('read', 10, 1, ret=1, fd=4, size=1),               # gone
    r('read', 10, 1, ret=1, fd=5, size=1),               # gone
    r('read', 10, 1, ret=1, fd=6, size=1),               # /cloexec (dup'd without the flag)
    r('exit', 10, 1),
    r('read', 10, 1, ret=1, fd=3, size=1),               # a new process with pid 10: unknown
]
out = subprocess.run(['iotrc-parse', '--no-lookup', 'vfs'], input='\n'.join(recs).encode(),
                     capture_output=True, check=True).stdout.decode().splitlines()
names = [l.split(',')[5] for l in out[1:] if l.split(',')[1] == 'read']
want = ['/keep', '', '/cloexec', '/keep', '', '', '/cloexec', '']
assert names == want, (names, want)
print('reads after exec/exit named', names)
PY
