"""Classroom mode (`deepfake-edu demo --classroom`): join code, caps per device, pooled answers, the
teacher page on loopback only.

Network rule of these tests: servers listen on 127.0.0.x only, and traffic goes to 127.0.0.x only;
what needs an address that is not loopback runs in a network namespace the test makes itself
(``classroom_netns.py``: its only interfaces are its own), and is skipped where namespaces are not
allowed.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from deepfake_edu.demo import classroom as cr
from deepfake_edu.errors import LabError
from tests.demo.conftest import free_port

HOST = "127.0.0.2"  # the classroom server of these tests: loopback, but not the default 127.0.0.1
CODE = "KMN479"
RUN = "twins (the lab's classroom model)"
DETECTOR = "Meso-4 trained on twins (the lab's)"


# --- the library, without a server ---------------------------------------------------------------


def test_join_codes_are_random_readable_and_compared_loosely():
    codes = {cr.new_join_code() for _ in range(200)}
    assert len(codes) > 190 and all(len(c) == cr.JOIN_CODE_LENGTH and set(c) <= set(cr.JOIN_ALPHABET) for c in codes)
    assert not set(cr.JOIN_ALPHABET) & set("0O1IL2Z5S8B")  # nothing that sounds or looks like another
    room = cr.Classroom(host=HOST, port=1, code="kmn-479")
    assert room.code == CODE and cr.spoken(room.code) == "KMN 479"
    assert room.check_login("ana", "kmn 479") and room.check_login("Ben", "KMN479")
    assert not room.check_login("ana", "KMN478") and not room.check_login("", CODE) and not room.check_login("ana", "")
    with pytest.raises(LabError, match="4 letters or digits"):
        cr.Classroom(host=HOST, code="ab-1")


def test_classroom_listens_on_every_network_or_loopback_only():
    assert cr.Classroom().host == "0.0.0.0"
    for host in ("127.0.0.1", "127.0.0.9", "::1", "0.0.0.0"):
        cr.Classroom(host=host)
    with pytest.raises(LabError, match="teacher view needs loopback"):
        cr.Classroom(host="192.168.1.20")


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.3.4.5", True), ("::1", True), ("::ffff:127.0.0.1", True),
                                            ("192.168.1.20", False), ("10.0.0.1", False), ("::ffff:10.0.0.1", False),
                                            ("0.0.0.0", False), ("localhost", False), ("", False), (None, False)])
def test_only_loopback_is_the_teacher(host, loopback):
    assert cr.is_loopback(host) is loopback
    request = SimpleNamespace(client=SimpleNamespace(host=host))
    if loopback:
        cr.require_teacher(request)
    else:
        with pytest.raises(LabError, match="teacher view opens only"):
            cr.require_teacher(request)
    with pytest.raises(LabError):
        cr.require_teacher(SimpleNamespace(client=None))


def test_the_join_address_comes_from_the_interfaces_best_first():
    def entry(address, family=socket.AF_INET):
        return SimpleNamespace(family=family, address=address)

    up, down = SimpleNamespace(isup=True), SimpleNamespace(isup=False)
    interfaces = {"lo": [entry("127.0.0.1")], "docker0": [entry("172.17.0.1")], "wlan0": [entry("192.168.1.23"), entry("fe80::1", socket.AF_INET6)],
                  "eth1": [entry("10.0.5.7")], "eth9": [entry("10.9.9.9")], "eth2": [entry("169.254.3.3")], "eth3": [entry("8.8.4.4")]}
    stats = {"lo": up, "docker0": up, "wlan0": up, "eth1": up, "eth9": down, "eth2": up, "eth3": up}
    assert cr.lan_addresses(interfaces, stats) == ["192.168.1.23", "10.0.5.7", "8.8.4.4", "172.17.0.1"]
    assert cr.lan_addresses({"lo": [entry("127.0.0.1")]}, {"lo": up}) == []
    assert cr.join_addresses("127.0.0.5", 7861) == ["http://127.0.0.5:7861"]  # a loopback classroom: its own address
    for address in cr.join_addresses("0.0.0.0", 7861):  # this machine's, read without a packet sent
        assert address.startswith("http://") and address.endswith(":7861")


def test_the_qr_code_reads_back_as_the_join_address():
    pytest.importorskip("segno", reason="segno is not installed: pip install -e '.[demo]'")
    import cv2

    url = "http://192.168.1.23:7860"
    picture = cr.qr_picture(url, scale=8)
    assert picture.dtype == np.uint8 and picture.shape[2] == 3 and set(np.unique(picture)) == {0, 255}
    assert (picture[:32] == 255).all()  # the quiet zone: 4 modules of 8 px
    decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(picture)
    assert decoded == url


def test_the_rate_limiter_counts_each_device_and_kind_in_a_sliding_window():
    now = [0.0]
    limits = cr.RateLimiter({"work": 2, "login": 1}, window_s=60, clock=lambda: now[0])
    limits.take("10.0.0.1", "work")
    limits.take("10.0.0.1", "work")
    with pytest.raises(LabError, match="asked for 2 results in the last minute: wait a minute"):
        limits.take("10.0.0.1", "work")
    limits.take("10.0.0.2", "work")  # another device has its own budget
    assert not limits.over("10.0.0.1", "login")
    limits.count("10.0.0.1", "login")
    assert limits.over("10.0.0.1", "login") and not limits.over("10.0.0.2", "login")
    now[0] = 59.9
    assert limits.over("10.0.0.1", "work")
    now[0] = 60.0
    limits.take("10.0.0.1", "work")  # the first two have left the window


def _answer(truth, guess, p_fake, machine):
    return SimpleNamespace(truth=truth, guess=guess, p_fake=p_fake, machine=machine)


def test_the_pool_counts_every_student_and_exports_pseudonyms_only(tmp_path):
    pool = cr.AnswerPool()
    ana, ben = pool.student("10.0.0.4", "Ana"), pool.student("10.0.0.5", "Ben")
    assert (ana, ben) == ("s01", "s02") and pool.student("10.0.0.4", " ana ") == ana and pool.student("10.0.0.6", "Ana") == "s03"
    pool.record(ana, 3, "images/f3.png", _answer("fake", "fake", 0.81, "fake"))
    pool.record(ana, 5, "images/r5.png", _answer("real", "fake", 0.7, "fake"))
    pool.record(ben, 3, "images/f3.png", _answer("fake", "real", 0.81, "fake"))
    assert pool.tally() == {"human": {"right": 1, "answered": 3}, "machine": {"right": 2, "answered": 3}, "revised": {"right": 0, "answered": 0},
                            "advice": {"right_to_wrong": 0, "wrong_to_right": 0}} and pool.students() == 2
    shown = cr.describe_pool(pool)
    assert "| the class | 1 | 3 | 33% |" in shown and "| 2 | 3 | 67% |" in shown and "2 students answered" in shown
    rows = list(__import__("csv").DictReader(pool.export(tmp_path, "csv").open()))
    assert [r["student"] for r in rows] == ["s01", "s01", "s02"] and rows[1]["human_right"] == "False" and rows[0]["machine_p_fake"] == "0.81"
    exported = json.loads(pool.export(tmp_path, "json").read_text())
    assert exported["tally"] == pool.tally() and len(exported["answers"]) == 3 and exported["students"] == 2
    assert "Ana" not in pool.to_csv() + pool.to_json() and "10.0.0" not in pool.to_csv() + pool.to_json()
    with pytest.raises(LabError, match="csv or json"):
        pool.export(tmp_path, "xlsx")
    pool.reset()
    assert pool.tally()["human"] == {"right": 0, "answered": 0} and pool.student("10.0.0.5", "Ben") == "s01"


def test_a_sessions_files_are_deleted_with_it_and_only_its_own(tmp_path):
    room = cr.Classroom(host=HOST)
    a, b = SimpleNamespace(session_hash="aaa"), SimpleNamespace(session_hash="bbb")
    folder = tmp_path / "upload-hash"
    folder.mkdir()
    mine, theirs = folder / "me.png", tmp_path / "them.png"
    mine.write_bytes(b"a")
    theirs.write_bytes(b"b")
    room.remember(a, mine, None)
    room.remember(b, theirs)
    assert room.forget(a) == 1 and not mine.exists() and not folder.exists() and theirs.exists()
    assert room.forget(a) == 0 and room.forget(SimpleNamespace(session_hash=None)) == 0


def _call_gate(gate, path, host, method="GET", status=200):
    """One request through the gate to a stand-in app answering ``status``; (status, body). No socket."""
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"inner"})

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    gate.app = app
    asyncio.run(gate({"type": "http", "path": path, "method": method, "client": (host, 50000)}, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:]).decode()


def test_the_gate_keeps_the_teacher_page_and_exports_to_loopback_and_caps_logins_and_uploads(tmp_path):
    room = cr.Classroom(host=HOST, caps={"login": 2, "upload": 1})
    exports = tmp_path / "outputs" / "demo" / "classroom"
    gate = cr.ClassroomGate(None, room, [exports])
    student, teacher = "10.0.0.7", "127.0.0.1"
    cached_copy = "/tmp/gradio/0a1b2c/answers-20260101-120000-0123456789abcdef.csv"  # Gradio serves exports from its cache too
    for path in ("/teacher", "/teacher/", f"/gradio_api/file={exports}/answers-x.csv", f"/gradio_api/file={exports}/../classroom/a.json",
                 f"/gradio_api/file={cached_copy}", f"/file={cached_copy}"):
        status, body = _call_gate(gate, path, student)
        assert status == 403 and "teacher view opens only on the computer that runs the demo" in body, path
        assert _call_gate(gate, path, teacher) == (200, "inner")
    assert _call_gate(gate, f"/gradio_api/file={tmp_path}/outputs/demo/shown/x.png", student) == (200, "inner")
    assert _call_gate(gate, "/", student) == (200, "inner")
    for _ in range(2):
        assert _call_gate(gate, "/login", student, "POST", status=400)[0] == 400  # wrong codes, counted
    status, body = _call_gate(gate, "/login", student, "POST", status=200)
    assert status == 429 and "2 wrong join codes from this device" in body  # even a right one waits now
    assert _call_gate(gate, "/login", "10.0.0.8", "POST")[0] == 200  # other devices still join
    assert _call_gate(gate, "/gradio_api/upload", student, "POST")[0] == 200
    status, body = _call_gate(gate, "/gradio_api/upload", student, "POST")
    assert status == 429 and "sent 1 files in the last minute" in body


def test_the_command_refuses_what_classroom_mode_cannot_do(tmp_path):
    env = {**os.environ, "DEEPFAKE_EDU_HOME": str(tmp_path)}
    root = Path(cr.__file__).resolve().parents[2]
    for extra, message in ((["--share"], "leave --share out"), (["--host", "192.168.1.20"], "needs loopback"),
                           (["--join-code", "ab"], "4 letters or digits")):
        done = subprocess.run([sys.executable, "-m", "deepfake_edu", "demo", "--classroom", "--no-prepare", *extra],
                              env=env, capture_output=True, text=True, timeout=120, cwd=root)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
    done = subprocess.run([sys.executable, "-m", "deepfake_edu", "demo", "--join-code", "KMN479", "--no-prepare"],
                          env=env, capture_output=True, text=True, timeout=120, cwd=root)
    assert done.returncode == 2 and "goes with --classroom" in done.stderr


# --- a served classroom, on 127.0.0.2 -----------------------------------------------------------


def test_the_command_serves_a_class_behind_its_code_and_says_where_to_join(small_lab, tmp_path):
    import time

    port = free_port()
    log_path = tmp_path / "demo.log"
    root = Path(cr.__file__).resolve().parents[2]
    with log_path.open("w") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "deepfake_edu", "demo", "--classroom", "--no-prepare", "--host", HOST,
                                    "--port", str(port), "--join-code", "kmn-479"], cwd=root, stdout=log_file, stderr=subprocess.STDOUT,
                                   env={**os.environ, "DEEPFAKE_EDU_HOME": str(small_lab.home)})
    try:
        deadline = time.monotonic() + 120
        while "Teacher page" not in log_path.read_text() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        said = log_path.read_text()
        assert f"Students join at http://{HOST}:{port} with the join code KMN 479" in said, said
        assert f"http://{HOST}:{port}/teacher" in said and "Traceback" not in said
        url = f"http://{HOST}:{port}/"
        assert _status(url + "config") == 401 and _post_login(url, "ana", "KMN 479")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def classroom_app(small_lab):
    from deepfake_edu.demo.app import launch_app

    room = cr.Classroom(host=HOST, port=free_port(), code=CODE)
    app, _ = launch_app(small_lab, block=False, quiet=True, classroom=room)
    try:
        yield app, f"http://{HOST}:{room.port}/", room
    finally:
        app.close()


@pytest.fixture
def fresh_room(classroom_app):
    """The served classroom with its caps, pool and tally as at the start; put back after the test."""
    room = classroom_app[2]
    caps = dict(room.limits.caps)
    room.limits = cr.RateLimiter(caps)
    room.pool.reset()
    yield room
    room.limits = cr.RateLimiter(caps)
    room.pool.reset()


def _post_login(url, username, password):
    """(status, body, cookie jar) of Gradio's login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    data = urllib.parse.urlencode({"username": username, "password": password}).encode()
    try:
        with opener.open(urllib.request.Request(url + "login", data=data), timeout=30) as response:
            return response.status, response.read().decode(), opener
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), opener


def _student(url, name, code=CODE):
    from gradio_client import Client

    return Client(url, auth=(name, code), verbose=False)


def test_the_classroom_listens_on_its_address_only_and_the_default_on_loopback_only(classroom_app, running_app):
    import psutil

    port = classroom_app[2].port
    with socket.create_connection((HOST, port), timeout=5):
        pass
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.3", port), timeout=5)
    default_port = urllib.parse.urlparse(running_app[1]).port
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((HOST, default_port), timeout=5)  # the default demo is 127.0.0.1 only
    listening = {(c.laddr.ip, c.laddr.port) for c in psutil.Process().net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    assert (HOST, port) in listening and ("127.0.0.1", default_port) in listening
    assert not any(p in (port, default_port) and ip not in (HOST, "127.0.0.1") for ip, p in listening), listening


def test_joining_takes_the_join_code(classroom_app, fresh_room):
    from gradio_client.exceptions import AppError

    url = classroom_app[1]
    assert _status(url + "config") == 401  # nothing of the app without the code
    assert _post_login(url, "ana", "KMN478")[0] == 400
    assert _post_login(url, "  ", CODE)[0] == 400  # a name of spaces only
    status, _, opener = _post_login(url, "ana", "kmn-479")
    assert status == 200
    with opener.open(url + "config", timeout=30) as response:
        assert response.status == 200
    with pytest.raises((ValueError, AppError, Exception), match="(?i)credentials|login|401"):
        _student(url, "ana", "WRONG1")
    assert _student(url, "ana").predict(api_name="/quiz_next")[1] == "Your guess?"


def _status(url: str) -> int:
    """The HTTP status of GET ``url`` without logging in."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_wrong_codes_from_a_device_are_capped(classroom_app, fresh_room):
    url = classroom_app[1]
    fresh_room.limits = cr.RateLimiter({**fresh_room.limits.caps, "login": 3})
    for _ in range(3):
        assert _post_login(url, "ana", "NOPE99")[0] == 400
    status, body, _ = _post_login(url, "ana", CODE)
    assert status == 429 and body == cr.CAP_MESSAGES["login"].format(cap=3)


def test_the_answers_of_every_student_are_pooled_for_the_teacher(classroom_app, fresh_room):
    url = classroom_app[1]
    ana, ben = _student(url, "Ana"), _student(url, "Ben")
    ana.predict(api_name="/quiz_next")
    ben.predict(api_name="/quiz_next")
    advice, pooled = ana.predict(api_name="/quiz_fake")  # the first answer: the machine's advice, nothing pooled yet
    assert "The machine's P(fake)" in advice and "| the class | 0 | 0 |" in pooled
    reveal, pooled = ana.predict(api_name="/quiz_real")  # the final answer, revised
    assert "This face is **" in reveal and "| the class |" in pooled and "| 1 |" in pooled.splitlines()[2]
    assert "| the class, after seeing the machine |" in pooled and fresh_room.pool.answers()[0].revised == "real"
    again, _ = ana.predict(api_name="/quiz_real")  # a third answer on the same face is not pooled
    assert "already answered" in again
    ben.predict(api_name="/quiz_real")
    _, pooled = ben.predict(api_name="/quiz_real")
    lines = pooled.splitlines()
    assert lines[2].split("|")[3].strip() == "2" and lines[3].split("|")[3].strip() == "2" and "2 students answered" in pooled
    assert ana.predict(api_name="/quiz_tally") == pooled  # a page (re)opened sees the same pool
    teacher = _student(url, "teacher")  # the teacher's browser is on loopback
    assert teacher.predict(api_name="/teacher_pool") == pooled
    exported = Path(teacher.predict(api_name="/teacher_export_csv"))
    rows = exported.read_text().splitlines()
    assert exported.name.startswith("answers-") and exported.suffix == ".csv"
    assert (classroom_app[0].demo_lab.folder / "classroom" / exported.name).is_file()  # written where the gate guards it
    assert len(rows) == 3 and {r.split(",")[1] for r in rows[1:]} == {"s01", "s02"}
    assert "Ana" not in exported.read_text() and "Ben" not in exported.read_text()
    assert json.loads(Path(teacher.predict(api_name="/teacher_export_json")).read_text())["tally"]["human"]["answered"] == 2
    card = teacher.predict(api_name="/teacher_view")
    assert f"http://{HOST}:{fresh_room.port}" in card[0] and "KMN 479" in card[0] and Path(card[1]).is_file()
    assert "| the class | 0 | 0 | - |" in teacher.predict(api_name="/teacher_reset")
    assert fresh_room.pool.students() == 0
    with pytest.raises(ValueError, match="Cannot find a function with `api_name`: /quiz_reset"):
        ana.predict(api_name="/quiz_reset")  # classroom mode has no student reset


def test_each_device_work_is_capped_with_one_line(classroom_app, fresh_room):
    from gradio_client.exceptions import AppError

    fresh_room.limits = cr.RateLimiter({**fresh_room.limits.caps, "work": 2, "answer": 1})
    ana = _student(classroom_app[1], "Ana")
    for index in (1, 2):
        assert "SSIM" in ana.predict(RUN, "twin-00 -> twin-01", index, api_name="/make_fake")[3]
    with pytest.raises(AppError) as caught:
        ana.predict(RUN, "twin-00 -> twin-01", 3, api_name="/make_fake")
    assert str(caught.value).strip() == cr.CAP_MESSAGES["work"].format(cap=2)
    ana.predict(api_name="/quiz_next")
    ana.predict(api_name="/quiz_fake")
    ana.predict(api_name="/quiz_next")
    with pytest.raises(AppError, match="answered 1 faces in the last minute"):
        ana.predict(api_name="/quiz_fake")


def test_an_upload_over_the_classroom_cap_is_refused(classroom_app, fresh_room, tmp_path):
    from gradio_client import handle_file

    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + bytes(fresh_room.upload_mb * 2**20 + 1))
    ana = _student(classroom_app[1], "Ana")
    with pytest.raises(ValueError, match="exceeds the maximum file size of 10485760 bytes"):  # the client is told the cap (the page too)
        ana.predict(handle_file(str(big)), DETECTOR, api_name="/catch")
    url = classroom_app[1]
    opener = _post_login(url, "ana", CODE)[2]
    boundary = "classroomtestboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + big.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url + "gradio_api/upload", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with pytest.raises(urllib.error.HTTPError) as refused:  # and the server refuses it whatever a client does
        opener.open(request, timeout=60)
    assert refused.value.code == 413 and "maximum allowed size" in refused.value.read().decode()


def test_the_teacher_view_is_refused_to_another_device_in_a_namespace_of_its_own(small_lab, tmp_path):
    """Inside a new network namespace (its own loopback and a 10.77.0.1 of its own, reachable from
    nowhere else): a student's device at 10.77.0.1 is refused the teacher page, its endpoints and
    the exports, and the teacher on 127.0.0.1 gets them."""
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"network namespaces are not allowed here (unshare -rn: {probe.stderr.decode().strip()[:100]})")
    script = Path(__file__).with_name("classroom_netns.py")
    out = tmp_path / "netns.json"
    env = {**os.environ, "DEEPFAKE_EDU_HOME": str(small_lab.home), "NETNS_OUT": str(out), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    shell = f"ip link set lo up && ip addr add 10.77.0.1/32 dev lo && exec {sys.executable} {script}"
    done = subprocess.run(["unshare", "-rn", "sh", "-c", shell], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    seen = json.loads(out.read_text())
    print(seen)
    assert seen["join"] == [f"http://10.77.0.1:{seen['port']}"]
    assert seen["student_teacher_page"][0] == 403 and "teacher view opens only" in seen["student_teacher_page"][1]
    assert seen["student_export_file"][0] == 403
    assert all("teacher view opens only" in text for text in seen["student_teacher_calls"].values()), seen["student_teacher_calls"]
    assert "teacher view opens only" in seen["student_spoofed"]
    assert seen["teacher_page"] == 200 and "1 student answered" in seen["teacher_pool"] and seen["teacher_export_rows"] == 2


# --- in a browser -------------------------------------------------------------------------------

from tests.demo.test_browser import TRUTH, browser, click_until  # noqa: E402,F401  (the headless chromium fixture; it skips without one)


@pytest.mark.browser
def test_a_student_joins_with_the_code_answers_and_sees_the_pooled_result(browser, classroom_app, fresh_room, face_photo, tmp_path):  # noqa: F811
    import time

    import cv2

    shots = Path(os.environ.get("DEMO_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    url = classroom_app[1]
    ben = _student(url, "Ben")  # another student, answering from another device meanwhile
    ben.predict(api_name="/quiz_next")
    ben.predict(api_name="/quiz_real")  # the first answer
    ben.predict(api_name="/quiz_real")  # the final one: the face is pooled

    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    page.get_by_text("Join the class.").wait_for()  # the login page says what to type
    page.get_by_label("username").fill("Ana")
    page.get_by_label("password").fill("KMN 478")
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Incorrect Credentials").wait_for()
    page.screenshot(path=shots / "classroom-0-wrong-code.png")
    page.get_by_label("username").fill("Ana")  # the page empties the form after a wrong code
    page.get_by_label("password").fill("kmn 479")
    page.get_by_role("button", name="Login").click()
    page.get_by_text("look inside a deepfake").wait_for()
    page.get_by_text("what you upload is seen by you only").wait_for()

    page.get_by_role("tab", name="4. Spot the fake").click()
    page.locator("#quiz-face img").wait_for()
    click_until(page, "fake", "The machine's P(fake)")  # the first answer: the machine's advice
    click_until(page, "fake", TRUTH)  # the final answer: the truth
    page.locator("#quiz-pooled").get_by_text("2 students answered").wait_for()  # Ben's answer and Ana's, pooled
    rows = page.locator("#quiz-pooled tr").all_inner_texts()
    assert any(row.startswith("the class") and "\t2\t" in row for row in rows), rows
    assert page.get_by_role("button", name="reset the class's tally...").count() == 0  # students cannot reset
    page.screenshot(path=shots / "classroom-1-student.png", full_page=True)

    # what a student uploads, and the verdict's picture of it, go when the student's page closes
    page.get_by_role("tab", name="3. Catch the fake").click()
    page.locator("#catch-upload input[type=file]").set_input_files(str(face_photo))
    page.get_by_role("button", name="catch it").click()
    page.get_by_text("scored by").wait_for()
    kept = [path for paths in fresh_room._uploads.values() for path in paths]
    assert any(path.name == face_photo.name for path in kept) and all(path.exists() for path in kept), kept

    teacher = context.new_page()  # the teacher's browser: this computer, loopback
    teacher.set_default_timeout(90_000)
    teacher.goto(url + "teacher")
    teacher.locator("#teacher-join").get_by_text("KMN 479").wait_for()
    teacher.locator("#teacher-pool").get_by_text("2 students answered").wait_for()
    teacher.locator("#teacher-qr img").wait_for()
    shot = tmp_path / "qr.png"
    teacher.locator("#teacher-qr img").screenshot(path=shot)
    decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imread(str(shot)))
    assert decoded == f"http://{HOST}:{fresh_room.port}"  # the projected code opens the join address
    teacher.screenshot(path=shots / "classroom-2-teacher.png", full_page=True)
    ben.predict(api_name="/quiz_next")
    ben.predict(api_name="/quiz_fake")
    ben.predict(api_name="/quiz_fake")
    teacher.locator("#teacher-pool td").get_by_text("3", exact=True).first.wait_for()  # live: the page refreshes itself
    page.close()
    deadline = time.monotonic() + 60
    while any(path.exists() for path in kept) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(path.exists() for path in kept), [str(p) for p in kept if p.exists()]
    print(f"screenshots in {shots}")
    context.close()


def test_a_class_at_work_connects_to_nothing_but_loopback(classroom_app, fresh_room, face_photo, outbound):
    from gradio_client import handle_file

    ana = _student(classroom_app[1], "Ana")
    ana.predict(api_name="/quiz_next")
    ana.predict(api_name="/quiz_fake")
    assert "scored by" in ana.predict(handle_file(str(face_photo)), DETECTOR, api_name="/catch")[0]
    card, qr = ana.predict(api_name="/teacher_view")[:2]  # the join card: address, QR code
    assert Path(qr).is_file() and cr.join_addresses("0.0.0.0", 7860) is not None  # a wildcard's addresses, read from the interfaces
    assert outbound == [], f"non-loopback connections attempted: {outbound}"
