#!/usr/bin/env python3
"""Check a Vigil journal (format v2) without Vigil: Python 3 standard library only.

Usage: verify_journal.py JOURNAL.db
Prints "ok: N rows, head HEX" and exits 0, or names the first bad row
("row 17: altered (hash mismatch)") and exits 1. The byte layout is in
docs/journal.md, "Hash input". Needs Python's sqlite3 on SQLite 3.37 or newer
(STRICT tables). Run it on a copy of the file.
"""
import hashlib
import os
import sqlite3
import struct
import sys

MAGIC = b"vigil.journal.v2"
GENESIS_MAGIC = b"vigil.journal.v2.genesis"
# The hashed columns in hash-input order, then hash; (type, nullable) allowed.
COLUMNS = (("seq", "integer", False), ("ts_us", "integer", False),
           ("kind_id", "integer", False), ("reason_id", "integer", False),
           ("door_id", "integer", True), ("reader_id", "integer", True),
           ("zone_id", "integer", True), ("person_id", "integer", True),
           ("device_id", "integer", True), ("card", "text", True),
           ("detail", "text", False), ("attrs", "blob", True),
           ("prev_hash", "blob", False), ("hash", "blob", False))
NAME_COLUMNS = range(2, 9)  # ids into the names table
TAGS = {"integer": 1, "real": 2, "text": 3, "blob": 4, "null": 5}
REORDER_SEARCH_ROWS = 10000


def field(kind, value):
    """One typed value: SQLite's type code, then the value."""
    tag = bytes([TAGS[kind]])
    if kind == "integer":
        return tag + value.to_bytes(8, "big", signed=True)
    if kind == "real":
        return tag + struct.pack(">d", value)
    if kind in ("text", "blob"):
        return tag + len(value).to_bytes(4, "big") + value
    return tag


def canonical(row, names):
    data = MAGIC
    for i in range(len(COLUMNS) - 1):  # every column but hash
        kind, value = row[i]
        data += field(kind, value)
        if i in NAME_COLUMNS and kind == "integer":
            # An interned id is followed by the name it refers to.
            data += field(*names[value]) if value in names else field("null", None)
    return data


def wrong_type(row, names):
    for i, (name, allowed, nullable) in enumerate(COLUMNS):
        kind, value = row[i]
        if kind == allowed or (nullable and kind == "null"):
            if i in NAME_COLUMNS and kind == "integer" and value in names:
                if names[value][0] != "text":
                    return (f"the name of {name} holds {names[value][0].upper()}, "
                            "the schema says TEXT")
            continue
        return f"{name} holds {kind.upper()}, the schema says {allowed.upper()}"
    return None


def chained_seq(data, seq, stored_hash):
    """The seq under which this row's content hashes to its stored hash."""
    def matches(candidate):
        at = len(MAGIC) + 1
        moved = data[:at] + candidate.to_bytes(8, "big") + data[at + 8:]
        return hashlib.sha256(moved).digest() == stored_hash
    for distance in range(1, REORDER_SEARCH_ROWS + 1):
        if matches(seq + distance):
            return seq + distance
        if distance < seq and matches(seq - distance):
            return seq - distance
    return None


def verify(path):
    db = sqlite3.connect(path)
    db.text_factory = bytes  # hash the bytes as stored; typeof() says which type
    if db.execute("PRAGMA user_version").fetchone()[0] != 2:
        return "not a format v2 journal: open it once with vigild or vigilctl to migrate it"
    meta = db.execute("SELECT value FROM journal_meta WHERE key = 'journal_id'").fetchone()
    try:
        prev = hashlib.sha256(GENESIS_MAGIC + bytes.fromhex(meta[0].decode())).digest()
    except (TypeError, ValueError):
        return "journal_meta has no valid journal_id"
    names = {i: (kind.decode(), value) for i, kind, value in
             db.execute("SELECT id, typeof(text), text FROM names")}
    # door_zones is what zone queries go through: a missing pair hides rows.
    door_zones = set(db.execute("SELECT door_id, zone_id FROM door_zones"))
    select = ", ".join(f"typeof({c[0]}), {c[0]}" for c in COLUMNS)
    expected_seq = 1
    for flat in db.execute(f"SELECT {select} FROM events ORDER BY seq"):
        row = [(flat[2 * i].decode(), flat[2 * i + 1]) for i in range(len(COLUMNS))]
        seq, stored_hash = row[0][1], row[-1][1]
        if seq != expected_seq:
            why = (f"journal starts at seq {seq}" if expected_seq == 1
                   else f"seq jumps from {expected_seq - 1} to {seq}")
            return f"row {expected_seq}: missing ({why})"
        data = canonical(row, names)
        if hashlib.sha256(data).digest() != stored_hash or row[-1][0] != "blob":
            why = wrong_type(row, names)
            if why:
                return f"row {seq}: type_changed ({why})"
            home = chained_seq(data, seq, stored_hash) if len(stored_hash) == 32 else None
            if home is None:
                return f"row {seq}: altered (hash mismatch)"
            if home > seq and db.execute("SELECT 1 FROM events WHERE hash = ?",
                                         (row[12][1],)).fetchone() is None:
                return (f"row {seq}: missing (holds the entry chained as row {home}; "
                        "the rows before it were removed and the rest renumbered)")
            return f"row {seq}: reordered (holds the entry chained as row {home})"
        if row[12][1] != prev:
            why = ("prev_hash of row 1 is not this journal's genesis hash" if seq == 1
                   else f"prev_hash does not match row {seq - 1}'s hash")
            return f"row {seq}: missing ({why})"
        if row[4][1] is not None and row[6][1] is not None and \
                (row[4][1], row[6][1]) not in door_zones:
            return (f"row {seq}: unindexed (door_zones lacks its door and zone: "
                    "zone queries miss this row)")
        prev, expected_seq = stored_hash, expected_seq + 1
    return f"ok: {expected_seq - 1} rows, head {prev.hex()}"


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.path.isfile(sys.argv[1]):
        sys.exit(__doc__)
    verdict = verify(sys.argv[1])
    print(verdict)
    sys.exit(0 if verdict.startswith("ok:") else 1)
