#!/usr/bin/env python3
"""write-gen-fs.py ROWS [SEED] — a realistic fs-stream CSV (schema.tsv "fs",
23 columns, header first) on stdout, for bench/write-bench: a few dozen
processes doing reads/writes/opens/stats on a few hundred paths, times
increasing by a few microseconds, as iotrc-parse writes them."""
import random
import sys

HEADER = ("timestamp,operation,pid,tid,command,filename,size,offset,bytes_completed,"
          "inode,device,flags,duration_ns,return_value,errno,mmap_prot,mmap_flags,"
          "address,cmdline,ppid,container_id,fs_type,mono_ns")


def main():
    rows = int(sys.argv[1])
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    cmds = [("mds_stores", "/System/Library/Frameworks/CoreServices.framework/mds_stores"),
            ("Safari", "/Applications/Safari.app/Contents/MacOS/Safari"),
            ("clang", "/usr/bin/clang -O2 -c -o build/x.o src/x.c"),
            ("python3", "python3 manage.py runserver"), ("zsh", "-zsh"),
            ("Finder", "/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder"),
            ("git", "git status --porcelain"), ("node", "node server.js --port 3000")]
    procs = []
    for i in range(40):
        c = rnd.choice(cmds)
        pid = rnd.randrange(300, 90000)
        procs.append((pid, [pid + k for k in range(rnd.randrange(1, 5))], c[0], c[1],
                      rnd.randrange(1, 600)))
    dirs = ["/Users/alice/src/proj/src", "/Users/alice/Library/Caches/com.apple.Safari",
            "/private/var/db/mds/Store-V2", "/usr/lib", "/System/Library/Frameworks",
            "/Users/alice/Documents", "/private/tmp", "/Users/alice/src/proj/build"]
    exts = [".c", ".h", ".o", ".db", ".plist", ".dylib", ".json", ".txt", ".log", ""]
    paths = [(rnd.choice(dirs) + "/" + "".join(rnd.choice("abcdefghijklmnop_")
             for _ in range(rnd.randrange(4, 16))) + rnd.choice(exts),
              rnd.randrange(10**5, 10**8)) for _ in range(600)]
    ops = ["read"] * 40 + ["write"] * 25 + ["open"] * 10 + ["close"] * 10 + \
          ["stat"] * 8 + ["fsync"] * 2 + ["unlink", "rename", "mmap", "mkdir", "readdir"]
    ns = 1_700_000_000_000_000_000
    mono = 86_400_000_000_000
    out = sys.stdout
    out.write(HEADER + "\n")
    buf = []
    for i in range(rows):
        d = rnd.randrange(200, 6000)
        ns += d
        mono += d
        pid, tids, comm, cmdline, ppid = rnd.choice(procs)
        path, inode = rnd.choice(paths)
        op = rnd.choice(ops)
        size = rnd.choice((4096, 16384, 65536, 512, 131072)) if op in ("read", "write") else 0
        off = rnd.randrange(0, 1 << 24) & ~4095 if size else 0
        done = size if rnd.random() > 0.05 else size // 2
        err = "" if rnd.random() > 0.02 else "ENOENT"
        ret = -1 if err else done
        flags = "O_RDONLY|O_CLOEXEC" if op == "open" else ""
        prot, mfl, addr = ("PROT_READ", "MAP_SHARED", "0x%x" % rnd.randrange(1 << 40)) \
            if op == "mmap" else ("", "", "")
        sec = ns // 10**9
        t = "2023-11-14 %02d:%02d:%02d.%06d" % (sec // 3600 % 24, sec // 60 % 60, sec % 60,
                                                ns // 1000 % 10**6)
        buf.append(f"{t},{op},{pid},{rnd.choice(tids)},{comm},{path},{size},{off},{done},"
                   f"{inode},1,{flags},{rnd.randrange(500, 90000)},{ret},{err},{prot},"
                   f"{mfl},{addr},{cmdline},{ppid},0,apfs,{mono}\n")
        if len(buf) == 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))


if __name__ == "__main__":
    main()
