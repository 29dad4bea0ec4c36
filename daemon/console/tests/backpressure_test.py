#!/usr/bin/python3
"""A browser that stops reading (registered with ctest as vigil_console_backpressure):
a real mosquitto and vigil-console, two raw WebSocket clients logged in as
ben, and a publisher flooding gateway states through the broker in chunks.

  - the reading client gets every chunk, its gateway updates in the order
    they were published, and is never closed;
  - in the slow client's queue, each update of the one gateway that changes
    in every chunk replaces the one before (stats: superseded);
  - the client that reads nothing is closed with code 1013 and a reason
    saying it was too slow, once its queue passes the console's bound
    (listen.max_queue_kib 1024 here) on top of what the kernel buffers;
  - the console's largest queue stays within the bound (GET /api/stats) and
    its memory small (VmRSS);
  - the closed client reconnects and gets a snapshot with every gateway.

Plain sockets only (no package beyond Python's own): the MQTT publisher and
the WebSocket client are a few frames each. Waits are bounded waits for a
condition. Exit 77 (skipped) when mosquitto is missing."""
import argparse
import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from console_test_net import (Processes, Publisher, free_port, padded_door_state, request,
                              start_mosquitto, wait_port, wait_until)

WAIT = 15  # seconds, for any one condition
MAX_KIB = 1024
CHUNK = 8  # gateways per chunk: 8 x 64 KiB, half the bound, so a reader keeps up
PAD = 64 * 1024
MAX_CHUNKS = 48  # 24 MiB: past the slow socket's kernel buffers (4 MiB here) and the bound


class WsClient:
    """A WebSocket client as RFC 6455 asks of one: masked frames out,
    continuation frames joined, pings answered."""

    def __init__(self, port, cookie, rcvbuf=None):
        self.sock = socket.socket()
        if rcvbuf:  # before connect: the window the server sees stays small
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(WAIT)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\nCookie: vigil_session={cookie}\r\n\r\n")
                          .encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            assert chunk, "the console closed the socket during the handshake"
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.close_code = None
        self.close_reason = None

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send(self, opcode, payload):
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def message(self):
        """The next text message, or None once the console closed the socket."""
        data = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            payload = self._exact(n)
            opcode = b0 & 0x0F
            if opcode == 8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                self.close_reason = payload[2:].decode()
                self._send(8, payload[:2])
                return None
            if opcode == 9:
                self._send(10, payload)
                continue
            if opcode in (0, 1):
                data += payload
                if b0 & 0x80:
                    return json.loads(data)


class Reader(threading.Thread):
    """Reads every message; the `n` of every gateway update, in arrival order."""

    def __init__(self, ws):
        super().__init__(daemon=True)
        self.ws = ws
        self.seen = []
        self.ticks = []  # the one gateway updated in every chunk
        self.closed = False
        self.error = None

    def run(self):
        try:
            while True:
                m = self.ws.message()
                if m is None:
                    self.closed = True
                    return
                if m.get("type") == "gateway" and m.get("gateway"):
                    for door in m["gateway"]["doors"]:
                        if m["gateway"]["gateway"] == "tick":
                            self.ticks.append(door["n"])
                        else:
                            self.seen.append(door["n"])
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            self.error = e


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def scenario(console_bin, run, procs, sanitized=False):
    web_port = free_port()
    _, broker_port = start_mosquitto(procs, run)
    password = "correct horse battery"
    hashed = subprocess.run([console_bin, "passwd"], input=password + "\n", text=True,
                            capture_output=True, check=True).stdout.strip()
    subprocess.run([console_bin, "keygen", "--out", os.path.join(run, "ben.key")], text=True,
                   capture_output=True, check=True)
    with open(os.path.join(run, "console.yaml"), "w") as f:
        f.write(f"listen: {{ host: 127.0.0.1, port: {web_port}, max_queue_messages: 64, "
                f"max_queue_kib: {MAX_KIB} }}\n"
                f"broker: {{ host: 127.0.0.1, port: {broker_port}, topic_root: vigil }}\n"
                f"meeting: {{ db: meeting.db }}\n"
                f"operators:\n  - {{ user: ben, name: Ben Guard, password: \"{hashed}\", "
                f"key_file: ben.key }}\n")
    console = procs.start("vigil-console", [console_bin, "-c", os.path.join(run, "console.yaml")],
                          cwd=run)
    wait_port(web_port, console, "vigil-console")

    status, answer, set_cookie = request(web_port, "POST", "/login", body={"user": "ben", "password": password})
    assert status == 200 and answer["ok"], answer
    cookie = set_cookie.split("vigil_session=", 1)[1].split(";", 1)[0]
    stats = lambda: request(web_port, "GET", "/api/stats", cookie)[1]  # noqa: E731

    slow = WsClient(web_port, cookie, rcvbuf=4096)
    reader = Reader(WsClient(web_port, cookie))
    reader.start()
    wait_until("both sockets attached", lambda: stats()["sessions"] == 2)
    rss_before = vm_rss_kib(console.pid)

    publisher = Publisher(broker_port)
    n = 0
    chunks = 0
    t0 = time.monotonic()
    while chunks < MAX_CHUNKS:
        for _ in range(CHUNK):
            n += 1
            publisher.publish(f"vigil/v1/campus/g{n:05d}/state/door/d1",
                              padded_door_state(f"g{n:05d}", n, PAD))
        chunks += 1
        # One gateway changing all the time: in the slow socket's queue each
        # of its updates replaces the one before.
        publisher.publish("vigil/v1/campus/tick/state/door/d1", padded_door_state("tick", chunks, 0))
        last = n
        wait_until(f"the reading client to get gateway {last}",
                   lambda: reader.error or reader.closed or (reader.seen and reader.seen[-1] == last
                                                             and reader.ticks and reader.ticks[-1] == chunks))
        assert not reader.error and not reader.closed, (reader.error, reader.closed)
        if stats()["slow_closed"] >= 1:
            break
    flood_s = time.monotonic() - t0
    s = stats()
    print(f"{chunks} chunks ({n} gateway states, {n * PAD // 1024} KiB) in {flood_s:.2f} s; stats {s}")
    assert s["slow_closed"] == 1, f"the client that reads nothing was not closed: {s}"
    # Bounded: the most any socket had queued is within the bound.
    assert s["peak_queued_bytes"] <= MAX_KIB * 1024, s
    assert s["peak_queued_messages"] <= 64, s
    assert s["superseded"] >= 1, f"no queued update of the tick gateway was replaced: {s}"

    # The reader got every update, in the order published, and is still open.
    assert reader.seen == list(range(1, n + 1)), "gateway updates missing, repeated or out of order"
    assert reader.ticks == sorted(set(reader.ticks)) and reader.ticks[-1] == chunks, reader.ticks
    assert not reader.closed

    # The slow one, once it reads again, finds the close frame with the reason.
    while slow.message() is not None:
        pass
    assert slow.close_code == 1013 and slow.close_reason.startswith("too slow"), \
        (slow.close_code, slow.close_reason)
    print(f"slow client closed: {slow.close_code} {slow.close_reason!r}")

    # It reconnects (as the page does) and starts again from a snapshot.
    again = WsClient(web_port, cookie)
    kinds = []
    while "snapshot" not in kinds:
        m = again.message()
        assert m is not None, "the console closed the reconnected socket"
        kinds.append(m["type"])
        if m["type"] == "snapshot":
            gateways = {g["gateway"]: g["doors"][0]["n"] for g in m["gateways"] if g["gateway"] != "tick"}
    assert kinds[0] == "hello", kinds
    assert len(gateways) == n and gateways[f"g{n:05d}"] == n, len(gateways)
    wait_until("the reader and the reconnected socket open", lambda: stats()["sessions"] == 2)

    rss_after = vm_rss_kib(console.pid)
    print(f"vigil-console VmRSS {rss_before} KiB before, {rss_after} KiB after "
          f"(the store holds {n * PAD // 1024} KiB of padded states)")
    # The store keeps each state (n x 64 KiB); the slow socket's queue adds no
    # more than its bound: well under what an unbounded queue would hold.
    # Under AddressSanitizer freed blocks wait in its quarantine (256 MiB), so
    # RSS says nothing there; the stats' queue bound above still holds.
    if not sanitized:
        assert rss_after - rss_before < 8 * n * PAD // 1024 + 64 * 1024, (rss_before, rss_after)
    publisher.close()


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    ap = argparse.ArgumentParser()
    ap.add_argument("--console", required=True)
    ap.add_argument("--sanitized", action="store_true",
                    help="the console is built with AddressSanitizer: no RSS bound")
    args = ap.parse_args()
    if not shutil.which("mosquitto"):
        print("SKIP: mosquitto missing")
        return 77
    run = tempfile.mkdtemp(prefix="vigil-console-backpressure.")
    procs = Processes(run)
    ok = False
    try:
        scenario(os.path.abspath(args.console), run, procs, args.sanitized)
        ok = True
    finally:
        procs.stop_all()
        if ok:
            shutil.rmtree(run, ignore_errors=True)
        else:
            print(f"logs kept in {run}")
            log = os.path.join(run, "vigil-console.log")
            if os.path.exists(log):
                print(open(log, errors="replace").read()[-4000:])
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
