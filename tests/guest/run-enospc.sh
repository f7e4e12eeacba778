#!/usr/bin/env bash
# A full host file system: the guest's write fails with ENOSPC, semu runs
# on, and space freed by the guest is usable again. Needs root to mount a
# small tmpfs (in a private mount namespace); skipped otherwise.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP enospc: mounting a small tmpfs needs root"
    exit 0
fi
share=$(mktemp -d)
logs=$(mktemp -d)
trap 'rm -rf "$share" "$logs"' EXIT

# The tmpfs lives only in the namespace; copy what the host checks out.
unshare -m sh -c '
    mount -t tmpfs -o size=1m enospc "$1" || exit 99
    cp "$2/tests/guest/enospc.sh" "$1/"
    timeout "${BOOT_TIMEOUT:-600}" "$2/semu" -k "$2/build/Image" -s "$1" \
        -a "semu.run=\"sh enospc.sh\"" </dev/null >"$3/guest.log" 2>&1
    status=$?
    cp "$1/result.txt" "$3/" 2>/dev/null
    ls -A "$1" >"$3/files.txt"
    exit $status
' enospc "$share" "$top" "$logs"
status=$?
expect_eq "enospc: semu ran the guest to its end" 0 "$status"
result() { sed -n "s/^$1 //p" "$logs/result.txt" 2>/dev/null; }
expect "enospc: the filling write failed" test "$(result dd-status)" != 0
expect_eq "enospc: ... with ENOSPC" "No space left on device" \
    "$(result dd-error)"
expect_eq "enospc: freed space is usable again" "after the delete" \
    "$(result read-back)"
expect_eq "enospc: the host holds what the guest left" \
    "after.txt enospc.sh result.txt" "$(tr '\n' ' ' <"$logs/files.txt" | sed 's/ $//')"
log_if_failed "$logs/guest.log"
summary
