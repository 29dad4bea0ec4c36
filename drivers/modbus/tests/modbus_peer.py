#!/usr/bin/env python3
"""An independent Modbus TCP master, written from the Modbus Application
Protocol spec with the standard library only (no libmodbus), so the simulated
I/O module is proven against framing we did not write twice.

Arms the module's watchdog (safe bitmap at 4097, timeout at 4096), energises
coil 2, checks the answers and an exception, then closes the connection
without switching anything off, as a killed master would.
Usage: modbus_peer.py PORT WATCHDOG_MS; exit status 0 when every answer was right.
"""
import socket
import struct
import sys


class ModbusException(Exception):
    def __init__(self, function, code):
        super().__init__(f"function {function:#x}: exception {code}")
        self.code = code


class Master:
    def __init__(self, port, unit=1):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=2)
        self.unit = unit
        self.tid = 0

    def _recv(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("server closed the connection")
            data += chunk
        return data

    def request(self, pdu):
        self.tid = (self.tid + 1) & 0xFFFF
        self.sock.sendall(struct.pack(">HHHB", self.tid, 0, len(pdu) + 1, self.unit) + pdu)
        tid, proto, length, unit = struct.unpack(">HHHB", self._recv(7))
        if tid != self.tid or proto != 0 or unit != self.unit or not 2 <= length <= 254:
            raise ValueError(f"bad MBAP header {tid} {proto} {length} {unit}")
        body = self._recv(length - 1)
        if body[0] == pdu[0] | 0x80:
            raise ModbusException(pdu[0], body[1])
        if body[0] != pdu[0]:
            raise ValueError(f"answer to function {body[0]:#x}, asked {pdu[0]:#x}")
        return body

    def write_coil(self, address, on):
        pdu = struct.pack(">BHH", 5, address, 0xFF00 if on else 0)
        if self.request(pdu) != pdu:
            raise ValueError("write single coil: answer is not an echo")

    def write_register(self, address, value):
        pdu = struct.pack(">BHH", 6, address, value)
        if self.request(pdu) != pdu:
            raise ValueError("write single register: answer is not an echo")

    def write_registers(self, address, values):
        pdu = struct.pack(f">BHHB{len(values)}H", 16, address, len(values), 2 * len(values), *values)
        if self.request(pdu) != struct.pack(">BHH", 16, address, len(values)):
            raise ValueError("write multiple registers: wrong answer")

    def read_coils(self, address, count):
        body = self.request(struct.pack(">BHH", 1, address, count))
        if body[1] != (count + 7) // 8:
            raise ValueError("read coils: wrong byte count")
        return [(body[2 + i // 8] >> (i % 8)) & 1 for i in range(count)]

    def read_holding(self, address, count):
        body = self.request(struct.pack(">BHH", 3, address, count))
        if body[1] != 2 * count:
            raise ValueError("read holding registers: wrong byte count")
        return list(struct.unpack(f">{count}H", body[2:]))


def expect(what, got, want):
    if got != want:
        raise AssertionError(f"{what}: got {got}, want {want}")


def main():
    port, watchdog_ms = int(sys.argv[1]), int(sys.argv[2])
    master = Master(port)
    master.write_registers(4097, [0b0001])  # coil 0 is safe on (a fail-safe door)
    master.write_register(4096, watchdog_ms)
    expect("watchdog registers", master.read_holding(4096, 2), [watchdog_ms, 1])
    master.write_coil(2, True)
    expect("coils", master.read_coils(0, 8), [0, 0, 1, 0, 0, 0, 0, 0])
    try:
        master.write_coil(100, True)
        raise AssertionError("coil 100 of an 8-coil module was accepted")
    except ModbusException as e:
        expect("exception code", e.code, 2)  # illegal data address
    master.sock.close()  # gone without a word
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - every failure is a test failure
        print(f"modbus_peer: {e}", file=sys.stderr)
        sys.exit(1)
