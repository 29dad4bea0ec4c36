#!/usr/bin/env python3
"""A TCP relay that cuts its connections on demand, for network-cut tests.

    tcp_relay.py LISTEN_PORT UPSTREAM_PORT READY_FILE [--mqtt311-only]

Listens on 127.0.0.1:LISTEN_PORT and relays every connection to
127.0.0.1:UPSTREAM_PORT (a client whose upstream refuses is closed at once,
as if the server were down). On SIGUSR1 it cuts every open connection with a
TCP reset on both sides, as a network failure would, and keeps listening, so
clients can reconnect. It writes READY_FILE once it listens, and one line per
cut to stdout ("cut N connections"). SIGTERM ends it. Python stdlib only: the
process that cuts is independent of the code under test.

With --mqtt311-only it plays a broker that speaks MQTT 3.1.1 and not 5 (as
mosquitto before 1.6 does): a CONNECT of protocol level 5 gets a CONNACK with
return code 1 (unacceptable protocol version) and the connection is closed,
printing "refused MQTT 5"; any other CONNECT is relayed.
"""

import os
import signal
import socket
import struct
import sys
import threading

lock = threading.Lock()
pairs = set()  # (client, upstream) sockets relayed now


def reset(sock):
    """Close with SO_LINGER 0: the peer gets a RST, not an orderly FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def pump(src, dst, pair):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    # One side ended (or was cut): end both, once.
    with lock:
        if pair not in pairs:
            return
        pairs.discard(pair)
    for s in pair:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


def read_packet(sock):
    """One MQTT control packet: fixed header, remaining length, the rest."""
    head = read_exactly(sock, 1)
    length, shift, raw = 0, 0, b""
    while True:
        byte = read_exactly(sock, 1)
        raw += byte
        length |= (byte[0] & 0x7F) << shift
        shift += 7
        if not byte[0] & 0x80 or shift > 21:
            break
    return head + raw + read_exactly(sock, length), len(head + raw)


def refuses_v5(client):
    """Reads the CONNECT; returns (refused, bytes to relay)."""
    try:
        packet, body = read_packet(client)
    except OSError:
        return True, b""
    # Variable header: protocol name (2-byte length + "MQTT"), then its level.
    level = packet[body + 6] if len(packet) > body + 6 else 0
    if packet[0] >> 4 == 1 and level == 5:
        try:
            client.sendall(b"\x20\x02\x00\x01")
        except OSError:
            pass
        print("refused MQTT 5", flush=True)
        return True, b""
    return False, packet


def serve(client, upstream_port, mqtt311_only):
    first = b""
    if mqtt311_only:
        refused, first = refuses_v5(client)
        if refused:
            client.close()
            return
    try:
        upstream = socket.create_connection(("127.0.0.1", upstream_port), timeout=2)
        upstream.settimeout(None)
        upstream.sendall(first)
    except OSError:
        reset(client)
        client.close()
        return
    for s in (client, upstream):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pair = (client, upstream)
    with lock:
        pairs.add(pair)
    threads = [threading.Thread(target=pump, args=(a, b, pair), daemon=True)
               for a, b in ((client, upstream), (upstream, client))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    upstream.close()


def cut(_signum, _frame):
    with lock:
        victims = list(pairs)
        pairs.clear()
    for pair in victims:
        for s in pair:
            reset(s)
    print(f"cut {len(victims)} connections", flush=True)


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[4:] not in ([], ["--mqtt311-only"]):
        sys.exit(__doc__)
    mqtt311_only = sys.argv[4:] == ["--mqtt311-only"]
    listen_port, upstream_port, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    signal.signal(signal.SIGUSR1, cut)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(16)
    with open(ready + ".tmp", "w") as f:
        f.write(f"{listen_port}\n")
    os.rename(ready + ".tmp", ready)
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve, args=(client, upstream_port, mqtt311_only),
                         daemon=True).start()


if __name__ == "__main__":
    main()
