#!/usr/bin/env bash
# Name the guest functions in a SEMU_PROFILE file: samples per kernel
# function (from System.map, which the kernel build keeps in build/),
# busiest first; user-mode pcs count as "<user>".
#   SEMU_PROFILE=prof.txt ./semu -k build/Image ...
#   scripts/guest-profile.sh prof.txt [System.map] [LINES]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
profile=${1:?usage: guest-profile.sh PROFILE [SYSTEM_MAP] [LINES]}
map=${2:-$top/build/System.map}
lines=${3:-40}

# Addresses are 16 lower-case hex digits in both files, so comparing
# them as strings orders them (awk's numbers are doubles: too narrow).
LC_ALL=C awk '
FNR == NR {
    if ($2 ~ /^[tTwW]$/ && length($1) == 16) { addr[n] = $1; name[n++] = $3 }
    next
}
{
    total += $2
    if ($1 < "ffffffff00000000") { count["<user>"] += $2; next }
    lo = 0; hi = n - 1; found = -1
    while (lo <= hi) {
        mid = int((lo + hi) / 2)
        if (addr[mid] <= $1) { found = mid; lo = mid + 1 } else hi = mid - 1
    }
    count[found < 0 ? "<unknown>" : name[found]] += $2
}
END {
    for (f in count) printf "%6.2f%% %8d %s\n", 100 * count[f] / total, count[f], f
}' <(LC_ALL=C sort "$map") "$profile" | sort -k2,2nr | head -n "$lines"
