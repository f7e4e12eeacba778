#!/usr/bin/env bash
# Boot tests: bare-metal device and SBI checks, then Linux (build/Image +
# build/rootfs.cpio) with the built-in SBI on 1 and 4 harts and with
# Debian's OpenSBI, checking the exit status the guest chooses; with the
# default (translated where supported), and the main ones again
# interpreted (--jit off), also under ASan+UBSan.
#   tests/boot/run.sh [SEMU [SEMU_ASAN]]
set -u
keep=${KEEP:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
semu=${1:-$top/semu}
asan=${2:-$top/build/semu-asan}
image=$top/build/Image
guests=$top/build/boot
opensbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
# Generous: a hang fails the test instead of hanging CI.
limit=${BOOT_TIMEOUT:-300}

tmp=$(mktemp -d)
[ -n "$keep" ] || trap 'rm -rf "$tmp"' EXIT

# run NAME WANT_STATUS CMD...: the command's exit status must be WANT.
# Output is in $tmp/NAME.log; a sanitizer report fails the check.
run() {
    local name=$1 want=$2 log="$tmp/$1.log"
    shift 2
    timeout "$limit" "$@" >"$log" 2>&1
    local rc=$?
    if [ $rc -ne "$want" ]; then
        fail "$name: exit status $rc, want $want"
        tail -n 15 "$log" | tr -d '\r' | sed 's/^/    | /'
    elif grep -q 'Sanitizer' "$log"; then
        fail "$name: sanitizer report"
        grep -A5 'Sanitizer' "$log" | head -20 | sed 's/^/    | /'
    else
        pass "$name"
    fi
}

# has NAME TEXT: the log of check NAME contains TEXT.
has() {
    expect "$1 prints '$2'" grep -q -- "$2" "$tmp/$1.log"
}

# --- without Linux ---
run devices 0 sh -c "printf A | '$semu' --bios '$guests/devices-guest.bin'"
run sbi 0 sh -c "printf Z | '$semu' -c 2 -k '$guests/sbi-guest.bin'"
has sbi "all checks passed"
run stop 1 "$semu" -k "$guests/stop-guest.bin" </dev/null
has stop "every hart has stopped"

# --- Linux, built-in SBI ---
run linux-c1 0 "$semu" -k "$image" -a 'semu.run="exit 0"' </dev/null
has linux-c1 "semu guest: Linux"
has linux-c1 ", 1 harts,"
run linux-c1-status 7 "$semu" -k "$image" -a 'semu.run="exit 7"' </dev/null
run linux-c4 0 "$semu" -c 4 -k "$image" \
    -a 'semu.run="test $(grep -c ^processor /proc/cpuinfo) = 4"' </dev/null
has linux-c4 ", 4 harts,"
run linux-c4-status 7 "$semu" -c 4 -k "$image" -a 'semu.run="exit 7"' \
    </dev/null
# More RAM than 4 GiB reaches past the 32-bit boundary.
run linux-6g 0 "$semu" -m 6144 -k "$image" -a 'semu.run="exit 0"' </dev/null
expect "linux-6g sees the RAM" grep -Eq 'harts, 5[0-9]{3} MiB' \
    "$tmp/linux-6g.log"
# Linux's own power-off goes through syscon-poweroff to the finisher.
run linux-poweroff 0 "$semu" -k "$image" \
    -a 'semu.run="poweroff -f; sleep 10; exit 3"' </dev/null
# The shell on the console reads what we type (UART receive interrupts),
# typed once its prompt is on the console, however long the boot takes.
console_type() { # console_type LOG: wait for the prompt in LOG, then type
    wait_for "$1" "$GUEST_PROMPT"
    printf 'echo $((6 * 7))x\nexit\n'
}
export -f console_type wait_for
export GUEST_PROMPT
run linux-console 0 bash -c "'$semu' -k '$image' < <(console_type \
    '$tmp/linux-console.log')"
has linux-console "42x"
# -b: the user's tree (one hart, 256 MiB) plus our initrd and -a fixups.
run linux-user-dtb 4 "$semu" -c 2 -b "$guests/user.dtb" -k "$image" \
    -a 'semu.run="exit 4"' </dev/null
has linux-user-dtb "Machine model: user-supplied tree"
expect "linux-user-dtb: the guest sees the tree's hart and RAM" \
    grep -Eq '1 harts, 2[0-9]{2} MiB' "$tmp/linux-user-dtb.log"
# Shares: the first tag is mounted on /mnt, the others under /srv.
# A comma in a share's path is written ",,".
mkdir -p "$tmp/a" "$tmp/b,c"
echo one >"$tmp/a/in.txt"
echo two >"$tmp/b,c/in.txt"
run linux-shares 0 "$semu" -k "$image" -s "$tmp/a" -s "$tmp/b,,c,tag=other,ro" \
    -a 'semu.run="cat in.txt /srv/*/in.txt > out.txt"' </dev/null
expect_eq "linux-shares wrote through /mnt" "one two" \
    "$(tr '\n' ' ' <"$tmp/a/out.txt" 2>/dev/null | sed 's/ $//')"
# Reboot (syscon-reboot -> finisher 0x7777) boots the machine again; the
# share remembers that the first boot happened.
mkdir -p "$tmp/r"
run linux-reboot 9 "$semu" -k "$image" -s "$tmp/r" \
    -a 'semu.run="test -e again && exit 9; touch again; reboot -f; sleep 9"' \
    </dev/null
expect_eq "linux-reboot booted twice" 2 \
    "$(grep -c 'semu guest: Linux' "$tmp/linux-reboot.log")"
# A panic is visible on the console (semu keeps running: time it out).
timeout 20 "$semu" -k "$image" -a 'rdinit=/nonexistent panic=0' </dev/null \
    >"$tmp/panic.log" 2>&1
expect "kernel panic is visible" grep -q "Kernel panic" "$tmp/panic.log"

# --- the host terminal (a pseudo-terminal from script(1)) ---
# Once the guest's shell prompts on the console, semu is running with the
# terminal set up. mode: "icanon echo" when cooked, "-icanon -echo" when raw.
mode='stty -a | grep -o -- "-\?icanon\|-\?echo " | tr "\n" " "'
cat >"$tmp/tty-term.sh" <<TTY
. '$top/tests/lib.sh'
'$semu' -k '$image' </dev/tty >'$tmp/tty-term.log' 2>&1 &
pid=\$!
wait_for '$tmp/tty-term.log' '$GUEST_PROMPT'
echo "running: \$($mode)"
kill -TERM \$pid
wait \$pid
echo "status \$?, after: \$($mode)"
TTY
timeout 180 script -qec "bash '$tmp/tty-term.sh'" /dev/null </dev/null |
    tr -d '\r' >"$tmp/tty-term.out"
expect "terminal is raw while semu runs" \
    grep -q "running: -icanon -echo" "$tmp/tty-term.out"
expect "SIGTERM ends semu and restores the terminal" \
    grep -q "status 143, after: icanon echo" "$tmp/tty-term.out"
(wait_for "$tmp/tty-quit.log" "$GUEST_PROMPT"; printf '\001x') |
    timeout 180 script -qec "'$semu' -k '$image' >'$tmp/tty-quit.log'; \
        echo \"status \$?, after: \$($mode)\"" /dev/null |
    tr -d '\r' >"$tmp/tty-quit.out"
expect "Ctrl-A x quits with status 0 and restores the terminal" \
    grep -q "status 0, after: icanon echo" "$tmp/tty-quit.out"

# SEMU_PROFILE: a sample per slice, each pc a kernel function or user code.
run linux-profile 0 env SEMU_PROFILE="$tmp/profile" SEMU_STATS=1 "$semu" \
    -k "$image" -a 'semu.run="i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done"' \
    </dev/null
instructions=$(sed -n 's/^semu: \([0-9]*\) instructions.*/\1/p' \
    "$tmp/linux-profile.log")
samples=$(awk '{ n += $2 } END { print n + 0 }' "$tmp/profile" 2>/dev/null)
# A slice is 4096 instructions and overshoots by at most a page of code;
# a waiting hart ends its slice early (idle), so allow some short ones.
per_sample() { # instructions per sample, within [SLICE/4, SLICE + 2048]
    [ "${samples:-0}" -gt 0 ] && [ -n "$instructions" ] &&
        [ $((samples * (4096 + 2048))) -ge "$instructions" ] &&
        [ $((samples * 4096 / 4)) -le "$instructions" ]
}
expect "linux-profile: about a sample per slice" per_sample
"$top/scripts/guest-profile.sh" "$tmp/profile" "$top/build/System.map" 1000 \
    >"$tmp/profile.named"
named() { grep -Eq " ($1)\$" "$tmp/profile.named"; }
expect "linux-profile counts user code" named '<user>'
expect "linux-profile names kernel functions" \
    named 'handle_exception|do_trap_ecall_u|memset|memcpy'
expect_eq "linux-profile: no pc outside the kernel's text" "" \
    "$(grep ' <unknown>$' "$tmp/profile.named")"

# SEMU_PERF_MAP: a perf map naming each translated block by its guest pc.
if "$semu" --jit on --help >/dev/null 2>&1; then
    # semu's pid names the file: the shell records its own, then execs.
    timeout "$limit" sh -c 'echo $$ >"$0"; exec "$@"' "$tmp/perf-map.pid" \
        env SEMU_PERF_MAP=1 "$semu" -k "$image" -a 'semu.run="exit 0"' \
        </dev/null >"$tmp/perf-map.log" 2>&1
    mv "/tmp/perf-$(cat "$tmp/perf-map.pid").map" "$tmp/perf.map" 2>/dev/null
    well_formed() { # every line ADDR SIZE NAME, and some of each name
        ! grep -Ev '^[0-9a-f]+ [0-9a-f]+ (guest-[0-9a-f]+|semu-jit-runtime)$' \
            "$tmp/perf.map" >/dev/null &&
            grep -q ' semu-jit-runtime$' "$tmp/perf.map" &&
            [ "$(grep -c ' guest-ffffffff8' "$tmp/perf.map")" -ge 100 ]
    }
    expect "SEMU_PERF_MAP: a line per translated block, by guest pc" well_formed
fi

# --- Linux under Debian's OpenSBI ---
run opensbi 5 "$semu" --bios "$opensbi" -c 2 -k "$image" \
    -a 'semu.run="exit 5"' </dev/null
has opensbi "OpenSBI"
has opensbi "semu guest: Linux"
run opensbi-poweroff 0 "$semu" --bios "$opensbi" -k "$image" \
    -a 'semu.run="poweroff -f; sleep 10; exit 3"' </dev/null
# OpenSBI resets through the finisher with a 16-bit store.
mkdir -p "$tmp/r2"
run opensbi-reboot 9 "$semu" --bios "$opensbi" -c 2 -k "$image" -s "$tmp/r2" \
    -a 'semu.run="test -e again && exit 9; touch again; reboot -f; sleep 9"' \
    </dev/null
expect_eq "opensbi-reboot booted twice" 2 \
    "$(grep -c 'semu guest: Linux' "$tmp/opensbi-reboot.log")"

# --- interpreted (--jit off): the same machine without the translator ---
run nojit-devices 0 sh -c \
    "printf A | '$semu' --jit off --bios '$guests/devices-guest.bin'"
run nojit-sbi 0 sh -c "printf Z | '$semu' --jit off -c 2 -k '$guests/sbi-guest.bin'"
has nojit-sbi "all checks passed"
run nojit-linux-c1 7 "$semu" --jit off -k "$image" -a 'semu.run="exit 7"' \
    </dev/null
has nojit-linux-c1 "semu guest: Linux"
run nojit-linux-c4 0 "$semu" --jit off -c 4 -k "$image" \
    -a 'semu.run="test $(grep -c ^processor /proc/cpuinfo) = 4"' </dev/null
run nojit-opensbi 5 "$semu" --jit off --bios "$opensbi" -c 2 -k "$image" \
    -a 'semu.run="exit 5"' </dev/null
has nojit-opensbi "semu guest: Linux"

# --- the sanitizer build ---
run asan-devices 0 sh -c "printf A | '$asan' --bios '$guests/devices-guest.bin'"
run asan-sbi 0 sh -c "printf Z | '$asan' -c 2 -k '$guests/sbi-guest.bin'"
run asan-linux 7 env SEMU_PROFILE="$tmp/asan-profile" "$asan" -c 2 \
    -k "$image" -a 'semu.run="exit 7"' </dev/null
has asan-linux "semu guest: Linux"
expect "asan-linux wrote its profile" [ -s "$tmp/asan-profile" ]
run asan-nojit-devices 0 sh -c \
    "printf A | '$asan' --jit off --bios '$guests/devices-guest.bin'"
run asan-nojit-linux 7 "$asan" --jit off -c 2 -k "$image" \
    -a 'semu.run="exit 7"' </dev/null
has asan-nojit-linux "semu guest: Linux"

summary
