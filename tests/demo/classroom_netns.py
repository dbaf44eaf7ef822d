"""Run by test_classroom.py INSIDE a network namespace of its own (``unshare -rn``), whose only
interfaces are its loopback and a 10.77.0.1 on it: nothing here can reach any other machine.

Serves the classroom on 0.0.0.0 over the small lab at $DEEPFAKE_EDU_HOME, plays a student at
10.77.0.1 and the teacher at 127.0.0.1, and writes what each got to $NETNS_OUT (JSON).
"""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

STUDENT = "10.77.0.1"
CODE = "KMN479"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _logged_in(base: str, name: str, headers: dict | None = None):
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar)
    data = urllib.parse.urlencode({"username": name, "password": CODE}).encode()
    with opener.open(urllib.request.Request(base + "login", data=data, headers=headers or {}), timeout=30):
        pass
    return opener


def _get(opener, url: str, headers: dict | None = None) -> tuple[int, str]:
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, response.read(2000).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(2000).decode(errors="replace")


def _error_of(call) -> str:
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the refusal's text is what is checked
        return str(error)
    return "answered"


def main() -> None:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from gradio_client import Client

    from deepfake_edu.demo.app import launch_app
    from deepfake_edu.demo.classroom import Classroom
    from deepfake_edu.lab import LabAssets

    home = Path(os.environ["DEEPFAKE_EDU_HOME"])
    assets = LabAssets(home=home, twins=home / "datasets" / "twins-lab", swap_run=home / "runs" / "swap-lab",
                       realfake=home / "datasets" / "twins-realfake", detector=home / "models" / "meso4-twins.json")
    port = _free_port()
    room = Classroom(host="0.0.0.0", port=port, code=CODE)
    app, _ = launch_app(assets, block=False, quiet=True, classroom=room)
    seen = {"port": port, "join": room.join_addresses()}
    try:
        student_url, teacher_url = f"http://{STUDENT}:{port}/", f"http://127.0.0.1:{port}/"
        student = Client(student_url, auth=("ana", CODE), verbose=False)
        student.predict(api_name="/quiz_next")
        student.predict(api_name="/quiz_fake")
        student.predict(api_name="/quiz_fake")  # the final answer, after the machine's advice: the face is pooled
        teacher = Client(teacher_url, auth=("teacher", CODE), verbose=False)
        export = teacher.predict(api_name="/teacher_export_csv")
        seen["teacher_export_rows"] = len(Path(export).read_text().splitlines())
        seen["teacher_pool"] = teacher.predict(api_name="/teacher_pool")
        seen["teacher_page"] = _get(_logged_in(teacher_url, "teacher"), teacher_url + "teacher")[0]

        browser = _logged_in(student_url, "ana")
        seen["student_teacher_page"] = _get(browser, student_url + "teacher")
        seen["student_export_file"] = _get(browser, f"{student_url}gradio_api/file={export}")
        seen["student_teacher_calls"] = {name: _error_of(lambda name=name: student.predict(api_name=f"/{name}"))
                                         for name in ("teacher_pool", "teacher_view", "teacher_reset", "teacher_export_csv", "teacher_export_json")}
        # A device cannot pass for the teacher by saying it forwards for loopback.
        spoofer = Client(student_url, auth=("ana", CODE), verbose=False, headers={"X-Forwarded-For": "127.0.0.1"})
        seen["student_spoofed"] = _error_of(lambda: spoofer.predict(api_name="/teacher_pool"))
        seen["pool_after"] = room.pool.tally()
    finally:
        app.close()
    Path(os.environ["NETNS_OUT"]).write_text(json.dumps(seen))


if __name__ == "__main__":
    main()
