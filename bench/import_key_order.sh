#!/usr/bin/env bash
# s25-import (bench/import_key_order.sh): what key order buys for the people store's tables at N rows.
#   bench/import_key_order.sh CSV CACHE_KIB ORDER   (ORDER: file | person | card)
# Loads the CSV into a scratch table first (not timed), then times one
# transaction inserting names, people, person_levels, credentials (+ its
# person index) in the given order, into a fresh file with 8 KiB pages, WAL.
set -euo pipefail
mkdir -p "${SCRATCH:-/tmp/vigil-key-order}"
csv=$1 cache=$2 order=$3
src=${SCRATCH:-/tmp/vigil-key-order}/src-$(basename "$csv" .csv).db
if [ ! -f "$src" ]; then
  sqlite3 "$src" <<SQL
.mode csv
.import $csv csv
SQL
fi
case $order in file) by="rowid";; person) by="person_id";; card) by="card";; esac
db=${SCRATCH:-/tmp/vigil-key-order}/t.db; rm -f $db $db-wal $db-shm
sqlite3 $db <<SQL >/dev/null
PRAGMA page_size=8192; PRAGMA journal_mode=WAL;
CREATE TABLE names (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE) STRICT;
CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL, clearance TEXT, clearance_expires TEXT) WITHOUT ROWID;
CREATE TABLE person_levels (person TEXT NOT NULL, position INTEGER NOT NULL, level TEXT NOT NULL, PRIMARY KEY (person, position)) WITHOUT ROWID;
CREATE TABLE credentials (card TEXT PRIMARY KEY, person TEXT NOT NULL, active INTEGER NOT NULL, valid_from_us INTEGER, valid_until_us INTEGER) WITHOUT ROWID;
CREATE INDEX credentials_by_person ON credentials(person);
SQL
t() { local what=$1; shift; /usr/bin/time -f "$what: %U user %S sys %e wall" sqlite3 $db "PRAGMA cache_size=-$cache; ATTACH '$src' AS s; BEGIN; $*; COMMIT;"; }
t "names  ($order)" "INSERT INTO names(text) SELECT person_id FROM s.csv ORDER BY $by"
t "people ($order)" "INSERT INTO people SELECT person_id, name, 1, clearance, clearance_expires FROM s.csv ORDER BY $by"
t "levels ($order)" "INSERT INTO person_levels SELECT person_id, 0, 'staff' FROM s.csv ORDER BY $by; INSERT INTO person_levels SELECT person_id, 1, 'night' FROM s.csv ORDER BY $by"
t "cards  ($order)" "INSERT INTO credentials SELECT card, person_id, 1, 1, 2 FROM s.csv ORDER BY $by"
