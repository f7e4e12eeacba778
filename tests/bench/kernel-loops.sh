# The kernel benchmark's guest side: loops whose time goes to Linux
# itself, timed with /proc/uptime (10 ms resolution), one
# "phase NAME SECONDS" line.
#   sh kernel-loops.sh exec N     N fork+execs of /bin/true
#   sh kernel-loops.sh create N   N files created (`echo x >fN`) in the
#                                 current directory (the share), then
#                                 deleted
# With N = 0 the script does everything but the loop: the host side
# takes its instruction count from the real run's (scripts/bench-kernel.sh).
set -e
uptime_now() {
    read -r up _ </proc/uptime
    echo "$up"
}
start=$(uptime_now)
i=0
case "$1" in
exec)
    while [ $i -lt "$2" ]; do
        /bin/true
        i=$((i + 1))
    done
    ;;
create)
    while [ $i -lt "$2" ]; do
        echo x >"f$i"
        i=$((i + 1))
    done
    rm -f f*
    ;;
*)
    echo "kernel-loops.sh: exec or create" >&2
    exit 2
    ;;
esac
end=$(uptime_now)
echo "phase $1 $(awk -v a="$end" -v b="$start" 'BEGIN { printf "%.2f", a - b }')"
