#!/usr/bin/env python3
"""The guest's view of a host file on a security=mapped share, from the
host side (tests/guest/run-fs-suite.sh semu-mapped):

  mapped-view.py stat FORMAT PATH   like stat -c (%a %u %g %F %t %T %s %h
                                    %i %Y %b), owner, mode and type mapped
  mapped-view.py readlink PATH      the target of a mapped symlink
  mapped-view.py raw PATH           the attribute as stored, or "none"

The attribute is user.containers.override_stat = "UID:GID:MODE:TYPE"
(README); a file without it shows as it is on the host."""
import os
import stat
import sys

ATTR = "user.containers.override_stat"
TYPES = {"file": stat.S_IFREG, "dir": stat.S_IFDIR, "symlink": stat.S_IFLNK,
         "pipe": stat.S_IFIFO, "socket": stat.S_IFSOCK,
         "block": stat.S_IFBLK, "char": stat.S_IFCHR}


def raw(path):
    try:
        return os.getxattr(path, ATTR, follow_symlinks=False).decode()
    except OSError:
        return None


def view(path):
    st = os.lstat(path)
    uid, gid, mode, rdev = st.st_uid, st.st_gid, st.st_mode, st.st_rdev
    value = raw(path)
    if value is not None:
        u, g, m, t = value.split(":", 3)
        kind, *dev = t.split("-")
        uid, gid, mode = int(u), int(g), TYPES[kind] | int(m, 8)
        rdev = os.makedev(int(dev[0]), int(dev[1])) if dev else 0
    return st, uid, gid, mode, rdev


def type_name(mode, size):
    if stat.S_ISREG(mode):
        return "regular empty file" if size == 0 else "regular file"
    return {stat.S_IFDIR: "directory", stat.S_IFLNK: "symbolic link",
            stat.S_IFIFO: "fifo", stat.S_IFSOCK: "socket",
            stat.S_IFBLK: "block special file",
            stat.S_IFCHR: "character special file"}[stat.S_IFMT(mode)]


def format_stat(fmt, path):
    st, uid, gid, mode, rdev = view(path)
    fields = {"a": "%o" % stat.S_IMODE(mode), "u": str(uid), "g": str(gid),
              "F": type_name(mode, st.st_size),
              "t": "%x" % os.major(rdev), "T": "%x" % os.minor(rdev),
              "s": str(st.st_size), "h": str(st.st_nlink),
              "i": str(st.st_ino), "Y": str(int(st.st_mtime)),
              "b": str(st.st_blocks)}
    out, i = "", 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            out += fields[fmt[i + 1]]
            i += 2
        else:
            out += fmt[i]
            i += 1
    return out


def main():
    cmd = sys.argv[1]
    if cmd == "stat":
        print(format_stat(sys.argv[2], sys.argv[3]))
    elif cmd == "readlink":
        path = sys.argv[2]
        if stat.S_ISLNK(view(path)[3]) and os.path.isfile(path):
            sys.stdout.write(open(path).read() + "\n")
        else:
            print(os.readlink(path))
    elif cmd == "raw":
        print(raw(sys.argv[2]) or "none")


try:
    main()
except (OSError, KeyError, ValueError, IndexError) as e:
    print("mapped-view: %s" % e, file=sys.stderr)
    sys.exit(1)
