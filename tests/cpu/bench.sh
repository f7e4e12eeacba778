#!/usr/bin/env bash
# bench.sh SEMU LOOP.bin: run the 10^9-instruction loop and report guest
# instructions per second, by wall clock and by the CPU time semu used
# (the two differ when other work shares the host).
set -eu
instructions=1000000000
TIMEFORMAT='%R %U %S'
times=$({ time "$1" --bios "$2" </dev/null >/dev/null; } 2>&1)
read -r wall user sys <<<"$times"
awk -v w="$wall" -v c="$(echo "$user + $sys" | bc)" -v n="$instructions" \
    'BEGIN {
    printf "bench-cpu: %d instructions: %.2f s wall (%.0f M/s), ", n, w,
        n / w / 1e6
    printf "%.2f s CPU (%.0f M/s)\n", c, n / c / 1e6
}'
