#!/usr/bin/env bash
# The forced door's timeline (bench_incident_latency with VIGIL_BENCH_TIMELINE=1:
# vigild writes a line per commit under VIGIL_LATENCY_TRACE), on ext4 and on a
# tmpfs, then before/after alternating without the trace (the trace's stamps
# cost ~20 ns each, its line is written after the publish).
#
#   bench/incident_latency_timeline.sh BEFORE_VIGILD AFTER_VIGILD [rounds=3] [doors=200] [build=build-bench]
#
# AFTER_VIGILD must have the trace (s24-forced or later); BEFORE_VIGILD is only
# alternated. Prints the load average before each run.
set -euo pipefail
before=${1:?before vigild}
after=${2:?after vigild}
rounds=${3:-3}
doors=${4:-200}
build=${5:-build-bench}
bench="$build/bench/bench_incident_latency"
target="$build/daemon/app/vigild"
cp "$after" "$target"
for disk in ext4 tmpfs; do
  dir=""
  if [[ $disk == tmpfs ]]; then dir=$(mktemp -d /dev/shm/forced-tl.XXXXXX); fi
  echo "== timeline $disk $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  VIGIL_BENCH_TIMELINE=1 "$bench" "$doors" $dir 2>/dev/null | sed "s/^/  /" || true
  if [[ -n $dir ]]; then rm -rf "$dir"; fi
done
"$(dirname "$0")/incident_latency_alternate.sh" "$before" "$after" "$rounds" "$doors" "$build"
