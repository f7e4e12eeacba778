#!/usr/bin/env bash
# The kernel benchmark: loops that spend their time in Linux itself
# (tests/bench/kernel-loops.sh: 1,000 fork+exec of /bin/true; 6,000 files
# created and deleted on the share) on semu with the translator (best of
# 3; "on"), the same serving the share inside the queue notify
# (SEMU_SHARE_THREAD=0, best of 3; "inline"), semu interpreting (--jit
# off) and QEMU TCG (+ virtiofsd for the share), in one run. Each loop is
# timed in the guest; semu's guest instructions per second are the run's
# instructions less those of the same run with no iterations (SEMU_STATS)
# over that time.
#   scripts/bench-kernel.sh [SEMU]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/bench-lib.sh"
semu=${1:-$top/semu}
tries=${BENCH_TRIES:-3}

# The share on a host tmpfs when there is one: the host's disk is not
# what this measures.
base=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
work=$(mktemp -d "$base/semu-bench-kernel.XXXXXX")
trap 'rm -rf "$work"' EXIT
share=$work/share
mkdir -p "$share"
cp "$top/tests/bench/kernel-loops.sh" "$share/"
loops=(exec create)
declare -A count=([exec]=1000 [create]=6000)

modes=(on inline off)
"$semu" --jit on --help >/dev/null 2>&1 ||
    { echo "(no translator in this build: --jit on skipped)"; modes=(off); }

# field LOG REGEX: the first group of the first line of LOG matching REGEX.
field() { sed -n "s/$2/\1/p" "$1" | head -n 1; }
instructions() { field "$1" '^semu: \([0-9]*\) instructions in .*'; }
phase() { tr -d '\r' <"$1" | sed -n "s/^phase $2 \([0-9.]*\)$/\1/p"; }

run_semu() { # run_semu LOG MODE APPEND
    local jit=$2 thread=1
    [ "$2" = inline ] && jit=on thread=0
    SEMU_SHARE_THREAD=$thread SEMU_STATS=1 timeout "$limit" "$semu" \
        --jit "$jit" -k "$image" -s "$share" -a "$3" </dev/null >"$1" 2>&1
}

declare -A best_s best_i empty
nfailed=0
for m in "${modes[@]}"; do
    n=$tries
    [ "$m" = off ] && n=1
    for l in "${loops[@]}"; do
        run_semu "$work/$l-$m-0.log" "$m" "semu.run=\"sh kernel-loops.sh $l 0\""
        empty[$l,$m]=$(instructions "$work/$l-$m-0.log")
        for ((t = 1; t <= n; t++)); do
            log=$work/$l-$m-$t.log
            run_semu "$log" "$m" "semu.run=\"sh kernel-loops.sh $l ${count[$l]}\""
            s=$(phase "$log" "$l")
            if [ -z "$s" ]; then
                nfailed=$((nfailed + 1))
                echo "bench-kernel: semu ($m) $l failed:" >&2
                tail -n 20 "$log" >&2
                continue
            fi
            if [ -z "${best_s[$l,$m]:-}" ] ||
                awk -v a="$s" -v b="${best_s[$l,$m]}" 'BEGIN { exit !(a < b) }'; then
                best_s[$l,$m]=$s
                best_i[$l,$m]=$(instructions "$log")
            fi
        done
    done
done
declare -A qemu_s
for l in "${loops[@]}"; do
    timeout "$limit" "$top/scripts/qemu-ref.sh" --share "$share" \
        --append "semu.run=\"sh kernel-loops.sh $l ${count[$l]}\"" </dev/null \
        >"$work/$l-qemu.log" 2>&1
    qemu_s[$l]=$(phase "$work/$l-qemu.log" "$l")
    [ -n "${qemu_s[$l]}" ] || {
        nfailed=$((nfailed + 1))
        echo "bench-kernel: QEMU $l failed:" >&2
        tail -n 20 "$work/$l-qemu.log" >&2
    }
done

echo
printf '%-8s' "loop (s)"
for m in "${modes[@]}"; do printf ' %10s' "semu-$m"; done
printf ' %10s' qemu
for m in "${modes[@]}"; do printf ' %10s' "$m/qemu"; done
echo
for l in "${loops[@]}"; do
    printf '%-8s' "$l"
    for m in "${modes[@]}"; do printf ' %10s' "${best_s[$l,$m]:--}"; done
    printf ' %10s' "${qemu_s[$l]:--}"
    for m in "${modes[@]}"; do
        printf ' %10s' "$(ratio "${best_s[$l,$m]:-}" "${qemu_s[$l]:-}")"
    done
    echo
done
echo
for m in "${modes[@]}"; do
    for l in "${loops[@]}"; do
        i=${best_i[$l,$m]:-} b=${empty[$l,$m]:-} s=${best_s[$l,$m]:-}
        [[ $i =~ ^[0-9]+$ && $b =~ ^[0-9]+$ && $s =~ ^[0-9.]+$ ]] || continue
        line="semu ($m): $l: $((i - b)) guest instructions in $s s,"
        line+=" $(awk -v n="$((i - b))" -v s="$s" 'BEGIN { printf "%.0f", n / s / 1e6 }') M/s"
        echo "$line"
    done
done
[ "$nfailed" -eq 0 ]
