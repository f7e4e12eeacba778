# Boot a guest on a platform with a shared directory and kernel arguments.
# boot_guest PLATFORM SHARE APPEND LOG: returns the guest's exit status.
#   PLATFORM: semu, semu-asan, qemu (virtiofsd) or qemu-9p.
top=${top:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
boot_timeout=${BOOT_TIMEOUT:-600}

boot_guest() {
    local platform=$1 share=$2 append=$3 log=$4 status=0
    case "$platform" in
    semu)
        timeout "$boot_timeout" "$top/semu" -k "$top/build/Image" \
            -s "$share" -a "$append" </dev/null >"$log" 2>&1 || status=$?
        ;;
    semu-asan)
        timeout "$boot_timeout" "$top/build/semu-asan" -k "$top/build/Image" \
            -s "$share" -a "$append" </dev/null >"$log" 2>&1 || status=$?
        ;;
    qemu)
        timeout "$boot_timeout" "$top/scripts/qemu-ref.sh" --share "$share" \
            --append "$append" </dev/null >"$log" 2>&1 || status=$?
        ;;
    qemu-9p)
        timeout "$boot_timeout" "$top/scripts/qemu-ref.sh" --share "$share" \
            --transport 9p --append "$append" </dev/null >"$log" 2>&1 ||
            status=$?
        ;;
    *)
        echo "boot_guest: unknown platform $platform" >&2
        return 2
        ;;
    esac
    return "$status"
}
