#!/usr/bin/env bash
# The node table stays bounded: a guest `find` over 100,000 files, then
# `echo 3 > /proc/sys/vm/drop_caches`, must leave the share's node table
# near its starting size (the guest FORGETs what it evicts). A control run
# without dropping caches shows the count does follow the guest's lookups.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"

share=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$share" "$log"' EXIT
mkdir "$share/many"
(cd "$share/many" && seq -f 'file%06g' 100000 | xargs touch)

# nodes_at_exit LOG: the node count SEMU_STATS=1 printed for share myfs.
nodes_at_exit() {
    sed -n 's/^semu: share myfs: \([0-9]*\) nodes.*/\1/p' "$1"
}

boot() {
    SEMU_STATS=1 boot_guest semu "$share" "semu.run=\"$1\"" "$2"
}

# The guest sends the FORGETs of what it evicts from a work item, queued
# behind its hiprio queue's room: the write to drop_caches may return
# before the last are sent (with a share thread, thousands), so the guest
# waits a moment before it powers off.
boot 'find many -type f | wc -l >count; echo 3 >/proc/sys/vm/drop_caches; sleep 1' "$log"
expect_eq "guest exit status" 0 "$?"
expect_eq "find saw every file" 100000 "$(cat "$share/count" 2>/dev/null)"
nodes=$(nodes_at_exit "$log")
expect "node table back near its start after drop_caches (${nodes:-none} nodes)" \
    test -n "$nodes" -a "${nodes:-999999}" -le 16
serving=$(sed -n 's/^semu: share myfs: \([0-9.]*\) s serving requests$/\1/p' "$log")
run=$(sed -n 's/^semu: [0-9]* instructions in \([0-9.]*\) s.*/\1/p' "$log")
expect "host time serving requests counted, within the run (${serving:-none} of ${run:-none} s)" \
    awk -v a="${serving:-0}" -v b="${run:-0}" 'BEGIN { exit !(a > 0 && a < b) }'
log_if_failed "$log" 20

boot 'ls -l many | head -n 2000 >/dev/null; stat many/file00[0-1]* >/dev/null' "$log"
nodes=$(nodes_at_exit "$log")
expect "without drop_caches the looked-up nodes stay (${nodes:-none} nodes)" \
    test -n "$nodes" -a "${nodes:-0}" -ge 2000

summary
