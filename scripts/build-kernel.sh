#!/usr/bin/env bash
# Build build/Image: Linux 6.12 (Debian's linux-source-6.12) for riscv64,
# configured as allnoconfig plus configs/linux.config.
set -euo pipefail
. "$(dirname "$0")/image-lib.sh"

version=$(pkg_version linux-source-6.12)
src=$cache/src/linux-$version
unpack() {
    phase "kernel: unpacking linux-source-6.12 $version"
    tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$tmp" --strip-components=1
}
cached_source "$src" unpack

key=$(cache_key "$top/configs/linux.config" "$top/scripts/build-kernel.sh" -- "$version")
dir=$cache/linux-$key
build() {
    local kmake=(make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE=$cross)
    phase "kernel: configuring (allnoconfig + configs/linux.config)"
    run_logged "$obj/config.log" "${kmake[@]}" \
        KCONFIG_ALLCONFIG="$top/configs/linux.config" allnoconfig
    # Kconfig drops a setting silently when a dependency is missing.
    local line missing=0
    while IFS= read -r line; do
        case "$line" in CONFIG_*) ;; *) continue ;; esac
        if ! grep -qxF "$line" "$obj/.config"; then
            echo "images: $line did not survive Kconfig" >&2
            missing=1
        fi
    done <"$top/configs/linux.config"
    [ $missing -eq 0 ] || exit 1
    phase "kernel: building Image with $jobs jobs (about 3 minutes on 2 cores)"
    run_logged "$obj/build.log" "${kmake[@]}" -j"$jobs" Image
    # System.map turns guest pcs (SEMU_PROFILE) into kernel functions.
    cp "$obj/arch/riscv/boot/Image" "$obj/.config" "$obj/System.map" "$new/"
    phase "kernel: built ($(du -h "$new/Image" | cut -f1))"
}
cached_build kernel "$dir" Image build
install_if_changed "$dir/Image" "$out/Image"
install_if_changed "$dir/.config" "$out/linux.config"
install_if_changed "$dir/System.map" "$out/System.map"
