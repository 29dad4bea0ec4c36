#!/usr/bin/env bash
# The forced door's quiet re-run in one command (issue 7): builds this tree's
# -O2 vigild and bench in build-bench, then the timeline on ext4 and tmpfs
# and before/after alternating (bench/incident_latency_timeline.sh), with the
# date and load average, into a log.
#
#   bench/incident_latency_quiet.sh BEFORE_VIGILD [rounds=2] [doors=200] [log=/tmp/forced-quiet.log]
#
# BEFORE_VIGILD: an -O2 vigild of the build to compare against (e.g. main
# before the merge). About 4 minutes a round plus the build.
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?before vigild}
rounds=${2:-2}
doors=${3:-200}
log=${4:-/tmp/forced-quiet.log}
[[ -d build-bench ]] || cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DVIGIL_WERROR=ON >/dev/null
cmake --build build-bench -j2 --target vigild bench_incident_latency >/dev/null
after=$(mktemp /tmp/vigild-after.XXXXXX)
cp build-bench/daemon/app/vigild "$after"
chmod +x "$after"  # mktemp makes it 0600
{
  echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)"
  bench/incident_latency_timeline.sh "$before" "$after" "$rounds" "$doors" build-bench
} 2>&1 | tee "$log"
rm -f "$after"
