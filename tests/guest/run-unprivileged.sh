#!/usr/bin/env bash
# semu run by an ordinary host user (nobody, when the tests run as root):
# what guest root creates is owned by that user, a chown the host refuses
# is EPERM in the guest, the host's permission checks still apply (guest
# root gets EACCES on a mode-000 file), and the share works otherwise.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"

share=$(mktemp -d)
logs=$(mktemp -d)
trap 'rm -rf "$share" "$logs"' EXIT
cp "$top/tests/guest/unprivileged.sh" "$share/"
echo "host secret" >"$share/host-000.txt"
chmod 000 "$share/host-000.txt"
as=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R 65534:65534 "$share"
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
user=$(stat -c %u:%g "$share")

status=0
timeout "${BOOT_TIMEOUT:-600}" "${as[@]}" "$top/semu" -k "$top/build/Image" \
    -s "$share" -a 'semu.run="sh unprivileged.sh"' \
    </dev/null >"$logs/guest.log" 2>&1 || status=$?
expect_eq "unprivileged: guest script exits 0" 0 "$status"
result() { sed -n "s/^$1 //p" "$share/result.txt" 2>/dev/null; }
expect_eq "unprivileged: the guest ran to the end" "done" \
    "$(sed -n 's/^unprivileged: //p' "$share/result.txt" 2>/dev/null)"
expect_eq "unprivileged: guest root's file is the host user's" "$user" \
    "$(stat -c %u:%g "$share/by-guest.txt" 2>&1)"
expect_eq "unprivileged: ... and so is its directory" "$user" \
    "$(stat -c %u:%g "$share/by-guest-dir" 2>&1)"
expect_eq "unprivileged: the guest sees the host owner" "$user" \
    "$(result guest-sees-owner)"
expect "unprivileged: chown to another user fails" \
    test "$(result chown-status)" != 0
expect "unprivileged: ... with EPERM" \
    grep -q "Operation not permitted" "$share/chown.err"
expect_eq "unprivileged: the mode is kept as the guest set it" 4755 \
    "$(stat -c %a "$share/by-guest.txt" 2>&1)"
expect_eq "unprivileged: content" "made by guest root" "$(result read-back)"
expect "unprivileged: guest root cannot read what the host user cannot" \
    grep -q "^reads-000 .*Permission denied" "$share/result.txt"
log_if_failed "$logs/guest.log"
summary
