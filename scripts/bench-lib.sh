# Shared by the benchmark scripts (sourced after setting top): the
# image, the time limit of one boot, and helpers.
image=$top/build/Image
limit=${BOOT_TIMEOUT:-600}

# ratio A B: A / B to two places, or - when either is missing or B is 0.
ratio() {
    if [[ ${1:-} =~ ^[0-9.]+$ && ${2:-} =~ ^[0-9.]+$ ]] &&
        awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
        awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
    else
        echo -
    fi
}
