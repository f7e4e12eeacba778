#!/usr/bin/env bash
# Run the virtio fuzz target: every seed once, then a bounded fuzzing run.
#   run.sh FUZZER SEED_DIR SECONDS WORK_DIR
# New inputs go to WORK_DIR/corpus (the committed seeds stay untouched);
# a crashing input is saved in WORK_DIR/artifacts.
set -u
. "$(dirname "$0")/../lib.sh"
fuzzer=$1 seeds=$2 seconds=$3 work=$4
mkdir -p "$work/corpus" "$work/artifacts"
log="$work/run.log"

for seed in "$seeds"/*; do
    if "$fuzzer" -timeout=10 "$seed" >"$log" 2>&1; then
        pass "seed $seed"
    else
        fail "seed $seed"
        tail -n 30 "$log"
    fi
done

if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" "$seeds" >"$log" 2>&1; then
    pass "fuzzing run"
    grep -E '^(stat::number_of_executed_units|#[0-9]+ +DONE)' "$log" || true
else
    fail "fuzzing run (artifacts in $work/artifacts)"
    tail -n 40 "$log"
fi
summary
