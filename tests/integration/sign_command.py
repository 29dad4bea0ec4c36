#!/usr/bin/env python3
"""An independent signer for vigild's signed MQTT commands (docs/commands.md):
Python's `cryptography` module, not our C++ code, signs a body serialised by
Python's json module, and mosquitto_pub publishes it, with MQTT 5 Response
Topic and Correlation Data properties when asked. Used by the integration
suite to prove that a console built only from the docs is understood.

usage: sign_command.py --port P --seed-b64 S --operator U --cmd NAME
       --site SITE --gateway GW --id ID --args JSON [--nonce HEX]
       [--ts-offset-ms N] [--response-topic T --correlation C] [--print]"""
import argparse
import base64
import json
import os
import subprocess
import sys
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--seed-b64", required=True)
    p.add_argument("--operator", required=True)
    p.add_argument("--cmd", required=True)
    p.add_argument("--site", required=True)
    p.add_argument("--gateway", required=True)
    p.add_argument("--id", required=True)
    p.add_argument("--args", default="{}")
    p.add_argument("--nonce", default=None)
    p.add_argument("--ts-offset-ms", type=int, default=0)
    p.add_argument("--response-topic", default=None)
    p.add_argument("--correlation", default=None)
    p.add_argument("--root", default="vigil")
    a = p.parse_args()

    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(a.seed_b64))
    body = json.dumps({
        "v": 1, "id": a.id, "operator": a.operator, "cmd": a.cmd,
        "site": a.site, "gateway": a.gateway,
        "ts": int(time.time() * 1000) + a.ts_offset_ms,
        "nonce": a.nonce or os.urandom(16).hex(),
        "args": json.loads(a.args),
    }, separators=(", ", ": "))  # not our serialisation: the bytes are what count
    payload = json.dumps({"v": 1, "body": body,
                          "sig": base64.b64encode(key.sign(body.encode())).decode()})
    topic = f"{a.root}/v1/{a.site}/{a.gateway}/cmd/{a.cmd}"
    cmd = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(a.port), "-q", "1",
           "-t", topic, "-m", payload]
    if a.response_topic:
        cmd += ["-V", "5", "-D", "publish", "response-topic", a.response_topic]
        if a.correlation:
            cmd += ["-D", "publish", "correlation-data", a.correlation]
    subprocess.run(cmd, check=True, timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
