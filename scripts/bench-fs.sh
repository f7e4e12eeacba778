#!/usr/bin/env bash
# The file-system benchmark: one guest workload (tests/bench/fs-workload.sh:
# 64 MiB write+read, 2,000 small files, untar/find/du/delete of a 15 MB
# source tree) on semu + virtio-fs, on semu + virtio-fs with
# security=mapped (semu as nobody when run as root), on semu + virtio-fs
# mounted dax=always (a 256 MiB DAX window), on a tmpfs inside the semu
# guest (the floor), on QEMU TCG + virtiofsd (cache=auto), on QEMU + 9p and
# on a tmpfs inside the QEMU guest, in one run. Wall times include the
# boot.
#   scripts/bench-fs.sh [PLATFORM...]
# The shared directory is made under $BENCH_HOST_DIR (default $TMPDIR or
# /tmp): a disk, or e.g. /dev/shm to take the host file system's own cost
# out of the comparison.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"

platforms=("$@")
[ ${#platforms[@]} -gt 0 ] ||
    platforms=(semu semu-mapped semu-dax semu-tmpfs qemu qemu-9p qemu-tmpfs)

host_dir=${BENCH_HOST_DIR:-${TMPDIR:-/tmp}}
work=$(mktemp -d -p "$host_dir")
trap 'rm -rf "$work"' EXIT
share=$work/share
mkdir -p "$share"

# The source tree: the kernel's own kernel/ directory (about 15 MB).
ksrc=$(ls -d "${SEMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/semu}"/src/linux-*/ | head -n 1)
tar -C "$ksrc" --transform 's,^kernel,src,' -cf "$share/src.tar" kernel
cp "$top/tests/bench/fs-workload.sh" "$share/"
echo "fs bench: source tree $(du -h "$share/src.tar" | cut -f1)," \
    "$(tar -tf "$share/src.tar" | wc -l) entries; share on $host_dir" \
    "($(stat -f -c %T "$host_dir"))"
# semu-mapped runs semu as nobody, which must own the share.
if [[ " ${platforms[*]} " == *" semu-mapped "* ]] && [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$work"
    chown -R 65534:65534 "$share"
fi

declare -A wall total
run_one() {
    local name=$1 platform dir
    case "$name" in
    semu) platform=semu dir=/mnt/work ;;
    semu-mapped) platform=semu-mapped dir=/mnt/work ;;
    semu-dax) platform=semu-dax dir=/mnt/work ;;
    semu-tmpfs) platform=semu dir=/tmp/work ;;
    qemu) platform=qemu dir=/mnt/work ;;
    qemu-9p) platform=qemu-9p dir=/mnt/work ;;
    qemu-tmpfs) platform=qemu dir=/tmp/work ;;
    *)
        echo "bench-fs: unknown platform $name" >&2
        return 1
        ;;
    esac
    local log=$work/$name.log status=0 t0 t1
    t0=$(date +%s.%N)
    boot_guest "$platform" "$share" "semu.run=\"sh fs-workload.sh $dir\"" \
        "$log" || status=$?
    t1=$(date +%s.%N)
    rm -rf "$share/work"
    if [ "$status" -ne 0 ]; then
        echo "bench-fs: $name failed (status $status):" >&2
        tail -n 20 "$log" >&2
        wall[$name]=failed
        return 0
    fi
    wall[$name]=$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
    echo "== $name: ${wall[$name]} s wall (boot included)"
    grep '^phase ' "$log" | sed 's/^phase /   /'
}

for p in "${platforms[@]}"; do
    run_one "$p"
done

echo
printf '%-12s %10s %s\n' platform "wall (s)" "ratio to semu"
for p in "${platforms[@]}"; do
    ratio=-
    if [[ ${wall[semu]:-} =~ ^[0-9.]+$ && ${wall[$p]} =~ ^[0-9.]+$ ]]; then
        ratio=$(awk -v a="${wall[$p]}" -v b="${wall[semu]}" 'BEGIN { printf "%.2fx", a / b }')
    fi
    printf '%-12s %10s %s\n' "$p" "${wall[$p]}" "$ratio"
done
