#!/usr/bin/env bash
# Forced door to subscriber, two vigild builds alternating in one run: the
# same bench binary (bench_incident_latency), vigild swapped in at the path
# the bench starts (the build's daemon/app/vigild), on ext4 and on a tmpfs.
#
#   bench/incident_latency_alternate.sh BEFORE_VIGILD AFTER_VIGILD [rounds=3] [doors=200] [build=build]
#
# Prints each run's summary lines prefixed with the round, the disk and the
# build, and the load average before each run; restores AFTER_VIGILD at the
# end. The tmpfs is /dev/shm (a fresh directory per run, removed after).
set -euo pipefail
before=${1:?before vigild}
after=${2:?after vigild}
rounds=${3:-3}
doors=${4:-200}
build=${5:-build}
bench="$build/bench/bench_incident_latency"
target="$build/daemon/app/vigild"
[[ -x $bench && -x $before && -x $after ]] || { echo "need $bench, $before, $after" >&2; exit 2; }

run() {  # disk name, vigild, label
  local disk=$1 vigild=$2 label=$3 dir=""
  cp "$vigild" "$target"
  if [[ $disk == tmpfs ]]; then dir=$(mktemp -d /dev/shm/forced-lat.XXXXXX); fi
  echo "== round $r $disk $label $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$bench" "$doors" $dir 2>/dev/null | grep -E 'bare|of which|forced|fdatasync of 32 KiB overwritten|ratio|floor' |
    sed "s/^/  /" || true
  if [[ -n $dir ]]; then rm -rf "$dir"; fi
}

for r in $(seq 1 "$rounds"); do
  for disk in tmpfs ext4; do
    run "$disk" "$before" before
    run "$disk" "$after" after
  done
done
cp "$after" "$target"
