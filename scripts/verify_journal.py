#!/usr/bin/env python3
"""Check a Vigil journal's hash chain without Vigil: Python 3 standard library only.

Usage: verify_journal.py JOURNAL.db
Prints "ok: N rows, head HEX" and exits 0, or names the first bad row
("row 17: altered (hash mismatch)") and exits 1. The byte layout is in
docs/journal.md, "Canonical bytes". Run it on a copy of the file.
"""
import hashlib
import os
import sqlite3
import sys

MAGIC = b"vigil.journal.v1"
TEXT_COLUMNS = ("kind", "reason", "door", "reader", "zone", "person", "device", "card", "detail")


def text_field(value):
    # NULL (absent) and '' (present, empty) must hash differently.
    if value is None:
        return b"\x00"
    return b"\x01" + len(value).to_bytes(4, "big") + value


def row_hash(row):
    data = MAGIC + row["seq"].to_bytes(8, "big") + row["ts_us"].to_bytes(8, "big", signed=True)
    for column in TEXT_COLUMNS:
        data += text_field(row[column])
    data += row["prev_hash"]
    return hashlib.sha256(data).digest()


def verify(path):
    db = sqlite3.connect(path)
    db.text_factory = bytes  # hash the bytes as stored, whatever their encoding
    db.row_factory = sqlite3.Row
    expected_seq, prev = 1, bytes(32)
    columns = ", ".join(("seq", "ts_us") + TEXT_COLUMNS + ("prev_hash", "hash"))
    for row in db.execute(f"SELECT {columns} FROM events ORDER BY seq"):
        seq = row["seq"]
        if seq != expected_seq:
            why = (f"journal starts at seq {seq}" if expected_seq == 1
                   else f"seq jumps from {expected_seq - 1} to {seq}")
            return f"row {expected_seq}: missing ({why})"
        if row_hash(row) != row["hash"]:
            return f"row {seq}: altered (hash mismatch)"
        if row["prev_hash"] != prev:
            return f"row {seq}: missing (prev_hash does not match row {seq - 1}'s hash)"
        prev, expected_seq = row["hash"], expected_seq + 1
    return f"ok: {expected_seq - 1} rows, head {prev.hex()}"


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.path.isfile(sys.argv[1]):
        sys.exit(__doc__)
    verdict = verify(sys.argv[1])
    print(verdict)
    sys.exit(0 if verdict.startswith("ok:") else 1)
