#!/usr/bin/env bash
# Run ISA test images on one or more emulators.
#   run.sh -e "./semu --bios" -s "-c 2" [-e CMD -s ARGS] build/isa/*.bin
# Each emulator command gets the image path appended, and for tests named
# smp_* also the ARGS of the -s after it (how to ask for two harts). A test
# passes when the emulator exits 0 within 10 s. On failure the test's UART
# output (which names the failing check) is shown.
set -u
. "$(dirname "$0")/../lib.sh"
emus=() smps=()
while getopts e:s: opt; do
    case $opt in
    e) emus+=("$OPTARG") smps+=("") ;;
    s) smps[${#smps[@]} - 1]=$OPTARG ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ ${#emus[@]} -gt 0 ] && [ $# -gt 0 ] || {
    echo "usage: $0 -e CMD [-s SMPARGS] [-e CMD [-s SMPARGS]] IMAGE..." >&2
    exit 2
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for i in "${!emus[@]}"; do
    emu=${emus[$i]}
    label=${emu%% *}
    case " $emu " in *" --jit off "*) label="$label --jit off" ;; esac
    for img in "$@"; do
        name=$(basename "$img" .bin)
        extra=""
        case $name in smp_*) extra=${smps[$i]} ;; esac
        # The subshell keeps bash's own "Segmentation fault" notice quiet;
        # the status below says it.
        # shellcheck disable=SC2086 # the command is deliberately split
        (timeout 10 $emu "$img" $extra </dev/null >"$log" 2>&1) 2>/dev/null
        rc=$?
        if [ $rc -eq 0 ]; then
            pass "$name on $label"
        else
            why=""
            [ $rc -eq 124 ] && why=", timeout"
            # 129..192: a signal; the tests' own codes go up to 255.
            [ $rc -gt 128 ] && [ $rc -le 192 ] &&
                why=", killed by signal $((rc - 128))"
            fail "$name on $label: exit $rc$why"
            tail -n 5 "$log" | tr -d '\r' | sed 's/^/    | /'
        fi
    done
done
summary
