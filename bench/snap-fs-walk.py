#!/usr/bin/env python3
"""snap-fs-walk.py — the family's filesystem walk, reproduced for
bench/snap-fs.sh and as an oracle for tests/snap-fs.t (upstream.md §3:
io-tracer-mac FilesystemSnapper.py): recursive os.scandir from ROOT, each
directory's (st_dev, st_ino) once, rows for regular files and symlinks
from entry.stat(follow_symlinks=False), times through
datetime.fromtimestamp, st_flags decoded, one csv.writer per row as
upstream's format_csv_row does. No exclusions: it crosses every mount.

    snap-fs-walk.py ROOT > out.csv

Two differences from upstream, so the output can be compared with
iotrc-snap-fs: fields holding a newline are quoted (Python 3.11's writer
left them bare, upstream.md §2.1, §10 #17) and, like iotrc's CSV, fields
starting or ending with a space are quoted. Upstream on Linux has no
birth time (creation_time = mtime) and no flags."""
import csv
import io
import os
import sys
import time
from datetime import datetime

FLAGS = ((0x1, "UF_NODUMP"), (0x2, "UF_IMMUTABLE"), (0x4, "UF_APPEND"), (0x8, "UF_OPAQUE"),
         (0x20, "UF_COMPRESSED"), (0x40, "UF_TRACKED"), (0x80, "UF_DATAVAULT"),
         (0x8000, "UF_HIDDEN"), (0x10000, "SF_ARCHIVED"), (0x20000, "SF_IMMUTABLE"),
         (0x40000, "SF_APPEND"), (0x80000, "SF_RESTRICTED"), (0x100000, "SF_NOUNLINK"),
         (0x200000, "SF_SNAPSHOT"), (0x800000, "SF_FIRMLINK"), (0x40000000, "SF_DATALESS"))


def decode_stat_flags(flags):
    if not flags:
        return ""
    names, rest = [], flags
    for bit, name in FLAGS:
        if flags & bit:
            names.append(name)
            rest &= ~bit
    if rest:
        names.append(f"0x{rest:08x}")
    return "|".join(names)


def quoted(f):
    f = str(f)
    if any(c in f for c in ',"\n\r') or f[:1] == " " or f[-1:] == " ":
        return '"' + f.replace('"', '""') + '"'
    return f


def format_csv_row(*fields):
    if any(isinstance(f, str) and ("\n" in f or "\r" in f or f[:1] == " " or f[-1:] == " ")
           for f in fields):
        return ",".join(quoted(f) for f in fields)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="")
    w.writerow(fields)
    return out.getvalue()


def main(root):
    snapshot_timestamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    snapshot_mono_ns = time.monotonic_ns()
    visited = set()
    out = sys.stdout
    count = 0

    def scan_dir(path):
        nonlocal count
        try:
            st = os.stat(path, follow_symlinks=False)
        except Exception:
            return
        key = (st.st_dev, st.st_ino)
        if key in visited:
            return
        visited.add(key)
        try:
            with os.scandir(path) as it:
                for entry in it:
                    try:
                        if entry.is_file(follow_symlinks=False) or entry.is_symlink():
                            est = entry.stat(follow_symlinks=False)
                            ctime = datetime.fromtimestamp(getattr(est, "st_birthtime", est.st_mtime))
                            mtime = datetime.fromtimestamp(est.st_mtime)
                            atime = datetime.fromtimestamp(est.st_atime)
                            dev = est.st_dev
                            row = format_csv_row(
                                snapshot_timestamp, entry.path, est.st_size, ctime, mtime, atime,
                                getattr(est, "st_blocks", 0) * 512, est.st_ino,
                                f"{os.major(dev)}:{os.minor(dev)}", est.st_nlink,
                                decode_stat_flags(getattr(est, "st_flags", 0)), snapshot_mono_ns)
                            out.write(row + "\n")
                            count += 1
                        elif entry.is_dir(follow_symlinks=False):
                            scan_dir(entry.path)
                    except Exception:
                        continue
        except Exception:
            return

    out.write("snapshot_timestamp,file_path,size,creation_time,modification_time,access_time,"
              "physical_size,inode,device,nlinks,flags,mono_ns\n")
    sys.setrecursionlimit(100000)
    scan_dir(root)
    print(f"{count} files", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: snap-fs-walk.py ROOT")
    main(sys.argv[1])
