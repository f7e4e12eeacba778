#!/usr/bin/env bash
# The CPU benchmark: BusyBox userland work on the guest's own tmpfs
# (tests/bench/cpu-workload.sh: seq 600k, gzip, gunzip, sort, awk, sed,
# bzip2, a 20,000-iteration sh loop, 300 fork+execs) on semu with the
# translator (--jit on, when this build has one), semu interpreting
# (--jit off) and QEMU TCG, in one run; per-part and total guest times,
# semu/QEMU ratios, and semu's guest instructions per second (SEMU_STATS)
# for Linux boot and for the workload alone.
#   scripts/bench-userland.sh [SEMU]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/bench-lib.sh"
semu=${1:-$top/semu}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
share=$work/share
mkdir -p "$share"
cp "$top/tests/bench/cpu-workload.sh" "$share/"
workload='semu.run="sh cpu-workload.sh"'

modes=(on off)
"$semu" --jit on --help >/dev/null 2>&1 ||
    { echo "(no translator in this build: --jit on skipped)"; modes=(off); }

# stat_field LOG N: field N of semu's "semu: N instructions in S s" line.
stat_field() {
    sed -n 's/^semu: \([0-9]*\) instructions in \([0-9.]*\) s.*/\1 \2/p' "$1" |
        awk -v n="$2" '{ print $n }'
}

# run_semu NAME MODE APPEND: one boot, log in $work/NAME.log.
run_semu() {
    SEMU_STATS=1 timeout "$limit" "$semu" --jit "$2" -k "$image" -s "$share" \
        -a "$3" </dev/null >"$work/$1.log" 2>&1
}

declare -A phase
parts=() nfailed=0
# collect NAME: the phase lines of $work/NAME.log into phase[NAME,part]
# (the guest console ends its lines with CR LF).
collect() {
    local name part secs
    while read -r _ part secs; do
        phase[$1,$part]=$secs
        [[ " ${parts[*]} " == *" $part "* ]] || parts+=("$part")
    done < <(grep '^phase ' "$work/$1.log" | tr -d '\r')
    [ -n "${phase[$1,total]:-}" ] || {
        nfailed=$((nfailed + 1))
        echo "bench-userland: $1 failed:" >&2
        tail -n 20 "$work/$1.log" >&2
    }
}

for m in "${modes[@]}"; do
    run_semu "boot-$m" "$m" 'semu.run="exit 0"' ||
        echo "bench-userland: semu --jit $m boot failed" >&2
    run_semu "semu-$m" "$m" "$workload"
    collect "semu-$m"
done
timeout "$limit" "$top/scripts/qemu-ref.sh" --share "$share" \
    --append "$workload" </dev/null >"$work/qemu.log" 2>&1
collect qemu

columns=()
for m in "${modes[@]}"; do columns+=("semu-$m"); done
columns+=(qemu)

echo
printf '%-12s' "part (s)"
for c in "${columns[@]}"; do printf ' %10s' "$c"; done
for m in "${modes[@]}"; do printf ' %10s' "$m/qemu"; done
echo
for p in "${parts[@]}"; do
    printf '%-12s' "$p"
    for c in "${columns[@]}"; do printf ' %10s' "${phase[$c,$p]:--}"; done
    for m in "${modes[@]}"; do
        printf ' %10s' "$(ratio "${phase[semu-$m,$p]:-}" "${phase[qemu,$p]:-}")"
    done
    echo
done

# Guest instructions per second: the boot alone, and the workload as the
# whole run minus the boot, over the workload's own guest time.
echo
for m in "${modes[@]}"; do
    bi=$(stat_field "$work/boot-$m.log" 1) bs=$(stat_field "$work/boot-$m.log" 2)
    wi=$(stat_field "$work/semu-$m.log" 1)
    ws=${phase[semu-$m,total]:-}
    if [[ $bi =~ ^[0-9]+$ && $bs =~ ^[0-9.]+$ ]]; then
        echo "semu --jit $m: Linux boot $bi instructions in $bs s," \
            "$(awk -v n="$bi" -v s="$bs" 'BEGIN { printf "%.0f", n / s / 1e6 }') M/s"
    fi
    if [[ $wi =~ ^[0-9]+$ && $bi =~ ^[0-9]+$ && $ws =~ ^[0-9.]+$ ]]; then
        echo "semu --jit $m: workload $((wi - bi)) instructions in $ws s," \
            "$(awk -v n="$((wi - bi))" -v s="$ws" 'BEGIN { printf "%.0f", n / s / 1e6 }') M/s"
    fi
done
[ "$nfailed" -eq 0 ]
