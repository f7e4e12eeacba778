# The CPU benchmark's guest side: BusyBox userland work on the guest's own
# tmpfs (no shared directory involved), one "phase NAME SECONDS" line per
# part, timed with /proc/uptime (10 ms resolution), then "phase total".
#   sh cpu-workload.sh
set -e
work=/tmp/cpu
mkdir -p "$work"
cd "$work"

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

seq 600000 >seq.txt
phase seq-600k
gzip -c seq.txt >seq.gz
phase gzip
gunzip -c seq.gz >back.txt
phase gunzip
sort -r seq.txt >sorted.txt
phase sort
awk '{ s += $1 % 7 } END { print s }' seq.txt >awk.txt
phase awk
sed 's/\([0-9]\)\([0-9]\)/\2\1/g' seq.txt >sed.txt
phase sed
bzip2 -c seq.txt >seq.bz2
phase bzip2
i=0
while [ $i -lt 20000 ]; do
    i=$((i + 1))
done
phase sh-loop-20k
i=0
while [ $i -lt 300 ]; do
    /bin/true
    i=$((i + 1))
done
phase fork-300

# The work was done right: a wrong result is a failed run, not a figure.
cmp seq.txt back.txt
[ "$(wc -l <sorted.txt)" -eq 600000 ]
[ "$(head -n 1 sorted.txt)" = 99999 ]
[ "$(cat awk.txt)" = 1799997 ]
[ "$(sed -n 12p sed.txt)" = 21 ]
[ "$(bzip2 -dc seq.bz2 | wc -l)" -eq 600000 ]
cd /
rm -rf "$work"
echo "phase total $(awk -v a="$last" -v b="$first" 'BEGIN { printf "%.2f", a - b }')"
