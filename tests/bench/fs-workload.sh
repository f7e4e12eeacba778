# The file-system benchmark's guest side: sh fs-workload.sh WORKDIR, run in
# the share's root, where the host left src.tar. Prints one line per phase,
# "phase NAME SECONDS", timed with /proc/uptime (10 ms resolution).
set -e
work=$1
mkdir -p "$work"

uptime_now() {
    read -r up _ </proc/uptime
    echo "$up"
}
last=$(uptime_now)
first=$last
phase() {
    now=$(uptime_now)
    echo "phase $1 $(awk -v a="$now" -v b="$last" 'BEGIN { printf "%.2f", a - b }')"
    last=$now
}

dd if=/dev/zero of="$work/big" bs=1M count=64 2>/dev/null
sync
phase write-64MiB
dd if="$work/big" of=/dev/null bs=1M 2>/dev/null
phase read-64MiB
rm -f "$work/big"

mkdir "$work/small"
i=0
while [ $i -lt 2000 ]; do
    echo "small file $i" >"$work/small/f$i"
    i=$((i + 1))
done
phase create-2000
ls -l "$work/small" >/dev/null
phase stat-2000
cat "$work/small"/* >/dev/null
phase read-2000
rm -rf "$work/small"
phase delete-2000

tar -xf src.tar -C "$work"
phase untar
find "$work/src" -type f | wc -l >/dev/null
phase find
du -s "$work/src" >/dev/null
phase du
rm -rf "$work/src"
phase delete-tree

now=$(uptime_now)
echo "phase total $(awk -v a="$now" -v b="$first" 'BEGIN { printf "%.2f", a - b }')"
