#!/usr/bin/env bash
# make images: the guest kernel (build/Image) and root file system
# (build/rootfs.cpio), from Debian packages only. Each step is skipped when
# its inputs did not change; built kernels and BusyBoxes are cached under
# ${XDG_CACHE_HOME:-~/.cache}/semu (override with SEMU_CACHE).
set -euo pipefail
. "$(dirname "$0")/image-lib.sh"

phase "installing missing Debian packages (first run only)"
"$top/scripts/deps.sh" image
"$top/scripts/build-kernel.sh"
"$top/scripts/build-busybox.sh"
"$top/scripts/build-rootfs.sh"
phase "done: $out/Image $out/rootfs.cpio"
