#!/usr/bin/env python3
"""layers.py — the file-level call graph of the built tree (tests/layers.t).

    layers.py [-v] BUILD_DIR PROG=DIR...

File A -> file B when A's object references a global symbol that B's object
defines (nm). Objects are BUILD_DIR/obj/**.o whose source still exists (a
stale object of a removed file is not the tree). A program's files are
those under its DIR, lib's those under lib/. Problems, each named:
  - a circle among one program's files, or among lib's files;
  - a lib file that references a symbol defined in a program's folder;
  - a program file that references another program's file;
  - the same for #include, from the compiler's -MMD files (*.d).
On success one line; -v first prints every edge (A -> B: symbols).
Exit 0 clean, 1 problems, 2 usage or tool failure."""
import os
import subprocess
import sys


def objects(build):
    top = os.path.join(build, "obj")
    for root, _, files in os.walk(top):
        for f in sorted(files):
            if f.endswith(".o"):
                o = os.path.join(root, f)
                src = os.path.relpath(o, top)[:-2] + ".c"
                if os.path.isfile(src):
                    yield src, o


def symbols(obj):
    """(defined, undefined) global symbol sets of one object."""
    out = subprocess.run(["nm", "-P", obj], check=True, capture_output=True, text=True).stdout
    defs, refs = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, kind = f[0], f[1]
        if kind in ("U", "w", "v"):
            refs.add(name)
        elif kind.isupper():
            defs.add(name)
    return defs, refs


def includes(obj):
    """Headers one object's source includes (its -MMD file), or []."""
    try:
        with open(obj[:-2] + ".d") as fh:
            text = fh.read()
    except OSError:
        return []
    first = text.split("\n\n", 1)[0].replace("\\\n", " ")
    return [os.path.normpath(w) for w in first.split(":", 1)[-1].split() if w.endswith(".h")]


def group_of(path, progs):
    if path.startswith("lib/"):
        return "lib"
    for name, d in progs.items():
        if path.startswith(d.rstrip("/") + "/"):
            return name
    return None


def find_cycle(nodes, edges):
    """One circle as a list of files [a, b, ..., a], or None (iterative DFS)."""
    state, parent = {}, {}
    for start in sorted(nodes):
        if start in state:
            continue
        stack = [(start, iter(sorted(edges.get(start, ()))))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:           # back edge: the circle
                path = [node]
                while path[-1] != nxt:
                    path.append(parent[path[-1]])
                return list(reversed(path)) + [nxt]
            if nxt not in state:
                state[nxt] = 1
                parent[nxt] = node
                stack.append((nxt, iter(sorted(edges.get(nxt, ())))))
    return None


def main(argv):
    verbose = argv[:1] == ["-v"]
    argv = argv[1:] if verbose else argv
    if len(argv) < 2 or any("=" not in a for a in argv[1:]):
        print("usage: layers.py [-v] BUILD_DIR PROG=DIR...", file=sys.stderr)
        return 2
    build = argv[0]
    progs = dict(a.split("=", 1) for a in argv[1:])
    files = {}                       # source -> (group, defs, refs, headers)
    for src, obj in objects(build):
        g = group_of(src, progs)
        if g is not None:
            files[src] = (g, *symbols(obj), includes(obj))
    if not files:
        print(f"no objects under {build}/obj (build first)")
        return 2
    definer = {}                     # symbol -> sources that define it
    for src, (g, defs, _, _) in files.items():
        for s in defs:
            definer.setdefault(s, []).append(src)

    problems = []
    edges = {}                       # source -> {target: [symbols]}
    for src, (g, _, refs, hdrs) in sorted(files.items()):
        for s in sorted(refs):
            where = definer.get(s, [])
            mine = [t for t in where if files[t][0] == g]
            if mine:                 # resolved within its own group
                for t in mine:
                    if t != src:
                        edges.setdefault(src, {}).setdefault(t, []).append(s)
            elif not any(files[t][0] == "lib" for t in where):
                for t in where:      # only another program (or, for lib, a program) has it
                    problems.append(f"{src} ({g}) calls up or across: {s} is defined in {t} ({files[t][0]})")
        for h in hdrs:
            hg = group_of(h, progs)
            if hg is not None and hg != g and hg != "lib":
                problems.append(f"{src} ({g}) includes {h} ({hg})")

    summary = []
    for g in sorted(set(v[0] for v in files.values()), key=lambda x: (x == "lib", x)):
        nodes = [f for f in files if files[f][0] == g]
        ge = {a: set(edges.get(a, {})) for a in nodes}
        if verbose:
            for a in sorted(nodes):
                for b in sorted(edges.get(a, {})):
                    print(f"{g}: {a} -> {b}: {' '.join(edges[a][b])}")
        summary.append(f"{g} {len(nodes)} files {sum(len(v) for v in ge.values())} edges")
        # name every circle: report one, cut its last edge, look again
        for _ in range(len(nodes) * len(nodes)):
            cyc = find_cycle(nodes, ge)
            if not cyc:
                break
            steps = [cyc[0]] + [f"{b} ({edges[a][b][0]})" for a, b in zip(cyc, cyc[1:])]
            problems.append(f"{g} has a circle: " + " -> ".join(steps))
            ge[cyc[-2]].discard(cyc[-1])
    for p in problems:
        print(p)
    if problems:
        print(f"layers: {len(problems)} problem(s)")
        return 1
    print("layers: no circles, nothing calls up or across: " + ", ".join(summary))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"layers.py: {e}", file=sys.stderr)
        sys.exit(2)
