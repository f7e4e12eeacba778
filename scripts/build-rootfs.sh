#!/usr/bin/env bash
# Build build/rootfs.cpio: BusyBox, its applet links and rootfs/init,
# packed with the kernel's gen_init_cpio (no root rights needed for the
# /dev/console node; fixed timestamps, so equal inputs give equal bytes).
set -euo pipefail
. "$(dirname "$0")/image-lib.sh"

version=$(pkg_version linux-source-6.12)
tool=$cache/tools/gen_init_cpio-$version
if [ ! -x "$tool" ]; then
    mkdir -p "$cache/tools"
    cc -O2 -o "$tool" "$cache/src/linux-$version/usr/gen_init_cpio.c"
fi

list=$out/rootfs.list
{
    for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /mnt \
        /srv /root /etc; do
        echo "dir $d 0755 0 0"
    done
    echo "nod /dev/console 0600 0 0 c 5 1"
    echo "file /bin/busybox $out/busybox/busybox 0755 0 0"
    echo "file /init $top/rootfs/init 0755 0 0"
    echo "file /etc/passwd $top/rootfs/passwd 0644 0 0"
    echo "file /etc/group $top/rootfs/group 0644 0 0"
    # busybox.links lists every applet path; link each to /bin/busybox.
    while IFS= read -r applet; do
        [ "$applet" = /bin/busybox ] && continue
        echo "slink $applet /bin/busybox 0777 0 0"
    done <"$out/busybox/busybox.links"
} >"$list.new"
mv "$list.new" "$list"

"$tool" -t 0 "$list" >"$out/rootfs.cpio.new"
install_if_changed "$out/rootfs.cpio.new" "$out/rootfs.cpio"
rm -f "$out/rootfs.cpio.new"
phase "rootfs: $(du -h "$out/rootfs.cpio" | cut -f1) ($(wc -l <"$out/busybox/busybox.links") applets)"
