#!/usr/bin/env bash
# The guest file-system suite on one platform (semu, semu-asan, semu-mapped,
# qemu or qemu-9p): prepare a share with fixtures, boot with
# semu.run="sh fs-suite.sh", change files on the host when the guest asks
# (the live-change handshake), then check on the host everything the guest
# claims to have done. Prints PASS/FAIL per host check, the guest's
# FAIL lines, and "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
platform=${1:?usage: run-fs-suite.sh semu|semu-asan|semu-mapped|semu-dax|qemu|qemu-9p}
dax=0
case "$platform" in *-dax) dax=1 ;; esac

fsops=$top/build/guest/fsops
need_built build/guest/fsops

# work/share is the share; work/canary and work itself must stay untouched.
work=$(mktemp -d /tmp/semu-fs-suite.XXXXXX)
share=$work/share
canary=$work/canary
logs=$work/logs
live_pid=
cleanup() {
    [ -n "$live_pid" ] && kill "$live_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$share/fixtures/live" "$canary" "$logs"

# xattrs: QEMU's virtiofsd serves them only with -o xattr.
xattr=1
if [ "$platform" = qemu ] && ! grep -q -- '-o xattr' "$top/scripts/qemu-ref.sh"; then
    xattr=0
    echo "NOTE: scripts/qemu-ref.sh runs virtiofsd without -o xattr:" \
        "the suite expects EOPNOTSUPP from setxattr instead of xattr support"
fi

# The big directory: 100,000 entries. QEMU's virtiofsd keeps an O_PATH
# descriptor for every inode the guest knows, so it needs more descriptors
# than that; where the hard RLIMIT_NOFILE is lower, QEMU gets a smaller
# directory (semu's device has to cope with the full one regardless).
# semu as an ordinary user (semu-mapped) cannot reopen node fds by file
# handle either, so it is in the same place.
bigdir=100000
if [ "$platform" = qemu -o "$platform" = semu-mapped ] &&
    [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 120000 ]; then
    bigdir=15000
    echo "NOTE: RLIMIT_NOFILE hard limit $(ulimit -Hn) is too low to hold" \
        "100000 node fds: the big directory has $bigdir on $platform"
fi

# --- fixtures ---------------------------------------------------------------
cp "$fsops" "$top/tests/guest/fs-suite.sh" "$share/"
fx=$share/fixtures
echo "canary content" >"$canary/canary.txt"
ln -s /etc/passwd "$fx/passwd-link"
ln -s "$canary/canary.txt" "$fx/canary-link"
ln -s ../../outside.txt "$fx/escape-rel"
echo "host utf8" >"$fx/ünïcödé-from-host.txt"
echo "x" >"$fx/xattr-host.txt"
[ "$xattr" = 1 ] &&
    python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.from-host", b"hostval")' \
        "$fx/xattr-host.txt"
mkdir "$fx/big-dir"
python3 - "$fx/big-dir" "$bigdir" <<'EOF'
import os, sys
d = sys.argv[1]
for i in range(int(sys.argv[2])):
    os.close(os.open(os.path.join(d, "f%06d" % i), os.O_CREAT | os.O_WRONLY, 0o644))
EOF
live=$fx/live
printf 'version 1\n' >"$live/inplace.txt"
printf 'short\n' >"$live/grow.txt"
printf '0123456789\n' >"$live/shrink.txt"
printf 'rename me\n' >"$live/to-rename.txt"
printf 'delete me\n' >"$live/to-delete.txt"
printf 'old inode\n' >"$live/replace.txt"

# semu-mapped: semu runs as nobody, which must own the share.
if [ "$platform" = semu-mapped ] && [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$work"
    chown -R 65534:65534 "$share"
fi

snapshot() {
    (cd "$work" && find . -path ./share -prune -o -path ./logs -prune -o \
        -printf '%p %y %m %s %T@\n' | sort && cat canary/canary.txt)
}
before=$(snapshot)

# The host side of the live-change handshake: once the guest holds its
# files open and says so, change them the ways editors and tools do.
host_changes() {
    while [ ! -e "$live/guest-ready" ]; do sleep 0.1; done
    printf 'version 2\n' | dd of="$live/inplace.txt" conv=notrunc status=none
    printf 'and longer\n' >>"$live/grow.txt"
    truncate -s 4 "$live/shrink.txt"
    mv "$live/to-rename.txt" "$live/renamed.txt"
    rm "$live/to-delete.txt"
    printf 'new inode\n' >"$live/replace.txt.new"
    mv "$live/replace.txt.new" "$live/replace.txt"
    printf 'created on host\n' >"$live/new-on-host.txt"
    touch "$live/host-done"
}
host_changes &
live_pid=$!

# ext4 keeps all of an inode's xattrs in one 4 KiB block; on a mapped share
# the mapping attribute takes about 70 bytes of it.
xattr_big=4000
[ "$platform" = semu-mapped ] && xattr_big=3900

# --- boot -------------------------------------------------------------------
# The guest's console log stays for reading after the run.
log=$top/build/guest/fs-suite-$platform.log
t_start=$(date +%s)
status=0
boot_guest "$platform" "$share" \
    "semu.run=\"FS_XATTR=$xattr FS_XATTR_BIG=$xattr_big FS_BIGDIR=$bigdir FS_DAX=$dax sh fs-suite.sh\"" \
    "$log" || status=$?
t_end=$(date +%s)
kill "$live_pid" 2>/dev/null
wait "$live_pid" 2>/dev/null
live_pid=
echo "guest ran for $((t_end - t_start)) s (boot included)"

expect_eq "$platform: guest suite exits 0 (its failure count)" 0 "$status"
summary_line=$(grep -a '^fs-suite: ' "$log" | tr -d '\r')
expect "$platform: guest suite ran to the end" test -n "$summary_line"
echo "guest: ${summary_line:-no summary line}"
guest_fail=$(grep -a '^FAIL ' "$log" | tr -d '\r')
if [ -n "$guest_fail" ]; then
    echo "guest failures:"
    printf '%s\n' "$guest_fail" | sed 's/^/  /'
fi
if [ -z "$summary_line" ]; then
    echo "--- last lines of the guest log"
    tail -n 40 "$log"
fi

# --- host-side checks of what the guest did ---------------------------------
o=$share/out
content() { cat "$o/$1" 2>/dev/null; }
fstat() { stat -c "$1" "$o/$2" 2>/dev/null; }
rlink() { readlink "$o/$1"; }
# On a mapped share the guest's view is in an attribute: read it there.
if [ "$platform" = semu-mapped ]; then
    view=$top/tests/guest/mapped-view.py
    fstat() { "$view" stat "$1" "$o/$2" 2>/dev/null; }
    rlink() { "$view" readlink "$o/$1"; }
fi
# absent PATH: PATH is gone while its directory exists.
absent() { [ -d "$(dirname "$o/$1")" ] && [ ! -e "$o/$1" ] && [ ! -L "$o/$1" ]; }
# bytes_eq NAME FILE PYTHON-BYTES-EXPR: exact bytes, including NULs.
bytes_eq() {
    expect "$1" python3 -c 'import sys
sys.exit(open(sys.argv[1], "rb").read() != eval(sys.argv[2]))' "$o/$2" "$3"
}
p=$platform

expect_eq "$p: create/append" "first line
second line" "$(content created.txt)"
expect_eq "$p: overwrite" short "$(content overwritten.txt)"
expect_eq "$p: O_EXCL file mode" 600 "$(fstat %a excl-new.txt)"
expect_eq "$p: O_TRUNC size" 0 "$(fstat %s otrunc.txt)"
bytes_eq "$p: O_APPEND content" appended.txt "b'HEad\ntail\n'"
bytes_eq "$p: pwrite content" pwrite.txt "b'hello WORLD\n' + bytes(8) + b'end'"
bytes_eq "$p: mmap content" mmap.txt "b'written through mmap'"
bytes_eq "$p: truncate up" trunc-up.bin "b'0123456789' + bytes(99990)"
expect_eq "$p: truncate down" 012 "$(content trunc-down.txt)"
bytes_eq "$p: ftruncate" ftrunc.txt "b'abcde' + bytes(8187)"
expect_eq "$p: 64 MiB file size" 67108864 "$(fstat %s big.bin)"
# The same pattern made on the host by a native build of fsops.
hostops=$logs/fsops-host
cc -O2 -o "$hostops" "$top/tests/guest/fsops.c" &&
    "$hostops" pattern "$logs/big-ref.bin" 64 20260101 >/dev/null
expect "$p: 64 MiB file content" cmp "$logs/big-ref.bin" "$o/big.bin"
rm -f "$logs/big-ref.bin"
expect "$p: mkdir -p and rmdir" \
    eval 'test -d "$o/d/a/b" && absent d/a/b/c'
expect_eq "$p: directory link count" 4 "$(fstat %h d/n)"
expect_eq "$p: rename over a file" one "$(content r/file2)"
expect "$p: rename source gone" absent r/file1
expect_eq "$p: rename across directories" moved "$(content r/dst/m.txt)"
expect_eq "$p: directory renamed with contents" deep \
    "$(content r/dst/tree-renamed/sub/deep.txt)"
expect "$p: renamed directory's old name gone" absent r/tree
expect_eq "$p: directory renamed over an empty one" in-full "$(content r/empty/f)"
expect_eq "$p: non-empty target directory kept" x "$(content r/full2/x)"
expect_eq "$p: RENAME_NOREPLACE kept the target" b "$(content r/nr-b)"
expect_eq "$p: RENAME_NOREPLACE to a new name" a "$(content r/nr-c)"
expect "$p: RENAME_NOREPLACE source gone" absent r/nr-a
expect_eq "$p: RENAME_EXCHANGE swapped files" "y x" \
    "$(content r/ex-x) $(content r/ex-y)"
expect "$p: RENAME_EXCHANGE swapped a file and a directory" \
    eval 'test -f "$o/r/ex-dir" && test -d "$o/r/ex-file"'
expect "$p: unlinked files gone" \
    eval 'absent unlinked.txt && absent open-unlinked.txt'
expect "$p: hard links share an inode" \
    test "$(fstat %i h2)" = "$(fstat %i h3)" -a -n "$(fstat %i h2)"
expect_eq "$p: hard link count" "2 2" "$(fstat %h h2) $(fstat %h h3)"
expect_eq "$p: hard link content" "linked
more" "$(content h3)"
expect "$p: unlinked hard link gone" absent h1
expect_eq "$p: relative symlink" target.txt "$(rlink rel-link)"
expect_eq "$p: absolute symlink" /mnt/out/target.txt "$(rlink abs-link)"
expect_eq "$p: dangling symlink" does-not-exist "$(rlink dangling)"
expect_eq "$p: 1000-byte symlink target" \
    "$(printf '%01000d' 0 | tr 0 x)" "$(rlink long-link)"
expect_eq "$p: /etc/passwd link read the guest's passwd" \
    "$(cat "$top/rootfs/passwd")" "$(content passwd-via-link.txt)"
expect "$p: ... not the host's" \
    test "$(content passwd-via-link.txt)" != "$(cat /etc/passwd)"
expect_eq "$p: nothing changed outside the share" "$before" "$(snapshot)"
expect "$p: no file written through the escaping symlink" \
    test ! -e "$work/outside.txt"
for m in 640 4755 2750 0; do
    expect_eq "$p: chmod $m" $m "$(fstat %a mode-$m)"
done
expect_eq "$p: sticky directory" 1777 "$(fstat %a sticky)"
expect_eq "$p: chown to another uid" 1234:5678 "$(fstat %u:%g owned)"
expect_eq "$p: chgrp" 0:4321 "$(fstat %u:%g grp)"
expect_eq "$p: touch -d" 981173106 "$(fstat %Y touched)"
expect_eq "$p: utimensat nanoseconds" "1000000000123456789 1234567890987654321" \
    "$(python3 -c 'import os, sys; s = os.stat(sys.argv[1]); print(s.st_atime_ns, s.st_mtime_ns)' "$o/utimes" 2>&1)"
expect_eq "$p: UTIME_OMIT kept mtime" "1333333333000000000 1222222222250000000" \
    "$(python3 -c 'import os, sys; s = os.stat(sys.argv[1]); print(s.st_atime_ns, s.st_mtime_ns)' "$o/utime-omit" 2>&1)"
for f in utime-now created.txt; do
    t=$(fstat %Y $f)
    expect "$p: $f mtime is the host's now" \
        test -n "$t" -a "${t:-0}" -ge $((t_start - 2)) -a "${t:-0}" -le $((t_end + 2))
done
if [ "$xattr" = 1 ]; then
    expect_eq "$p: xattrs on the host" \
        "[(b'user.bb', b'busybox'), (b'user.big', b'$(printf "%0${xattr_big}d" 7)'), (b'user.color', b'green')]" \
        "$(python3 -c 'import os, sys
f = sys.argv[1]
print(sorted((n.encode(), os.getxattr(f, n)) for n in os.listxattr(f) if n.startswith("user.") and n != "user.containers.override_stat"))' "$o/xattr.txt" 2>&1)"
    expect_eq "$p: directory xattr on the host" "b'yes'" \
        "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.dir"))' "$o/xattr-dir" 2>&1)"
fi
expect_eq "$p: fifos" "fifo fifo" "$(fstat %F fifo) $(fstat %F fifo2)"
expect_eq "$p: socket" socket "$(fstat %F sock)"
expect_eq "$p: device nodes on the host" \
    "character special file 1:3,block special file 7:c8,600" \
    "$(fstat '%F %t:%T' null-dev),$(fstat '%F %t:%T' loop-dev),$(fstat %a private-dev)"
expect_eq "$p: renamed device node" "character special file 1:5" \
    "$(fstat '%F %t:%T' zero-renamed)"
expect_eq "$p: sparse file size" 5368709129 "$(fstat %s sparse.bin)"
expect "$p: sparse file allocates at most 1 MiB" \
    test "$(fstat %b sparse.bin)" -le 2048
expect_eq "$p: sparse file tail data" tail-data \
    "$(tail -c 9 "$o/sparse.bin" 2>/dev/null)"
expect_eq "$p: truncated sparse file size" 6442450944 "$(fstat %s sparse-trunc.bin)"
expect_eq "$p: fallocate size" 1048576 "$(fstat %s falloc.bin)"
blocks=$(fstat %b falloc.bin)
expect "$p: fallocate blocks (2 MiB allocated, 512 KiB punched)" \
    test "${blocks:-0}" -ge 3072 -a "${blocks:-0}" -lt 4096
expect_eq "$p: busybox fallocate size" 2097152 "$(fstat %s falloc2.bin)"
expect "$p: copy_file_range copy" cmp -s "$o/cfr-src.bin" "$o/cfr-dst.bin"
expect_eq "$p: copy_file_range with offsets" 0123CDE789 "$(content cfr-part.txt)"
n255=$(printf '%0255d' 0 | tr 0 n)
expect_eq "$p: 255-byte name" 255 "$(content "$n255")"
expect_eq "$p: 255-byte UTF-8 name" é "$(content "$(printf '%0127d' 0 | sed 's/0/é/g')x")"
expect "$p: no 256-byte name" absent "${n255}n"
expect_eq "$p: UTF-8 and odd names" \
    "$(printf '%s\n' ' leading space' '-dash' 'Ελληνικά' 'back\slash' 'emoji-😀.txt' \
        'héllo wörld.txt' "quote'd" 'semi;colon' '日本語のファイル.txt' | LC_ALL=C sort)" \
    "$(ls -A "$o/utf8" | LC_ALL=C sort)"
for n in 'héllo wörld.txt' 'emoji-😀.txt' "quote'd" 'back\slash'; do
    expect_eq "$p: content of '$n'" "$n" "$(content "utf8/$n")"
done
bd=$share/fixtures/big-dir
expect_eq "$p: big directory after the guest's deletions" \
    $((bigdir - (bigdir + 99) / 100)) "$(ls "$bd" | wc -l)"
expect "$p: the guest deleted every 100th entry" \
    test ! -e "$bd/f000000" -a ! -e "$bd/f005300" -a -e "$bd/f005301"
expect "$p: guest signalled the live-change handshake" test -e "$live/guest-ready"
read -r hblocks hsize < <(stat -f -c '%b %S' "$share")
total=$((hblocks * hsize))
gstat=" $(content statfs.txt) "
gblocks=${gstat#* blocks=} gblocks=${gblocks%% *}
gfrsize=${gstat#* frsize=} gfrsize=${gfrsize%% *}
gtotal=none
[[ "$gblocks$gfrsize" =~ ^[0-9]+$ ]] && gtotal=$((gblocks * gfrsize))
expect_eq "$p: statfs total size matches the host" "$total" "$gtotal"
expect_eq "$p: fsync'd file" durable "$(content synced.txt)"
expect_eq "$p: sync'd file" "synced by sync" "$(content synced2.txt)"
expect_eq "$p: du of the tree matches the host" \
    "$(du -sk "$o/tree" 2>/dev/null | cut -f1)" "$(content du-tree.txt || echo none)"
tree_list() {
    (cd "$o/$1" && find . -printf '%p %y %m %s %l\n' | sort) || echo "no $1"
}
tree_times() {
    (cd "$o/$1" && find . ! -type d ! -type l -printf '%p %Ts\n' | sort |
        if [ "$platform" = semu-mapped ]; then # symlinks are files there
            while read -r f t; do
                "$view" raw "$f" | grep -q ':symlink$' || echo "$f $t"
            done
        else
            cat
        fi) || echo "no $1"
}
expect "$p: cp -a copy" diff -r "$o/tree" "$o/tree-copy"
expect "$p: find over the tree on the host" test "$(tree_list tree | wc -l)" -eq 11
expect_eq "$p: cp -a kept types, modes, sizes" "$(tree_list tree)" "$(tree_list tree-copy)"
expect_eq "$p: cp -a kept mtimes" "$(tree_times tree)" "$(tree_times tree-copy)"
expect "$p: tar round trip" diff -r "$o/tree" "$o/untar/tree"
expect_eq "$p: tar kept types, modes, sizes" "$(tree_list tree)" "$(tree_list untar/tree)"
expect_eq "$p: tar kept mtimes" "$(tree_times tree)" "$(tree_times untar/tree)"
expect_eq "$p: host tar reads the guest's archive" 1 \
    "$(tar -tf "$o/tree.tar" 2>&1 | grep -cx tree/a/b/three.txt)"
expect_eq "$p: mode 000 file written by root" "000 top secret
more" "$(fstat %a perm-000.txt | xargs printf '%03d') $(content perm-000.txt)"
expect_eq "$p: file created by uid 1000 is owned by 1000" "1000:1000 644" \
    "$(fstat '%u:%g %a' perm-shared/kept-1000.txt)"
expect "$p: uid 1000 could not create in a 755 root directory" absent perm-dir/x
expect "$p: owner unlinked its file in the sticky directory" \
    absent perm-shared/by-1000.txt
expect_eq "$p: script mode after chmod -x" 644 "$(fstat %a script.sh)"
expect_eq "$p: four guest processes' files" 400 "$(ls "$o/par" | grep -c '^m')"
expect_eq "$p: four guest processes' appends" "w2 line 99" \
    "$(tail -n 1 "$o/par/log-2" 2>&1)"
expect_eq "$p: flock-guarded counter" 100 "$(content par-counter)"

if [ "$platform" = semu-mapped ]; then
    # Whatever guest root did, the host holds plain files of semu's user.
    user=$(stat -c %u "$share")
    expect_eq "$p: host objects are semu's user's" "" \
        "$(find "$o" ! -user "$user" -printf '%p\n' | head -n 3)"
    expect_eq "$p: host holds only regular files and directories" "" \
        "$(find "$o" ! -type f ! -type d -printf '%p %y\n' | head -n 3)"
    expect_eq "$p: no setuid, setgid or sticky bit on the host" "" \
        "$(find "$o" -perm /7000 -printf '%p %m\n' | head -n 3)"
    expect_eq "$p: host modes 0600 and 0700" "" \
        "$(find "$o" \( -type f ! -perm 600 \) -o \( -type d ! -perm 700 \) \
            -printf '%p %m\n' | head -n 3)"
    expect_eq "$p: a device node's attribute" "0:0:0600:char-1-3" \
        "$("$view" raw "$o/private-dev")"
    expect_eq "$p: a setuid file's attribute" "0:0:4755:file" \
        "$("$view" raw "$o/mode-4755")"
fi

summary
