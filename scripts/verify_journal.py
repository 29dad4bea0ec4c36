#!/usr/bin/env python3
"""Check a Vigil journal (format v2) without Vigil: Python 3 standard library only.

Usage: verify_journal.py JOURNAL.db [--archive-dir DIR]
Checks the live file and every archive in JOURNAL.db.archive/ (or DIR, the
site config's journal.archive_dir) as one chain.
Prints "ok: N rows, head HEX" and exits 0, or names the first bad row
("row 17: altered (hash mismatch)") or archive ("archive 2026-09 (...):
missing") and exits 1. The byte layout is in
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


def decode_attrs(blob):
    """The attrs column (docs/journal.md, "Attributes") as a dict; {} if malformed."""
    out, at = {}, 5
    try:
        if blob is None or blob[0] != 1:
            return {}
        for _ in range(int.from_bytes(blob[1:5], "big")):
            size = int.from_bytes(blob[at:at + 4], "big")
            key, tag, at = blob[at + 4:at + 4 + size].decode(), blob[at + 4 + size], at + 5 + size
            if tag == 1:
                out[key], at = int.from_bytes(blob[at:at + 8], "big", signed=True), at + 8
            elif tag == 3:
                size = int.from_bytes(blob[at:at + 4], "big")
                out[key], at = blob[at + 4:at + 4 + size].decode(), at + 4 + size
            elif tag == 6:
                out[key], at = blob[at] == 1, at + 1
            else:
                return {}
    except (IndexError, UnicodeDecodeError):
        return {}
    return out


def open_journal(path):
    """(db, journal_id bytes, names, door_zones), or a message saying why not."""
    if not os.path.isfile(path):  # connect() would create it
        return f"no such file ({path})"
    db = sqlite3.connect(path)
    db.text_factory = bytes  # hash the bytes as stored; typeof() says which type
    if db.execute("PRAGMA user_version").fetchone()[0] != 2:
        return "not a format v2 journal: open it once with vigild or vigilctl to migrate it"
    meta = db.execute("SELECT value FROM journal_meta WHERE key = 'journal_id'").fetchone()
    try:
        journal_id = bytes.fromhex(meta[0].decode())
    except (TypeError, ValueError):
        return "journal_meta has no valid journal_id"
    names = {i: (kind.decode(), value) for i, kind, value in
             db.execute("SELECT id, typeof(text), text FROM names")}
    # door_zones is what zone queries go through: a missing pair hides rows.
    door_zones = set(db.execute("SELECT door_id, zone_id FROM door_zones"))
    return db, journal_id, names, door_zones


def archive_records(db, names):
    """The journal_archived records in one file, as dicts."""
    kind = [i for i, (_, text) in names.items() if text == b"journal_archived"]
    records = []
    for seq, attrs in db.execute("SELECT seq, attrs FROM events WHERE kind_id = ?",
                                 (kind[0] if kind else -1,)):
        r = decode_attrs(attrs)
        try:
            r = dict(r, seq=seq, first_prev=bytes.fromhex(r["first_prev_hash"]),
                     head=bytes.fromhex(r["head"]))
            if r["first_seq"] >= 1 and r["last_seq"] >= r["first_seq"] and "/" not in r["file"] \
                    and isinstance(r["sha256"], str) and isinstance(r["month"], str):
                records.append(r)
        except (KeyError, TypeError, ValueError):
            continue  # not a record verify can use, as in archive_records()
    return records


def stored_prev(db, seq):
    row = db.execute("SELECT prev_hash FROM events WHERE seq = ?", (seq,)).fetchone()
    return row[0] if row else None


def walk(opened, expected_seq, prev):
    """Checks the rows from expected_seq on, from `prev` (row 1) or trusting
    the stored link of row expected_seq (as Journal::verify_from does).
    (problem or None, rows, head)."""
    db, _, names, door_zones = opened
    select = ", ".join(f"typeof({c[0]}), {c[0]}" for c in COLUMNS)
    first = expected_seq
    if first > 1:
        prev = stored_prev(db, first)
        if prev is None:
            return f"row {first}: missing (the row to verify from is gone)", first - 1, prev
    for flat in db.execute(f"SELECT {select} FROM events WHERE seq >= ? ORDER BY seq", (first,)):
        row = [(flat[2 * i].decode(), flat[2 * i + 1]) for i in range(len(COLUMNS))]
        seq, stored_hash = row[0][1], row[-1][1]
        if seq != expected_seq:
            why = (f"journal starts at seq {seq}" if expected_seq == first
                   else f"seq jumps from {expected_seq - 1} to {seq}")
            return f"row {expected_seq}: missing ({why})", expected_seq - 1, prev
        data = canonical(row, names)
        if hashlib.sha256(data).digest() != stored_hash or row[-1][0] != "blob":
            why = wrong_type(row, names)
            if why:
                return f"row {seq}: type_changed ({why})", seq - 1, prev
            home = chained_seq(data, seq, stored_hash) if len(stored_hash) == 32 else None
            if home is None:
                return f"row {seq}: altered (hash mismatch)", seq - 1, prev
            if home > seq and db.execute("SELECT 1 FROM events WHERE hash = ?",
                                         (row[12][1],)).fetchone() is None:
                return (f"row {seq}: missing (holds the entry chained as row {home}; "
                        "the rows before it were removed and the rest renumbered)"), seq - 1, prev
            return f"row {seq}: reordered (holds the entry chained as row {home})", seq - 1, prev
        if row[12][1] != prev:
            why = ("prev_hash of row 1 is not this journal's genesis hash" if seq == 1
                   else f"prev_hash does not match row {seq - 1}'s hash")
            return f"row {seq}: missing ({why})", seq - 1, prev
        if row[4][1] is not None and row[6][1] is not None and \
                (row[4][1], row[6][1]) not in door_zones:
            return (f"row {seq}: unindexed (door_zones lacks its door and zone: "
                    "zone queries miss this row)"), seq - 1, prev
        prev, expected_seq = stored_hash, expected_seq + 1
    return None, expected_seq - 1, prev


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for piece in iter(lambda: f.read(1 << 16), b""):
            digest.update(piece)
    return digest.hexdigest()


def check_archive(path, r, live_id, prev):
    """One archive against its record. (problem or None, head)."""
    if not os.path.isfile(path):
        return f"missing ({path})", prev
    why = None
    if file_sha256(path) != r["sha256"]:
        why = "altered or replaced: its SHA-256 is not the recorded one"
    try:
        opened = open_journal(path)
        if isinstance(opened, str):
            return f"unreadable: {opened}", prev
        if opened[1] != live_id:
            why = f"replaced: an archive of another journal ({opened[1].hex()})"
        else:
            problem, rows, head = walk(opened, r["first_seq"], r["first_prev"])
            if problem:
                return problem, prev
            if rows != r["last_seq"] or head != r["head"]:
                why = "replaced: its rows end elsewhere than the record says"
    except sqlite3.Error as e:
        why = f"unreadable: {e}"
    return why, r["head"]


def verify(path, folder=None):
    opened = open_journal(path)
    if isinstance(opened, str):
        return opened
    live_id, names = opened[1], opened[2]
    prev = hashlib.sha256(GENESIS_MAGIC + live_id).digest()
    # The records of archives (docs/journal.md, "Archives"): those in the live
    # journal, then those moved into the archives they name.
    records, pending = {}, archive_records(opened[0], names)
    folder = folder or path + ".archive"
    while pending:
        r = pending.pop()
        if r["first_seq"] in records:
            continue
        records[r["first_seq"]] = r
        try:
            inner = open_journal(os.path.join(folder, r["file"]))
            if not isinstance(inner, str):
                pending += archive_records(inner[0], inner[2])
        except sqlite3.Error:
            pass  # named when its turn comes
    expected_seq = 1
    for first in sorted(records):
        r = records[first]
        name = (f"archive {r['month']} ({r['file']}, rows {r['first_seq']}..{r['last_seq']}, "
                f"recorded at seq {r['seq']})")
        if first != expected_seq:
            return f"rows {expected_seq}..{first - 1} are in no archive (next: {name})"
        if r["first_prev"] != prev:
            return f"{name}: its record does not link to the rows before it"
        problem, prev = check_archive(os.path.join(folder, r["file"]), r, live_id, prev)
        if problem:
            return f"{name}: {problem}"
        expected_seq = r["last_seq"] + 1
    if records:
        live = stored_prev(opened[0], expected_seq)
        oldest = opened[0].execute("SELECT min(seq) FROM events").fetchone()[0]
        if oldest != expected_seq:
            return f"rows from {expected_seq} are neither archived nor live"
        if live != prev:
            return f"row {expected_seq} does not link to the last archive's head"
    problem, rows, head = walk(opened, expected_seq, prev)
    if problem:
        return problem
    if records:
        return (f"ok: {rows} rows (1..{expected_seq - 1} in {len(records)} archive(s)), "
                f"head {head.hex()}")
    return f"ok: {rows} rows, head {head.hex()}"


if __name__ == "__main__":
    args = sys.argv[1:]
    archives = None
    if len(args) == 3 and args[1] == "--archive-dir":
        archives = args.pop(2)
        args.pop(1)
    if len(args) != 1 or not os.path.isfile(args[0]):
        sys.exit(__doc__)
    verdict = verify(args[0], archives)
    print(verdict)
    sys.exit(0 if verdict.startswith("ok:") else 1)
