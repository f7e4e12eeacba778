# The guest file-system suite: runs inside Linux in the share's root
# (semu.run="sh fs-suite.sh", cwd /mnt) and exercises the common file
# operations on it. tests/guest/run-fs-suite.sh prepares fixtures/ and
# ./fsops (tests/guest/fsops.c), answers the live-change handshake, and
# checks on the host what this script leaves in out/.
#
# Prints "PASS NAME" or "FAIL NAME: detail" per check, then a count, as
# tests/lib.sh does (a BusyBox copy of it); the exit status is the number
# of failures (at most 255).
#
# Environment (from semu.run): FS_XATTR=0 when the server is known to run
# without xattr support (QEMU's virtiofsd without -o xattr): the xattr
# checks then only expect EOPNOTSUPP. FS_XATTR_BIG=N: the size of the big
# xattr value (default 4000). FS_BIGDIR=N: the big directory the
# runner made has N entries (default 100000). FS_DAX=1: the share must be
# mounted dax=always (file data then goes through the DAX window).
#
# Expected permissions: the guest kernel checks modes (virtiofs mounts with
# default_permissions), and the host side runs as root in the tests, so root
# in the guest reads and writes a mode 000 file while uid 1000 gets EACCES.

F=./fsops
nl='
'
passed=0
failed=0

ok() {
    passed=$((passed + 1))
    echo "PASS $1"
}

not_ok() {
    failed=$((failed + 1))
    echo "FAIL $1: $(printf '%s' "$2" | tr '\n' '|')"
}

# check NAME CMD...: passes when CMD succeeds.
check() {
    name=$1
    shift
    if "$@" >/dev/null 2>&1; then
        ok "$name"
    else
        not_ok "$name" "failed: $*"
    fi
}

# check_eq NAME WANT GOT
check_eq() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1" "got '$3', want '$2'"
    fi
}

# check_num NAME LEFT OP RIGHT: numeric test (-le, -ge, -gt...).
check_num() {
    if [ -n "$2" ] && [ "$2" "$3" "$4" ] 2>/dev/null; then
        ok "$1"
    else
        not_ok "$1" "got '$2', want $3 $4"
    fi
}

# Forget cached pages, dentries and inodes so that what follows goes
# through the device.
drop_caches() {
    sync
    echo 3 >/proc/sys/vm/drop_caches
}

# field NAME LINE: the value of NAME=value in a line of fsops output.
field() {
    printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# with_err VALUE FILE: VALUE, followed by FILE's first line if any.
with_err() {
    if [ -s "$2" ]; then
        echo "$1 (first error: $(head -n 1 "$2"))"
    else
        echo "$1"
    fi
}

section() {
    echo "# $1 ($(date +%s))"
}

basic() {
    if [ "${FS_DAX:-0}" = 1 ]; then
        check_eq dax-mount dax=always \
            "$(grep ' /mnt virtiofs ' /proc/mounts | grep -o dax=always)"
    fi
    section "create, read, write, append, overwrite"
    echo "first line" >out/created.txt
    drop_caches
    check_eq create-read "first line" "$(cat out/created.txt)"
    echo "second line" >>out/created.txt
    drop_caches
    check_eq append-shell "first line${nl}second line" "$(cat out/created.txt)"
    printf 'a much longer original content\n' >out/overwritten.txt
    printf 'short\n' >out/overwritten.txt
    drop_caches
    check_eq overwrite-content short "$(cat out/overwritten.txt)"
    check_eq overwrite-size 6 "$(stat -c %s out/overwritten.txt)"

    check_eq open-excl-existing "open: EEXIST" \
        "$($F open out/created.txt wronly,creat,excl)"
    check_eq open-excl-new "opened size=0" \
        "$($F open out/excl-new.txt wronly,creat,excl 0600)"
    check_eq open-excl-mode 600 "$(stat -c %a out/excl-new.txt)"
    check_eq open-missing "open: ENOENT" "$($F open out/missing.txt rdonly)"
    check_eq open-dir-for-write "open: EISDIR" "$($F open out wronly)"
    check_eq open-file-as-directory "open: ENOTDIR" \
        "$($F open out/created.txt rdonly,directory)"
    printf 'to be truncated\n' >out/otrunc.txt
    check_eq open-trunc "opened size=0" "$($F open out/otrunc.txt wronly,trunc)"
    drop_caches
    check_eq open-trunc-size 0 "$(stat -c %s out/otrunc.txt)"

    printf 'head\n' >out/appended.txt
    check_eq o-append-writes-at-end offset=10 \
        "$($F write out/appended.txt wronly,append "tail$nl")"
    check_eq write-without-append offset=2 \
        "$($F write out/appended.txt wronly HE)"
    drop_caches
    check_eq o-append-content "HEad${nl}tail" "$(cat out/appended.txt)"

    printf 'hello world\n' >out/pwrite.txt
    check_eq pwrite-middle "wrote 5" "$($F pwrite out/pwrite.txt 6 WORLD)"
    check_eq pwrite-past-end "wrote 3" "$($F pwrite out/pwrite.txt 20 end)"
    drop_caches
    check_eq pwrite-size 23 "$(stat -c %s out/pwrite.txt)"
    check_eq pread-middle WORLD "$($F pread out/pwrite.txt 6 5)"
    check_eq pread-gap-is-zeros '\x0a\x00\x00\x00\x00\x00\x00\x00\x00e' \
        "$($F pread out/pwrite.txt 11 10)"
    check_eq pread-past-end "" "$($F pread out/pwrite.txt 100 10)"

    check_eq mmap-write "mapped 20" "$($F mmap out/mmap.txt 'written through mmap')"
    drop_caches
    check_eq mmap-content "written through mmap" "$(cat out/mmap.txt)"
}

truncation() {
    section "truncate"
    printf '0123456789' >out/trunc-up.bin
    truncate -s 100000 out/trunc-up.bin
    drop_caches
    check_eq truncate-up-size 100000 "$(stat -c %s out/trunc-up.bin)"
    check_eq truncate-up-keeps-data 0123456789 "$(head -c 10 out/trunc-up.bin)"
    check_eq truncate-up-zero-fill 0 \
        "$(tail -c +11 out/trunc-up.bin | tr -d '\000' | wc -c)"
    printf '0123456789' >out/trunc-down.txt
    truncate -s 3 out/trunc-down.txt
    drop_caches
    check_eq truncate-down 012 "$(cat out/trunc-down.txt)"
    printf 'abcdefgh' >out/ftrunc.txt
    check_eq ftruncate-down size=5 "$($F ftruncate out/ftrunc.txt 5)"
    drop_caches
    check_eq ftruncate-down-content abcde "$(cat out/ftrunc.txt)"
    check_eq ftruncate-up size=8192 "$($F ftruncate out/ftrunc.txt 8192)"
    drop_caches
    check_eq ftruncate-up-size 8192 "$(stat -c %s out/ftrunc.txt)"
}

big_file() {
    section "64 MiB write and read"
    w=$($F pattern out/big.bin 64 20260101)
    check_eq big-write "wrote 67108864" "${w% sum=*}"
    drop_caches
    check_eq big-size 67108864 "$(stat -c %s out/big.bin)"
    r=$($F verify out/big.bin 64 20260101)
    check_eq big-read-back "match 67108864" "${r% sum=*}"
    check_eq big-checksum "${w#* sum=}" "${r#* sum=}"
}

directories() {
    section "directories"
    mkdir -p out/d/a/b/c/d
    drop_caches
    check mkdir-p test -d out/d/a/b/c/d
    check mkdir-existing-fails sh -c '! mkdir out/d/a'
    check_eq rmdir-not-empty "rmdir: ENOTEMPTY" "$($F rmdir out/d/a/b)"
    echo f >out/d/file
    check_eq rmdir-file "rmdir: ENOTDIR" "$($F rmdir out/d/file)"
    rmdir out/d/a/b/c/d out/d/a/b/c
    drop_caches
    check rmdir-removes sh -c '! test -e out/d/a/b/c && test -d out/d/a/b'
    mkdir out/d/n
    check_eq dir-nlink-empty 2 "$(stat -c %h out/d/n)"
    mkdir out/d/n/s1 out/d/n/s2
    drop_caches
    check_eq dir-nlink-subdirs 4 "$(stat -c %h out/d/n)"

    mkdir -p out/r/src out/r/dst
    echo one >out/r/file1
    echo two >out/r/file2
    mv out/r/file1 out/r/file2
    drop_caches
    check_eq rename-over-file one "$(cat out/r/file2)"
    check rename-source-gone sh -c '! test -e out/r/file1'
    echo moved >out/r/src/m.txt
    mv out/r/src/m.txt out/r/dst/m.txt
    drop_caches
    check_eq rename-across-dirs moved "$(cat out/r/dst/m.txt)"
    mkdir -p out/r/tree/sub
    echo deep >out/r/tree/sub/deep.txt
    mv out/r/tree out/r/dst/tree-renamed
    drop_caches
    check_eq rename-dir-across-dirs deep "$(cat out/r/dst/tree-renamed/sub/deep.txt)"
    check rename-dir-old-gone sh -c '! test -e out/r/tree'
    mkdir out/r/empty out/r/full
    echo in-full >out/r/full/f
    check_eq rename-dir-over-empty-dir renamed "$($F rename2 out/r/full out/r/empty none)"
    mkdir out/r/full2
    echo x >out/r/full2/x
    check_eq rename-dir-over-nonempty-dir "renameat2: ENOTEMPTY" \
        "$($F rename2 out/r/full2 out/r/empty none)"
    check_eq rename-dir-into-itself "renameat2: EINVAL" \
        "$($F rename2 out/r/full2 out/r/full2/sub none)"
    echo a >out/r/nr-a
    echo b >out/r/nr-b
    check_eq rename-noreplace-existing "renameat2: EEXIST" \
        "$($F rename2 out/r/nr-a out/r/nr-b noreplace)"
    check_eq rename-noreplace-new renamed "$($F rename2 out/r/nr-a out/r/nr-c noreplace)"
    echo x >out/r/ex-x
    echo y >out/r/ex-y
    check_eq rename-exchange renamed "$($F rename2 out/r/ex-x out/r/ex-y exchange)"
    mkdir out/r/ex-dir
    echo f >out/r/ex-file
    check_eq rename-exchange-file-dir renamed \
        "$($F rename2 out/r/ex-file out/r/ex-dir exchange)"
    check_eq rename-exchange-missing "renameat2: ENOENT" \
        "$($F rename2 out/r/ex-x out/r/no-such exchange)"
    drop_caches
    check_eq rename-noreplace-kept-target b "$(cat out/r/nr-b)"
    check_eq rename-noreplace-moved a "$(cat out/r/nr-c)"
    check_eq rename-exchanged "y x" "$(cat out/r/ex-x) $(cat out/r/ex-y)"
    check rename-exchanged-types sh -c 'test -d out/r/ex-file && test -f out/r/ex-dir'
    check_eq rename-exchanged-file-content f "$(cat out/r/ex-dir)"
    check_eq rename-dir-over-empty-content in-full "$(cat out/r/empty/f)"
}

unlinking() {
    section "unlink"
    echo gone >out/unlinked.txt
    rm out/unlinked.txt
    drop_caches
    check unlink-removes sh -c '! test -e out/unlinked.txt'
    check_eq unlink-missing "unlink: ENOENT" "$($F unlink out/unlinked.txt)"
    check_eq unlink-directory "unlink: EISDIR" "$($F unlink out/d)"
    echo "still readable" >out/open-unlinked.txt
    exec 3<out/open-unlinked.txt
    rm out/open-unlinked.txt
    drop_caches
    check_eq unlink-while-open "still readable" "$(cat <&3)"
    exec 3<&-
}

hard_links() {
    section "hard links"
    echo linked >out/h1
    ln out/h1 out/h2
    drop_caches
    check_eq link-count-2 "2 2" "$(stat -c %h out/h1) $(stat -c %h out/h2)"
    check_eq link-same-inode "$(stat -c %i out/h1)" "$(stat -c %i out/h2)"
    ln out/h2 out/h3
    drop_caches
    check_eq link-count-3 3 "$(stat -c %h out/h1)"
    rm out/h1
    echo more >>out/h3
    drop_caches
    check_eq link-count-after-unlink 2 "$(stat -c %h out/h2)"
    check_eq link-shared-content "linked${nl}more" "$(cat out/h2)"
    check link-to-directory-fails sh -c '! ln out/d out/dlink'
}

symlinks() {
    section "symlinks"
    echo target >out/target.txt
    ln -s target.txt out/rel-link
    ln -s /mnt/out/target.txt out/abs-link
    ln -s d/n out/dir-link
    ln -s does-not-exist out/dangling
    long=$(printf '%01000d' 0 | tr 0 x)
    ln -s "$long" out/long-link
    ln -s loop-b out/loop-a
    ln -s loop-a out/loop-b
    drop_caches
    check_eq readlink-relative target.txt "$(readlink out/rel-link)"
    check_eq readlink-absolute /mnt/out/target.txt "$(readlink out/abs-link)"
    check_eq readlink-long "$long" "$(readlink out/long-link)"
    check_eq symlink-relative-read target "$(cat out/rel-link)"
    check_eq symlink-absolute-read target "$(cat out/abs-link)"
    check symlink-to-dir test -d out/dir-link/s1
    check symlink-dangling sh -c 'test -L out/dangling && ! test -e out/dangling'
    check_eq symlink-loop "open: ELOOP" "$($F open out/loop-a rdonly)"
    check_eq symlink-lstat "type=symlink size=10" \
        "$(st=$($F stat out/rel-link) && echo "type=$(field type "$st") size=$(field size "$st")")"
    check_eq open-nofollow "open: ELOOP" "$($F open out/rel-link rdonly,nofollow)"

    # Links the host made: the guest resolves them in its own namespace.
    cat fixtures/passwd-link >out/passwd-via-link.txt 2>&1
    check_eq host-symlink-to-etc-passwd "$(cat /etc/passwd)" "$(cat fixtures/passwd-link)"
    check_eq host-absolute-symlink-stays-in-guest "" \
        "$(cat fixtures/canary-link 2>/dev/null)"
    (echo "written through escape-rel" >fixtures/escape-rel) 2>/dev/null
    check_eq relative-symlink-out-of-share-stays-in-guest \
        "written through escape-rel" "$(cat /outside.txt 2>/dev/null)"
    (echo "written through canary-link" >fixtures/canary-link) 2>/dev/null
}

modes() {
    section "chmod, chown"
    for m in 640 4755 2750 0; do
        echo "mode $m" >out/mode-$m
        chmod $m out/mode-$m
    done
    mkdir out/sticky
    chmod 1777 out/sticky
    echo owned >out/owned
    chown 1234:5678 out/owned
    echo grp >out/grp
    chgrp 4321 out/grp
    drop_caches
    for m in 640 4755 2750 0; do
        check_eq chmod-$m $m "$(stat -c %a out/mode-$m)"
    done
    check_eq chmod-sticky-dir 1777 "$(stat -c %a out/sticky)"
    check_eq chown 1234:5678 "$(stat -c %u:%g out/owned)"
    check_eq chgrp 0:4321 "$(stat -c %u:%g out/grp)"
}

timestamps() {
    section "timestamps"
    echo t >out/touched
    touch -d '2001-02-03 04:05:06' out/touched
    drop_caches
    check_eq touch-d 981173106 "$(stat -c %Y out/touched)"
    echo u >out/utimes
    check_eq utimensat-explicit \
        "atime=1000000000.123456789 mtime=1234567890.987654321" \
        "$($F utimes out/utimes 1000000000.123456789 1234567890.987654321)"
    drop_caches
    st=$($F stat out/utimes)
    check_eq utimensat-explicit-kept \
        "1000000000.123456789 1234567890.987654321" \
        "$(field atime "$st") $(field mtime "$st")"
    echo n >out/utime-now
    $F utimes out/utime-now 1000000000 1000000000 >/dev/null
    $F utimes out/utime-now now now >/dev/null
    drop_caches
    st=$($F stat out/utime-now)
    check_num utime-now-sets-mtime "$(field mtime "$st" | cut -d. -f1)" -gt 1000000000
    check_num utime-now-sets-atime "$(field atime "$st" | cut -d. -f1)" -gt 1000000000
    echo o >out/utime-omit
    $F utimes out/utime-omit 1111111111.5 1222222222.25 >/dev/null
    $F utimes out/utime-omit 1333333333 omit >/dev/null
    drop_caches
    st=$($F stat out/utime-omit)
    check_eq utime-omit-keeps-mtime "1333333333.000000000 1222222222.250000000" \
        "$(field atime "$st") $(field mtime "$st")"
}

xattrs() {
    section "extended attributes"
    echo x >out/xattr.txt
    if [ "${FS_XATTR:-1}" = 0 ]; then
        echo "# xattrs: the server runs without xattr support (FS_XATTR=0)"
        check_eq xattr-unsupported "setxattr: EOPNOTSUPP" \
            "$($F setxattr out/xattr.txt user.color blue)"
        return
    fi
    check_eq setxattr set "$($F setxattr out/xattr.txt user.color blue)"
    drop_caches
    check_eq getxattr blue "$($F getxattr out/xattr.txt user.color)"
    check_eq getxattr-size size=4 "$($F getxattr out/xattr.txt user.color 0)"
    check_eq getxattr-erange "getxattr: ERANGE" \
        "$($F getxattr out/xattr.txt user.color 2)"
    check_eq getxattr-missing "getxattr: ENODATA" \
        "$($F getxattr out/xattr.txt user.none)"
    check_eq setxattr-create-existing "setxattr: EEXIST" \
        "$($F setxattr out/xattr.txt user.color red create)"
    check_eq setxattr-replace-missing "setxattr: ENODATA" \
        "$($F setxattr out/xattr.txt user.none v replace)"
    check_eq setxattr-replace set "$($F setxattr out/xattr.txt user.color green replace)"
    check setfattr-busybox setfattr -n user.bb -v busybox out/xattr.txt
    n=${FS_XATTR_BIG:-4000}
    big=$(printf "%0${n}d" 7)
    check_eq setxattr-$n-bytes set "$($F setxattr out/xattr.txt user.big "$big")"
    $F setxattr out/xattr.txt user.temp temporary >/dev/null
    drop_caches
    check_eq getxattr-$n-bytes "$big" "$($F getxattr out/xattr.txt user.big)"
    check_eq listxattr "user.bb user.big user.color user.temp" \
        "$($F listxattr out/xattr.txt | grep '^user\.' | tr '\n' ' ' | sed 's/ $//')"
    check_eq listxattr-erange "listxattr: ERANGE" "$($F listxattr out/xattr.txt 1)"
    check_eq removexattr removed "$($F removexattr out/xattr.txt user.temp)"
    check_eq removexattr-missing "removexattr: ENODATA" \
        "$($F removexattr out/xattr.txt user.temp)"
    drop_caches
    check_eq removexattr-gone "getxattr: ENODATA" "$($F getxattr out/xattr.txt user.temp)"
    check_eq getxattr-after-replace green "$($F getxattr out/xattr.txt user.color)"
    mkdir out/xattr-dir
    check_eq setxattr-dir set "$($F setxattr out/xattr-dir user.dir yes)"
    check_eq getxattr-dir yes "$($F getxattr out/xattr-dir user.dir)"
    check_eq getxattr-set-by-host hostval "$($F getxattr fixtures/xattr-host.txt user.from-host)"
}

special_files() {
    section "fifo and socket"
    check_eq mknod-fifo-roundtrip "fifo: through the fifo" "$($F fifo out/fifo)"
    mkfifo out/fifo2
    check_eq socket-bind-connect "socket: ping" "$($F socket out/sock)"
    drop_caches
    check_eq fifo-type fifo "$(field type "$($F stat out/fifo)")"
    check_eq mkfifo-type fifo "$(field type "$($F stat out/fifo2)")"
    check_eq socket-type socket "$(field type "$($F stat out/sock)")"
}

device_nodes() {
    section "device nodes"
    mknod out/null-dev c 1 3
    mknod out/zero-dev c 1 5
    mknod out/loop-dev b 7 200
    mknod -m 600 out/private-dev c 1 3
    drop_caches
    check_eq mknod-chr "character special file 1 3" \
        "$(stat -c '%F %t %T' out/null-dev)"
    check_eq mknod-blk "block special file 7 c8" \
        "$(stat -c '%F %t %T' out/loop-dev)"
    check_eq mknod-mode 600 "$(stat -c %a out/private-dev)"
    # The guest's own drivers serve them, not the host's.
    check write-guest-null sh -c 'echo data >out/null-dev'
    check_eq read-guest-null "" "$(cat out/null-dev)"
    check_eq read-guest-zero 00000000 \
        "$(head -c 4 out/zero-dev | od -An -tx1 | tr -d ' \n')"
    ln out/null-dev out/null-link
    check_eq device-hard-link "2 character special file" \
        "$(stat -c '%h %F' out/null-link)"
    mv out/zero-dev out/zero-renamed
    check_eq device-rename "character special file 1 5" \
        "$(stat -c '%F %t %T' out/zero-renamed)"
    check rm-device rm out/null-link
}

sparse() {
    section "sparse files over 4 GiB"
    g5=5368709120
    check_eq sparse-pwrite-5g "wrote 9" "$($F pwrite out/sparse.bin $g5 tail-data)"
    drop_caches
    check_eq sparse-size 5368709129 "$(stat -c %s out/sparse.bin)"
    check_eq sparse-seek-data $g5 "$($F seek out/sparse.bin data 0)"
    check_eq sparse-seek-hole 0 "$($F seek out/sparse.bin hole 0)"
    check_eq sparse-seek-hole-at-eof 5368709129 "$($F seek out/sparse.bin hole $g5)"
    check_eq sparse-seek-data-past-eof "lseek: ENXIO" \
        "$($F seek out/sparse.bin data 5368709129)"
    check_eq sparse-read-hole '\x00\x00\x00\x00' "$($F pread out/sparse.bin 4294967294 4)"
    check_eq sparse-read-tail tail-data "$($F pread out/sparse.bin $g5 100)"
    check_num sparse-du-small "$(du -k out/sparse.bin | cut -f1)" -le 1024
    truncate -s 6G out/sparse-trunc.bin
    drop_caches
    check_eq sparse-truncate-6g 6442450944 "$(stat -c %s out/sparse-trunc.bin)"
    check_num sparse-truncate-du "$(du -k out/sparse-trunc.bin | cut -f1)" -le 64
}

preallocation() {
    section "fallocate"
    r=$($F fallocate out/falloc.bin alloc 0 1048576)
    check_eq fallocate-size 1048576 "$(field size "$r")"
    check_num fallocate-blocks "$(field blocks "$r")" -ge 2048
    r=$($F fallocate out/falloc.bin keep 1048576 1048576)
    check_eq fallocate-keep-size 1048576 "$(field size "$r")"
    check_num fallocate-keep-size-blocks "$(field blocks "$r")" -ge 4096
    $F pwrite out/falloc.bin 0 XXXX >/dev/null
    before=$(field blocks "$r")
    r=$($F fallocate out/falloc.bin punch 0 524288)
    check_eq fallocate-punch-size 1048576 "$(field size "$r")"
    check_num fallocate-punch-frees "$(field blocks "$r")" -le $((before - 1024))
    drop_caches
    check_eq fallocate-punch-zeros '\x00\x00\x00\x00' "$($F pread out/falloc.bin 0 4)"
    fallocate -l 2097152 out/falloc2.bin
    drop_caches
    check_eq fallocate-busybox 2097152 "$(stat -c %s out/falloc2.bin)"
}

copy_range() {
    section "copy_file_range"
    dd if=/dev/urandom of=out/cfr-src.bin bs=65536 count=16 2>/dev/null
    check_eq copy-file-range "copied 1048576" "$($F copy out/cfr-src.bin out/cfr-dst.bin)"
    drop_caches
    check copy-file-range-same cmp out/cfr-src.bin out/cfr-dst.bin
    printf ABCDEFGHIJ >out/cfr-letters.txt
    printf 0123456789 >out/cfr-part.txt
    check_eq copy-file-range-offsets "copied 3" \
        "$($F copy out/cfr-letters.txt out/cfr-part.txt 2 4 3)"
    drop_caches
    check_eq copy-file-range-offsets-content 0123CDE789 "$(cat out/cfr-part.txt)"
}

names() {
    section "long and non-ASCII names"
    n255=$(printf '%0255d' 0 | tr 0 n)
    n256=$(printf '%0256d' 0 | tr 0 n)
    e255=$(printf '%0127d' 0 | sed 's/0/é/g')x
    echo 255 >"out/$n255"
    echo é >"out/$e255"
    drop_caches
    check_eq name-255 255 "$(cat "out/$n255")"
    check_eq name-255-listed 1 "$(ls out | grep -c "^$n255\$")"
    check_eq name-255-bytes-utf8 é "$(cat "out/$e255")"
    check_eq name-256-create "open: ENAMETOOLONG" "$($F open "out/$n256" wronly,creat)"
    check_eq name-256-lookup "open: ENAMETOOLONG" "$($F open "out/$n256" rdonly)"
    check name-256-mkdir sh -c "! mkdir out/$n256"
    mkdir out/utf8
    for n in 'héllo wörld.txt' '日本語のファイル.txt' 'emoji-😀.txt' 'Ελληνικά' \
        '-dash' "quote'd" 'back\slash' 'semi;colon' ' leading space'; do
        echo "$n" >"out/utf8/$n"
    done
    drop_caches
    for n in 'héllo wörld.txt' '日本語のファイル.txt' 'emoji-😀.txt' 'Ελληνικά' \
        '-dash' "quote'd" 'back\slash' 'semi;colon' ' leading space'; do
        check_eq "name-read:$n" "$n" "$(cat "out/utf8/$n")"
    done
    check_eq names-listed 9 "$(ls out/utf8 | wc -l)"
    check_eq utf8-name-from-host "host utf8" "$(cat 'fixtures/ünïcödé-from-host.txt')"
}

big_directory() {
    n=${FS_BIGDIR:-100000}
    section "$n-entry directory"
    d=fixtures/big-dir
    last=$(printf 'f%06d' $((n - 1)))
    kept=$((n - (n + 99) / 100))
    # Two passes stat every entry (ls, find); the others only read the
    # directory. Errors (one a name) go to a file; the first one is shown.
    drop_caches
    ls $d >/tmp/bigdir.ls 2>/tmp/bigdir.err
    check_eq bigdir-ls-count $n "$(with_err "$(wc -l </tmp/bigdir.ls)" /tmp/bigdir.err)"
    check_eq bigdir-no-duplicates 0 "$(uniq -d /tmp/bigdir.ls | wc -l)"
    check_eq bigdir-first-last "f000000 $last" \
        "$(sed -n '1p;$p' /tmp/bigdir.ls | tr '\n' ' ' | sed 's/ $//')"
    rm /tmp/bigdir.ls
    check_eq bigdir-find-count $n \
        "$(with_err "$(find $d -type f 2>/tmp/bigdir.err | wc -l)" /tmp/bigdir.err)"
    rm /tmp/bigdir.err
    drop_caches
    r=$($F listdel $d f $n 100)
    echo "# listdel: $r"
    check_eq bigdir-delete-while-listing \
        "deleted=$((n - kept)) duplicates=0 missing=0 unknown=0" \
        "$(echo "$r" | sed 's/^listed=[0-9]* //')"
    drop_caches
    check_eq bigdir-count-after-delete $kept "$($F count $d)"
    check bigdir-deleted-gone sh -c "! test -e $d/f000000 && ! test -e $d/f000100"
    check bigdir-kept-present sh -c "test -e $d/f000001 && test -e $d/$last"
    # Let the guest forget the entries (and the server its handles).
    drop_caches
}

live_changes() {
    section "files changed by the host"
    r=$($F live fixtures/live 20)
    printf '%s\n' "$r" | grep -v '^PASS \|^FAIL ' | sed 's/^/# /'
    passed=$((passed + $(printf '%s\n' "$r" | grep -c '^PASS ')))
    failed=$((failed + $(printf '%s\n' "$r" | grep -c '^FAIL ')))
    printf '%s\n' "$r" | grep '^PASS \|^FAIL '
    check_num live-checks-ran "$(printf '%s\n' "$r" | grep -c '^PASS \|^FAIL ')" -ge 9
    check_eq live-listing "grow.txt inplace.txt new-on-host.txt renamed.txt replace.txt shrink.txt" \
        "$(ls fixtures/live | grep -v '^guest-ready$\|^host-done$' | tr '\n' ' ' | sed 's/ $//')"
}

fs_stats() {
    section "statfs, sync"
    size=$(df -k /mnt | tail -n 1 | awk '{print $2}')
    check_num df-size "$size" -gt 0
    r=$($F statfs /mnt)
    echo "$r" >out/statfs.txt
    check_num statfs-blocks "$(field blocks "$r")" -gt 0
    check_num statfs-bsize "$(field bsize "$r")" -gt 0
    check_eq statfs-namelen 255 "$(field namelen "$r")"
    if [ "$(awk '$2 == "/mnt" { print $3 }' /proc/mounts)" = virtiofs ]; then
        check_eq statfs-fuse-magic 0x65735546 "$(field type "$r")"
    fi
    check_eq fsync-fdatasync "synced 7" "$($F sync out/synced.txt durable)"
    # sync(2) reports nothing; the host checks the content afterwards.
    echo "synced by sync" >out/synced2.txt
    sync
    check fsync-busybox fsync out/synced2.txt
}

trees() {
    section "find, du, cp -a, tar"
    mkdir -p out/tree/a/b out/tree/c out/tree/empty
    echo one >out/tree/one.txt
    echo two >out/tree/a/two.txt
    echo three >out/tree/a/b/three.txt
    echo data >out/tree/c/data.bin
    dd if=/dev/urandom of=out/tree/c/random.bin bs=1024 count=100 2>/dev/null
    ln -s ../one.txt out/tree/a/link-to-one
    chmod 750 out/tree/a
    chmod 600 out/tree/c/data.bin
    touch -d '2010-01-01 00:00:00' out/tree/one.txt
    drop_caches
    check_eq find-all 11 "$(find out/tree | wc -l)"
    check_eq find-txt 3 "$(find out/tree -type f -name '*.txt' | wc -l)"
    check_eq find-symlinks 1 "$(find out/tree -type l | wc -l)"
    check_eq find-dirs 5 "$(find out/tree -type d | wc -l)"
    check_eq find-newer out/tree/one.txt "$(find out/tree -type f ! -newer out/tree/one.txt)"
    du=$(du -sk out/tree | cut -f1)
    echo "$du" >out/du-tree.txt
    check_num du-tree "$du" -ge 100

    cp -a out/tree out/tree-copy
    drop_caches
    check cp-a-same-content diff -r out/tree out/tree-copy
    check_eq cp-a-mode 750 "$(stat -c %a out/tree-copy/a)"
    check_eq cp-a-mtime 1262304000 "$(stat -c %Y out/tree-copy/one.txt)"
    check_eq cp-a-symlink ../one.txt "$(readlink out/tree-copy/a/link-to-one)"

    tar -cf out/tree.tar -C out tree
    mkdir out/untar
    tar -xf out/tree.tar -C out/untar
    drop_caches
    check tar-roundtrip diff -r out/tree out/untar/tree
    check_eq tar-mode 600 "$(stat -c %a out/untar/tree/c/data.bin)"
    check_eq tar-mtime 1262304000 "$(stat -c %Y out/untar/tree/one.txt)"
    check_eq tar-symlink ../one.txt "$(readlink out/untar/tree/a/link-to-one)"
}

concurrency() {
    section "several processes at once"
    mkdir out/par
    echo 0 >out/par-counter
    for w in 1 2 3 4; do : >out/par/log-$w; done
    for w in 1 2 3 4; do
        (
            i=0
            while [ $i -lt 100 ]; do
                echo "w$w f$i" >out/par/w$w-$i
                echo "w$w line $i" >>out/par/log-$w
                mv out/par/w$w-$i out/par/m$w-$i
                i=$((i + 1))
            done
            # flock(2) stays in the guest: it still excludes guest processes.
            i=0
            while [ $i -lt 25 ]; do
                flock out/par-counter.lock sh -c \
                    'n=$(cat out/par-counter); echo $((n + 1)) >out/par-counter'
                i=$((i + 1))
            done
        ) &
    done
    # A reader listing the directory while it changes.
    (
        j=0
        while [ $j -lt 50 ]; do
            set -- out/par/*
            [ -e out/par/log-1 ] || echo "log-1 gone" >>out/par-errors
            j=$((j + 1))
        done
    ) &
    wait
    drop_caches
    check_eq par-renamed-files 400 "$(ls out/par | grep -c '^m')"
    check_eq par-no-old-names 0 "$(ls out/par | grep -c '^w')"
    check_eq par-appends "100 100 100 100" \
        "$(for w in 1 2 3 4; do wc -l <out/par/log-$w; done | tr '\n' ' ' | sed 's/ $//')"
    check_eq par-content "w3 f57" "$(cat out/par/m3-57)"
    check_eq par-flock-counter 100 "$(cat out/par-counter)"
    check par-reader-saw-no-gap test ! -e out/par-errors
}

permissions() {
    section "permissions"
    printf 'top secret\n' >out/perm-000.txt
    chmod 000 out/perm-000.txt
    drop_caches
    check_eq perm-root-reads-000 "top secret" "$(cat out/perm-000.txt)"
    check root-writes-000 sh -c 'echo more >>out/perm-000.txt'
    check_eq perm-user-reads-000 "open: EACCES" "$($F as 1000 1000 open out/perm-000.txt rdonly)"
    echo public >out/perm-644.txt
    chmod 644 out/perm-644.txt
    check_eq perm-user-reads-644 "opened size=7" "$($F as 1000 1000 open out/perm-644.txt rdonly)"
    check_eq perm-user-writes-644 "open: EACCES" "$($F as 1000 1000 open out/perm-644.txt wronly)"
    mkdir out/perm-dir
    chmod 755 out/perm-dir
    check_eq perm-user-creates-in-755 "open: EACCES" \
        "$($F as 1000 1000 open out/perm-dir/x wronly,creat)"
    mkdir out/perm-shared
    chmod 1777 out/perm-shared
    check_eq perm-user-creates-in-1777 "opened size=0" \
        "$($F as 1000 1000 open out/perm-shared/by-1000.txt wronly,creat)"
    drop_caches
    check_eq perm-created-owner 1000:1000 "$(stat -c %u:%g out/perm-shared/by-1000.txt)"
    check_eq perm-sticky-protects "unlink: EPERM" \
        "$($F as 1001 1001 unlink out/perm-shared/by-1000.txt)"
    check_eq perm-owner-unlinks-in-sticky unlinked \
        "$($F as 1000 1000 unlink out/perm-shared/by-1000.txt)"
    check_eq perm-user-creates-again "opened size=0" \
        "$($F as 1000 1000 open out/perm-shared/kept-1000.txt wronly,creat)"
    printf '#!/bin/sh\necho ran from the share\n' >out/script.sh
    chmod 755 out/script.sh
    check_eq exec-script "ran from the share" "$(./out/script.sh 2>&1)"
    chmod 644 out/script.sh
    drop_caches
    check exec-without-x-fails sh -c '! ./out/script.sh'
}

mkdir out || {
    echo "FAIL setup: cannot create out/"
    exit 1
}
umask 022
basic
truncation
big_file
directories
unlinking
hard_links
symlinks
modes
timestamps
xattrs
special_files
device_nodes
sparse
preallocation
copy_range
names
big_directory
live_changes
fs_stats
trees
concurrency
permissions
echo "# done ($(date +%s))"
echo "fs-suite: $passed passed, $failed failed"
[ "$failed" -gt 255 ] && exit 255
exit "$failed"
