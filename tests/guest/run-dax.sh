#!/usr/bin/env bash
# virtio-fs DAX end to end: boot semu with -s DIR,dax=256M, mount it
# dax=always and run tests/guest/dax.sh in it while this script plays the
# host: a host process maps the file the guest maps and sees the guest's
# store at once, then stores for the guest to see; later the host
# truncates a file the guest has mapped. semu must survive and the guest
# finish. PLATFORM: semu (default) or semu-asan.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
platform=${1:-semu}

need_built build/guest/fsops
work=$(mktemp -d /tmp/semu-dax.XXXXXX)
share=$work/share
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$share"
cp "$top/build/guest/fsops" "$top/tests/guest/dax.sh" "$share/"
head -c 4096 /dev/zero >"$share/coherent.bin"
{ head -c 4096 /dev/zero | tr '\0' A; head -c 4096 /dev/zero | tr '\0' B; } \
    >"$share/trunc.bin"

# Coherence, the host's side: map first, then wait for the guest's store.
python3 - "$share" >"$work/coherence.txt" 2>&1 <<'PY' &
import mmap, os, sys, time
share = sys.argv[1]
with open(share + "/coherent.bin", "r+b") as f:
    m = mmap.mmap(f.fileno(), 4096)
    deadline = time.time() + 600
    while not os.path.exists(share + "/coherent.ready"):
        if time.time() > deadline:
            sys.exit("no coherent.ready")
        time.sleep(0.01)
    print("host saw %r" % m[0:11])  # no msync, no read: the mapping itself
    m[100:110] = b"host wrote"
    time.sleep(1)  # keep the mapping while the guest looks
PY
pids+=($!)

# Truncation: once the guest has the file mapped, cut it to nothing.
(
    while [ ! -e "$share/trunc.ready" ]; do sleep 0.05; done
    truncate -s 0 "$share/trunc.bin"
    touch "$share/trunc.done"
) &
pids+=($!)

log=$top/build/guest/dax-$platform.log
mkdir -p "$(dirname "$log")"
status=0
boot_guest "$platform-dax" "$share" 'semu.run="sh dax.sh"' "$log" || status=$?
wait "${pids[0]}" 2>/dev/null

expect_eq "$platform-dax: guest checks pass (status = failures)" 0 "$status"
expect "$platform-dax: guest ran to the end" grep -aq '^dax: ' "$log"
grep -a '^FAIL ' "$log" | sed 's/^/  guest: /'
expect_eq "$platform-dax: host mapping saw the guest's store at once" \
    "host saw b'guest wrote'" "$(cat "$work/coherence.txt")"
expect_eq "$platform-dax: the guest's file after the truncation" "still here" \
    "$(cat "$share/after.txt" 2>&1)"
expect_eq "$platform-dax: truncated file stays empty on the host" 0 \
    "$(stat -c %s "$share/trunc.bin")"
if [ "$status" -ne 0 ]; then
    echo "--- last lines of $log"
    tail -n 30 "$log"
fi
summary
