# The shell tests' checks, in the C tests' format (tests/check.h): one
# "PASS name" or "FAIL name[: got X, want Y]" line per check, then the
# closing "N passed, N failed" line; the exit status says whether any
# check failed. tests/guest/fs-suite.sh keeps a BusyBox copy of the format.
# Then helpers to boot guests for the tests in tests/guest/.
top=${top:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
boot_timeout=${BOOT_TIMEOUT:-600}
passed=0
failed=0

pass() {
    passed=$((passed + 1))
    echo "PASS $*"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL $*"
}

# expect NAME CMD...: one check, passed when CMD succeeds.
expect() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

# expect_eq NAME WANT GOT
expect_eq() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1: got '$3', want '$2'"
    fi
}

# summary: the closing line CI reads; exit status reflects failures.
summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# log_if_failed LOG [LINES]: once a check has failed, LOG's last lines.
log_if_failed() {
    [ "$failed" -eq 0 ] || tail -n "${2:-30}" "$1"
}

# wait_for FILE TEXT [SECONDS]: until FILE holds TEXT (at most SECONDS,
# default 120); false if it never does.
wait_for() {
    local i
    for i in $(seq $((${3:-120} * 10))); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# The prompt of the guest's shell on the console (BusyBox ash as root).
GUEST_PROMPT='/ # '

# need_built TARGET: make TARGET in the tree at $top, or fail the test.
need_built() {
    make -s -C "$top" "$1" && return 0
    fail "build $1"
    summary
    exit 1
}

# guest_scratch: $share and $logs, new temp directories removed at exit.
guest_scratch() {
    share=$(mktemp -d)
    logs=$(mktemp -d)
    trap 'rm -rf "$share" "$logs"' EXIT
}

# boot_expect PLATFORM APPEND LOG WANT NAME: boot with $share; the guest's
# exit status, left in $status, must be WANT.
boot_expect() {
    status=0
    boot_guest "$1" "$share" "$2" "$3" || status=$?
    expect_eq "$5" "$4" "$status"
}

# boot_guest PLATFORM SHARE APPEND LOG: returns the guest's exit status.
#   PLATFORM: semu, semu-asan, semu-mapped (semu as nobody when run as
#   root, with security=mapped), qemu (virtiofsd) or qemu-9p; semu-dax and
#   semu-asan-dax give the share a DAX window and mount it dax=always.
boot_guest() {
    local platform=$1 share=$2 append=$3 log=$4 cmd
    case "$platform" in
    *-dax)
        platform=${platform%-dax}
        share="$share,dax=256M"
        append="semu.mount=dax=always $append"
        ;;
    esac
    case "$platform" in
    semu) cmd=("$top/semu" -k "$top/build/Image" -s "$share" -a "$append") ;;
    semu-asan)
        cmd=("$top/build/semu-asan" -k "$top/build/Image" -s "$share"
            -a "$append")
        ;;
    semu-mapped)
        cmd=("$top/semu" -k "$top/build/Image" -s "$share,security=mapped"
            -a "$append")
        [ "$(id -u)" -eq 0 ] &&
            cmd=(setpriv --reuid=65534 --regid=65534 --clear-groups -- "${cmd[@]}")
        ;;
    qemu) cmd=("$top/scripts/qemu-ref.sh" --share "$share" --append "$append") ;;
    qemu-9p)
        cmd=("$top/scripts/qemu-ref.sh" --share "$share" --transport 9p
            --append "$append")
        ;;
    *)
        echo "boot_guest: unknown platform $platform" >&2
        return 2
        ;;
    esac
    timeout "$boot_timeout" "${cmd[@]}" </dev/null >"$log" 2>&1
}
