#!/usr/bin/env bash
# Build the guest's root file system from one list of entries, twice:
#   build/rootfs.cpio  the initramfs, packed with the kernel's gen_init_cpio
#                      (no root rights needed for the /dev/console node;
#                      fixed timestamps, so equal inputs give equal bytes)
#   build/rootfs/      the same tree as a directory, to boot as a virtio-fs
#                      root (semu -s build/rootfs,root)
# It holds BusyBox and its applet links, rootfs/init and /etc, and the
# riscv64 glibc runtime from Debian's cross packages at the paths Debian's
# cross compilers ask for (/lib/ld-linux-riscv64-lp64d.so.1, then
# /lib/riscv64-linux-gnu/, the first directory that loader searches).
# Both are rebuilt on every make images, so package updates get in.
set -euo pipefail
. "$(dirname "$0")/image-lib.sh"

version=$(pkg_version linux-source-6.12)
tool=$cache/tools/gen_init_cpio-$version
if [ ! -x "$tool" ]; then
    mkdir -p "$cache/tools"
    cc -O2 -o "$tool" "$cache/src/linux-$version/usr/gen_init_cpio.c"
fi

cross_lib=/usr/${cross%-}/lib
glibc_pkgs=(libc6-riscv64-cross libgcc-s1-riscv64-cross libstdc++6-riscv64-cross)
multiarch=/lib/riscv64-linux-gnu
loader=ld-linux-riscv64-lp64d.so.1

# Every shared library the packages install, by the name programs ask for
# (libstdc++.so.6, not libstdc++.so.6.0.30), as one real file each.
glibc_libs() {
    dpkg -L "${glibc_pkgs[@]}" | grep "^$cross_lib/[^/]*\.so[.0-9]*$" |
        while IFS= read -r lib; do
            name=${lib##*/}
            case "$name" in
            "$loader") ;;
            *.so.[0-9]*.[0-9]*) ;; # the versioned file behind a soname link
            *) echo "$name" ;;
            esac
        done | sort -u
}

list=$out/rootfs.list
{
    for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /mnt \
        /srv /root /etc /lib $multiarch; do
        echo "dir $d 0755 0 0"
    done
    echo "nod /dev/console 0600 0 0 c 5 1"
    echo "file /bin/busybox $out/busybox/busybox 0755 0 0"
    echo "file /init $top/rootfs/init 0755 0 0"
    echo "file /etc/passwd $top/rootfs/passwd 0644 0 0"
    echo "file /etc/group $top/rootfs/group 0644 0 0"
    echo "file /lib/$loader $(readlink -f "$cross_lib/$loader") 0755 0 0"
    glibc_libs | while IFS= read -r name; do
        echo "file $multiarch/$name $(readlink -f "$cross_lib/$name") 0755 0 0"
    done
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

# The directory: the same entries but device nodes (the kernel mounts
# devtmpfs on /dev of a root that is not an initramfs), unpacked in one go.
# Files of the list are replaced; files the user added stay.
dir=$out/rootfs
mkdir -p "$dir"
grep -v '^nod ' "$list" >"$list.dir"
"$tool" "$list.dir" | (cd "$dir" && cpio -idu --quiet --no-absolute-filenames)
rm -f "$list.dir"

phase "rootfs: $(du -h "$out/rootfs.cpio" | cut -f1) ($(wc -l <"$out/busybox/busybox.links") applets, glibc $(pkg_version libc6-riscv64-cross)), and $dir/"
