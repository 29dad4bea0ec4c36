#!/bin/bash
# decide()'s slowest 1 %: the input or the moment (s24). Runs the pair built
# by decide_before_after.sh (run that first; it leaves base/ and new/ in
# VIGIL_DECIDE_WORK, default /tmp/decide-pair) with VIGIL_BENCH_REPLAY=1:
# unpinned, pinned to CPU 1, and pinned to CPU 1 with a busy loop on CPU 0
# (this script's own child, killed by its PID at the end of that run).
# Usage: bench/decide_tail_runs.sh [N=2000000]
set -euo pipefail
n=${1:-2000000}
work=${VIGIL_DECIDE_WORK:-/tmp/decide-pair}
stamp() { echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg) $*"; }
for build in base new; do
  stamp "$build unpinned"
  VIGIL_BENCH_REPLAY=1 "$work/$build/bench_decide_scale" "$n" | sed "s/^/$build: /"
  stamp "$build pinned to CPU 1"
  VIGIL_BENCH_REPLAY=1 taskset -c 1 "$work/$build/bench_decide_scale" "$n" | sed "s/^/$build: /"
  taskset -c 0 bash -c 'while :; do :; done' &
  busy=$!
  stamp "$build pinned to CPU 1, a busy loop on CPU 0"
  VIGIL_BENCH_REPLAY=1 taskset -c 1 "$work/$build/bench_decide_scale" "$n" | sed "s/^/$build: /"
  kill "$busy"
  wait "$busy" 2>/dev/null || true
done
