# Guest tests: boot a guest on a platform with a shared directory and
# kernel arguments, with the checks of tests/lib.sh.
top=${top:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
boot_timeout=${BOOT_TIMEOUT:-600}
. "$top/tests/lib.sh"

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
