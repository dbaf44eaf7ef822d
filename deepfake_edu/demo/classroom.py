"""Classroom mode: the teacher's laptop serves the class over the local network.

``deepfake-edu demo --classroom`` uses one ``Classroom``: it holds the join code the teacher reads
out (the password of Gradio's login page; any name goes with it), the join address and its QR
code, the caps on each device's work (``RateLimiter``), the spot-the-fake answers of every
student pooled in memory (``AnswerPool``, exported as CSV or JSON for the human-versus-machine
study), and the uploads of each page session (deleted when the page closes). ``ClassroomGate``
is the ASGI layer in front of Gradio: it refuses the teacher view to any address but loopback,
a device that keeps typing wrong codes, and a device that floods uploads.

Nothing here opens a connection: the join address is read from the interfaces (psutil), never
found by sending a packet. A device is known by its IP address (``request.client.host``); the
server is reached directly (no proxy), so that address is the student's own.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hmac
import io
import ipaddress
import json
import logging
import os
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

import numpy as np

from deepfake_edu.errors import LabError

log = logging.getLogger("deepfake_edu.demo")

# Letters and digits that cannot be misheard or misread for one another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
JOIN_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
JOIN_CODE_LENGTH = 6  # 23**6 = 148 million codes; wrong tries are capped per device (LOGIN_FAILURES)
TEACHER_PATH = "/teacher"
UPLOAD_MB = 10  # an upload above this many MB is refused in classroom mode (25 on the teacher's own)
WINDOW_S = 60.0  # the caps below count what one device did in the last WINDOW_S seconds
# Work one device may ask for per WINDOW_S: "work" = a fake, a clip, a verdict or a file check
# (each takes the server a second or more); "answer" = a spot-the-fake face or guess; "upload" =
# a file sent to the server; "login" = a wrong join code.
CAPS = {"work": 12, "answer": 60, "upload": 20, "login": 10}
CAP_MESSAGES = {
    "work": "this device has asked for {cap} results in the last minute: wait a minute, then try again",
    "answer": "this device has answered {cap} faces in the last minute: slow down and look closer, then try again in a minute",
    "upload": "this device has sent {cap} files in the last minute: wait a minute, then upload again",
    "login": "{cap} wrong join codes from this device in the last minute: wait a minute and ask the teacher for the code",
}
# An export's file name (AnswerPool.export); Gradio serves a copy of it from its own cache under the
# same name, so the gate refuses the name wherever it lies, not only in the export folder.
EXPORT_NAME = re.compile(r"answers-\d{8}-\d{6}-[0-9a-f]{16}\.(csv|json)$")
VIRTUAL_INTERFACES = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "lxc", "lxd", "tun", "tap", "wg", "zt", "utun", "tailscale")
LOGIN_MESSAGE = ("<b>Join the class.</b> Type your first name or a nickname, and the join code the teacher reads out "
                 "as the password. Letters can be small or capital.")


# --- the join code ----------------------------------------------------------------------------------


def new_join_code(length: int = JOIN_CODE_LENGTH) -> str:
    """A random join code of ``length`` characters from JOIN_ALPHABET (from ``secrets``)."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """A typed code as it is compared: capitals, without spaces or dashes ("km-n 47" -> "KMN47")."""
    return "".join(ch for ch in str(text).upper() if ch.isalnum())


def check_join_code(code: str) -> str:
    """``code`` normalised, or a one-line LabError when a teacher-chosen code is too easy to guess."""
    cleaned = normalise_code(code)
    if len(cleaned) < 4:
        raise LabError(f"a join code needs 4 letters or digits at least, not {code!r}: choose a longer one, or leave --join-code out for a random one")
    return cleaned


def spoken(code: str) -> str:
    """The code as it is shown and read out: in groups of three ("KMN479" -> "KMN 479")."""
    return " ".join(code[i:i + 3] for i in range(0, len(code), 3))


# --- addresses ----------------------------------------------------------------------------------


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (an IP address as text) is this computer's own loopback (127.0.0.0/8, ::1)."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def is_wildcard(host: str) -> bool:
    return host in ("0.0.0.0", "::", "")


def lan_addresses(interfaces: dict | None = None, stats: dict | None = None) -> list[str]:
    """This computer's IPv4 addresses a classroom device could reach, best first: private
    addresses of interfaces that are up, virtual ones (Docker, VPNs) last. Read from the
    interfaces (``psutil.net_if_addrs``); no packet is sent. ``interfaces``/``stats``: psutil's
    answers, for tests."""
    import socket

    if interfaces is None:
        import psutil

        interfaces, stats = psutil.net_if_addrs(), psutil.net_if_stats()
    stats = stats or {}
    ranked = []
    for name, addresses in interfaces.items():
        state = stats.get(name)
        if state is not None and not state.isup:
            continue
        for entry in addresses:
            if entry.family != socket.AF_INET:
                continue
            address = ipaddress.ip_address(entry.address)
            if address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast:
                continue
            virtual = name.lower().startswith(VIRTUAL_INTERFACES)
            ranked.append(((virtual, not address.is_private), len(ranked), str(address)))
    return [address for _, _, address in sorted(ranked)]


def join_addresses(host: str, port: int) -> list[str]:
    """The addresses students type, ``http://IP:PORT``, best first: the bound address itself, or
    for a wildcard host (0.0.0.0) every LAN address (``lan_addresses``); empty when there is none."""
    if not is_wildcard(host):
        return [f"http://{host}:{int(port)}"]
    return [f"http://{address}:{int(port)}" for address in lan_addresses()]


def qr_picture(text: str, scale: int = 10, border: int = 4) -> np.ndarray:
    """A QR code of ``text`` as a uint8 RGB picture (H, W, 3), black on white, ``scale`` pixels a
    module with a quiet zone of ``border`` modules (the standard's 4)."""
    import segno

    modules = np.array([list(row) for row in segno.make(text, error="m", micro=False).matrix], dtype=bool)
    modules = np.pad(modules, border, constant_values=False)
    grey = np.where(np.kron(modules, np.ones((scale, scale), dtype=bool)), 0, 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


# --- who asks -----------------------------------------------------------------------------------


def client_host(request) -> str | None:
    """The IP address a request came from (``gr.Request`` or a Starlette request), or None."""
    client = getattr(request, "client", None)
    return getattr(client, "host", None) if client is not None else None


def require_teacher(request) -> None:
    """Refuse (one-line LabError) unless ``request`` comes from this computer's loopback: only the
    teacher's own browser, on the computer that serves the demo, opens or resets the teacher view."""
    if not is_loopback(client_host(request)):
        raise LabError(f"the teacher view opens only in a browser on the computer that runs the demo: open http://127.0.0.1:PORT{TEACHER_PATH} there")


class RateLimiter:
    """How much each device did in the last ``window_s`` seconds, per kind of work (sliding window).

    ``caps``: {kind: most per window}; ``clock``: seconds (``time.monotonic``; tests pass their own)."""

    def __init__(self, caps: dict[str, int] | None = None, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.caps = dict(CAPS if caps is None else caps)
        self.window_s = float(window_s)
        self.clock = clock
        self._seen: dict[tuple[str, str], deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque:
        seen = self._seen.setdefault(key, deque())
        while seen and now - seen[0] >= self.window_s:
            seen.popleft()
        return seen

    def over(self, client: str | None, kind: str) -> bool:
        """Whether ``client`` has used its whole cap of ``kind`` (without counting anything)."""
        with self._lock:
            return len(self._recent((str(client), kind), self.clock())) >= self.caps.get(kind, 1 << 30)

    def count(self, client: str | None, kind: str) -> None:
        """Count one ``kind`` for ``client`` (a wrong join code: after the fact)."""
        with self._lock:
            now = self.clock()
            self._recent((str(client), kind), now).append(now)

    def take(self, client: str | None, kind: str) -> None:
        """Count one ``kind`` for ``client``, or raise the one-line LabError of its cap when used up."""
        with self._lock:
            now = self.clock()
            seen = self._recent((str(client), kind), now)
            cap = self.caps.get(kind, 1 << 30)
            if len(seen) >= cap:
                raise LabError(CAP_MESSAGES.get(kind, "too many requests from this device: wait a minute").format(cap=cap))
            seen.append(now)
            if len(self._seen) > 10_000:  # a class has tens of devices: forget the idle ones
                for stale in [k for k, v in self._seen.items() if not v]:
                    del self._seen[stale]


# --- the pooled answers ---------------------------------------------------------------------------


@dataclass
class PooledAnswer:
    """One student's first guess on one face, the machine's answer on the same face, and the
    student's revised answer after seeing it (when the student gave one)."""

    answered_at: str  # ISO 8601, UTC, seconds
    student: str  # a pseudonym ("s01"): one per device and name; names never leave the server
    face: int  # the question number (an index into the real/fake set's labelled records)
    face_file: str  # the face's file inside the real/fake dataset
    truth: str  # "real" | "fake"
    guess: str  # the student's
    human_right: bool
    machine_p_fake: float  # the detector's P(fake), 0..1
    machine_says: str  # "real" | "fake"
    machine_right: bool
    revised: str = ""  # the student's final answer after seeing the machine's ("" when none was given)
    revised_right: bool | None = None  # None when no revised answer was given


EXPORT_FIELDS = [f.name for f in PooledAnswer.__dataclass_fields__.values()]


class AnswerPool:
    """Every student's spot-the-fake answers since the launch (or the teacher's last reset), in
    memory, in order. Thread-safe."""

    def __init__(self) -> None:
        self._answers: list[PooledAnswer] = []
        self._students: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self.started = _now()

    def student(self, host: str | None, name: str | None) -> str:
        """The pseudonym of the device ``host`` logged in as ``name`` ("s01", "s02"... in joining order)."""
        key = (str(host), str(name or "").strip().lower())
        with self._lock:
            if key not in self._students:
                self._students[key] = f"s{len(self._students) + 1:02d}"
            return self._students[key]

    def record(self, student: str, face: int, face_file: str, answer) -> PooledAnswer:
        """Pool one answer (a ``lessons.spot_the_fake.SpotAnswer``) of ``student`` on question ``face``."""
        revised = getattr(answer, "revised", None)
        pooled = PooledAnswer(_now(), student, int(face), str(face_file), answer.truth, answer.guess, answer.guess == answer.truth,
                              round(float(answer.p_fake), 4), answer.machine, answer.machine == answer.truth,
                              revised or "", None if revised is None else revised == answer.truth)
        with self._lock:
            self._answers.append(pooled)
        return pooled

    def answers(self) -> list[PooledAnswer]:
        with self._lock:
            return list(self._answers)

    def tally(self) -> dict:
        """The pooled counts, as ``lessons.spot_the_fake`` writes a tally: {"human": {"right", "answered"},
        "machine": {...}, "revised": {...}, "advice": {"right_to_wrong", "wrong_to_right"}}: first
        answers and revised ones counted apart."""
        from deepfake_edu.lessons.spot_the_fake import add_answer, empty_tally

        tally = empty_tally()
        for a in self.answers():
            add_answer(tally, a.human_right, a.machine_right, a.revised_right)
        return tally

    def students(self) -> int:
        """How many students have answered at least once."""
        return len({a.student for a in self.answers()})

    def reset(self) -> None:
        """Forget every answer (the pseudonyms too: a new round starts from s01)."""
        with self._lock:
            self._answers.clear()
            self._students.clear()
            self.started = _now()

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for answer in self.answers():
            writer.writerow(asdict(answer))
        return buffer.getvalue()

    def to_json(self) -> str:
        answers = self.answers()
        return json.dumps({"started": self.started, "exported": _now(), "tally": self.tally(), "students": len({a.student for a in answers}),
                           "answers": [asdict(a) for a in answers]}, indent=2)

    def export(self, folder: str | Path, kind: str = "csv") -> Path:
        """Write the answers to ``folder`` as ``answers-<time>-<random>.csv`` (or ``.json``),
        atomically; the random part keeps the file's name unguessable. Returns its path."""
        from deepfake_edu.fileio import write_text_atomic

        if kind not in ("csv", "json"):
            raise LabError(f"export as csv or json, not {kind!r}")
        path = Path(folder) / f"answers-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(8)}.{kind}"
        write_text_atomic(path, self.to_csv() if kind == "csv" else self.to_json())
        return path


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def describe_pool(pool: AnswerPool) -> str:
    """Markdown: the pooled tally (the class's first answers, the machine, the class after seeing
    the machine, what the advice did) and how many students answered."""
    from deepfake_edu.lessons.spot_the_fake import describe_tally

    count = pool.students()
    return f"{describe_tally(pool.tally())}\n\n{count} student{'s' if count != 1 else ''} answered since {pool.started[11:16]} UTC."


# --- the classroom --------------------------------------------------------------------------------


@dataclass
class Classroom:
    """One classroom session of the demo: its join code, where it listens, its caps and its pool.

    host/port: where the server listens (0.0.0.0: every network of this computer); code: the join
    code, normalised (``check_join_code``); upload_mb: the largest upload, MB; caps: per device and
    WINDOW_S seconds (``CAPS``)."""

    host: str = "0.0.0.0"
    port: int = 7860
    code: str = field(default_factory=new_join_code)
    upload_mb: int = UPLOAD_MB
    caps: dict[str, int] = field(default_factory=lambda: dict(CAPS))
    window_s: float = WINDOW_S

    def __post_init__(self) -> None:
        self.code = check_join_code(self.code)
        if not (is_wildcard(self.host) or is_loopback(self.host)):
            raise LabError(f"--classroom listens on every network (0.0.0.0) or on loopback, not only on {self.host}: "
                           "the teacher view needs loopback; leave --host out")
        self.limits = RateLimiter(self.caps, self.window_s)
        self.pool = AnswerPool()
        self._uploads: dict[str, set[Path]] = {}
        self._lock = threading.Lock()

    # joining
    def check_login(self, username: str, password: str) -> bool:
        """Gradio's ``auth`` callable: any non-empty name, and the join code (case, spaces and dashes ignored)."""
        return bool(str(username).strip()) and hmac.compare_digest(normalise_code(password).encode(), self.code.encode())

    def join_addresses(self) -> list[str]:
        return join_addresses(self.host, self.port)

    def teacher_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{TEACHER_PATH}" if is_wildcard(self.host) else f"http://{self.host}:{self.port}{TEACHER_PATH}"

    # work
    def take(self, request, kind: str) -> None:
        """Count one ``kind`` of work for the device behind ``request``, or refuse it (LabError) over its cap."""
        self.limits.take(client_host(request), kind)

    def student(self, request) -> str:
        return self.pool.student(client_host(request), getattr(request, "username", None))

    # a session's uploads
    def remember(self, request, *paths) -> None:
        """Note files made for (or uploaded by) the page session of ``request``: ``forget`` deletes them."""
        session = getattr(request, "session_hash", None)
        if not session:
            return
        with self._lock:
            self._uploads.setdefault(session, set()).update(Path(p) for p in paths if p)

    def forget(self, request) -> int:
        """Delete the files of the page session of ``request`` (its page closed); how many went."""
        with self._lock:
            paths = self._uploads.pop(getattr(request, "session_hash", None) or "", set())
        gone = 0
        for path in paths:
            try:
                path.unlink()
                gone += 1
                if path.parent.name and not any(path.parent.iterdir()):
                    path.parent.rmdir()  # Gradio keeps each upload in a folder of its own
            except OSError:
                pass
        return gone


class ClassroomGate:
    """ASGI middleware in front of the Gradio app of a ``Classroom``.

    Refuses (403) the teacher page and the exported answers (files under ``private``, and files
    named as exports wherever they lie: Gradio serves its own copy) to every address but loopback; refuses (429) the login of a device after CAPS["login"] wrong join codes
    in WINDOW_S, and uploads over CAPS["upload"]. Each refusal is one line of plain text."""

    def __init__(self, app, classroom: Classroom, private: list[str | Path] = ()) -> None:
        self.app = app
        self.classroom = classroom
        self.private = [os.path.realpath(p) for p in private]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = (scope.get("client") or (None, None))[0]
        path, method = scope.get("path", ""), scope.get("method", "GET")
        limits = self.classroom.limits
        if not is_loopback(host) and self._teacher_only(path):
            return await _refuse(send, 403, f"the teacher view opens only on the computer that runs the demo (http://127.0.0.1:PORT{TEACHER_PATH})")
        if method == "POST" and path.rstrip("/").endswith("/login"):
            if limits.over(host, "login"):
                return await _refuse(send, 429, CAP_MESSAGES["login"].format(cap=limits.caps["login"]))

            async def watched(message):
                if message["type"] == "http.response.start" and message["status"] == 400:
                    limits.count(host, "login")
                await send(message)

            return await self.app(scope, receive, watched)
        if method == "POST" and path.rstrip("/").endswith("/upload"):
            try:
                limits.take(host, "upload")
            except LabError as error:
                return await _refuse(send, 429, str(error))
        return await self.app(scope, receive, send)

    def _teacher_only(self, path: str) -> bool:
        if path.rstrip("/") == TEACHER_PATH or path.startswith(TEACHER_PATH + "/"):
            return True
        marker = "/file="
        if marker in path and self.private:
            asked = os.path.realpath(unquote(path.split(marker, 1)[1]))
            return bool(EXPORT_NAME.search(os.path.basename(asked))) or any(
                asked == folder or asked.startswith(folder + os.sep) for folder in self.private)
        return False


async def _refuse(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def middleware(classroom: Classroom, private: list[str | Path] = ()) -> Any:
    """The gate as a Starlette ``Middleware`` entry for FastAPI's ``middleware=`` (Gradio's ``app_kwargs``)."""
    from starlette.middleware import Middleware

    return Middleware(ClassroomGate, classroom=classroom, private=list(private))
