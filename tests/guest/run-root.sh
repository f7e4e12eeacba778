#!/usr/bin/env bash
# A host directory as the guest's root file system: a copy of build/rootfs/
# booted with -s DIR,root (no initramfs) runs a semu.run= command that
# writes a file the host then reads, and powers off with the command's
# status; a directory without /init fails at once with a clear message.
#   tests/guest/run-root.sh semu|qemu
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
platform=${1:?usage: run-root.sh semu|qemu}
limit=${BOOT_TIMEOUT:-600}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
cp -a "$top/build/rootfs" "$root"

# boot_root DIR APPEND LOG: the guest's exit status.
boot_root() {
    local cmd
    case "$platform" in
    semu) cmd=("$top/semu" -k "$top/build/Image" -s "$1,root" -a "$2") ;;
    qemu) cmd=("$top/scripts/qemu-ref.sh" --root "$1" --append "$2") ;;
    *) return 2 ;;
    esac
    timeout "$limit" "${cmd[@]}" </dev/null >"$3" 2>&1
}

# The guest's / is the share: what it writes there, the host reads; the
# host's own files (its BusyBox, its /init) are what the guest runs.
run="semu.run=\"grep -q '^myfs / virtiofs' /proc/mounts &&"
run+=" echo 'from the root guest' >/from-guest.txt && exit 6\""
status=0
boot_root "$root" "$run" "$work/root.log" || status=$?
expect_eq "$platform: root boot powers off with the command's status" 6 \
    "$status"
expect_eq "$platform: the host reads what the guest wrote to /" \
    "from the root guest" "$(cat "$root/from-guest.txt" 2>&1)"
expect "$platform: the banner comes from the share's /init" \
    grep -q '^semu guest: Linux' "$work/root.log"
log_if_failed "$work/root.log"

# semu only, as an ordinary user (nobody under root) with security=mapped:
# guest root keeps a root-owned setuid directory in a directory of the
# user's own, which on the host is the user's, mode 0700.
if [ "$platform" = semu ] && [ "$(id -u)" -eq 0 ]; then
    cp -a "$top/build/rootfs" "$work/mapped"
    chown -R 65534:65534 "$work/mapped"
    chmod 755 "$work"
    run="semu.run=\"mkdir /etc/made && chmod 4755 /etc/made &&"
    run+=" stat -c '%u:%g %a' /etc/made >/etc/made-by-root.txt\""
    status=0
    timeout "$limit" setpriv --reuid=65534 --regid=65534 --clear-groups -- \
        "$top/semu" -k "$top/build/Image" \
        -s "$work/mapped,root,security=mapped" \
        -a "$run" </dev/null >"$work/mapped.log" 2>&1 || status=$?
    expect_eq "mapped root as nobody: the command succeeds" 0 "$status"
    expect_eq "mapped root as nobody: guest root's setuid directory" \
        "0:0 4755" "$(cat "$work/mapped/etc/made-by-root.txt" 2>&1)"
    expect_eq "mapped root as nobody: on the host, nobody's and 0700" \
        "65534:65534 700" "$(stat -c '%u:%g %a' "$work/mapped/etc/made" 2>&1)"
    log_if_failed "$work/mapped.log" 10
fi

# No /init: a non-zero exit well within the limit, saying why.
mkdir "$work/empty"
status=0
start=$(date +%s)
limit=60 boot_root "$work/empty" 'semu.run="exit 0"' "$work/empty.log" ||
    status=$?
expect "$platform: a root without /init exits non-zero ($status)" \
    test "$status" -ne 0 -a "$status" -ne 124
expect "$platform: ... within seconds" test $(($(date +%s) - start)) -lt 30
expect "$platform: ... saying that /init is missing" \
    grep -q 'init' "$work/empty.log"
log_if_failed "$work/empty.log" 5
summary
