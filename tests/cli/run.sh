#!/usr/bin/env bash
# Command-line tests: bad input gets one line on stderr and a non-zero
# exit, never a crash or a sanitizer report.
#   tests/cli/run.sh ./semu [build/semu-asan ...]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A RISC-V Linux Image header: magic, image_size, optional EFI/PE header
# whose one section claims bytes [0x1000, 0x9000) of the file.
make_image() { # make_image FILE IMAGE_SIZE FILE_SIZE [pe]
    python3 - "$@" <<'PY'
import struct, sys
path, image_size, file_size = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
pe = len(sys.argv) > 4
d = bytearray(max(file_size, 0x200))
struct.pack_into('<I', d, 0, 0x0000006f)     # j . (never run)
struct.pack_into('<Q', d, 0x10, image_size)
d[0x38:0x3c] = b'RSC\x05'
if pe:
    d[0:2] = b'MZ'
    struct.pack_into('<I', d, 0x3c, 0x40)
    d[0x40:0x44] = b'PE\0\0'
    struct.pack_into('<H', d, 0x46, 1)       # one section
    struct.pack_into('<H', d, 0x54, 0)       # no optional header
    struct.pack_into('<II', d, 0x58 + 16, 0x8000, 0x1000)
open(path, 'wb').write(d[:file_size])
PY
}

make_image "$tmp/good.Image" 0x10000 0x9000 pe
make_image "$tmp/truncated.Image" 0x10000 0x2000 pe
make_image "$tmp/big.Image" $((64 << 20)) 0x1000
make_image "$tmp/badsize.Image" 0x100 0x1000
head -c 40 "$tmp/good.Image" >"$tmp/short.Image"
head -c 8192 /dev/urandom >"$tmp/garbage.Image"
: >"$tmp/empty"
head -c 4096 /dev/urandom >"$tmp/garbage.dtb"
truncate -s 24M "$tmp/big.cpio"
mkdir -p "$tmp/share"
# Firmware that reports exit status 5 through the finisher:
# lui t0, 0x100; lui t1, 0x53; addi t1, t1, 0x333; sw t1, 0(t0); j .
printf '%08x' 0x001002b7 0x00053337 0x33330313 0x0062a023 0x0000006f |
    python3 -c 'import sys; d = sys.stdin.read()
sys.stdout.buffer.write(b"".join(int(d[i:i + 8], 16).to_bytes(4, "little")
                                 for i in range(0, len(d), 8)))' \
    >"$tmp/exit5.bin"

# bad NAME EXPECT_IN_MESSAGE ARGS...: exits non-zero (not by a signal or
# sanitizer abort) with exactly one line on stderr containing the text.
bad() {
    local name=$1 want=$2
    shift 2
    timeout 20 "$semu" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    local rc=$? lines
    lines=$(wc -l <"$tmp/err")
    if [ $rc -eq 0 ] || [ $rc -ge 124 ]; then
        fail "$name: exit status $rc"
    elif [ "$lines" -ne 1 ]; then
        fail "$name: $lines lines on stderr: $(head -c 300 "$tmp/err")"
    elif ! grep -q -- "$want" "$tmp/err"; then
        fail "$name: '$want' not in: $(cat "$tmp/err")"
    elif [ -s "$tmp/out" ]; then
        fail "$name: wrote to stdout"
    else
        pass "$name ($(cat "$tmp/err"))"
    fi
}

for semu in "$@"; do
    echo "== $semu"
    timeout 20 "$semu" --help </dev/null >"$tmp/out" 2>&1
    rc=$?
    expect_eq "--help exits 0" 0 $rc
    expect "--help shows usage" grep -q -- "-k, --kernel" "$tmp/out"

    bad "no arguments" "nothing to run"
    bad "--jit maybe" "--jit maybe: give on or off" --jit maybe \
        -k "$tmp/good.Image"
    timeout 20 "$semu" --jit maybe -k "$tmp/good.Image" </dev/null \
        >/dev/null 2>&1
    expect_eq "--jit maybe exits 2" 2 $?
    bad "--jit without a value" "missing argument" --jit
    timeout 20 "$semu" --jit off --bios "$tmp/exit5.bin" </dev/null \
        >"$tmp/out" 2>&1
    expect_eq "--jit off runs the guest (its exit status)" 5 $?
    bad "unknown option" "unknown option" -k "$tmp/good.Image" --frobnicate
    bad "unknown short option" "unknown option" -z -k "$tmp/good.Image"
    bad "stray argument" "unexpected argument" -k "$tmp/good.Image" extra
    bad "-k without a file" "missing argument" -k
    bad "missing kernel" "No such file" -k "$tmp/nope"
    bad "kernel is a directory" "not a regular file" -k "$tmp"
    bad "empty kernel" "not a RISC-V Linux Image" -k "$tmp/empty"
    bad "garbage kernel" "not a RISC-V Linux Image" -k "$tmp/garbage.Image"
    bad "header cut short" "not a RISC-V Linux Image" -k "$tmp/short.Image"
    bad "truncated kernel" "truncated" -k "$tmp/truncated.Image"
    bad "image_size below file size" "corrupt" -k "$tmp/badsize.Image"
    bad "kernel too big for RAM" "kernel too big" -m 32 -k "$tmp/big.Image"
    bad "initrd too big for RAM" "initrd too big" -m 16 \
        -k "$tmp/good.Image" -i "$tmp/big.cpio"
    bad "missing initrd" "No such file" -k "$tmp/good.Image" -i "$tmp/nope"
    bad "empty initrd" "empty initrd" -k "$tmp/good.Image" -i "$tmp/empty"
    bad "missing dtb" "No such file" -k "$tmp/good.Image" -b "$tmp/nope"
    bad "garbage dtb" "not a valid device tree" -k "$tmp/good.Image" \
        -b "$tmp/garbage.dtb"
    if [ "$(id -u)" -ne 0 ]; then
        cp "$top/build/minimal.dtb" "$tmp/locked.dtb"
        chmod 000 "$tmp/locked.dtb"
        bad "unreadable dtb" "Permission denied" -k "$tmp/good.Image" \
            -b "$tmp/locked.dtb"
    fi
    bad "missing firmware" "No such file" --bios "$tmp/nope"
    bad "empty firmware" "empty firmware" --bios "$tmp/empty"
    bad "firmware overlaps kernel" "overlaps the kernel" \
        --bios "$tmp/big.cpio" -k "$tmp/good.Image"
    bad "-m 0" "-m: out of range (1 to 16384 MiB)" -m 0 -k "$tmp/good.Image"
    bad "huge -m" "-m: out of range (1 to 16384 MiB)" -m 99999999 -k "$tmp/good.Image"
    bad "-m overflow" "-m: " -m 999999999999999999999999 -k "$tmp/good.Image"
    bad "-m trailing garbage" "-m: not a number" -m 64M -k "$tmp/good.Image"
    bad "-m negative" "-m: not a number" -m -5 -k "$tmp/good.Image"
    bad "-c 0" "-c: out of range (1 to 8 harts)" -c 0 -k "$tmp/good.Image"
    bad "-c 9" "-c: out of range (1 to 8 harts)" -c 9 -k "$tmp/good.Image"
    bad "-c empty" "-c: not a number" -c "" -k "$tmp/good.Image"
    bad "-c trailing garbage" "-c: not a number" -c 2x -k "$tmp/good.Image"
    bad "missing share dir" "$tmp/nope" -k "$tmp/good.Image" -s "$tmp/nope"
    bad "share is a file" "$tmp/empty" -k "$tmp/good.Image" -s "$tmp/empty"
    bad "share without a directory" "missing directory" \
        -k "$tmp/good.Image" -s ",tag=x"
    bad "empty share" "missing directory" -k "$tmp/good.Image" -s ""
    bad "',,' is a comma in the share path" "$tmp/no,pe:" \
        -k "$tmp/good.Image" -s "$tmp/no,,pe,ro"
    bad "a trailing comma is an empty option" "unknown option ''" \
        -k "$tmp/good.Image" -s "$tmp/share,"
    bad "duplicate tag" "used twice" -k "$tmp/good.Image" \
        -s "$tmp/share" -s "$tmp/share"
    bad "duplicate named tag" "used twice" -k "$tmp/good.Image" \
        -s "$tmp/share,tag=a" -s "$tmp/share,tag=a"
    bad "bad share option" "unknown option 'rw'" -k "$tmp/good.Image" \
        -s "$tmp/share,rw"
    bad "bad cache mode" "unknown option 'cache=sometimes'" \
        -k "$tmp/good.Image" -s "$tmp/share,cache=sometimes"
    bad "tag given twice" "option 'tag' given twice" -k "$tmp/good.Image" \
        -s "$tmp/share,tag=a,tag=b"
    bad "ro given twice" "option 'ro' given twice" -k "$tmp/good.Image" \
        -s "$tmp/share,ro,ro"
    bad "cache given twice" "option 'cache' given twice" \
        -k "$tmp/good.Image" -s "$tmp/share,cache=never,cache=always"
    bad "bad security model" "unknown security model 'none'" \
        -k "$tmp/good.Image" -s "$tmp/share,security=none"
    bad "empty security model" "unknown security model ''" \
        -k "$tmp/good.Image" -s "$tmp/share,security="
    bad "security given twice" "option 'security' given twice" \
        -k "$tmp/good.Image" \
        -s "$tmp/share,security=passthrough,security=passthrough"
    bad "empty tag" "tag" -k "$tmp/good.Image" -s "$tmp/share,tag="
    bad "tag too long" "tag" -k "$tmp/good.Image" \
        -s "$tmp/share,tag=$(printf 'x%.0s' $(seq 40))"
    bad "root share without /init" "init is not an executable file" \
        -k "$tmp/good.Image" -s "$tmp/share,root"
    mkdir -p "$tmp/root"
    : >"$tmp/root/init"
    chmod 644 "$tmp/root/init"
    bad "root share whose /init is not executable" "not an executable" \
        -k "$tmp/good.Image" -s "$tmp/root,root"
    chmod 755 "$tmp/root/init"
    bad "two root shares" "only one share can be the root" \
        -k "$tmp/good.Image" -s "$tmp/root,root" -s "$tmp/root,tag=b,root"
    bad "root share and an initramfs" "no initramfs with a root share" \
        -k "$tmp/good.Image" -i "$tmp/empty" -s "$tmp/root,root"
    bad "dax size without a unit" "dax=64" -k "$tmp/good.Image" \
        -s "$tmp/share,dax=64"
    bad "dax size not in 2M steps" "steps of 2M" -k "$tmp/good.Image" \
        -s "$tmp/share,dax=3M"
    bad "dax window too big" "steps of 2M" -k "$tmp/good.Image" \
        -s "$tmp/share,dax=5G"
    bad "dax window of 0" "steps of 2M" -k "$tmp/good.Image" \
        -s "$tmp/share,dax=0M"
    bad "nine shares" "too many shares" -k "$tmp/good.Image" \
        $(for i in $(seq 9); do echo "-s $tmp/share,tag=t$i"; done)
done

summary
