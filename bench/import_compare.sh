#!/usr/bin/env bash
# s22-import: a people import with two builds, alternating, into fresh files
# in a scratch folder; prints user+sys CPU, wall and peak RSS of each
# (GNU time) and the load average. Then checks the two imports wrote the same
# roster, names and events (md5 of a key-ordered dump without times and
# hashes) and that `vigilctl log verify` passes on each.
#   bench/import_compare.sh ROWS ROUNDS BEFORE_BUILD AFTER_BUILD [SCRATCH]
# CSV_ORDER=shuffled (s25-import) imports the same rows in a fixed shuffled
# order instead of person-id order: the two builds may then journal the
# people in different orders (s25 writes them in id order), so compare the
# "by person" md5, which does not depend on the order.
set -euo pipefail
rows=$1 rounds=$2 before=$3 after=$4 scratch=${5:-/tmp/vigil-import-compare}
mkdir -p "$scratch"
csv=$scratch/people$rows.csv
if [ ! -f "$csv" ]; then
  python3 - "$rows" "$csv" <<'PY'
import sys
rows, out = int(sys.argv[1]), open(sys.argv[2], "w")
out.write("person_id,name,card,access_levels,active,valid_from,valid_until,clearance,"
          "clearance_expires\n")
for i in range(rows):  # bench_person_import's write_people
    out.write('p%07d,"Person %d, Test",%d:%d,staff;night,true,2026-01-01,2027-12-31,secret,'
              '2027-06-30\n' % (i, i, 100 + i // 65536, i % 65536))
PY
fi
if [ "${CSV_ORDER:-}" = shuffled ]; then
  if [ ! -f "$scratch/people$rows-shuffled.csv" ]; then
    { head -1 "$csv"; tail -n +2 "$csv" | shuf --random-source=<(yes); } \
      > "$scratch/people$rows-shuffled.csv"
  fi
  csv=$scratch/people$rows-shuffled.csv
fi
config() {
  cat > "$scratch/$1.yaml" <<YAML
site: { id: bench-site, gateway: gw1, time_zone: UTC }
journal: { path: $scratch/$1.db }
broker: { host: 127.0.0.1, port: 9, topic_root: vigil }
devices:
  - { id: io0, type: modbus_tcp, host: 127.0.0.1, port: 9, unit: 1, coils: 8, inputs: 8 }
zones:
  - { id: zone-0 }
doors:
  - { id: door-0, from: outside, to: zone-0, lock: { device: io0, coil: 0 }, contact: { device: io0, input: 0 } }
access_levels:
  - { id: staff, zones: [zone-0], schedule: always }
  - { id: night, zones: [zone-0], schedule: always }
operators:
  - { user: "$(id -un)", roles: [facilities, auditor, supervisor, admin], zones: ["*"] }
YAML
}
dump() {
  sqlite3 "$1" <<'SQL'
SELECT seq, kind_id, reason_id, door_id, reader_id, zone_id, person_id, device_id, card, detail,
       hex(attrs) FROM events WHERE seq > 0 ORDER BY seq;
SELECT id, text FROM names ORDER BY id;
SELECT * FROM people ORDER BY id;
SELECT * FROM person_levels ORDER BY person, position;
SELECT * FROM credentials ORDER BY card;
SQL
}
by_person() {
  sqlite3 "$1" <<'SQL'
SELECT n.text, e.kind_id, e.card, e.detail FROM events e JOIN names n ON n.id = e.person_id
  ORDER BY n.text, e.seq;
SELECT * FROM people ORDER BY id;
SELECT * FROM person_levels ORDER BY person, position;
SELECT * FROM credentials ORDER BY card;
SQL
}
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    build=$before; [ $side = after ] && build=$after
    rm -f "$scratch/$side.db"*; config $side
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "round $round $side: %U user %S sys %e s wall %M KB peak, load $load" \
      "$build/daemon/ctl/vigilctl" person import --config "$scratch/$side.yaml" "$csv" \
      > "$scratch/$side.out" 2> "$scratch/$side.err" || { cat "$scratch/$side.err"; exit 1; }
    tail -1 "$scratch/$side.err"
  done
done
for side in before after; do
  build=$before; [ $side = after ] && build=$after
  "$build/daemon/ctl/vigilctl" log verify --config "$scratch/$side.yaml" 2>&1 | grep -v "public key"
  echo "$side dump md5 (attrs hold no times but the import's own): $(dump "$scratch/$side.db" | md5sum)"
  echo "$side by person md5: $(by_person "$scratch/$side.db" | md5sum)"
done
