#!/usr/bin/env bash
# The reference platform: boot build/Image + build/rootfs.cpio on QEMU's
# riscv64 `virt` machine (Debian's qemu-system-misc and its OpenSBI), with a
# host directory shared as tag "myfs" through virtiofsd or 9p. The guest
# init treats it exactly like semu's share, so
#   scripts/qemu-ref.sh --share DIR --append 'semu.run="sh test.sh"'
# runs test.sh in the share and exits with its status.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    cat <<USAGE
usage: $0 [options]
  --share DIR          share DIR with the guest as tag myfs
  --root DIR           share DIR as tag myfs and boot with it as / (no
                       initramfs; like semu -s DIR,root)
  --transport T        virtiofs (QEMU's virtiofsd, default) or 9p
  --cache MODE         virtiofsd cache mode: auto (default), always, none
  --append ARGS        extra kernel command line (e.g. 'semu.run="ls"')
  --smp N              harts (default 1)
  --mem MiB            RAM (default 512)
  --kernel FILE        default build/Image
  --initrd FILE        default build/rootfs.cpio
USAGE
}

share= root= transport=virtiofs cache=auto append= smp=1 mem=512
kernel=$top/build/Image initrd=$top/build/rootfs.cpio
while [ $# -gt 0 ]; do
    case "$1" in
    --share) share=$2 ;;
    --root)
        share=$2
        root=1
        ;;
    --transport) transport=$2 ;;
    --cache) cache=$2 ;;
    --append) append=$2 ;;
    --smp) smp=$2 ;;
    --mem) mem=$2 ;;
    --kernel) kernel=$2 ;;
    --initrd) initrd=$2 ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
    [ $# -ge 2 ] || {
        usage >&2
        exit 2
    }
    shift 2
done

"$top/scripts/deps.sh" test
if [ -n "$root" ]; then
    [ "$transport" = virtiofs ] || {
        echo "qemu-ref: --root needs the virtiofs transport" >&2
        exit 2
    }
    [ -x "$share/init" ] || {
        echo "qemu-ref: $share/init missing: a root needs the guest's /init" >&2
        exit 2
    }
    initrd=
    append="root=myfs rootfstype=virtiofs rw init=/init $append"
fi
for f in "$kernel" ${initrd:+"$initrd"}; do
    [ -f "$f" ] || {
        echo "qemu-ref: $f missing (run make images)" >&2
        exit 2
    }
done

qemu=(qemu-system-riscv64 -M virt -smp "$smp" -m "${mem}M" -nographic
    -kernel "$kernel" ${initrd:+-initrd "$initrd"}
    -append "console=ttyS0 $append"
    -global virtio-mmio.force-legacy=false)

work=$(mktemp -d)
virtiofsd_pid=
# Under set -e a failing command here would replace QEMU's exit status
# (virtiofsd usually, but not always, exits on its own before this runs).
cleanup() {
    if [ -n "$virtiofsd_pid" ]; then
        kill "$virtiofsd_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ -n "$share" ]; then
    [ -d "$share" ] || {
        echo "qemu-ref: $share is not a directory" >&2
        exit 2
    }
    share=$(cd "$share" && pwd)
    case "$transport" in
    virtiofs)
        # virtiofsd serves one connection, then exits. vhost-user needs
        # guest RAM in a shared memfd the daemon can map.
        /usr/lib/qemu/virtiofsd --socket-path="$work/vfs.sock" \
            -o source="$share" -o cache="$cache" -o xattr \
            >"$work/virtiofsd.log" 2>&1 &
        virtiofsd_pid=$!
        for _ in $(seq 100); do
            [ -S "$work/vfs.sock" ] && break
            sleep 0.05
        done
        [ -S "$work/vfs.sock" ] || {
            echo "qemu-ref: virtiofsd did not start:" >&2
            cat "$work/virtiofsd.log" >&2
            exit 2
        }
        qemu+=(-object "memory-backend-memfd,id=mem,size=${mem}M,share=on"
            -numa node,memdev=mem
            -chardev "socket,id=vfs,path=$work/vfs.sock"
            -device vhost-user-fs-device,chardev=vfs,tag=myfs,queue-size=1024)
        ;;
    9p)
        qemu+=(-fsdev "local,id=fs0,path=$share,security_model=passthrough"
            -device virtio-9p-device,fsdev=fs0,mount_tag=myfs)
        ;;
    *)
        echo "qemu-ref: unknown transport $transport" >&2
        exit 2
        ;;
    esac
fi

status=0
"${qemu[@]}" || status=$?
exit "$status"
