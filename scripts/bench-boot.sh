#!/usr/bin/env bash
# Boot benchmark: wall time from launch to the guest's init banner
# ("semu guest ...") for semu (built-in SBI) and for QEMU virt (Debian's
# default OpenSBI), on the same Image and rootfs, from one run each; plus
# semu's guest instructions per second over its whole run; and semu's CPU
# use while the guest idles at its shell prompt.
#   scripts/bench-boot.sh [SEMU]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
semu=${1:-$top/semu}
image=$top/build/Image
initrd=$top/build/rootfs.cpio
limit=${BOOT_TIMEOUT:-300}

# seconds_to_banner CMD...: runs CMD (the guest powers off right after the
# banner) and prints the seconds from launch to the banner line; the
# command's stderr goes to $stats.
stats=$(mktemp)
trap 'rm -f "$stats"' EXIT
seconds_to_banner() {
    python3 - "$limit" "$@" 2>"$stats" <<'PY'
import subprocess, sys, time
limit, cmd = float(sys.argv[1]), sys.argv[2:]
start = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
banner = None
for line in p.stdout:
    if banner is None and line.startswith(b"semu guest"):
        banner = time.monotonic() - start
    if time.monotonic() - start > limit:
        p.kill()
        break
p.wait()
if banner is None:
    sys.exit("no banner")
print(f"{banner:.3f}")
PY
}

run='semu.run="exit 0"'
semu_s=$(SEMU_STATS=1 seconds_to_banner "$semu" -k "$image" -i "$initrd" -a "$run")
semu_stats=$(grep -o '[0-9]* instructions in [0-9.]* s' "$stats" || true)
qemu_s=$(seconds_to_banner qemu-system-riscv64 -M virt -m 512 -nographic \
    -kernel "$image" -initrd "$initrd" -append "console=ttyS0 $run")

instructions=${semu_stats%% instructions*}
run_s=$(echo "$semu_stats" | awk '{print $4}')
echo "boot to banner: semu ${semu_s} s, qemu ${qemu_s} s," \
    "ratio $(awk -v a="$semu_s" -v b="$qemu_s" 'BEGIN { printf "%.2f", a / b }')" \
    "(target <= 2.00)"
if [ -n "$instructions" ]; then
    echo "semu: $instructions guest instructions in $run_s s," \
        "$(awk -v n="$instructions" -v s="$run_s" 'BEGIN { printf "%.1f", n / s / 1e6 }') MIPS"
fi

# Idle cost: semu's CPU use while the guest sits at its shell prompt.
idle_percent() { # idle_percent HARTS
    "$semu" -k "$image" -i "$initrd" -c "$1" < <(sleep 30) >/dev/null 2>&1 &
    local pid=$! hz t0 t1
    hz=$(getconf CLK_TCK)
    sleep 5
    t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    sleep 10
    t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN { printf "%.1f", 100 * d / hz / 10 }'
}
echo "idle at the shell prompt: $(idle_percent 1)% of a host core with 1 hart," \
    "$(idle_percent 4)% with 4 (target < 2% for 1)"
