#!/usr/bin/env bash
# A C and a C++ program, cross-compiled now with Debian's compilers as they
# are (dynamic glibc, libstdc++, libgcc_s), run from the share in the guest
# with the right output and exit status: the guest's image carries the
# runtime at the paths those programs ask for.
#   tests/guest/run-glibc.sh semu|qemu
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
platform=${1:?usage: run-glibc.sh semu|qemu}

guest_scratch
cp "$top/tests/guest/glibc.sh" "$share/"
riscv64-linux-gnu-gcc -O2 -o "$share/hello-c" "$top/tests/guest/hello.c" -lm
riscv64-linux-gnu-g++ -O2 -o "$share/hello-cpp" "$top/tests/guest/hello.cpp"
expect "$platform: the C++ program is linked dynamically" \
    sh -c "riscv64-linux-gnu-readelf -d '$share/hello-cpp' | grep -q 'NEEDED.*libstdc++.so.6'"
expect "$platform: ... and asks for Debian's loader path" \
    sh -c "riscv64-linux-gnu-readelf -l '$share/hello-cpp' | grep -q 'interpreter: /lib/ld-linux-riscv64-lp64d.so.1'"

boot_expect "$platform" 'semu.run="sh glibc.sh"' "$logs/glibc.log" 0 \
    "$platform: guest script exits 0"
expect_eq "$platform: C program's output" \
    "hello from C: world, sqrt(2) = 1.414214" "$(cat "$share/c.out" 2>&1)"
expect_eq "$platform: C program's exit status" "c-status 3" \
    "$(sed -n 1p "$share/status.txt" 2>&1)"
expect_eq "$platform: C++ program's output" \
    "hello from C++: apple fig pear, caught boom" "$(cat "$share/cpp.out" 2>&1)"
expect_eq "$platform: C++ program's exit status" "cpp-status 4" \
    "$(sed -n 2p "$share/status.txt" 2>&1)"
log_if_failed "$logs/glibc.log"
summary
