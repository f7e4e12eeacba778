#!/bin/sh
# Run the virtio fuzz target: every seed once, then a bounded fuzzing run.
#   run.sh FUZZER SEED_DIR SECONDS WORK_DIR
# New inputs go to WORK_DIR/corpus (the committed seeds stay untouched);
# a crashing input is saved in WORK_DIR/artifacts.
set -u
fuzzer=$1 seeds=$2 seconds=$3 work=$4
passed=0 failed=0
mkdir -p "$work/corpus" "$work/artifacts"
log="$work/run.log"

for seed in "$seeds"/*; do
    if "$fuzzer" -timeout=10 "$seed" >"$log" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL seed $seed:" >&2
        tail -n 30 "$log" >&2
    fi
done

if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" "$seeds" >"$log" 2>&1; then
    passed=$((passed + 1))
    grep -E '^(stat::number_of_executed_units|#[0-9]+ +DONE)' "$log" || true
else
    failed=$((failed + 1))
    echo "FAIL fuzzing run (artifacts in $work/artifacts):" >&2
    tail -n 40 "$log" >&2
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
