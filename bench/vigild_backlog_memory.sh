#!/usr/bin/env bash
# vigild's own memory (VmRSS, VmHWM from /proc/PID/status) while it holds an
# outbox backlog with the broker down (issue 11, "vigild memory while holding
# the backlog"). The demo site (config/demo) with its modules absent (vigild
# keeps the doors fail-safe and retries) and a broker port nobody listens on.
# A first start creates the journal and its outbox; then for each backlog
# size the outbox is filled with that many incident rows (about 450 bytes of
# JSON each, as vigild's journal writer would have stored them over days),
# vigild is started on a copy and read after SECONDS, twice.
#
#   bench/vigild_backlog_memory.sh BUILD_DIR [ROWS=100000] [SECONDS=10]
set -euo pipefail
build=${1:?build dir}
rows=${2:-100000}
secs=${3:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/vigil-backlog-mem.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$here"/config/demo/* "$work"/
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
vigild="$build/daemon/app/vigild"

run_vigild() {  # db -> prints "VmRSS VmHWM" (KiB) after $secs
  "$vigild" -c "$work/site.yaml" -q --log-level error --broker-port "$port" --journal "$1" \
    >"$work/vigild.log" 2>&1 &
  local pid=$!
  sleep "$secs"
  local rss hwm
  rss=$(awk '/^VmRSS:/ {print $2}' /proc/$pid/status)
  hwm=$(awk '/^VmHWM:/ {print $2}' /proc/$pid/status)
  kill -TERM $pid
  wait $pid || true
  echo "$rss $hwm"
}

run_vigild "$work/base.db" >/dev/null  # creates the journal and the outbox
payload='{"v":1,"id":"seg-1/SEQ","kind":"door_forced","severity":"critical","site":"hq","gateway":"gw1","zone":"lobby","door":"front","time":"2026-11-29T12:00:00.000Z","seq":SEQ,"message":"door front forced open while locked","person":null,"reader":"front-in","details":{"contact":"open","lock":"locked","duration_ms":0},"padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'
for n in 0 "$rows"; do
  for round in 1 2; do
    cp "$work/base.db" "$work/run.db"
    sqlite3 "$work/run.db" "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n)
      INSERT INTO outbox (topic, payload, enqueued_at_us, qos, retain)
      SELECT 'vigil/v1/hq/gw1/incident/critical/lobby', replace('$payload', 'SEQ', i), i, 1, 0
      FROM c WHERE $n > 0;"
    held=$(sqlite3 "$work/run.db" "SELECT count(*) FROM outbox")
    read -r rss hwm < <(run_vigild "$work/run.db")
    left=$(sqlite3 "$work/run.db" "SELECT count(*) FROM outbox")
    echo "backlog $held rows (after: $left): vigild VmRSS $rss KiB, VmHWM $hwm KiB (round $round)"
  done
done
