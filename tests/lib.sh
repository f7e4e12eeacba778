# Shared by the shell test runners: counting checks and a summary line.
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
        fail "$1: want '$2', got '$3'"
    fi
}

# summary: the closing line CI reads; exit status reflects failures.
summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
