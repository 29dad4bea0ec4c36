#!/usr/bin/env python3
"""Where a forced door's latency goes, from a perf trace of bench_incident_latency.

Record (root; the bench's children, vigild and mosquitto, are followed):

  perf record -o /tmp/lat.perf -e sched:sched_wakeup,sched:sched_switch \
    -e 'syscalls:sys_enter_fdatasync,syscalls:sys_exit_fdatasync' \
    -e 'syscalls:sys_exit_recvfrom,syscalls:sys_exit_read' \
    -e 'syscalls:sys_enter_sendto,syscalls:sys_enter_write,syscalls:sys_enter_writev' \
    -- build-bench/bench/bench_incident_latency 40 /dev/shm/lat
  bench/incident_latency_trace.py /tmp/lat.perf

For every fdatasync of vigild's journal writer it walks the wake-ups back to
the Modbus read that saw the contact open, and forward to the subscriber's
read of the incident, and prints each step's median (µs):
  read   -> loop   the driver's thread reads the contact (the event's time is
                   taken after this read) and wakes the event loop
  loop   -> writer the loop runs the core and submits; the writer is woken
  writer -> sync   the writer builds and writes the transaction (SQLite)
  fdatasync        the one sync on the path
  sync -> on the wire  after the commit, until vigild's Paho send thread
                   writes the incident to the broker's socket (and which
                   thread the writer woke first: the sender thread before
                   s23-forced; Paho's send thread, or the loop when Paho's
                   thread was awake, when the writer publishes itself)
  broker           mosquitto reads it and writes it to the subscriber
  subscriber       the bench's Paho receive thread reads it
Steps that a trace cannot tie to one door are left out of that door.
"""
import re
import statistics
import subprocess
import sys

LINE = re.compile(r"^\s*(?P<comm>.+?)\s+(?P<pid>\d+)/(?P<tid>\d+)\s+(?P<time>\d+\.\d+):\s+(?P<event>[\w:]+):\s*(?P<rest>.*)$")


def events(path):
    out = subprocess.run(
        ["perf", "script", "-i", path, "-F", "comm,pid,tid,time,event,trace"],
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        yield (float(m["time"]) * 1e6, int(m["tid"]), int(m["pid"]), m["comm"].strip(), m["event"],
               m["rest"])


def main():
    evs = list(events(sys.argv[1]))
    comm = {}
    proc = {}  # tid -> pid
    wakeups = []  # (t, waker, target)
    switches = []  # (t, prev tid, next tid)
    sys_ev = {}   # tid -> [(t, event)]
    for t, tid, pid, c, ev, rest in evs:
        comm[tid] = c
        proc[tid] = pid
        if ev == "sched:sched_wakeup":
            m = re.search(r"pid=(\d+)", rest)
            if m:
                wakeups.append((t, tid, int(m.group(1))))
        elif ev == "sched:sched_switch":
            m = re.search(r"prev_pid=(\d+).*next_pid=(\d+)", rest)
            if m:
                switches.append((t, int(m.group(1)), int(m.group(2))))
        elif ev.startswith("syscalls:"):
            sys_ev.setdefault(tid, []).append((t, ev.split(":")[1]))
    syncs = [(t, tid) for t, tid, _, c, ev, _ in evs
             if ev == "syscalls:sys_enter_fdatasync" and c.startswith("vigild")]
    writer = max({tid for _, tid in syncs}, key=lambda w: sum(1 for _, x in syncs if x == w))
    mosq = {tid for tid, c in comm.items() if c.startswith("mosquitto")}
    vigild = proc[writer]
    in_vigild = lambda tid: proc.get(tid) == vigild
    def off_cpu(tid, a, b):
        """Time `tid` spent switched out (runnable or blocked) between a and b."""
        off, since = 0.0, None
        for t, prev, nxt in switches:
            if t <= a:
                continue
            if t >= b:
                break
            if prev == tid:
                since = t
            elif nxt == tid and since is not None:
                off += t - since
                since = None
            elif nxt == tid:
                off += t - a
        if since is not None:
            off += b - since
        return off

    steps = {k: [] for k in ["read -> loop", "loop -> writer", "writer -> sync",
                             "  writer off CPU", "fdatasync",
                             "sync -> on the wire", "broker", "subscriber", "total"]}

    def last_before(seq, t, pred):
        best = None
        for x in seq:
            if x[0] >= t:
                break
            if pred(x):
                best = x
        return best

    def first_after(seq, t, pred, within=5000):
        for x in seq:
            if x[0] <= t:
                continue
            if x[0] > t + within:
                return None
            if pred(x):
                return x
        return None

    wsys = sys_ev.get(writer, [])
    woken = {}  # the thread the writer wakes first after the sync, by name
    for t_sync, _ in [s for s in syncs if s[1] == writer]:
        exit_ = first_after(wsys, t_sync, lambda x: x[1] == "sys_exit_fdatasync")
        if not exit_:
            continue
        # Only the commits an incident follows: a write by vigild within 3 ms.
        # Backward: who woke the writer, who woke that thread, its read.
        w2 = last_before(wakeups, t_sync, lambda x: x[2] == writer and x[1] != writer)
        if not w2 or t_sync - w2[0] > 20000:
            continue
        loop = w2[1]
        w1 = last_before(wakeups, w2[0], lambda x: x[2] == loop and x[1] not in (loop, writer))
        read = None
        if w1:
            read = last_before(sys_ev.get(w1[1], []), w1[0],
                               lambda x: x[1] in ("sys_exit_recvfrom", "sys_exit_read"))
        # Forward: the first write to a socket by vigild's Paho send thread,
        # then the broker, then the subscriber.
        WRITES = ("sys_enter_write", "sys_enter_writev", "sys_enter_sendto")
        wire = None
        for tid, seq in sys_ev.items():
            if not in_vigild(tid) or not comm.get(tid, "").startswith("MQTTAsync_send"):
                continue
            o = first_after(seq, exit_[0], lambda x: x[1] in WRITES, 3000)
            if o and (wire is None or o[0] < wire[0]):
                wire = o
        if wire is None:
            continue
        pub_wake = first_after(wakeups, exit_[0], lambda x: x[1] == writer and x[2] != writer)
        broker_out = None
        sub_read = None
        if wire:
            for m in mosq:
                o = first_after(sys_ev.get(m, []), wire[0],
                                lambda x: x[1] in WRITES)
                if o and (broker_out is None or o[0] < broker_out[0]):
                    broker_out = o
            if broker_out:
                bw = first_after(wakeups, broker_out[0], lambda x: x[1] in mosq
                                 and proc.get(x[2]) not in (vigild, proc.get(x[1])))
                if bw:
                    sub_read = first_after(sys_ev.get(bw[2], []), bw[0],
                                           lambda x: x[1] in ("sys_exit_recvfrom", "sys_exit_read"))
        if read and w1:
            steps["read -> loop"].append(w1[0] - read[0])
            steps["loop -> writer"].append(w2[0] - w1[0])
        steps["writer -> sync"].append(t_sync - w2[0])
        steps["  writer off CPU"].append(off_cpu(writer, w2[0], t_sync))
        steps["fdatasync"].append(exit_[0] - t_sync)
        if pub_wake:
            name = "the loop" if pub_wake[2] == loop else comm.get(pub_wake[2], "?")
            woken[name] = woken.get(name, 0) + 1
        steps["sync -> on the wire"].append(wire[0] - exit_[0])
        if broker_out and wire:
            steps["broker"].append(broker_out[0] - wire[0])
        if sub_read and broker_out:
            steps["subscriber"].append(sub_read[0] - broker_out[0])
        if read and sub_read:
            steps["total"].append(sub_read[0] - read[0])
    print(f"writer tid {writer}, {len([s for s in syncs if s[1] == writer])} fdatasyncs, "
          f"{len(steps['fdatasync'])} followed by a publish")
    print("  woken first after the sync:", woken)
    for k, v in steps.items():
        if v:
            print(f"  {k:19s} n={len(v):3d} median={statistics.median(v):8.1f} us "
                  f"min={min(v):8.1f} max={max(v):9.1f}")


if __name__ == "__main__":
    main()
