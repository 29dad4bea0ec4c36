#!/usr/bin/env python3
"""Independent check of docs/firmware-bridge.md: encodes the output_command
example from the spec's prose with struct, zlib.crc32 and a COBS written
here (nothing shared with the C++ code) and compares with the documented
body and wire bytes. Usage: spec_check.py docs/firmware-bridge.md"""
import re
import struct
import sys
import zlib


def cobs_encode(data: bytes) -> bytes:
    out = bytearray()
    block = bytearray()
    for b in data:
        if b == 0:
            out += bytes([len(block) + 1]) + block
            block = bytearray()
        else:
            block.append(b)
            if len(block) == 254:
                out += bytes([255]) + block
                block = bytearray()
    out += bytes([len(block) + 1]) + block
    return bytes(out)


def documented(doc: str, kind: str, name: str) -> bytes:
    m = re.search(r"<!-- %s: %s -->\s*```[a-z]*\n([^`]*)```" % (kind, name), doc)
    if not m:
        sys.exit("spec_check: no %s example for %s" % (kind, name))
    return bytes(int(t, 16) for t in m.group(1).split())


def main() -> int:
    doc = open(sys.argv[1], encoding="utf-8").read()
    # version 1, type 0x20, seq 2, ack 5; relay 0, mode pulse, 5000 ms.
    header = struct.pack("<BBHH", 1, 0x20, 2, 5)
    payload = struct.pack("<BBI", 0, 2, 5000)
    body = header + payload + struct.pack("<I", zlib.crc32(header + payload))
    wire = cobs_encode(body) + b"\x00"
    ok = True
    for kind, ours in (("body", body), ("wire", wire)):
        theirs = documented(doc, kind, "output_command")
        if ours != theirs:
            print("spec_check: %s differs\n  python: %s\n  doc:    %s" % (kind, ours.hex(" "), theirs.hex(" ")))
            ok = False
    if ok:
        print("spec_check: output_command body and wire match the spec")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
