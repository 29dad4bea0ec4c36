#!/usr/bin/env bash
# The demo site end to end: installs what is missing, builds, then starts a
# private mosquitto, vigild and vigil-sim on free loopback ports, plays
# config/demo/scenario.yaml (grants, denials, REX, a forced door, a door held
# open), shows the incidents as the console receives them, and ends with the
# journal and its verification. Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh
echo "== building (first build takes a few minutes on 2 cores)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target vigild vigilctl vigil-sim >/dev/null
vigild=$root/build/daemon/app/vigild
vigilctl=$root/build/daemon/ctl/vigilctl
vigil_sim=$root/build/simulators/vigil-sim/vigil-sim

run=$(mktemp -d /tmp/vigil-demo.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
broker_port=$(free_port)
modbus_port=$(free_port)

cp config/demo/site.yaml config/demo/people.csv config/demo/scenario.yaml "$run/"
sed -i "s/port: 15020/port: $modbus_port/" "$run/site.yaml"
site=$run/site.yaml

cat > "$run/mosquitto.conf" <<CONF
listener $broker_port 127.0.0.1
allow_anonymous true
persistence false
log_dest file $run/mosquitto.log
CONF
if [[ $(id -u) -eq 0 ]]; then echo "user root" >> "$run/mosquitto.conf"; fi
/usr/sbin/mosquitto -c "$run/mosquitto.conf" 2>>"$run/mosquitto.log" &
pids+=($!)
for _ in $(seq 50); do
  (echo > /dev/tcp/127.0.0.1/$broker_port) 2>/dev/null && break
  sleep 0.1
done
echo "== broker: mosquitto on 127.0.0.1:$broker_port; I/O module on 127.0.0.1:$modbus_port"

# The console: every message under vigil/, as a guard's screen would show it.
mosquitto_sub -h 127.0.0.1 -p "$broker_port" -t 'vigil/#' -v -q 1 \
  > >(python3 -u scripts/console.py) &
pids+=($!)

echo "== vigilctl config check"
"$vigilctl" config check "$site"
echo "== vigilctl person import"
"$vigilctl" person import "$run/people.csv" --config "$site"

echo "== starting vigil-sim (simulated site) and vigild"
# The sim keeps serving after the scenario (--then-idle), so vigild is stopped
# first and the journal ends with a clean daemon_stopped, not device faults.
"$vigil_sim" "$site" --scenario "$run/scenario.yaml" --then-idle \
  > >(tee "$run/sim.log" | sed -u 's/^/sim    | /') 2>&1 &
sim_pid=$!
pids+=($sim_pid)
"$vigild" -c "$site" --broker-port "$broker_port" > >(sed -u 's/^/vigild | /') 2>&1 &
vigild_pid=$!
pids+=($vigild_pid)

verdict=""
for _ in $(seq 900); do  # the scenario takes about 45 s; give up after 90 s
  verdict=$(grep -m1 'scenario: done' "$run/sim.log" 2>/dev/null || true)
  [[ -n $verdict ]] && break
  if ! kill -0 "$sim_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
sleep 2  # let the last incidents reach the console
kill -TERM "$vigild_pid" 2>/dev/null || true
wait "$vigild_pid" 2>/dev/null || true
kill -TERM "$sim_pid" 2>/dev/null || true
wait "$sim_pid" 2>/dev/null || true
sleep 0.5

echo
echo "== journal (vigilctl log query)"
"$vigilctl" log query --config "$site"
echo
echo "== journal verification (vigilctl log verify)"
verify_rc=0
"$vigilctl" log verify --config "$site" || verify_rc=$?

if [[ -z $verdict || $verdict != *" 0 expectations failed, 0 actions refused"* ]]; then
  echo "demo: the scenario did not play as expected: ${verdict:-no verdict}" >&2
  exit 1
fi
echo
echo "demo: done. The scenario played as expected and the journal verifies."
exit $verify_rc
