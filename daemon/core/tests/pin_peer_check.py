#!/usr/bin/env python3
"""Independent peer check of Vigil's PIN hash strings against Python's hashlib.

Python writes `pbkdf2-sha256$iter$salt_b64$hash_b64` strings with
hashlib.pbkdf2_hmac and the C++ verifier must accept the right PIN and refuse
wrong ones; then the C++ side writes strings that Python must verify.
Usage: pin_peer_check.py PATH/TO/vigil_pin_peer
"""
import base64
import hashlib
import hmac
import os
import subprocess
import sys


def python_hash(pin, iterations, salt):
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return "pbkdf2-sha256${}${}${}".format(
        iterations, base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def python_verify(encoded, pin):
    parts = encoded.split("$")
    if len(parts) != 4 or parts[0] != "pbkdf2-sha256":
        return False
    _, iterations, salt, digest = parts
    again = hashlib.pbkdf2_hmac("sha256", pin.encode(), base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(again, base64.b64decode(digest))


def main():
    tool = sys.argv[1]
    failures = []

    def expect(what, ok):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    cases = [("1234", 1000), ("0000", 50000), ("987654", 12345), ("135790246813", 1000)]
    for pin, iterations in cases:
        salt = os.urandom(16)
        encoded = python_hash(pin, iterations, salt)
        rc = subprocess.run([tool, "verify", encoded, pin]).returncode
        expect("C++ verifies hashlib's hash of a {}-digit PIN at {} iterations".format(
            len(pin), iterations), rc == 0)
        wrong = pin[:-1] + str((int(pin[-1]) + 1) % 10)
        rc = subprocess.run([tool, "verify", encoded, wrong]).returncode
        expect("C++ refuses a wrong PIN against hashlib's hash", rc == 1)

        out = subprocess.run([tool, "hash", pin, str(iterations), salt.hex()],
                             capture_output=True, text=True)
        ours = out.stdout.strip()
        expect("C++ writes the same string as hashlib for the same salt", ours == encoded)
        expect("hashlib verifies the C++ hash", python_verify(ours, pin))
        expect("hashlib refuses a wrong PIN against the C++ hash", not python_verify(ours, wrong))

    # A string hashlib would accept but that is not canonical must be refused.
    salt = bytes(range(16))
    encoded = python_hash("1234", 1000, salt)
    rc = subprocess.run([tool, "verify", encoded.replace("$1000$", "$01000$"), "1234"]).returncode
    expect("C++ refuses an iteration count with a leading zero", rc == 2)

    if failures:
        print("{} peer check(s) failed".format(len(failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
