"""The browser test's reconnect step (issue 11; browser_test.py runs it in its
one browser): the page loads vigil-console through StallRelay, a loopback
TCP relay. The relay stalls the page's WebSocket the way a congested link
would (it stops reading the console's side), a flood of padded gateway
states fills the console's queue for that page until the console closes it
with 1013 "too slow", and a door is forced while the page is cut off. Then
the relay lets everything through: the page must show the reason, reconnect
by itself, and show the forced door and its incident, which it can only
learn on the new socket (from its snapshot).

Why a relay rather than Chromium's own means (CDP
Network.emulateNetworkConditions, Debugger.pause): it stalls exactly one
socket at a known point, so the slack before the console's queue fills is
the console's send buffer (up to tcp_wmem's 4 MiB) and the relay's receive
buffer, small on a socket that carried little, not Chromium's, autotuned up
to tcp_rmem's 32 MiB; and the page and chromedriver stay responsive all the
while."""
import json
import os
import socket
import subprocess
import threading

from console_test_net import Publisher, padded_door_state, request, wait_until

from selenium.webdriver.common.by import By

CHUNK = 8  # padded gateway states per chunk
PAD = 64 * 1024
MAX_CHUNKS = 32  # 16 MiB: well past the console's send buffer (tcp_wmem max 4 MiB)

# Every text #link-state shows from now on, in order (render() rewrites it
# on every update, so only changes are kept).
RECORD_LINK_STATE = """
window.__linkStates = [document.getElementById('link-state').textContent];
new MutationObserver(() => {
  const text = document.getElementById('link-state').textContent;
  const seen = window.__linkStates;
  if (seen[seen.length - 1] !== text) seen.push(text);
}).observe(document.getElementById('link-state'),
           { childList: true, characterData: true, subtree: true });
"""
# A second socket of the session, not stalled, that tells the test how far
# the console got with the flood (the highest n of a campus gateway it sent).
OPEN_FLOOD_PROBE = """
window.__flood = 0;
window.__floodProbe = new WebSocket('ws://' + location.host + '/ws');
window.__floodProbe.onmessage = (ev) => {
  const m = JSON.parse(ev.data);
  if (m.type === 'gateway' && m.gateway && m.gateway.site === 'campus') {
    for (const d of m.gateway.doors) window.__flood = Math.max(window.__flood, d.n);
  }
};
"""


class _Link:
    def __init__(self, browser, websocket):
        self.browser = browser
        self.console = None
        self.websocket = websocket
        self.mode = "flowing"  # "stalled": nothing read; "holding": read, not passed on
        self.held = []
        self.eof = False  # the console closed while holding
        self.done = False


class StallRelay:
    """127.0.0.1:<port> -> vigil-console, one thread per direction and connection.
    stall() stops reading the console's side of every WebSocket open at the
    call; hold() reads it again but keeps what comes; release() passes the
    kept bytes on, then everything as it comes. Connections opened later
    always flow. (No small SO_RCVBUF on the stalled side: on loopback, with
    its 64 KiB MSS, a receive buffer shrunk under one MSS did not open its
    window again once read, and the console's send buffer is the bound that
    matters anyway.)"""

    def __init__(self, target_port):
        self.target = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cond = threading.Condition()
        self.links = []
        self.stalled = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                browser, _ = self.listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._open, args=(browser,), daemon=True).start()

    def _open(self, browser):
        try:
            first = browser.recv(1 << 16)
            if not first:
                browser.close()
                return
            link = _Link(browser, first.startswith(b"GET /ws"))
            link.console = socket.create_connection(("127.0.0.1", self.target))
            link.console.sendall(first)
        except OSError:
            browser.close()
            return
        with self.cond:
            self.links.append(link)
        threading.Thread(target=self._up, args=(link,), daemon=True).start()
        self._down(link)

    def _up(self, link):
        try:
            while data := link.browser.recv(1 << 16):
                link.console.sendall(data)
            link.console.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the console closed first: its close handshake may still be held

    def _down(self, link):
        while True:
            with self.cond:
                self.cond.wait_for(lambda: link.mode != "stalled")
            try:
                data = link.console.recv(1 << 16)
            except OSError:
                data = b""
            with self.cond:
                if link.mode != "flowing":  # stalled while this recv waited, or holding
                    if data:
                        link.held.append(data)
                        continue
                    link.eof = True  # release() ends the browser's side
                    return
                link.done = not data
                try:
                    if data:
                        link.browser.sendall(data)
                        continue
                    link.browser.shutdown(socket.SHUT_WR)
                except OSError:
                    link.done = True
                return

    def stall(self):
        """Stalls the WebSockets open now: how many."""
        with self.cond:
            self.stalled = [k for k in self.links if k.websocket and not k.done and not k.eof]
            for link in self.stalled:
                link.mode = "stalled"
            return len(self.stalled)

    def hold(self):
        with self.cond:
            for link in self.stalled:
                link.mode = "holding"
            self.cond.notify_all()

    def release(self):
        """Returns at once; each held socket is flushed by its own thread."""
        with self.cond:
            links, self.stalled = self.stalled, []
        for link in links:
            threading.Thread(target=self._flush, args=(link,), daemon=True).start()

    def _flush(self, link):
        # Under the lock: what _down reads meanwhile goes after the held bytes.
        with self.cond:
            try:
                link.browser.sendall(b"".join(link.held))
                if link.eof:
                    link.browser.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            link.held = []
            link.mode = "flowing"
            self.cond.notify_all()

    def close(self):
        self.listener.close()
        with self.cond:
            for link in self.links:
                for s in (link.browser, link.console):
                    try:
                        s.close()
                    except OSError:
                        pass


def retained(broker_port, topic):
    """The retained message of `topic`, parsed ({} when there is none)."""
    r = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker_port), "-t", topic,
                        "-C", "1", "-W", "2"], capture_output=True, text=True, timeout=10)
    return json.loads(r.stdout) if r.stdout.strip() else {}


def check_reconnect(driver, wait, relay, web_port, broker_port, sim, artefacts):
    """The page's socket stalls until the console closes it as too slow; the
    page shows why, reconnects, and shows a door forced meanwhile."""
    cookie = driver.get_cookie("vigil_session")["value"]

    def stats():
        return request(web_port, "GET", "/api/stats", cookie)[1]

    def shown():
        return driver.execute_script("return window.__linkStates")

    before = stats()
    assert before["slow_closed"] == 0, before
    driver.execute_script(RECORD_LINK_STATE)
    assert relay.stall() == 1, "the page's WebSocket does not go through the relay"
    driver.execute_script(OPEN_FLOOD_PROBE)
    wait_until("the flood probe attached", lambda: stats()["sessions"] == before["sessions"] + 1)

    # Distinct gateways (an update of the same gateway would replace the
    # queued one), a chunk at a time, each sent to the probe before the next.
    publisher = Publisher(broker_port)
    n = 0
    for _ in range(MAX_CHUNKS):
        for _ in range(CHUNK):
            n += 1
            publisher.publish(f"vigil/v1/campus/g{n:05d}/state/door/d1",
                              padded_door_state(f"g{n:05d}", n, PAD))
        last = n
        wait_until(f"the console to send gateway {last}",
                   lambda: driver.execute_script("return window.__flood") >= last)
        if stats()["slow_closed"] >= 1:
            break
    publisher.close()
    s = stats()
    print(f"the stalled page was closed after {n} padded gateway states "
          f"({n * PAD // 1024} KiB); stats {s}")
    assert s["slow_closed"] == 1, f"the console did not close the stalled page: {s}"
    driver.execute_script("window.__floodProbe.close()")

    # Cut off (what the console sends now, its close frame included, waits
    # in the relay), the offices door is forced; the broker has its state
    # before the page can hear of it.
    relay.hold()
    sim("force", "offices-door")
    wait_until("vigild to publish the forced offices door", lambda: retained(
        broker_port, "vigil/v1/demo/gw1/state/door/offices-door").get("alarm") == "forced")
    relay.release()

    # The page says why it lost the console, reconnects by itself, and
    # rebuilds from the new socket's snapshot: the forced door and its
    # incident are there.
    reason = wait_until("the page to show why the console closed it", lambda: next(
        (t for t in shown() if t.startswith("disconnected (too slow")), None))
    print(f"the page showed: {reason!r}")
    wait_until("the page to reconnect", lambda: "live" in shown()[shown().index(reason):])
    door = "#map .door[data-door='offices-door']"
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, door).get_attribute("data-state") == "forced")
    wait.until(lambda d: any("at offices-door" in e.text for e in d.find_elements(
        By.CSS_SELECTOR, "#queue .incident[data-kind='door_forced']")))
    driver.save_screenshot(os.path.join(artefacts, "reconnected.png"))
    wait_until("the stalled socket gone, the reconnected one open",
               lambda: stats()["sessions"] == before["sessions"])
    assert stats()["slow_closed"] == 1, stats()
