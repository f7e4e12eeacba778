#!/usr/bin/env bash
# Install the Debian packages a job needs, and only those that are missing.
#   scripts/deps.sh build   the emulator itself
#   scripts/deps.sh image   guest kernel and BusyBox (cross compiler, sources)
#   scripts/deps.sh test    QEMU reference, OpenSBI, clang/libFuzzer
#   scripts/deps.sh all
set -euo pipefail

build_pkgs=(gcc make libc6-dev libfdt-dev uthash-dev device-tree-compiler
    linux-libc-dev clang-format python3)
image_pkgs=(gcc-riscv64-linux-gnu libc6-dev-riscv64-cross linux-source-6.12
    bc flex bison cpio xz-utils dpkg-dev libelf-dev libssl-dev kmod rsync
    device-tree-compiler libc6-riscv64-cross libgcc-s1-riscv64-cross
    libstdc++6-riscv64-cross)
test_pkgs=(qemu-system-misc qemu-system-common opensbi clang
    libclang-rt-14-dev gcc-riscv64-linux-gnu g++-riscv64-linux-gnu
    binutils-riscv64-linux-gnu
    python3 bc bsdutils coreutils findutils)

case "${1:-all}" in
build) want=("${build_pkgs[@]}") ;;
image) want=("${image_pkgs[@]}") ;;
test) want=("${test_pkgs[@]}") ;;
all) want=("${build_pkgs[@]}" "${image_pkgs[@]}" "${test_pkgs[@]}") ;;
*)
    echo "usage: $0 build|image|test|all" >&2
    exit 2
    ;;
esac

missing=()
for pkg in "${want[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "deps: installing ${missing[*]}" >&2
# A fresh machine may have never fetched package lists; refresh at most
# once per hour so repeated calls stay fast.
lists=/var/lib/apt/lists
if [ -z "$(find "$lists" -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -n 1)" ]; then
    "${sudo[@]}" apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >&2
