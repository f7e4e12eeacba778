#!/usr/bin/env bash
# Build a static BusyBox (glibc) for riscv64 from Debian's busybox source
# package: its defconfig plus configs/busybox.config.
set -euo pipefail
. "$(dirname "$0")/image-lib.sh"

# apt-get source needs deb-src entries for the suites already in use.
ensure_deb_src() {
    apt-get indextargets --format '$(IDENTIFIER)' 2>/dev/null |
        grep -qx Sources && return 0
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    phase "busybox: adding deb-src entries for the configured suites"
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        case "$f" in */semu-deb-src.sources) continue ;; esac
        sed 's/^Types:.*/Types: deb-src/' "$f"
        echo
    done | "${sudo[@]}" tee /etc/apt/sources.list.d/semu-deb-src.sources >/dev/null
    if [ -f /etc/apt/sources.list ]; then
        sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list |
            "${sudo[@]}" tee /etc/apt/sources.list.d/semu-deb-src.list >/dev/null
    fi
    "${sudo[@]}" apt-get update -qq
}

ensure_deb_src
version=$(apt-cache showsrc busybox 2>/dev/null |
    sed -n 's/^Version: //p' | sort -V | tail -n 1)
[ -n "$version" ] || {
    echo "images: no busybox source package found" >&2
    exit 1
}
# make cannot cope with the epoch's colon in a path.
src=$cache/src/busybox-${version//:/_}
fetch() {
    phase "busybox: fetching source package $version (apt-get source)"
    (cd "$tmp" && run_logged "$tmp/../busybox-source.log" \
        apt-get source -q "busybox=$version")
}
cached_source "$src" fetch

key=$(cache_key "$top/configs/busybox.config" \
    "$top/scripts/build-busybox.sh" -- "$version" \
    "$(pkg_version gcc-riscv64-linux-gnu)" "$(pkg_version libc6-dev-riscv64-cross)")
dir=$cache/busybox-$key
build() {
    local bmake=(make -C "$src" O="$obj" CROSS_COMPILE=$cross) line name
    phase "busybox: configuring (defconfig + configs/busybox.config)"
    run_logged "$obj/config.log" "${bmake[@]}" defconfig
    while IFS= read -r line; do
        case "$line" in
        CONFIG_*=*) name=${line%%=*} ;;
        "# CONFIG_"*" is not set")
            name=${line#\# }
            name=${name%% *}
            ;;
        *) continue ;;
        esac
        sed -i -e "/^$name=/d" -e "/^# $name is not set/d" "$obj/.config"
        echo "$line" >>"$obj/.config"
    done <"$top/configs/busybox.config"
    # Take the default for anything the fragment leaves open.
    run_logged "$obj/oldconfig.log" "${bmake[@]}" oldconfig < <(yes "")
    phase "busybox: building with $jobs jobs (about 30 seconds on 2 cores)"
    run_logged "$obj/build.log" "${bmake[@]}" -j"$jobs" busybox busybox.links
    if ${cross}readelf -l "$obj/busybox" | grep -q INTERP; then
        echo "images: busybox is not static" >&2
        exit 1
    fi
    cp "$obj/busybox" "$obj/busybox.links" "$obj/.config" "$new/"
    phase "busybox: built"
}
cached_build busybox "$dir" busybox build
mkdir -p "$out/busybox"
install_if_changed "$dir/busybox" "$out/busybox/busybox"
install_if_changed "$dir/busybox.links" "$out/busybox/busybox.links"
