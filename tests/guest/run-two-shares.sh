#!/usr/bin/env bash
# Two shares draw host fds from one pool: a guest that opens files on the
# first share until it gets EMFILE leaves the second working (100 creates
# all succeed), and a create refused on the first leaves no file behind.
# semu runs with RLIMIT_NOFILE at 1024, so the pool is small.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
one=$work/one two=$work/two
mkdir -p "$one/held" "$two/new"
need_built build/guest/fsops
cp "$top/build/guest/fsops" "$one/"
cat >"$one/second.sh" <<'GUEST'
# Runs while fsops holds the first share's files open.
made=0
for i in $(seq 100); do
    echo "file $i" >/srv/two/new/f$i && made=$((made + 1))
done
echo "made $made" >/srv/two/result.txt
GUEST

status=0
timeout "${BOOT_TIMEOUT:-600}" prlimit --nofile=1024:1024 "$top/semu" \
    -k "$top/build/Image" -s "$one" -s "$two,tag=two" \
    -a 'semu.run="./fsops hold held 5000 sh second.sh >hold.txt"' \
    </dev/null >"$work/guest.log" 2>&1 || status=$?
expect_eq "two shares: guest exits 0" 0 "$status"
hold=$(cat "$one/hold.txt" 2>/dev/null)
held=$(sed -n 's/^held=\([0-9]*\) .*/\1/p' <<<"$hold")
expect "two shares: the first share ran out (${hold:-nothing})" \
    grep -q "err=EMFILE" "$one/hold.txt"
expect "two shares: ... after hundreds of files" test "${held:-0}" -ge 300
expect_eq "two shares: the second share made all 100 files" "made 100" \
    "$(cat "$two/result.txt" 2>/dev/null)"
expect_eq "two shares: ... all on the host" 100 "$(ls "$two/new" | wc -l)"
expect_eq "two shares: no file left by a refused create" "${held:-none}" \
    "$(ls "$one/held" | wc -l)"
log_if_failed "$work/guest.log"
summary
