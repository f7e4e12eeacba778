#!/usr/bin/env bash
# The guest's clock is the host's (Goldfish RTC): within 2 s at boot and
# after a guest reboot; a file made in the guest's tmpfs and one made on the
# share carry times within 2 s; the RTC alarm interrupt works.
#   tests/guest/run-clock.sh semu|qemu
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
platform=${1:?usage: run-clock.sh semu|qemu}

guest_scratch
cp "$top/tests/guest/clock.sh" "$top/build/guest/rtc-alarm" "$share/"

# within_2s A B: |A - B| <= 2 (whole seconds).
within_2s() {
    [ -n "$1" ] && [ -n "$2" ] && [ $(($1 - $2)) -le 2 ] &&
        [ $(($2 - $1)) -le 2 ]
}
# guest_vs_host FILE: the guest's `date +%s` in FILE against the host time
# the file was created at.
guest_vs_host() {
    local guest host
    guest=$(cat "$share/$1" 2>/dev/null)
    host=$(stat -c %Y "$share/$1" 2>/dev/null)
    echo "$platform: $1: guest $guest, host $host"
    within_2s "$guest" "$host"
}

boot_expect "$platform" 'semu.run="sh clock.sh"' "$logs/clock.log" 0 \
    "$platform: clock script exits 0"
expect "$platform: guest clock within 2 s of the host's at boot" \
    guest_vs_host boot1.txt
expect "$platform: ... and after a guest reboot" guest_vs_host boot2.txt
expect_eq "$platform: the guest rebooted once" 2 \
    "$(grep -c '^semu guest: Linux' "$logs/clock.log")"
times() { sed -n "s/^$1 //p" "$share/times.txt" 2>/dev/null; }
echo "$platform: file times: tmpfs $(times tmpfs), share $(times share)"
expect "$platform: tmpfs and share file times within 2 s" \
    within_2s "$(times tmpfs)" "$(times share)"
expect "$platform: the RTC is the Goldfish one" \
    grep -q "^rtc goldfish_rtc 101000.rtc$" "$share/times.txt"
expect "$platform: the RTC alarm interrupt woke the guest program" \
    grep -q "^alarm fired after" "$share/times.txt"
grep -h "^alarm\|^no alarm\|^wrong" "$share/times.txt"
log_if_failed "$logs/clock.log"
summary
