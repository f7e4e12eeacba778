# The shell tests' checks, in the C tests' format (tests/check.h): one
# "PASS name" or "FAIL name[: got X, want Y]" line per check, then the
# closing "N passed, N failed" line; the exit status says whether any
# check failed. tests/guest/fs-suite.sh keeps a BusyBox copy of the format.
passed=0
failed=0

pass() {
    passed=$((passed + 1))
    echo "PASS $*"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL $*"
}

# expect NAME CMD...: one check, passed when CMD succeeds.
expect() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

# expect_eq NAME WANT GOT
expect_eq() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1: got '$3', want '$2'"
    fi
}

# summary: the closing line CI reads; exit status reflects failures.
summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# log_if_failed LOG [LINES]: once a check has failed, LOG's last lines.
log_if_failed() {
    [ "$failed" -eq 0 ] || tail -n "${2:-30}" "$1"
}

# wait_for FILE TEXT [SECONDS]: until FILE holds TEXT (at most SECONDS,
# default 120); false if it never does.
wait_for() {
    local i
    for i in $(seq $((${3:-120} * 10))); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# The prompt of the guest's shell on the console (BusyBox ash as root).
GUEST_PROMPT='/ # '

# need_built TARGET: make TARGET in the tree at $top, or fail the test.
need_built() {
    make -s -C "$top" "$1" && return 0
    fail "build $1"
    summary
    exit 1
}
