# Shared by the image build scripts: paths, progress and cache keys.
# Built artifacts are cached outside the clone, keyed by a hash of every
# input that shapes them, so a fresh clone on the same machine reuses them.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${BUILD_DIR:-$top/build}
cache=${SEMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/semu}
jobs=$(nproc)
cross=riscv64-linux-gnu-
mkdir -p "$out" "$cache/src"

: "${IMAGES_START:=$(date +%s)}"
export IMAGES_START
phase() {
    printf '[images %4ds] %s\n' $(($(date +%s) - IMAGES_START)) "$*"
}

# cache_key FILE... [-- STRING...]: a short hash of files' names and
# contents and extra strings (package versions); not of where the clone is.
cache_key() {
    {
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
            basename "$1"
            cat "$1"
            shift
        done
        [ $# -gt 0 ] && shift
        printf '%s\n' "$@"
    } | sha256sum | cut -c1-16
}

pkg_version() {
    dpkg-query -W -f='${Version}' "$1"
}

# run_logged LOG CMD...: run quietly; on failure show the log's tail.
run_logged() {
    local log=$1
    shift
    if ! "$@" >"$log" 2>&1; then
        echo "images: failed: $*" >&2
        tail -n 40 "$log" >&2
        echo "images: full log in $log" >&2
        return 1
    fi
}

# cached_source DIR STEP: a source tree unpacked once into DIR: unless DIR
# has a Makefile, STEP fills $tmp, a fresh directory, with the tree or with
# one directory holding it, which then becomes DIR.
cached_source() {
    local src=$1 step=$2
    [ -f "$src/Makefile" ] && return
    tmp=$src.tmp
    rm -rf "$tmp" && mkdir -p "$tmp"
    "$step"
    if [ -f "$tmp/Makefile" ]; then
        mv "$tmp" "$src"
    else
        mv "$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)" "$src"
        rm -rf "$tmp"
    fi
}

# cached_build NAME DIR FILE STEP: DIR holds NAME's build, keyed by its
# inputs; unless DIR/FILE is there already, STEP runs with $obj a fresh
# object tree and $new the directory to fill, and $new then becomes DIR
# (so DIR is never half-built).
cached_build() {
    local name=$1 dir=$2 file=$3 step=$4
    if [ -e "$dir/$file" ]; then
        phase "$name: cached ($dir)"
        return
    fi
    obj=$dir.obj new=$dir.new
    rm -rf "$obj" "$new" && mkdir -p "$obj" "$new"
    "$step"
    rm -rf "$dir" && mv "$new" "$dir"
    rm -rf "$obj"
}

# install_if_changed SRC DST: copy unless identical, so make sees no change.
install_if_changed() {
    cmp -s "$1" "$2" || cp "$1" "$2"
}

# One image build at a time per cache: concurrent makes (another clone, a
# parallel test target) wait here instead of sharing a half-built tree.
if [ -z "${SEMU_CACHE_LOCKED:-}" ]; then
    exec 9>"$cache/.lock"
    if ! flock -n 9; then
        phase "waiting for another image build using $cache"
        flock 9
    fi
    export SEMU_CACHE_LOCKED=1
fi
