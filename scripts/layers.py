#!/usr/bin/env python3
"""The emulator's layers, read from the #include graph of its sources.

  scripts/layers.py           report: layers, circles, FUSE reach, upward
  scripts/layers.py --check   the same, and fail when a target is missed

A module is a .c file and the header of the same stem (HEADER_OF names
the few headers whose stem differs); the CPU core is one module, whose
inside is its own business. Module A depends on module B when a file of A
includes a header of B. The targets (make check-layers):
  - no circle of modules;
  - no device file reaches fuse.h, even through other headers;
  - at most MAX_UPWARD includes from a lower layer to a higher one.
"""
import fnmatch
import os
import re
import subprocess
import sys

# Lowest first; a file belongs to the first layer one of whose patterns
# matches its name. A file may include headers of its own layer or below.
LAYERS = [
    ("base", ["memlayout.h", "device.h", "bus.c", "ram.h", "host-window.*",
              "profile.*", "terminal.*"]),
    ("fs-tables", ["fs-*", "fuse-iov.*"]),
    # The FUSE server, in the order fuse-state.h gives: its shared types,
    # then each file above the ones it calls, and on top its API (fuse.h)
    # and dispatcher.
    ("fuse-state", ["fuse-state.h"]),
    ("fuse-req", ["fuse-req.*"]),
    ("fuse-confine", ["fuse-confine.*"]),
    ("fuse-mapped", ["fuse-mapped.*"]),
    ("fuse-node", ["fuse-node.*"]),
    ("fuse-new-node", ["fuse-new-node.*"]),
    ("fuse-ops", ["fuse-ops.h", "fuse-*-ops.c"]),
    ("fuse-server", ["fuse.h", "fuse-*"]),
    ("cpu", ["riscv*", "jit-x86.h"]),
    ("devices", ["uart.*", "plic.*", "aclint.*", "finisher.*", "rtc.*",
                 "virtqueue.*", "virtio.h", "virtio-mmio.c"]),
    ("virtio-fs", ["virtio-fs.*", "virtio-fs-thread.*"]),
    ("board", ["sbi.*", "devicetree.h", "fdt.c", "loader.*"]),
    ("machine", ["machine.*"]),
    ("main", ["main.c"]),
]
CPU_CORE = ["riscv*", "jit-x86.h"]
# Headers named after no .c file: the module that implements them. The
# rest (fuse-state.h, fuse-ops.h, fs-share.h: types, or functions of many
# files) are modules of their own.
HEADER_OF = {"device.h": "bus", "devicetree.h": "fdt", "fuse.h": "fuse-server",
             "virtio.h": "virtio-mmio"}
DEVICE_LAYER = "devices"
FUSE_API = "fuse.h"
MAX_UPWARD = 6

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(root):
    """The production C files: tracked *.c/*.h at the top level."""
    out = subprocess.run(["git", "-C", root, "ls-files", "*.c", "*.h"],
                         capture_output=True, text=True, check=True).stdout
    return sorted(f for f in out.split() if "/" not in f)


def layer_of(name):
    for rank, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatch(name, p) for p in patterns):
            return rank
    return None


def module_of(name):
    if any(fnmatch.fnmatch(name, p) for p in CPU_CORE):
        return "cpu"
    return HEADER_OF.get(name, os.path.splitext(name)[0])


def circles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def main():
    check = "--check" in sys.argv[1:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = sources(root)
    includes = {}
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8") as fh:
            includes[f] = [h for h in INCLUDE.findall(fh.read()) if h in files]
    problems = []

    unplaced = [f for f in files if layer_of(f) is None]
    for f in unplaced:
        problems.append(f"{f}: in no layer (add it to LAYERS in {sys.argv[0]})")

    edges = {}
    for f, hs in includes.items():
        for h in hs:
            a, b = module_of(f), module_of(h)
            if a != b:
                edges.setdefault(a, set()).add(b)
    cycles = circles(edges)
    for comp in cycles:
        problems.append("include circle: " + " <-> ".join(comp))

    def reach(f, seen):
        for h in includes.get(f, ()):
            if h not in seen:
                seen.add(h)
                reach(h, seen)
        return seen

    for f in files:
        if layer_of(f) is not None and LAYERS[layer_of(f)][0] == DEVICE_LAYER \
                and FUSE_API in reach(f, set()):
            problems.append(f"{f}: a device file that sees {FUSE_API}")

    upward = [(f, h) for f, hs in includes.items() for h in hs
              if None not in (layer_of(f), layer_of(h))
              and layer_of(f) < layer_of(h)]
    for f, h in upward:
        print(f"upward: {f} ({LAYERS[layer_of(f)][0]}) includes {h} "
              f"({LAYERS[layer_of(h)][0]})")
    if len(upward) > MAX_UPWARD:
        problems.append(f"{len(upward)} upward includes (at most {MAX_UPWARD})")

    for p in problems:
        print("layers: " + p)
    print(f"layers: {len(files)} files, {len(cycles)} circles, "
          f"{len(upward)} upward includes")
    return 1 if check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
