#!/usr/bin/env bash
# The smoke test on one platform (semu or qemu): the guest reads a file the
# host wrote, writes one the host checks (content and mode), creates and
# removes a directory; a failing command's status comes back too.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
platform=${1:?usage: run-smoke.sh semu|semu-asan|qemu|qemu-9p}

guest_scratch
echo "hello from the host" >"$share/from-host.txt"
cp "$top/tests/guest/smoke.sh" "$share/"

boot_expect "$platform" 'semu.run="sh smoke.sh"' "$logs/smoke.log" 0 \
    "$platform: smoke script exits 0"
expect "$platform: banner printed" grep -q '^semu guest: Linux' "$logs/smoke.log"
expect_eq "$platform: guest file content" "written by the guest" \
    "$(cat "$share/from-guest.txt" 2>/dev/null)"
expect_eq "$platform: guest file mode" 640 \
    "$(stat -c %a "$share/from-guest.txt" 2>/dev/null)"
expect "$platform: guest directory exists" test -d "$share/made-by-guest"
expect "$platform: removed directory is gone" test ! -e "$share/made-and-removed"
log_if_failed "$logs/smoke.log"

boot_expect "$platform" 'semu.run="exit 7"' "$logs/fail.log" 7 \
    "$platform: failing command's status comes back"
[ "$status" -eq 7 ] || tail -n 30 "$logs/fail.log"

summary
