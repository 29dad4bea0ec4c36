#!/usr/bin/env python3
"""Check a Vigil export (vigil.export.v1) without Vigil or its database.

Usage: verify_export.py DATA MANIFEST --key PUB.pem
Written from docs/exports.md alone. Needs Python 3 and the `cryptography`
package (Ed25519). Prints "ok: ..." and exits 0, or one "fail CHECK: ..."
line per failed check (the same check names as `vigilctl log verify-export`)
and exits 1; exit 2 when the files cannot be read.
"""
import csv
import hashlib
import io
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EXPORT_MAGIC = b"vigil.export.v1"
ROW_MAGIC = b"vigil.journal.v2"
CHECKPOINT_MAGIC = b"vigil.checkpoint.v1"
COLUMNS = ["seq", "ts_us", "time", "kind_id", "kind", "reason_id", "reason", "door_id", "door",
           "reader_id", "reader", "zone_id", "zone", "person_id", "person", "device_id", "device",
           "card", "detail", "attrs", "prev_hash", "hash"]
MANIFEST_KEYS = ["format", "journal_id", "data_format", "data_sha256", "rows", "first_seq",
                 "last_seq", "first_prev_hash", "last_hash", "selection", "filter", "operator",
                 "created", "checkpoint", "key_id", "signature"]


def t_int(v):
    return b"\x01" + v.to_bytes(8, "big", signed=True)


def t_text(s):
    b = s.encode("utf-8")
    return b"\x03" + len(b).to_bytes(4, "big") + b


def t_blob(b):
    return b"\x04" + len(b).to_bytes(4, "big") + b


NULL = b"\x05"


def manifest_message(m):
    out = EXPORT_MAGIC
    for key in ("journal_id", "data_format", "data_sha256"):
        out += t_text(m[key])
    for key in ("rows", "first_seq", "last_seq"):
        out += t_int(m[key])
    for key in ("first_prev_hash", "last_hash", "selection", "filter", "operator", "created"):
        out += t_text(m[key])
    c = m["checkpoint"]
    if c is None:
        out += NULL
    else:
        out += t_int(c["seq"]) + t_text(c["head"]) + t_int(c["time_us"]) + t_text(c["key_id"])
        out += t_text(c["signature"])
    return out + t_text(m["key_id"])


def utc_text(ts_us):
    import datetime
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=ts_us)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%06d" % t.microsecond + "Z"


def parse_row(f):
    """A row as the hash input needs it, or None if it is not a complete row."""
    if len(f) != len(COLUMNS):
        return None
    try:
        row = {"seq": int(f[0]), "ts_us": int(f[1])}
        if row["seq"] < 1 or f[2] != utc_text(row["ts_us"]):
            return None
        names = []
        for i in range(3, 17, 2):
            if f[i] == "":
                if f[i + 1] != "":
                    return None
                names.append(None)
            else:
                names.append((int(f[i]), f[i + 1]))
        if names[0] is None or names[1] is None:
            return None
        row["names"] = names
        row["card"] = f[17] if f[17] != "" else None
        row["detail"] = f[18]
        row["attrs"] = bytes.fromhex(f[19]) if f[19] != "" else None
        row["prev_hash"] = bytes.fromhex(f[20])
        row["hash"] = bytes.fromhex(f[21])
        if len(row["prev_hash"]) != 32 or len(row["hash"]) != 32:
            return None
        return row
    except ValueError:
        return None


def row_hash(row):
    data = ROW_MAGIC + t_int(row["seq"]) + t_int(row["ts_us"])
    for name in row["names"]:
        data += NULL if name is None else t_int(name[0]) + t_text(name[1])
    data += NULL if row["card"] is None else t_text(row["card"])
    data += t_text(row["detail"])
    data += NULL if row["attrs"] is None else t_blob(row["attrs"])
    data += t_blob(row["prev_hash"])
    return hashlib.sha256(data).digest()


def read_rows(data, fmt):
    if fmt == "csv":
        header = (",".join(COLUMNS) + "\r\n").encode()
        if not data.startswith(header):
            return None
        body = data[len(header):].decode("utf-8")
        if body and not body.endswith("\r\n"):
            return None
        fields = list(csv.reader(io.StringIO(body, newline=""), strict=True))
    else:
        items = json.loads(data.decode("utf-8"))
        if not isinstance(items, list):
            return None
        fields = []
        for item in items:
            if not isinstance(item, dict) or sorted(item) != sorted(COLUMNS):
                return None
            values = []
            for key in COLUMNS:
                v = item[key]
                if v is None:
                    values.append("")
                elif isinstance(v, bool) or not isinstance(v, (int, str)):
                    return None
                else:
                    values.append(str(v))
            fields.append(values)
    rows = [parse_row(f) for f in fields]
    return None if any(r is None for r in rows) else rows


def verify(data, manifest_text, pub):
    problems = []
    add = lambda check, message: problems.append((check, message))
    try:
        m = json.loads(manifest_text)
        assert isinstance(m, dict) and sorted(m) == sorted(MANIFEST_KEYS)
        assert m["format"] == EXPORT_MAGIC.decode() and m["data_format"] in ("csv", "json")
        assert m["selection"] in ("contiguous", "filtered")
        for key in ("rows", "first_seq", "last_seq"):
            assert isinstance(m[key], int) and not isinstance(m[key], bool) and m[key] >= 0
    except (ValueError, AssertionError, TypeError):
        return [("manifest", "unreadable manifest")]
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    given_id = hashlib.sha256(raw).digest()[:8].hex()
    if m["key_id"] != given_id:
        add("key", "signed by key %s, not by the given key %s" % (m["key_id"], given_id))
    try:
        pub.verify(bytes.fromhex(m["signature"]), manifest_message(m))
    except (InvalidSignature, ValueError):
        add("signature", "the manifest's signature does not verify with the given key")
    c = m["checkpoint"]
    if c is not None:
        try:
            msg = (CHECKPOINT_MAGIC + bytes.fromhex(m["journal_id"]) + c["seq"].to_bytes(8, "big")
                   + bytes.fromhex(c["head"]) + c["time_us"].to_bytes(8, "big", signed=True))
            pub.verify(bytes.fromhex(c["signature"]), msg)
        except (InvalidSignature, ValueError, KeyError, AttributeError):
            add("checkpoint", "the checkpoint's signature does not verify with the given key")
    if hashlib.sha256(data).hexdigest() != m["data_sha256"]:
        add("digest", "the data's SHA-256 is not the manifest's")
    try:
        rows = read_rows(data, m["data_format"])
    except (ValueError, csv.Error, UnicodeDecodeError):
        rows = None
    if rows is None:
        add("rows", "unreadable data")
        return problems
    contiguous = m["selection"] == "contiguous"
    if len(rows) != m["rows"]:
        add("rows", "%d rows, the manifest says %d" % (len(rows), m["rows"]))
    for check, bad in (
            ("row_hash", any(row_hash(r) != r["hash"] for r in rows)),
            ("order", any(b["seq"] <= a["seq"] for a, b in zip(rows, rows[1:]))),
            ("chain", contiguous and any(b["seq"] != a["seq"] + 1 or b["prev_hash"] != a["hash"]
                                         for a, b in zip(rows, rows[1:])))):
        if bad:
            add(check, "failed")
    ends = (rows[0]["seq"], rows[-1]["seq"], rows[0]["prev_hash"].hex(),
            rows[-1]["hash"].hex()) if rows else (0, 0, "", "")
    if ends != (m["first_seq"], m["last_seq"], m["first_prev_hash"], m["last_hash"]):
        add("ends", "the first or last row is not the one the manifest names")
    if contiguous and c is not None:
        for r in rows:
            if r["seq"] == c.get("seq") and r["hash"].hex() != c.get("head"):
                add("checkpoint", "row %d is not the checkpoint's head" % r["seq"])
    return problems


def main(argv):
    if len(argv) != 5 or argv[3] != "--key":
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            data = f.read()
        with open(argv[2], "rb") as f:
            manifest = f.read().decode("utf-8", "replace")
        with open(argv[4], "rb") as f:
            pub = serialization.load_pem_public_key(f.read())
        assert isinstance(pub, Ed25519PublicKey)
    except (OSError, ValueError, AssertionError) as e:
        print("verify_export: %s" % e, file=sys.stderr)
        return 2
    problems = verify(data, manifest, pub)
    for check, message in problems:
        print("%s: fail %s: %s" % (argv[1], check, message), file=sys.stderr)
    if problems:
        return 1
    print("%s: ok" % argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
