"""The browser test's meeting, muster and session steps (browser_test.py runs
them in its one browser): a digest published retained with mosquitto_pub
(checked against docs/schema/digest.schema.json first), the meeting view
showing it, a proposal recorded with an owner and a due date, marked done,
exported as CSV and HTML; the muster list; a command that gets no reply; and
a logout that closes the session's other WebSocket."""
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "docs",
                      "schema", "digest.schema.json")


def digest_payload():
    return {
        "v": 1, "site": "demo", "gateway": "gw1",
        "time": "2026-11-29T06:00:00.000000Z", "since": "2026-11-28T06:00:00.000000Z",
        "open": [{"id": "demo/gw1/0011aabb/7", "kind": "door_forced", "severity": "critical",
                  "zone": "server-room", "opened": "2026-11-28T22:00:00.000000Z", "age_s": 28800,
                  "state": "acknowledged", "level_name": "shift_lead"}],
        "raised": {"total": 3, "by_kind": {"door_forced": 2, "door_held_open": 1},
                   "by_zone": {"server-room": 2, "lobby": 1}},
        "resolved": [{"id": "demo/gw1/0011aabb/5", "kind": "door_held_open",
                      "severity": "warning", "zone": "lobby",
                      "opened": "2026-11-28T09:00:00.000000Z",
                      "resolved_at": "2026-11-28T10:00:00.000000Z", "resolved_by": "ben",
                      "note": "hinge oiled"}],
        "deficiencies": {
            "open": [{"id": 4, "kind": "offline", "item": "reader lobby-in", "zone": "lobby",
                      "started": "2026-11-20T08:00:00.000000Z", "age_s": 770400,
                      "due": "2026-11-25", "overdue": True, "unit": "", "note": "cable cut"}],
            "closed": []},
    }


def publish_digest(broker_port):
    payload = digest_payload()
    try:
        import jsonschema  # Debian's python3-jsonschema; the payload is checked when it is there
        with open(SCHEMA) as f:
            jsonschema.Draft202012Validator(json.load(f)).validate(payload)
    except ImportError:
        print("note: python3-jsonschema missing, the digest is not checked against its schema")
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker_port), "-q", "1", "-r",
                    "-t", "vigil/v1/demo/gw1/digest", "-m", json.dumps(payload)],
                   check=True, timeout=10)


def fetch(driver, path):
    """GET `path` from the page, with its session cookie: (status, text)."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'})"
        ".then(async (r) => done([r.status, await r.text()]))"
        ".catch((e) => done([0, String(e)]));", path)


def check_muster(driver, wait, zone, name):
    """One count per zone of the map, the same as its tile (read in one script:
    the page re-renders on every update), and `name` on `zone`'s list of who is
    inside (the gateway's retained muster/<zone>, names allowed by the site)."""
    people = f"#muster table.muster[data-key='demo/gw1'] tr[data-zone='{zone}'] td.people li"
    wait.until(lambda d: any(name in e.text for e in d.find_elements(By.CSS_SELECTOR, people)))
    script = ("return Array.from(document.querySelectorAll(arguments[0])).map("
              "(e) => [e.dataset.zone, e.querySelector(arguments[1]).textContent]);")
    rows = "#muster table.muster[data-key='demo/gw1'] tr[data-zone]"
    wait.until(lambda d: len(d.execute_script(script, rows, ".count")) == 4)
    muster = dict(driver.execute_script(script, rows, ".count"))
    tiles = dict(driver.execute_script(script, "#map .zone", ".occupancy"))
    assert set(muster) == set(tiles), (muster, tiles)
    for zone, count in muster.items():
        assert count.isdigit() and tiles[zone] == "occupancy " + count, (zone, count, tiles)


def check_meeting(driver, wait, broker_port, web_port, artefacts, click):
    publish_digest(broker_port)
    driver.find_element(By.ID, "tab-meeting").click()
    card = "#digests .digest[data-key='demo/gw1']"
    text = wait.until(lambda d: (lambda t: "door_forced" in t and t)(
        d.find_element(By.CSS_SELECTOR, card).text))
    for expected in ("Open incidents (1)", "Raised since last: 3", "server-room 2",
                     "reader lobby-in", "OVERDUE", "Resolved since last (1)", "hinge oiled"):
        assert expected in text, f"{expected!r} not in the digest card:\n{text}"

    # A proposal with an owner and a due date already past: it shows overdue.
    Select(driver.find_element(By.ID, "fu-kind")).select_by_value("proposal")
    driver.find_element(By.ID, "fu-text").send_keys("replace the reader at lobby-in")
    Select(driver.find_element(By.ID, "fu-owner")).select_by_value("ben")
    driver.execute_script("document.getElementById('fu-due').value = '2026-01-15';")
    driver.find_element(By.ID, "fu-add").click()
    row = "#followups tr[data-id='1']"
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, row).get_attribute("data-status") == "overdue")
    wait.until(EC.text_to_be_present_in_element((By.ID, "meeting-reply"), "recorded as #1"))
    driver.find_element(By.ID, "meeting-view").screenshot(os.path.join(artefacts, "meeting.png"))

    # The owner marks it done: who and when are recorded.
    click(driver, row + " button.followup-done")
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, row).get_attribute("data-status") == "done")
    wait.until(lambda d: "ben 20" in d.find_element(By.CSS_SELECTOR, row).text)  # done by ben at ...

    # One owned by ann: ben gets no button, and a forged request is refused.
    Select(driver.find_element(By.ID, "fu-kind")).select_by_value("resolution")
    driver.find_element(By.ID, "fu-text").send_keys("badge audit every month")
    Select(driver.find_element(By.ID, "fu-owner")).select_by_value("ann")
    driver.execute_script("document.getElementById('fu-due').value = '2099-12-31';")
    driver.find_element(By.ID, "fu-add").click()
    row2 = "#followups tr[data-id='2']"
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, row2).get_attribute("data-status") == "open")
    assert not driver.find_elements(By.CSS_SELECTOR, row2 + " button.followup-done")
    driver.execute_script("ws.send(JSON.stringify({op: 'followup-done', ref: 'm99', id: 2}));")
    wait.until(EC.text_to_be_present_in_element(
        (By.ID, "meeting-reply"), "refused: only ann (the owner) or a meeting chair may mark #2 done"))

    # The export: CSV and the printable page, for a logged-in browser only.
    status, csv = fetch(driver, "/meeting/report.csv")
    assert status == 200, (status, csv)
    lines = csv.split("\r\n")
    assert lines[0].startswith("section,site,gateway,id,kind"), lines[0]
    for prefix in ("digest,demo,gw1,,,,,1,", "raised,demo,gw1,,,,,3,",
                   "raised_by_kind,demo,gw1,,door_forced,,,2,",
                   "open_incident,demo,gw1,demo/gw1/0011aabb/7,door_forced,critical,server-room,,28800,",
                   "deficiency,demo,gw1,4,offline,,lobby,,770400,,2026-11-25,overdue,",
                   "resolved,demo,gw1,demo/gw1/0011aabb/5,door_held_open,",
                   "followup,,,1,proposal,,,,,ben,2026-01-15,done,ben,"):
        assert any(line.startswith(prefix) for line in lines), f"no {prefix!r} line in:\n{csv}"
    assert any(line.startswith("followup,,,1,") and line.endswith(",replace the reader at lobby-in")
               for line in lines), csv
    assert "followup,,,2,resolution,,,,,ann,2099-12-31,open,ben," in csv, csv
    status, page = fetch(driver, "/meeting/report.html")
    assert status == 200 and "<script" not in page, (status, page[:300])
    for expected in ("<h2>demo / gw1</h2>", "replace the reader at lobby-in", "cable cut"):
        assert expected in page, expected
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{web_port}/meeting/report.csv", timeout=5)
        raise AssertionError("the report was served without a session")
    except urllib.error.HTTPError as e:
        assert e.code == 401, e.code
    driver.find_element(By.ID, "tab-guard").click()


def check_reply_timeout(driver, wait, door, click, seconds):
    """vigild is gone: a door release gets no reply, and the page says so."""
    t0 = time.monotonic()
    click(driver, door + " button.door-unlock")
    wait.until(EC.visibility_of_element_located((By.ID, "confirm-ok"))).click()
    wait.until(lambda d: d.find_element(By.ID, "last-reply").get_attribute("data-code") == "timeout")
    took = time.monotonic() - t0
    text = driver.find_element(By.ID, "last-reply").text
    assert f"no reply from the gateway within {seconds} s" in text, text
    assert took >= seconds - 0.5, took


def check_logout_closes_sockets(driver, wait):
    """A second socket of the same session (another tab) is closed by the
    console when the session logs out: the page itself does not touch it."""
    driver.execute_script(
        "window.__probe = new WebSocket('ws://' + location.host + '/ws');"
        "window.__probe.onopen = () => { window.__probeOpen = true; };"
        "window.__probe.onclose = () => { window.__probeClosed = true; };")
    wait.until(lambda d: d.execute_script("return window.__probeOpen === true"))
    driver.find_element(By.ID, "logout").click()
    wait.until(lambda d: d.execute_script("return window.__probeClosed === true"))
    wait.until(EC.visibility_of_element_located((By.ID, "login-button")))
