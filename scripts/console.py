#!/usr/bin/env python3
"""A minimal security console for the demo: reads `mosquitto_sub -v` lines
(topic, space, payload) and prints incidents and gateway status readably."""
import json
import sys

for line in sys.stdin:
    topic, _, payload = line.rstrip("\n").partition(" ")
    try:
        msg = json.loads(payload)
    except json.JSONDecodeError:
        print(f"CONSOLE | {topic}: {payload}", flush=True)
        continue
    if topic.endswith("/status"):
        print(f"CONSOLE | gateway {msg.get('site')}/{msg.get('gateway')} is {msg.get('state')}",
              flush=True)
    elif "/event/" in topic:
        who = msg.get("name") or msg.get("person") or "someone"
        what = "entry" if msg.get("kind") == "entry" else f"denied ({msg.get('reason')})"
        print(f"CONSOLE | {msg.get('time', '')} {msg.get('door')}: {what}, {who}", flush=True)
    elif "/state/door/" in topic:
        print(f"CONSOLE | door {msg.get('door')}: lock {msg.get('lock')}, "
              f"{msg.get('contact')}, alarm {msg.get('alarm')}", flush=True)
    elif "/incident/" in topic:
        print(f"CONSOLE | {msg.get('time', '')} [{msg.get('severity', '?').upper()}] "
              f"{msg.get('kind')}: {msg.get('summary')} (id {msg.get('id')})", flush=True)
    else:
        print(f"CONSOLE | {topic}: {payload}", flush=True)
