#!/usr/bin/python3
"""The guard console in headless Chromium, end to end (registered with ctest as
vigil_console_browser): a real mosquitto on a free loopback port, vigil-sim
playing the demo site's hardware, vigild, and vigil-console. One browser start
for the whole scenario:

  log in -> see every door on the map -> force a door, see it in the queue
  (the time it took is printed, not asserted) -> acknowledge and resolve it
  (each command is checked by an independent verifier: the body fields and the
  Ed25519 signature, with the `cryptography` module; end to end through vigild
  when vigild answers commands) -> cancel a lockdown, confirm a door release
  -> the muster list (Jonas walks into the lobby: his name appears) -> the meeting view: a digest, a proposal recorded, marked
  done and exported (browser_meeting.py) -> the page's socket stalls until
  the console closes it as too slow (1013): the page shows why, reconnects,
  and shows a door forced meanwhile (browser_reconnect.py; the page loads
  through its relay) -> kill vigild, see the offline
  banner, and a command that gets no reply times out in the page -> stop the
  broker, see its banner -> log out: the session's other WebSocket is closed.

Screenshots of the map, the queue, the meeting view and the reconnected page
land in --artefacts. Everything started here is stopped in `finally`, also
when a step fails. Exit 77 (skipped) when selenium or chromedriver are
missing."""
import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from console_test_net import Processes, free_port, start_mosquitto, wait_port

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    import browser_meeting
    import browser_reconnect
except ImportError as e:  # pragma: no cover
    print(f"SKIP: {e}")
    sys.exit(77)

WAIT = 15  # seconds: generous for ASan on two busy cores
REPLY_TIMEOUT = 2  # the console's commands.reply_timeout_s here


class CommandVerifier:
    """Independent of vigil-console's code: subscribes to every cmd topic with
    mosquitto_sub and checks each command against COMMANDS.md."""

    def __init__(self, procs, port, public_keys):
        self.public_keys = public_keys
        self.seen = []
        self.errors = []
        self.proc = procs.start("verifier", ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port),
                                             "-t", "vigil/v1/+/+/cmd/#", "-v", "-q", "1"],
                                stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            topic, _, payload = line.rstrip("\n").partition(" ")
            try:
                self.seen.append(self.check(topic, payload))
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                self.errors.append(f"{topic}: {e}")

    def check(self, topic, payload):
        p = json.loads(payload)
        assert set(p) == {"v", "body", "sig"} and p["v"] == 1, p
        body = json.loads(p["body"])
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_keys[body["operator"]]))
        key.verify(base64.b64decode(p["sig"], validate=True), p["body"].encode())
        parts = topic.split("/")
        assert parts[-1] == body["cmd"] and parts[2] == body["site"] and parts[3] == body["gateway"], topic
        assert body["v"] == 1 and len(body["nonce"]) == 32 and int(body["nonce"], 16) >= 0, body
        assert abs(body["ts"] - time.time() * 1000) < 30000, body
        assert 1 <= len(body["id"]) <= 64, body
        return body

    def wait_for(self, cmd, timeout=WAIT):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert not self.errors, self.errors
            for body in self.seen:
                if body["cmd"] == cmd:
                    return body
            time.sleep(0.05)
        raise AssertionError(f"no {cmd} command reached the broker; errors: {self.errors}")


def write_site(run, site_src, modbus_port, vigilctl, public_key):
    """The demo site on free ports, with ben as a guard over every zone and
    his public key, so vigild accepts the commands the console signs."""
    with open(site_src) as f:
        text = f.read()
    text = text.replace("port: 15020", f"port: {modbus_port}")
    # Names on the muster lists (and events): the site opts in.
    text = text.replace("  topic_root: vigil\n", "  topic_root: vigil\n  events: { personal_data: full_name }\n")
    os.makedirs(os.path.join(run, "run"), exist_ok=True)
    site = os.path.join(run, "site.yaml")
    ben = '  - { user: ben, name: Ben Guard, roles: [guard], zones: ["*"]'
    with open(site, "w") as f:
        f.write(text.rstrip("\n") + "\n" + f'{ben}, public_key: "{public_key}" }}\n')
    check = subprocess.run([vigilctl, "config", "check", site], capture_output=True, text=True,
                           timeout=10)
    assert check.returncode == 0, "the demo site with ben fails vigilctl config check:\n" + \
        check.stdout + check.stderr
    return site


def main():
    # SIGTERM (ctest, CI cancelling) runs the `finally` below like a failure.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    ap = argparse.ArgumentParser()
    for opt in ("--console", "--vigild", "--vigil-sim", "--vigilctl", "--site", "--artefacts"):
        ap.add_argument(opt, required=True)
    args = ap.parse_args()
    chromedriver = shutil.which("chromedriver")
    if not chromedriver or not shutil.which("mosquitto_sub"):
        print("SKIP: chromedriver or mosquitto_sub missing")
        return 77
    os.makedirs(args.artefacts, exist_ok=True)
    run = tempfile.mkdtemp(prefix="vigil-console-browser.")
    procs = Processes(run)
    driver = None
    relay = None
    t_start = time.monotonic()
    ok = False
    try:
        modbus_port, web_port, driver_port = (free_port() for _ in range(3))
        broker, broker_port = start_mosquitto(procs, run)

        # The operator: a password hash and a signing key made by vigil-console itself.
        password = "correct horse battery"
        hashed = subprocess.run([args.console, "passwd"], input=password + "\n", text=True,
                                capture_output=True, check=True).stdout.strip()
        key_file = os.path.join(run, "ben.key")
        keygen = subprocess.run([args.console, "keygen", "--out", key_file], text=True,
                                capture_output=True, check=True).stdout
        public_key = keygen.split('"')[1]
        # A second operator (never logged in here) to own a follow-up ben may not close.
        subprocess.run([args.console, "keygen", "--out", os.path.join(run, "ann.key")], text=True,
                       capture_output=True, check=True)

        site = write_site(run, args.site, modbus_port, args.vigilctl, public_key)
        # The demo's people, so a swipe lets Jonas in (the muster list names him).
        subprocess.run([args.vigilctl, "person", "import", os.path.join(os.path.dirname(args.site), "people.csv"),
                        "-c", site], check=True, capture_output=True, timeout=20)
        sim = procs.start("vigil-sim", [args.vigil_sim, site])
        wait_port(modbus_port, sim, "vigil-sim")
        vigild = procs.start("vigild", [args.vigild, "-c", site, "--broker-port", str(broker_port)])
        # A small queue bound (the smallest allowed), so the reconnect step's
        # stalled page is closed after a few MiB.
        with open(os.path.join(run, "console.yaml"), "w") as f:
            f.write(f"listen: {{ host: 127.0.0.1, port: {web_port}, max_queue_messages: 16 }}\n"
                    f"broker: {{ host: 127.0.0.1, port: {broker_port}, topic_root: vigil }}\n"
                    f"meeting: {{ db: meeting.db }}\ncommands: {{ reply_timeout_s: {REPLY_TIMEOUT} }}\n"
                    f"operators:\n  - {{ user: ben, name: Ben Guard, password: \"{hashed}\", "
                    f"key_file: ben.key }}\n"
                    f"  - {{ user: ann, name: Ann Facilities, password: \"{hashed}\", "
                    f"key_file: ann.key }}\n")
        check_refusals(args.console, run, hashed)
        console = procs.start("vigil-console", [args.console, "-c", os.path.join(run, "console.yaml")])
        wait_port(web_port, console, "vigil-console")
        relay = browser_reconnect.StallRelay(web_port)
        verifier = CommandVerifier(procs, broker_port, {"ben": public_key})

        chrome = procs.start("chromedriver", [chromedriver, f"--port={driver_port}"])
        wait_port(driver_port, chrome, "chromedriver")
        options = webdriver.ChromeOptions()
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1000", f"--user-data-dir={run}/chrome"):
            options.add_argument(flag)
        options.binary_location = "/usr/bin/chromium"
        driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{driver_port}", options=options)
        wait = WebDriverWait(driver, WAIT, ignored_exceptions=[StaleElementReferenceException])
        url = f"http://127.0.0.1:{relay.port}/"

        # 1. A wrong password is refused; the right one logs in.
        driver.get(url)
        wait.until(EC.visibility_of_element_located((By.ID, "user"))).send_keys("ben")
        driver.find_element(By.ID, "password").send_keys("wrong")
        driver.find_element(By.ID, "login-button").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "login-error"), "wrong user name or password"))
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "login-button").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "who"), "Ben Guard"))
        cookie = driver.get_cookie("vigil_session")
        assert cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Strict", cookie

        # 2. The map shows every door of the site (retained states) once vigild is up.
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#map .door")) == 3)
        wait.until(EC.text_to_be_present_in_element((By.ID, "link-state"), "live"))
        door = "#map .door[data-door='server-room-door']"
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, door).get_attribute("data-state") == "locked")

        # 3. Force a door: it turns red and its incident reaches the queue.
        t_force = time.monotonic()
        subprocess.run([args.vigil_sim, site, "force", "server-room-door"], check=True,
                       capture_output=True, timeout=10)
        forced = "#queue .incident[data-kind='door_forced']"
        incident_id = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, forced).get_attribute("data-id"))
        print(f"forced door reached the browser's queue {1000 * (time.monotonic() - t_force):.0f} ms "
              "after the force command (includes vigil-sim's hand-command round trip)")
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, door).get_attribute("data-state") == "forced")
        driver.find_element(By.ID, "map-panel").screenshot(os.path.join(args.artefacts, "map.png"))
        driver.find_element(By.ID, "queue-panel").screenshot(os.path.join(args.artefacts, "queue.png"))
        driver.save_screenshot(os.path.join(args.artefacts, "console.png"))
        seq = incident_id.rsplit("/", 1)[1]

        # 4. Acknowledge (optional note) and resolve (note required) through the dialog.
        sel = f"#queue .incident[data-id='{incident_id}']"
        click(driver, sel + " button.ack")
        wait.until(EC.visibility_of_element_located((By.ID, "confirm-note"))).send_keys("on my way")
        driver.find_element(By.ID, "confirm-ok").click()
        # "sent: ..." from the console, or already "done: ..." from the gateway
        wait.until(lambda d: d.find_element(By.ID, "last-reply").text.startswith(("sent", "done")))
        ack = verifier.wait_for("incident-ack")
        assert ack["operator"] == "ben" and ack["site"] == "demo" and ack["gateway"] == "gw1", ack
        assert ack["args"] == {"incident": seq, "note": "on my way"}, ack

        click(driver, sel + " button.resolve")
        wait.until(EC.visibility_of_element_located((By.ID, "confirm-note")))
        driver.find_element(By.ID, "confirm-ok").click()  # no note: the dialog stays open
        assert driver.find_element(By.ID, "confirm").get_attribute("open") is not None
        driver.find_element(By.ID, "confirm-note").send_keys("door re-latched, nobody inside")
        driver.find_element(By.ID, "confirm-ok").click()
        resolve = verifier.wait_for("incident-resolve")
        assert resolve["args"] == {"incident": seq, "note": "door re-latched, nobody inside"}, resolve
        assert resolve["nonce"] != ack["nonce"] and resolve["id"] != ack["id"]

        # End to end: vigild's reply reaches the browser, the incident leaves
        # the queue, and (below) the journal names ben.
        assert wait_reply(driver), "no reply from vigild to the signed commands reached the page"
        wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, sel))

        # Lockdown and door release wait for the confirmation: cancel sends nothing.
        click(driver, "#map .zone[data-zone='server-room'] button.lockdown-set")
        wait.until(EC.visibility_of_element_located((By.ID, "confirm-cancel"))).click()
        click(driver, door + " button.door-unlock")
        wait.until(EC.visibility_of_element_located((By.ID, "confirm-ok"))).click()
        release = verifier.wait_for("door-unlock")
        assert release["args"] == {"door": "server-room-door", "seconds": 5}, release
        assert not any(b["cmd"] == "lockdown-set" for b in verifier.seen), verifier.seen

        # Muster counts, then the meeting view (digest, follow-up, export).
        def sim(*step):
            subprocess.run([args.vigil_sim, site, *step], check=True, capture_output=True, timeout=10)
        sim("swipe", "lobby-in", "12:1009")
        lobby = "#map .door[data-door='lobby-main']"
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, lobby).get_attribute("data-state") == "unlocked")
        # The door stays open until the entry is seen: opened and closed within
        # a few ms, the contact's debounce rightly takes it for a bounce.
        sim("open", "lobby-main")
        browser_meeting.check_muster(driver, wait, "lobby", "Jonas Hoffmann")
        sim("close", "lobby-main")
        browser_meeting.check_meeting(driver, wait, broker_port, web_port, args.artefacts, click)
        browser_reconnect.check_reconnect(driver, wait, relay, web_port, broker_port, sim,
                                          args.artefacts)

        # 5. Kill vigild: the broker publishes its last will, the banner says offline.
        os.killpg(vigild.pid, signal.SIGKILL)
        vigild.wait()
        wait.until(lambda d: any("OFFLINE" in b.text for b in d.find_elements(By.CSS_SELECTOR, "#banners .banner.offline")))
        driver.save_screenshot(os.path.join(args.artefacts, "offline.png"))
        # The journal names the operator who acknowledged and resolved it.
        shown = subprocess.run([args.vigilctl, "incident", "show", seq, "--journal",
                                os.path.join(run, "run", "journal.db")],
                               capture_output=True, text=True, timeout=10)
        print(f"journal, incident #{seq}:\n{shown.stdout}{shown.stderr}")
        assert "ben" in shown.stdout, shown.stdout + shown.stderr
        # No gateway to answer: the page says the command went unanswered.
        browser_meeting.check_reply_timeout(driver, wait, door, click, REPLY_TIMEOUT)

        # 6. The console loses the broker: a banner says so.
        os.killpg(broker.pid, signal.SIGTERM)
        broker.wait()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#banners .banner.broker"))
        # 7. Log out: the console closes the session's other socket too.
        browser_meeting.check_logout_closes_sockets(driver, wait)
        ok = True
        print(f"browser scenario passed in {time.monotonic() - t_start:.1f} s")
    finally:
        if not ok:
            for name in ("vigil-console", "vigild", "vigil-sim"):
                path = os.path.join(run, name + ".log")
                if os.path.exists(path):
                    with open(path, errors="replace") as f:
                        print(f"---- {name} log (tail)\n" + "".join(f.readlines()[-30:]))
            if driver is not None:
                try:
                    driver.save_screenshot(os.path.join(args.artefacts, "failure.png"))
                except Exception:  # noqa: BLE001
                    pass
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        if relay is not None:
            relay.close()
        procs.stop_all()
        shutil.rmtree(run, ignore_errors=True)
    return 0 if ok else 1


def check_refusals(console, run, hashed):
    """A malformed config and a key others can read stop vigil-console, saying where."""
    bad = os.path.join(run, "bad.yaml")
    with open(bad, "w") as f:
        f.write("listen: { port: 80 }\noperators:\n  - { user: ben, password: nope, key_file: ben.key }\n")
    r = subprocess.run([console, "-c", bad, "--check"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 2 and f"{bad}:3:28: 'operators.password'" in r.stderr, r.stderr
    shutil.copy(os.path.join(run, "ben.key"), os.path.join(run, "open.key"))
    os.chmod(os.path.join(run, "open.key"), 0o644)
    with open(bad, "w") as f:
        f.write(f"operators:\n  - {{ user: ben, password: \"{hashed}\", key_file: open.key }}\n")
    r = subprocess.run([console, "-c", bad, "--check"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 2 and "chmod 600" in r.stderr, r.stderr
    r = subprocess.run([console, "-c", os.path.join(run, "console.yaml"), "--check"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr


def click(driver, css, attempts=20):
    """Clicks `css`; the page re-renders the queue and map on every update, so
    an element found a moment ago may be gone: find it again."""
    for _ in range(attempts):
        try:
            driver.find_element(By.CSS_SELECTOR, css).click()
            return
        except StaleElementReferenceException:
            time.sleep(0.05)
    raise AssertionError(f"{css} kept going stale")


def wait_reply(driver, timeout=20):
    """True once a gateway reply ('done:' or 'refused (code)') reached the page."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        code = driver.find_element(By.ID, "last-reply").get_attribute("data-code")
        if code and code != "timeout":  # a slow reply still counts when it comes
            assert code == "ok", driver.find_element(By.ID, "last-reply").text
            return True
        time.sleep(0.1)
    return False


if __name__ == "__main__":
    sys.exit(main())
