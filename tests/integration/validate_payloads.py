#!/usr/bin/env python3
"""Checks MQTT messages captured from vigild against the topic contract v1
and its JSON Schemas (docs/schema/, docs/mqtt.md). An independent check: it
uses Python's jsonschema, not our C++ code, and knows the contract only from
the docs.

usage: validate_payloads.py --schemas DIR [--require status,incident,...] PATH...
PATH is a .jsonl file or a directory of them; each line is
{"topic": ..., "payload": ..., "retained": ...}. Exit 0 when every message
matches; 1 with one line per bad message otherwise."""
import argparse
import json
import pathlib
import re
import sys

import jsonschema

PREFIX = r"^(?P<root>.+)/v1/(?P<site>[^/]+)/(?P<gateway>[^/]+)/"
TOPICS = [
    ("status", re.compile(PREFIX + r"status$")),
    ("checkpoint", re.compile(PREFIX + r"checkpoint$")),
    ("incident", re.compile(PREFIX + r"incident/(?P<severity>[^/]+)/(?P<zone>[^/]+)$")),
    ("door-state", re.compile(PREFIX + r"state/door/(?P<door>[^/]+)$")),
    ("zone-state", re.compile(PREFIX + r"state/zone/(?P<zone>[^/]+)$")),
    ("muster", re.compile(PREFIX + r"muster/(?P<zone>[^/]+)$")),
    ("digest", re.compile(PREFIX + r"digest$")),
    ("event", re.compile(PREFIX + r"event/(?P<zone>[^/]+)$")),
    ("incident-state",
     re.compile(PREFIX + r"incident-state/(?:(?P<segment>[^/]+)/)?(?P<seq>[^/]+)$")),
    ("command", re.compile(PREFIX + r"cmd/(?P<cmd>[^/]+)$")),
    ("reply", re.compile(PREFIX + r"reply/(?P<id>[^/]+)$")),
]


def topic_level(text):
    """docs/mqtt.md: '/', '+', '#', NUL and '%' percent-encoded; empty is '_'."""
    if not text:
        return "_"
    return "".join(f"%{ord(c):02X}" if c in "/+#\0%" else c for c in text)


def check(message, validators):
    """The kind of message and a list of problems (empty when it conforms)."""
    topic, payload = message["topic"], message["payload"]
    for kind, pattern in TOPICS:
        match = pattern.match(topic)
        if match:
            break
    else:
        return None, [f"topic {topic!r} is outside the v1 contract"]
    if payload == "" and message.get("retained") and kind != "incident":
        return kind, []  # a retained message being cleared
    try:
        body = json.loads(payload)
    except json.JSONDecodeError as e:
        return kind, [f"{topic}: payload is not JSON ({e})"]
    problems = [f"{topic}: {error.message} at /{'/'.join(map(str, error.path))}"
                for error in validators[kind].iter_errors(body)]
    if kind == "door-state" and isinstance(body, dict):
        if topic_level(body.get("door", "")) != match["door"]:
            problems.append(f"{topic}: door {body.get('door')!r} differs from the topic's")
    if kind in ("zone-state", "muster") and isinstance(body, dict):
        if topic_level(body.get("zone", "")) != match["zone"]:
            problems.append(f"{topic}: zone {body.get('zone')!r} differs from the topic's")
    if kind in ("status", "incident", "door-state", "zone-state", "muster", "digest", "event",
                "incident-state") \
            and isinstance(body, dict):
        for key in ("site", "gateway"):
            if body.get(key) != match[key]:
                problems.append(f"{topic}: {key} {body.get(key)!r} differs from the topic's")
    if kind == "incident" and isinstance(body, dict):
        if body.get("severity") != match["severity"]:
            problems.append(f"{topic}: severity {body.get('severity')!r} differs from the topic's")
    if kind == "incident-state" and isinstance(body, dict):
        # The topic ends with the incident id's levels after site/gateway.
        tail = (match["segment"] + "/" if match["segment"] else "") + match["seq"]
        expected = f"{match['site']}/{match['gateway']}/{tail}"
        if body.get("id") != expected:
            problems.append(f"{topic}: id {body.get('id')!r}, topic says {expected!r}")
        if str(body.get("seq")) != match["seq"]:
            problems.append(f"{topic}: seq {body.get('seq')!r} differs from the topic's")
    if kind in ("incident", "event") and isinstance(body, dict):
        zone = topic_level(body["zone"]) if "zone" in body else "_site"
        if zone != match["zone"]:
            problems.append(f"{topic}: zone level {match['zone']!r}, payload says {zone!r}")
    if kind == "command" and isinstance(body, dict) and isinstance(body.get("body"), str):
        # The signed body is a JSON object of its own (docs/commands.md).
        try:
            inner = json.loads(body["body"])
        except json.JSONDecodeError as e:
            return kind, problems + [f"{topic}: body is not JSON ({e})"]
        problems += [f"{topic}: body: {error.message} at /{'/'.join(map(str, error.path))}"
                     for error in validators["command-body"].iter_errors(inner)]
    return kind, problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schemas", required=True, type=pathlib.Path)
    parser.add_argument("--require", default="", help="kinds that must appear at least once")
    parser.add_argument("paths", nargs="+", type=pathlib.Path)
    args = parser.parse_args()

    validators = {}
    for kind, _ in TOPICS:
        schema = json.loads((args.schemas / f"{kind}.schema.json").read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        validators[kind] = jsonschema.Draft202012Validator(schema)
        if kind == "command":
            validators["command-body"] = jsonschema.Draft202012Validator(
                schema["$defs"]["body"])

    files = []
    for path in args.paths:
        files += sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    seen = {kind: 0 for kind, _ in TOPICS}
    bad = 0
    for file in files:
        for line in file.read_text().splitlines():
            kind, problems = check(json.loads(line), validators)
            if kind:
                seen[kind] += 1
            for problem in problems:
                print(f"{file.name}: {problem}")
                bad += 1
    total = sum(seen.values())
    print(f"{total} messages from {len(files)} captures: "
          + ", ".join(f"{n} {kind}" for kind, n in seen.items()) + f"; {bad} problems")
    missing = [k for k in args.require.split(",") if k and not seen.get(k)]
    if missing:
        print("no message of kind " + ", ".join(missing) + " was seen")
    return 1 if bad or missing or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
