"""Loopback helpers shared by the console's Python tests (browser_test.py,
browser_reconnect.py, backpressure_test.py): a free port, waiting for a child
to listen or for a condition, the children each in their own process group
and stopped at the end, a mosquitto on a free port, a bare MQTT publisher
with padded door states to flood a console with, and a JSON request to
vigil-console."""

import ctypes
import http.client
import json
import os
import signal
import socket
import struct
import subprocess
import time

WAIT = 15  # seconds, for any one condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


def wait_until(what, condition, timeout=WAIT):
    """The first true value of condition(), asked every 20 ms for `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def die_with_parent():
    """In the child: SIGKILL when the test process dies (a ctest timeout kills
    it with no chance to run `finally`)."""
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Processes:
    """Every child in its own process group, killed if the test process dies,
    and stopped at the end: SIGTERM to each group, SIGKILL to what is left
    after 5 s (a child's own children, such as Chromium's helpers under
    chromedriver, share its group and go with it)."""

    def __init__(self, run):
        self.run = run
        self.procs = []

    def start(self, name, argv, **kw):
        """Starts `argv`; its output goes to <run>/<name>.log unless `stdout` is given."""
        if "stdout" not in kw:
            kw["stdout"] = open(os.path.join(self.run, name + ".log"), "wb")
            kw["stderr"] = subprocess.STDOUT
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True,
                             preexec_fn=die_with_parent, **kw)
        self.procs.append((name, p))
        return p

    def stop_all(self):
        for _, p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for _, p in reversed(self.procs):
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            # Whatever else is left in the group must not outlive the test.
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def start_mosquitto(procs, run):
    """A mosquitto on a free loopback port, anonymous and without persistence,
    listening before this returns: (process, port)."""
    port = free_port()
    conf = os.path.join(run, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        if os.getuid() == 0:
            f.write("user root\n")
    broker = procs.start("mosquitto", ["mosquitto", "-c", conf])
    wait_port(port, broker, "mosquitto")
    return broker, port


class Publisher:
    """MQTT 3.1.1, QoS 0: CONNECT, PUBLISH, DISCONNECT."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        body = b"\x00\x04MQTT\x04\x02\x00\x3c" + self.string(b"flood")
        self.sock.sendall(b"\x10" + self.length(len(body)) + body)
        connack = self.sock.recv(4)
        assert connack[:1] == b"\x20" and connack[3:4] == b"\x00", connack

    @staticmethod
    def string(b):
        return struct.pack("!H", len(b)) + b

    @staticmethod
    def length(n):
        out = bytearray()
        while True:
            byte, n = n % 128, n // 128
            out.append(byte | (0x80 if n else 0))
            if not n:
                return bytes(out)

    def publish(self, topic, payload):
        body = self.string(topic.encode()) + payload.encode()
        self.sock.sendall(b"\x31" + self.length(len(body)) + body)  # retained, QoS 0

    def close(self):
        self.sock.sendall(b"\xe0\x00")
        self.sock.close()


def padded_door_state(gateway, n, pad):
    """Door d1 of campus/<gateway>, numbered `n`, carrying `pad` bytes of padding."""
    return json.dumps({"v": 1, "site": "campus", "gateway": gateway, "door": "d1", "lock": "locked",
                       "contact": "closed", "alarm": "none", "mode": "normal",
                       "since": "2026-11-30T02:00:00.000000Z", "n": n, "pad": "x" * pad})


def request(port, method, path, cookie=None, body=None):
    """A JSON request to vigil-console: (status, answer, Set-Cookie)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = f"vigil_session={cookie}"
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    cookie_header = r.getheader("Set-Cookie") or ""
    c.close()
    return r.status, json.loads(data), cookie_header
