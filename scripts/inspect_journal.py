#!/usr/bin/env python3
"""Inspect a Vigil journal with its signed checkpoints, without Vigil.

Usage: inspect_journal.py JOURNAL.db [--key PUB.pem] [--checkpoint FILE]

Checks, and prints one line each, the same as `vigilctl log verify`:
the hash chain (verify_journal.py, beside this script), each segment start
(a journal_integrity row with a "problem"), every journalled checkpoint row
(Ed25519 signature, and that the row it signs still has the signed hash),
and a checkpoint taken earlier (--checkpoint): a cut tail, an emptied or
replaced journal, a tail rewritten with recomputed hashes. Exits 0 when all
is well, 1 on any problem, 2 on bad arguments. Needs Python 3.11+ (sqlite3 on
SQLite 3.37+) and the `cryptography` module (Debian python3-cryptography).
The signed bytes are in docs/journal.md, "Signed checkpoints".
"""
import argparse
import hashlib
import json
import os
import sqlite3
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (Encoding, PublicFormat,
                                                          load_pem_public_key)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verify_journal  # noqa: E402  the chain check, same directory

CHECKPOINT_MAGIC = b"vigil.checkpoint.v1"


def decode_attrs(blob):
    """The canonical attrs encoding (docs/journal.md) into a dict; None if bad."""
    if blob is None:
        return {}
    try:
        if blob[0] != 1:
            return None
        count, at, out = int.from_bytes(blob[1:5], "big"), 5, {}
        for _ in range(count):
            n = int.from_bytes(blob[at:at + 4], "big")
            key, at = blob[at + 4:at + 4 + n].decode(), at + 4 + n
            tag, at = blob[at], at + 1
            if tag == 1:
                out[key], at = int.from_bytes(blob[at:at + 8], "big", signed=True), at + 8
            elif tag == 3:
                n = int.from_bytes(blob[at:at + 4], "big")
                out[key], at = blob[at + 4:at + 4 + n].decode(), at + 4 + n
            elif tag == 6:
                out[key], at = bool(blob[at]), at + 1
            else:
                return None
        return out if at == len(blob) else None
    except (IndexError, UnicodeDecodeError):
        return None


def key_id(key):
    return hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).digest()[:8].hex()


def message(cp):
    return (CHECKPOINT_MAGIC + bytes.fromhex(cp["journal_id"]) + cp["seq"].to_bytes(8, "big") +
            bytes.fromhex(cp["head"]) + cp["time_us"].to_bytes(8, "big", signed=True))


def check_checkpoint(db, journal_id, cp, key):
    """The same verdict and wording as journal::check_checkpoint()."""
    seq = cp["seq"]
    try:
        key.verify(bytes.fromhex(cp["signature"]), message(cp))
    except (InvalidSignature, ValueError):
        return (False, f"checkpoint seq {seq}: checkpoint_forged (signature does not verify "
                       f"with key {key_id(key)})")
    if journal_id != cp["journal_id"]:
        return False, f"replaced (journal id {journal_id} is not the checkpoint's {cp['journal_id']})"
    last = db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    tail = f"(checkpoint seq {seq})"
    if seq > 0 and last == 0:
        return False, f"emptied (rows 1..{seq} missing, the journal is empty) {tail}"
    if last < seq:
        return False, f"tail_cut (rows {last + 1}..{seq} missing after seq {last}) {tail}"
    if seq == 0:
        found = hashlib.sha256(verify_journal.GENESIS_MAGIC + bytes.fromhex(journal_id)).digest()
    else:
        row = db.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
        found = row[0] if row and isinstance(row[0], bytes) and len(row[0]) == 32 else bytes(32)
    if found.hex() != cp["head"]:
        return (False, f"tail_rewritten (row {seq} hashes to {found.hex()[:16]}, the checkpoint "
                       f"signed {cp['head'][:16]}) {tail}")
    return True, f"checkpoint seq {seq} ok (key {cp.get('key_id', '')})"


def rows_of_kind(db, kind):
    return db.execute("SELECT e.seq, e.detail, e.attrs FROM events e JOIN names n "
                      "ON n.id = e.kind_id WHERE n.text = ? ORDER BY e.seq", (kind,)).fetchall()


def read_checkpoint(path):
    with open(path, "rb") as f:
        cp = json.loads(f.read())
    if not isinstance(cp, dict) or cp.get("format") != CHECKPOINT_MAGIC.decode():
        raise ValueError("format is not vigil.checkpoint.v1")
    bytes.fromhex(cp["journal_id"]), bytes.fromhex(cp["head"]), bytes.fromhex(cp["signature"])
    if not isinstance(cp["seq"], int) or not isinstance(cp["time_us"], int):
        raise ValueError("seq and time_us must be integers")
    return cp


def inspect(path, key_path, checkpoint_path):
    """Lines as (ok, text), in vigilctl's order."""
    lines = []
    chain = verify_journal.verify(path)
    lines.append((chain.startswith("ok:"), chain))
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    journal_id = db.execute("SELECT value FROM journal_meta WHERE key = 'journal_id'").fetchone()[0]
    for seq, detail, blob in rows_of_kind(db, "journal_integrity"):
        attrs = decode_attrs(blob) or {}
        if "problem" in attrs:
            lines.append((True, f"row {seq}: segment {attrs.get('segment', 0)} starts "
                                f"({attrs['problem']}: {detail})"))
    key = None
    if key_path and os.path.isfile(key_path):
        with open(key_path, "rb") as f:
            key = load_pem_public_key(f.read())
        if not isinstance(key, Ed25519PublicKey):
            key = None
    if key is None:
        lines.append((True, f"no public key at {key_path}: checkpoint signatures not checked"))
    else:
        checked, bad = 0, None
        for seq, _, blob in rows_of_kind(db, "checkpoint"):
            a = decode_attrs(blob)
            try:
                cp = {"journal_id": journal_id, "seq": a["seq"], "head": a["head"],
                      "time_us": a["time_us"], "signature": a["signature"],
                      "key_id": a.get("key_id", "")}
                bytes.fromhex(cp["head"]), bytes.fromhex(cp["signature"])
                if len(cp["head"]) != 64 or len(cp["signature"]) != 128 or cp["seq"] < 0:
                    raise ValueError
            except (TypeError, KeyError, ValueError):
                bad = f"row {seq}: checkpoint_forged (attributes unreadable)"
                break
            ok, text = check_checkpoint(db, journal_id, cp, key)
            if not ok:
                bad = f"row {seq}: {text}"
                break
            checked += 1
        lines.append((bad is None, bad or f"{checked} checkpoint rows ok"))
    if checkpoint_path:
        lines.append(check_checkpoint(db, journal_id, read_checkpoint(checkpoint_path), key))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("journal")
    parser.add_argument("--key", help="the gateway's public key PEM (default: JOURNAL.pub)")
    parser.add_argument("--checkpoint", help="a signed checkpoint taken earlier (JSON)")
    args = parser.parse_args()
    if not os.path.isfile(args.journal):
        sys.exit(f"no journal at {args.journal}")
    key_path = args.key or args.journal + ".pub"
    if (args.checkpoint or args.key) and not os.path.isfile(key_path):
        print(f"no Ed25519 public key at {key_path}", file=sys.stderr)
        sys.exit(2)
    try:
        lines = inspect(args.journal, key_path, args.checkpoint)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"cannot inspect: {e}", file=sys.stderr)
        sys.exit(2)
    for ok, text in lines:
        print(f"{args.journal}: {text}", file=sys.stdout if ok else sys.stderr)
    sys.exit(0 if all(ok for ok, _ in lines) else 1)


if __name__ == "__main__":
    main()
