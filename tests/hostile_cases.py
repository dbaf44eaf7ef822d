"""The hostile-input run: hundreds of hostile inputs through the command line and the demo, in one process.

``run_hostile(...)`` builds a sandbox lab home (``$DEEPFAKE_EDU_HOME`` set to a temporary folder,
the working folder inside it), makes cheap assets once (an untrained Meso-4 checkpoint, a swap run
trained 1 step on a few twins, a synthetic Keras .h5, a tiny training run), then runs every case:

- CLI cases call ``deepfake_edu.cli.main(argv)`` with stdout and stderr captured (Python's streams
  and file descriptors 1 and 2, so C libraries' output is captured too);
- demo cases call the demo's handlers (``demo.logic.catch_fake``, ``check_provenance``) as the page does;
- library cases call the library directly (resuming a training run from an edited checkpoint).

For each case it records the exit (a refused input must exit non-zero: ``main`` returns 2, a demo
handler raises ``LabError``), any exception that escapes other than that (a traceback), the word
"Traceback" in what was printed, the refusal's message (one ``error:`` line; the demo's names no
server folder), every sandbox file lost or changed (SHA-256 of every regular file before and after:
inputs, bystanders, the lab's models, runs and datasets), and the peak memory of the process during
the case: on Linux the high-water mark is reset before each case (``5`` written to
``/proc/self/clear_refs``) and ``VmHWM`` read after it; where that cannot be written, ``ru_maxrss``
(the peak of the whole process so far) stands in and the report says so. A case that blocks (a
FIFO opened for reading) is stopped by an alarm and counted as hung.

``scripts/hostile_inputs.py`` is the command line over it; ``tests/test_hostile_run.py`` runs it.
Case classes, in order: ``CLASSES``. Controls (valid inputs that must succeed) show that the run
does not pass by refusing everything; they are reported apart and not counted as hostile.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import io
import json
import os
import re
import resource
import shutil
import signal
import socket
import struct
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PEAK_LIMIT_MB = 1536.0  # 1.5 GB: the bound on the peak memory of every refused input
DEMO_RETURN_MB = 50.0  # the demo may hold at most this much more after refused huge uploads (and gc) than before
# (less is fine: the allocator can hand back what the warm-up left, as CI saw: -53 MB)
CASE_TIMEOUT_S = 60  # a case still running after this is stopped and counted as hung
CONSENT = "hostile-input run, sandbox only, deleted after"
CONTROLS = "controls (valid input)"

CLASSES = (
    "memory bombs",
    "non-regular files",
    "corrupt or empty files",
    "no face",
    "numbers out of range",
    "unwritable outputs",
    "outputs over inputs",
    "hostile checkpoints",
    "hostile weight files",
    "demo uploads",
    CONTROLS,
)


# --- the sandbox ------------------------------------------------------------------------------------


class Sandbox:
    """A temporary lab home with the user's files; every regular file in it is hashed before and
    after each case (a file's hash is kept while its inode, size and times stay the same)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.user = root / "user"  # the user's own files: inputs, bystanders
        self.work = root / "work"  # the working folder while cases run (for "." and relative names)
        self.cases = root / "cases"  # one folder per case, made before its snapshot
        for folder in (self.home, self.user, self.work, self.cases):
            folder.mkdir(parents=True, exist_ok=True)
        self._hashes: dict[tuple, str] = {}
        self._count = 0

    def case_folder(self) -> Path:
        self._count += 1
        folder = self.cases / f"{self._count:04d}"
        folder.mkdir()
        return folder

    def snapshot(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for folder, dirs, files in os.walk(self.root):
            for name in files:
                path = os.path.join(folder, name)
                try:
                    status = os.lstat(path)
                except OSError:
                    continue
                if status.st_mode & 0o170000 != 0o100000:  # regular files only: never open a FIFO or follow a link
                    continue
                key = (path, status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
                digest = self._hashes.get(key)
                if digest is None:
                    digest = _sha256(path)
                    self._hashes[key] = digest
                found[os.path.relpath(path, self.root)] = digest
        return found


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        return f"unreadable: {error.strerror}"
    return digest.hexdigest()


# --- memory --------------------------------------------------------------------------------------------


def _status_mb(key: str) -> float | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def rss_mb() -> float:
    value = _status_mb("VmRSS")
    if value is None:  # not Linux: the peak is the best there is
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return value


class PeakMeter:
    """The process's peak resident memory during a case, in MB."""

    def __init__(self) -> None:
        self.method = "VmHWM after resetting it (/proc/self/clear_refs)"
        if not self._reset():
            self.method = "ru_maxrss (clear_refs could not be written: the peak of the whole process so far, an upper bound per case)"

    @staticmethod
    def _reset() -> bool:
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")
            return _status_mb("VmHWM") is not None
        except OSError:
            return False

    def start(self) -> None:
        if self.method.startswith("VmHWM"):
            self._reset()

    def peak(self) -> float:
        value = _status_mb("VmHWM") if self.method.startswith("VmHWM") else None
        if value is None:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        return value


# --- hostile files ---------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG (checksums right) whose header claims width x height RGB pixels; the data is a few bytes."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return PNG_SIGNATURE + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + _png_chunk(b"IEND", b"")


@functools.cache
def png_flat(width: int, height: int, value: int = 128) -> bytes:
    """A real, decodable PNG of one grey level: a few hundred KB that decode to width x height x 3 bytes."""
    packer = zlib.compressobj(1)
    row = b"\x00" + bytes([value]) * (3 * width)
    parts = [packer.compress(row) for _ in range(height)]
    data = b"".join(parts) + packer.flush()
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return PNG_SIGNATURE + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


@functools.cache
def png_text_bomb(megabytes: int = 300) -> bytes:
    """A small valid PNG with a zTXt chunk (before the pixels) that inflates to ``megabytes`` MB."""
    packer = zlib.compressobj(1)
    block = b"\x00" * (1 << 20)
    text = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    small = _encode(".png", np.full((64, 64, 3), 90, np.uint8))
    at = small.index(b"IDAT") - 4
    return small[:at] + _png_chunk(b"zTXt", b"Comment\x00\x00" + text) + small[at:]


def _encode(suffix: str, rgb: np.ndarray, params: list[int] | None = None) -> bytes:
    import cv2

    ok, encoded = cv2.imencode(suffix, np.ascontiguousarray(rgb[..., ::-1]), params or [])
    assert ok, suffix
    return encoded.tobytes()


def jpeg_claiming(width: int, height: int, progressive: bool = False, fill_bytes: int = 1) -> bytes:
    """A real small JPEG whose start-of-frame says width x height, behind ``fill_bytes`` legal 0xFF fill bytes."""
    import cv2

    data = _encode(".jpg", np.full((16, 16, 3), 100, np.uint8), [cv2.IMWRITE_JPEG_PROGRESSIVE, int(progressive)])
    marker = b"\xff\xc2" if progressive else b"\xff\xc0"
    at = data.index(marker)
    frame = bytearray(data[at:])
    frame[5:7] = height.to_bytes(2, "big")
    frame[7:9] = width.to_bytes(2, "big")
    return data[:at] + b"\xff" * fill_bytes + bytes(frame)


def bmp_rle(width: int, height: int) -> bytes:
    """A ~1 KB RLE8 BMP of width x height: a palette and an end-of-bitmap code."""
    pixels = b"\x00\x01"
    palette = b"".join(bytes((i, i, i, 0)) for i in range(256))
    offset = 14 + 40 + len(palette)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 1, len(pixels), 2835, 2835, 256, 0)
    return b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) + info + palette + pixels


def gif_claiming(width: int, height: int) -> bytes:
    screen = struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    image = b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x4c\x01\x00"
    return b"GIF89a" + screen + image + b";"


def tiff_claiming(width: int, height: int) -> bytes:
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, 1)]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *entry) for entry in entries) + b"\x00" * 4
    return b"II*\x00" + struct.pack("<I", 12) + b"\x00\x00\x00\x00" + ifd


def webp_claiming(side: int = 16384) -> bytes:
    """A real lossless WebP whose VP8L header is patched to side x side (16384 is the format's largest)."""
    data = bytearray(_encode(".webp", np.full((16, 16, 3), 70, np.uint8), [64, 101]))  # IMWRITE_WEBP_QUALITY > 100: lossless
    at = data.index(b"VP8L") + 8
    assert data[at] == 0x2F
    bits = int.from_bytes(data[at + 1:at + 5], "little")
    bits = (bits & ~((1 << 28) - 1)) | ((side - 1) & 0x3FFF) | (((side - 1) & 0x3FFF) << 14)
    data[at + 1:at + 5] = bits.to_bytes(4, "little")
    return bytes(data)


def avi_claiming(path: Path, width: int, height: int, frames: int | None = None) -> Path:
    """An MJPG AVI of grey 64x64 frames whose headers are patched to say width x height (and ``frames``)."""
    _grey_video(path, 6, side=64)
    data = bytearray(path.read_bytes())
    avih = data.index(b"avih") + 8
    if frames is not None:
        data[avih + 16:avih + 20] = struct.pack("<I", frames)
    data[avih + 32:avih + 40] = struct.pack("<II", width, height)
    strf = data.index(b"strf") + 8
    data[strf + 4:strf + 12] = struct.pack("<ii", width, height)
    path.write_bytes(bytes(data))
    return path


def _grey_video(path: Path, count: int, side: int = 64, value: int = 128, noise: bool = False) -> Path:
    from deepfake_edu.data.video import write_video

    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, (side, side, 3), dtype=np.uint8) if noise else np.full((side, side, 3), value, np.uint8)
              for _ in range(count)]
    return write_video(path, np.stack(frames), fps=10.0)


def _bricks(side: int = 256) -> np.ndarray:
    rows = np.arange(side)[:, None, None]
    wall = np.where((rows % 16 < 2) | ((np.arange(side)[None, :, None] + 8 * (rows // 16 % 2)) % 32 < 2), 200, (150, 70, 50))
    return np.clip(wall + np.random.default_rng(3).normal(0, 12, (side, side, 3)), 0, 255).astype(np.uint8)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _sparse(path: Path, size: int, start: bytes = b"") -> Path:
    with open(path, "wb") as handle:
        handle.write(start)
        handle.truncate(size)
    return path


_LARGE: list[Path] = []  # where the large sparse files live: made once per run, each hashed once (user/large)


def _large_sparse(name: str, size: int, start: bytes = b"") -> Path:
    """A sparse file shared by the cases that use it (hashing a fresh 1 GB file for each case is slow)."""
    path = _LARGE[-1] / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _sparse(path, size, start)
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _link(path: Path, target: str | Path) -> Path:
    path.symlink_to(target)
    return path


def _socket(path: Path) -> Path:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


# Each maker writes one hostile file into a case folder and returns its path.
Maker = Callable[[Path], Path]


def memory_bombs() -> dict[str, Maker]:
    return {
        "jpeg SOF 30000x30000 behind a fill byte": lambda d: _write(d / "bomb.jpg", jpeg_claiming(30000, 30000)),
        "jpeg SOF 65500x65500 behind 8 fill bytes": lambda d: _write(d / "bomb.jpg", jpeg_claiming(65500, 65500, fill_bytes=8)),
        "progressive jpeg 30000x30000": lambda d: _write(d / "bomb.jpeg", jpeg_claiming(30000, 30000, progressive=True)),
        "rle bmp 30000x30000": lambda d: _write(d / "bomb.bmp", bmp_rle(30000, 30000)),
        "rle bmp 30000x30000 named .png": lambda d: _write(d / "bomb.png", bmp_rle(30000, 30000)),
        "png header 60000x60000": lambda d: _write(d / "bomb.png", png_claiming(60000, 60000)),
        "png header 1x50000000": lambda d: _write(d / "bomb.png", png_claiming(1, 50_000_000)),
        "gif 30000x30000 named .png": lambda d: _write(d / "bomb.png", gif_claiming(30000, 30000)),
        "tiff header 30000x30000": lambda d: _write(d / "bomb.tif", tiff_claiming(30000, 30000)),
        "webp 16384x16384": lambda d: _write(d / "bomb.webp", webp_claiming(16384)),
        "png deflate bomb 10000x10000": lambda d: _write(d / "bomb.png", png_flat(10000, 10000)),
        "png deflate bomb 6000x6000 (in the limit)": lambda d: _write(d / "grey-36mp.png", png_flat(6000, 6000)),
        "png zTXt bomb (300 MB of text)": lambda d: _write(d / "text-bomb.png", png_text_bomb(300)),
        "avi claiming 30000x30000 frames": lambda d: avi_claiming(d / "bomb.avi", 30000, 30000),
        "avi claiming a billion frames": lambda d: avi_claiming(d / "long.avi", 64, 64, frames=1_000_000_000),
        "sparse 250 MB .png": lambda d: _large_sparse("huge.png", 250_000_000, PNG_SIGNATURE),
        "sparse 1 GB .mp4": lambda d: _large_sparse("huge.mp4", 1_000_000_000, b"\x00\x00\x00\x18ftypmp42"),
    }


# the bombs that are real pictures inside every limit: decoding them is right, refusing them after is too
# (OpenCV reads an AVI's frame size from the frames themselves: the patched headers do not fool it)
IN_LIMIT_BOMBS = {"png deflate bomb 6000x6000 (in the limit)", "avi claiming a billion frames", "avi claiming 30000x30000 frames"}


def non_regular_files() -> dict[str, Maker]:
    return {
        "fifo named .png": lambda d: _fifo(d / "pipe.png"),
        "fifo named .mp4": lambda d: _fifo(d / "pipe.mp4"),
        "link to /dev/zero named .png": lambda d: _link(d / "zero.png", "/dev/zero"),
        "link to /dev/urandom named .jpg": lambda d: _link(d / "random.jpg", "/dev/urandom"),
        "link to /dev/zero named .mp4": lambda d: _link(d / "zero.mp4", "/dev/zero"),
        "folder named .png": lambda d: (d / "folder.png").mkdir() or d / "folder.png",
        "folder named .mp4": lambda d: (d / "folder.mp4").mkdir() or d / "folder.mp4",
        "missing .png": lambda d: d / "missing.png",
        "link loop .png": lambda d: _link(d / "loop.png", d / "loop.png"),
        "dangling link .jpg": lambda d: _link(d / "dangling.jpg", d / "gone.jpg"),
        "unix socket named .png": lambda d: _socket(d / "socket.png"),
    }


def corrupt_files() -> dict[str, Maker]:
    rng = np.random.default_rng(11)
    picture = _encode(".png", rng.integers(0, 256, (128, 128, 3), dtype=np.uint8))
    jpeg = _encode(".jpg", np.full((64, 64, 3), 128, np.uint8))

    def bad_crc(d: Path) -> Path:
        data = bytearray(picture)
        at = data.index(b"IDAT") + 4 + 20
        data[at] ^= 0xFF
        return _write(d / "bad-crc.png", bytes(data))

    def truncated_video(d: Path) -> Path:
        full = _grey_video(d / "full.avi", 10)
        data = full.read_bytes()
        full.unlink()
        return _write(d / "truncated.avi", data[: len(data) // 3])

    return {
        "0-byte .png": lambda d: _write(d / "empty.png", b""),
        "0-byte .jpg": lambda d: _write(d / "empty.jpg", b""),
        "0-byte .mp4": lambda d: _write(d / "empty.mp4", b""),
        "random bytes .png": lambda d: _write(d / "random.png", rng.bytes(4096)),
        "random bytes .mp4": lambda d: _write(d / "random.mp4", rng.bytes(65536)),
        "random bytes .avi": lambda d: _write(d / "random.avi", b"RIFF" + rng.bytes(8192)),
        "truncated png": lambda d: _write(d / "truncated.png", picture[: len(picture) // 2]),
        "png signature only": lambda d: _write(d / "signature.png", PNG_SIGNATURE),
        "png with a broken checksum": bad_crc,
        "truncated jpeg": lambda d: _write(d / "truncated.jpg", jpeg[:40]),
        "text renamed .jpg": lambda d: _write(d / "notes.jpg", b"these are my notes, not a picture\n" * 20),
        "html renamed .png": lambda d: _write(d / "page.png", b"<!doctype html><html><body>hello</body></html>"),
        "zip renamed .png": lambda d: _write(d / "archive.png", b"PK\x03\x04" + rng.bytes(512)),
        "pdf renamed .jpg": lambda d: _write(d / "paper.jpg", b"%PDF-1.4\n" + rng.bytes(512)),
        "program renamed .mp4": lambda d: _write(d / "program.mp4", b"\x7fELF\x02\x01\x01" + rng.bytes(4096)),
        "mp4 with only its ftyp box": lambda d: _write(d / "ftyp.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"),
        "truncated avi": truncated_video,
        "png named .mp4": lambda d: _write(d / "picture.mp4", picture),
    }


# Inputs whose honest outcome may be either: what is left of a truncated video may still play, and
# FFmpeg plays a PNG as a video of one frame.
MAY_PLAY = {"truncated avi", "png named .mp4"}


def no_face_pictures() -> dict[str, Maker]:
    from deepfake_edu.data.images import write_image

    rng = np.random.default_rng(5)
    pictures = {
        "1x1 png": ("one.png", np.zeros((1, 1, 3), np.uint8)),
        "2x2 jpeg": ("two.jpg", rng.integers(0, 256, (2, 2, 3), dtype=np.uint8)),
        "20x20 png": ("tiny.png", rng.integers(0, 256, (20, 20, 3), dtype=np.uint8)),
        "1x500 line": ("line.png", np.full((1, 500, 3), 128, np.uint8)),
        "flat grey 256": ("grey.png", np.full((256, 256, 3), 128, np.uint8)),
        "flat grey 1000 jpeg": ("grey.jpg", np.full((1000, 1000, 3), 128, np.uint8)),
        "flat black bmp": ("black.bmp", np.zeros((300, 300, 3), np.uint8)),
        "noise 256": ("noise.png", rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)),
        "noise 512 jpeg": ("noise.jpg", rng.integers(0, 256, (512, 512, 3), dtype=np.uint8)),
        "brick wall": ("wall.png", _bricks()),
        "painted wall": ("painted.jpg", np.clip(180 + rng.normal(0, 4, (400, 400, 1)).repeat(3, 2), 0, 255).astype(np.uint8)),
        "landscape gradient": ("landscape.png", np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (200, 1))[..., None].repeat(3, 2)),
    }
    makers: dict[str, Maker] = {name: (lambda d, f=file, p=picture: write_image(d / f, p)) for name, (file, picture) in pictures.items()}
    makers["grey video"] = lambda d: _grey_video(d / "grey.mp4", 8)
    makers["noise video"] = lambda d: _grey_video(d / "static.avi", 8, noise=True)
    return makers


# --- cases ---------------------------------------------------------------------------------------------------


@dataclass
class Case:
    klass: str
    name: str
    kind: str  # "cli": build returns argv; "demo" / "call": build returns a function of no arguments
    build: Callable[[Path], object]  # given the case's own folder
    expect: str = "refuse"  # "refuse": must fail cleanly; "ok": must succeed; "any": either, cleanly
    private: bool = False  # the message must not name the case folder (the demo keeps the server's folders private)


@dataclass
class Result:
    klass: str
    name: str
    kind: str
    expect: str
    code: int | None = None  # exit status (cli), 2 for a LabError and 0 for success (demo, call)
    traceback: str = ""  # an exception that escaped, or printed text holding "Traceback"
    message: str = ""  # the refusal's line
    bad_message: str = ""  # why the message is not one line (or names the server's folder)
    lost: list[str] = field(default_factory=list)  # sandbox files deleted or changed
    peak_mb: float = 0.0
    grown_mb: float = 0.0
    seconds: float = 0.0

    @property
    def refused(self) -> bool:
        return self.code not in (0, None)

    @property
    def wrong_exit(self) -> bool:
        if self.traceback:
            return False  # counted as a traceback
        return (self.expect == "refuse" and not self.refused) or (self.expect == "ok" and self.refused)

    @property
    def over_memory(self) -> bool:
        return self.refused and self.peak_mb >= PEAK_LIMIT_MB

    @property
    def failed(self) -> bool:
        return bool(self.traceback or self.lost or self.wrong_exit or self.over_memory or self.bad_message)


class CaseTimeout(BaseException):
    """Raised by the alarm in a case that blocks (BaseException: no ``except Exception`` swallows it)."""


@contextlib.contextmanager
def _captured():
    """Capture sys.stdout/sys.stderr and file descriptors 1 and 2; yields a function returning the text."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        text = io.StringIO()
        box: list[str] = []
        try:
            with contextlib.redirect_stdout(text), contextlib.redirect_stderr(text):
                yield box
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sink.seek(0)
            box.append(text.getvalue() + sink.read().decode("utf-8", "replace"))


def _on_alarm(signum, frame):
    raise CaseTimeout()


def run_case(case: Case, sandbox: Sandbox, meter: PeakMeter) -> Result:
    from deepfake_edu.cli import main
    from deepfake_edu.errors import LabError

    result = Result(case.klass, case.name, case.kind, case.expect)
    folder = sandbox.case_folder()
    try:
        built = case.build(folder)
    except Exception:  # noqa: BLE001 - a broken case is reported, not hidden
        result.traceback = "the case could not be set up: " + traceback.format_exc()
        return result
    before = sandbox.snapshot()
    rss_before = rss_mb()
    meter.start()
    started = time.perf_counter()
    error_text = ""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(CASE_TIMEOUT_S)
    with _captured() as box:
        try:
            if case.kind == "cli":
                result.code = int(main([str(a) for a in built]))
            else:
                built()
                result.code = 0
        except LabError as error:
            if case.kind == "cli":  # main turns a LabError into exit 2: one escaping it is a bug
                result.traceback = "LabError escaped main: " + traceback.format_exc()
            else:
                result.code = 2
                error_text = str(error)
        except CaseTimeout:
            result.traceback = f"hung: still running after {CASE_TIMEOUT_S} s (stopped by an alarm)"
        except SystemExit as stop:  # main returns its status; a handler that calls exit() is counted by its code
            result.code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
        except BaseException:  # noqa: BLE001 - everything else is what the run looks for
            result.traceback = traceback.format_exc()
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    result.seconds = time.perf_counter() - started
    result.peak_mb = meter.peak()
    result.grown_mb = max(0.0, result.peak_mb - rss_before)
    printed = box[0] if box else ""
    if "Traceback" in printed and not result.traceback:
        result.traceback = "printed: " + printed[printed.index("Traceback"):][:2000]
    _judge_message(result, case, printed, error_text, sandbox.root)
    after = sandbox.snapshot()
    ignored = {str(Path("home") / "outputs.jsonl")} if case.expect != "refuse" else set()
    result.lost = sorted(path for path, digest in before.items() if path not in ignored and after.get(path) != digest)
    shutil.rmtree(folder, ignore_errors=True)  # checked: its files go, so the sandbox stays small
    return result


def _judge_message(result: Result, case: Case, printed: str, error_text: str, root: Path) -> None:
    if not result.refused or result.traceback:
        return
    if case.kind == "cli":
        lines = [line for line in printed.splitlines() if line.startswith("error: ")]
        result.message = lines[-1] if lines else ""
        if len(lines) != 1:
            result.bad_message = f"{len(lines)} 'error:' lines, not one: {printed[-400:]!r}"
    else:
        result.message = error_text
        if "\n" in error_text.strip():
            result.bad_message = f"a message of several lines: {error_text[:400]!r}"
        elif case.private and str(root) in error_text:
            result.bad_message = f"the message names the server's folder: {error_text[:400]!r}"


# --- the assets the cases use, made once -----------------------------------------------------------------


@dataclass
class Assets:
    detector: Path  # an untrained Meso-4 checkpoint (the refusals are under test, not its skill)
    face: Path  # a synthetic twin, 256 px: a face the lab judges
    face_jpg: Path
    clip: Path  # a short twins video
    notes: Path  # a text file of the user's
    keep: Path  # a folder of the user's files
    run: Path  # a face-swap run trained 1 step on two twins
    twins: Path  # the dataset it learned from
    pristine: Path  # the detector's checkpoint folder, to corrupt copies of
    h5: Path  # a synthetic Keras weight file in the authors' layout
    tiny_run: Path  # a tiny training run (tests/training/tiny_task.py's model), 2 steps
    realfake: Path  # a little real/fake folder for `detect train`
    demo: object = None  # the demo's DemoLab over these assets
    detector_label: str = ""


def make_assets(sandbox: Sandbox) -> Assets:
    import torch

    from deepfake_edu.data import twins
    from deepfake_edu.data.images import write_image
    from deepfake_edu.detect.keras_import import model_tensors
    from deepfake_edu.detect.mesonet import config_dict
    from deepfake_edu.registry import create_model
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap
    from deepfake_edu.training.checkpoint import save_model_file
    from tests.detect.test_hostile_h5 import _write as write_h5
    from tests.training.test_hostile_checkpoints import tiny_trainer

    home, user = sandbox.home, sandbox.user
    _LARGE.append(user / "large")
    torch.manual_seed(0)
    detector_model = create_model("meso4").eval()
    info = {"model": "meso4", "config": config_dict(detector_model), "datasets": []}
    detector = save_model_file(home / "models" / "meso4-hostile", model_tensors(detector_model), info)
    pristine = user / "checkpoint"
    pristine.mkdir()
    save_model_file(pristine / "m", model_tensors(detector_model), info)

    frames, _ = twins.render_video(twins.make_identity(0), 6, size=256)
    face = write_image(user / "face.png", frames[0])
    face_jpg = write_image(user / "face.jpg", frames[1])
    shutil.copy(face, sandbox.work / "face.png")
    small, _ = twins.render_video(twins.make_identity(1), 6, size=128)
    clip = twins.write_video(user / "clip.mp4", small)
    notes = user / "notes.txt"
    notes.write_text("the user's own notes\n")
    keep = user / "keep"
    keep.mkdir()
    write_image(keep / "holiday.jpg", frames[2])
    (keep / "diary.txt").write_text("dear diary\n")
    (sandbox.work / "readme.txt").write_text("the working folder holds the user's files too\n")

    data = home / "datasets" / "hostile-twins"
    twins.generate_twins_dataset(data, identities=2, per_identity=4, size=64, seed=0)
    run = home / "runs" / "hostile-swap"
    train_swap(SwapTrainOptions(data=[str(data)], identities=["twin-00", "twin-01"], steps=1, batch_size=2, bottleneck=16, run=str(run),
                                progress=False, timelapse_every=0, metrics_every=0, preview_every=0))

    weights = user / "weights"
    weights.mkdir()
    h5 = write_h5(weights / "Meso4_DF.h5")
    tiny_run = user / "tiny-run"
    tiny_trainer(tiny_run, steps=2).fit()

    realfake = user / "realfake"
    rng = np.random.default_rng(0)
    for label in ("real", "fake"):
        for index in range(20):
            write_image(realfake / label / f"{index:02d}.png", rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))

    assets = Assets(detector, face, face_jpg, clip, notes, keep, run, data, pristine, h5, tiny_run, realfake)
    from deepfake_edu.demo.logic import DemoLab
    from deepfake_edu.lab import LabAssets

    assets.demo = DemoLab(LabAssets(home=home, twins=data, swap_run=run, realfake=home / "datasets" / "no-realfake", detector=detector))
    assets.detector_label = next(iter(assets.demo.detectors()))
    return assets


# --- the cases, by class ---------------------------------------------------------------------------------------


def _file_commands(a: Assets, images_only: bool = False) -> dict[str, Callable[[Path, Path], list]]:
    """{command: argv maker (input path, case folder)} for the commands that read a picture or a video."""
    commands = {
        "detect run": lambda p, d: ["detect", "run", p, "--model", a.detector, "--frames", 5],
        "provenance check": lambda p, d: ["provenance", "check", p],
        "provenance mark": lambda p, d: ["provenance", "mark", p, d / ("marked" + (".mp4" if _is_video(p) else ".png"))],
        "faces extract": lambda p, d: ["faces", "extract", p, "--name", f"hostile-{d.name}", "--consent", CONSENT, "--max-frames", 5],
        "swap apply": lambda p, d: ["swap", "apply", p, "--run", a.run, "--to", "twin-01", "--out", d / ("fake" + (".mp4" if _is_video(p) else ".png"))],
        "explain": lambda p, d: ["explain", p, "--model", a.detector, "--out", d / "heat.png"],
    }
    return commands


def _is_video(path: Path) -> bool:
    from deepfake_edu.data.video import is_video

    return is_video(path)


def _through(klass: str, makers: dict[str, Maker], commands: dict[str, Callable], expect_for=None, skip=None) -> list[Case]:
    cases = []
    for file_name, make in makers.items():
        for command, argv in commands.items():
            if skip and skip(file_name, command):
                continue
            expect = expect_for(file_name, command) if expect_for else "refuse"
            cases.append(Case(klass, f"{command}: {file_name}", "cli", lambda d, m=make, c=argv: c(m(d), d), expect))
    return cases


def _demo_upload(a: Assets, handler: str) -> Callable[[Path], Callable[[], object]]:
    from deepfake_edu.demo import logic

    if handler == "catch":
        return lambda path: (lambda: logic.catch_fake(a.demo, path, a.detector_label))
    return lambda path: (lambda: logic.check_provenance(path))


def build_cases(a: Assets, sandbox: Sandbox) -> list[Case]:
    cases: list[Case] = []
    commands = _file_commands(a)

    # memory bombs: every command that opens a picture, and the demo's two upload handlers
    def bomb_expect(name: str, command: str) -> str:
        if name in IN_LIMIT_BOMBS and command in ("provenance check", "provenance mark", "explain", "swap apply"):
            return "any"  # a real grey picture or video within the limits: checking, marking or explaining it is fine,
        return "refuse"   # and so is swapping it with a twins run (its locator cuts the twins framing, no face finder)

    def bomb_skip(name: str, command: str) -> bool:
        if command == "explain" and (name.startswith("avi") or ".mp4" in name):
            return True  # explain reads pictures only
        # A real 36-megapixel grey picture is refused (no face) by the commands that judge faces; the
        # others rightly accept it, and marking or swapping it takes 25-50 s (measured once, not run each time).
        return name == "png deflate bomb 6000x6000 (in the limit)" and command not in ("detect run", "faces extract")

    cases += _through("memory bombs", memory_bombs(), commands, bomb_expect,
                      skip=bomb_skip)
    cases += _through("non-regular files", non_regular_files(), commands,
                      skip=lambda name, command: command == "explain" and ".mp4" in name)
    cases += _through("corrupt or empty files", corrupt_files(), commands,
                      lambda name, command: "any" if name in MAY_PLAY else "refuse",
                      skip=lambda name, command: command == "explain" and (".mp4" in name or ".avi" in name or "avi" in name))
    no_face_commands = {key: commands[key] for key in ("detect run", "faces extract")}
    # a twins run cuts the twins framing wherever it is told (--locate twins, its default): the face finder is --locate faces
    no_face_commands["swap apply --locate faces"] = lambda p, d: [*commands["swap apply"](p, d), "--locate", "faces"]
    cases += _through("no face", no_face_pictures(), no_face_commands)
    cases += _numbers()
    cases += _unwritable(a, sandbox)
    cases += _over_inputs(a, sandbox)
    cases += _checkpoints(a)
    cases += _weight_files(a)
    cases += _demo(a)
    cases += _controls(a)
    return cases


def _numbers() -> list[Case]:
    """Every numeric option of every command and benchmark, out of range: zero, negative, NaN, the
    infinities, huge and (where the command would take it) a value just past its bound, from the
    list tests/test_cli_bounds.py checks (which also tries words and the options' spaced forms)."""
    from tests.test_cli_bounds import CASES, LAB_ERRORS

    argvs = [[*command, f"{option}={value}"] for command, option, values in CASES for value in values if value != "abc"]
    argvs += [argv for argv, _ in LAB_ERRORS]
    return [Case("numbers out of range", " ".join(argv), "cli", lambda d, a=argv: list(a)) for argv in argvs]


def _unwritable(a: Assets, sandbox: Sandbox) -> list[Case]:
    outputs: dict[str, Callable[[Path, str], Path | str]] = {
        "/proc/x": lambda d, suffix: f"/proc/x/out{suffix}",
        "/proc itself": lambda d, suffix: f"/proc/out{suffix}",
        "a parent that is a file": lambda d, suffix: a.notes / f"out{suffix}",
        "a folder given as the file": lambda d, suffix: a.keep,
        "--out .": lambda d, suffix: ".",
        "an empty name": lambda d, suffix: "",
        "a fifo": lambda d, suffix: _fifo(d / f"pipe{suffix}"),
        "a link to /dev/null": lambda d, suffix: _link(d / f"null{suffix}", "/dev/null"),
        "a 300-letter name": lambda d, suffix: d / ("x" * 300 + suffix),
        "an unknown suffix": lambda d, suffix: d / "out.xyz",
    }
    writers: dict[str, Callable[[Path | str], list]] = {
        "detect run --plot": lambda out: ["detect", "run", a.face, "--model", a.detector, "--plot", out],
        "explain --out": lambda out: ["explain", a.face, "--model", a.detector, "--out", out],
        "swap apply --out": lambda out: ["swap", "apply", a.face, "--run", a.run, "--to", "twin-01", "--out", out],
        "provenance mark": lambda out: ["provenance", "mark", a.face, out],
        "twins video --out": lambda out: ["twins", "video", "--frames", 2, "--size", 64, "--out", out],
        "twins sheet --out": lambda out: ["twins", "sheet", "--identities", 1, "--per-identity", 1, "--size", 64, "--out", out],
        "swap preview --out": lambda out: ["swap", "preview", "--run", a.run, "--out", out, "--faces", 2],
        "detect import-keras --out": lambda out: ["detect", "import-keras", a.h5, "--out", out],
    }
    suffix_of = {"twins video --out": ".mp4", "detect import-keras --out": ""}
    cases = []
    for writer, argv in writers.items():
        for output, make in outputs.items():
            if writer == "detect import-keras --out" and output in ("an unknown suffix", "a folder given as the file", "a fifo", "a link to /dev/null"):
                continue  # --out is a stem there: STEM.json and STEM.safetensors are written beside whatever STEM is
            suffix = suffix_of.get(writer, ".png")
            cases.append(Case("unwritable outputs", f"{writer} {output}", "cli", lambda d, m=make, w=argv, s=suffix: w(m(d, s))))
    # folder outputs: the twins dataset writer
    folders = {
        "/proc/x": lambda d: "/proc/x/twins",
        "a parent that is a file": lambda d: a.notes / "twins",
        "a file given as the folder": lambda d: a.notes,
        "--out . (the user's working folder)": lambda d: ".",
        "a folder of the user's files": lambda d: a.keep,
        "a fifo": lambda d: _fifo(d / "pipe"),
    }
    for output, make in folders.items():
        cases.append(Case("unwritable outputs", f"twins --out {output}", "cli",
                          lambda d, m=make: ["twins", "--identities", 1, "--per-identity", 1, "--size", 64, "--out", m(d)]))
    return cases


def _over_inputs(a: Assets, sandbox: Sandbox) -> list[Case]:
    def copies(d: Path) -> tuple[Path, Path]:
        photo = Path(shutil.copy(a.face, d / "photo.png"))
        clip = Path(shutil.copy(a.clip, d / "clip.mp4"))
        return photo, clip

    def alias(d: Path, kind: str) -> tuple[Path, Path]:
        photo, _ = copies(d)
        other = d / "alias.png"
        if kind == "link":
            other.symlink_to(photo)
        else:
            os.link(photo, other)
        return photo, other

    def folder_of_images(d: Path) -> Path:
        folder = d / "faces"
        folder.mkdir()
        shutil.copy(a.face, folder / "a.png")
        shutil.copy(a.face_jpg, folder / "b.jpg")
        return folder

    swap = ["--run", a.run, "--to", "twin-01"]
    specs: dict[str, Callable[[Path], list]] = {
        "swap apply X --out X": lambda d: ["swap", "apply", copies(d)[0], *swap, "--out", d / "photo.png"],
        "swap apply X --out ./X": lambda d: ["swap", "apply", copies(d)[0], *swap, "--out", os.path.relpath(d / "photo.png", sandbox.work)],
        "swap apply X --out X/../X": lambda d: ["swap", "apply", copies(d)[0], *swap, "--out", d / ".." / d.name / "photo.png"],
        "swap apply X --out (a link to X)": lambda d: ["swap", "apply", *_pair(alias(d, "link"))[:1], *swap, "--out", d / "alias.png"],
        "swap apply X --out (a hard link to X)": lambda d: ["swap", "apply", *_pair(alias(d, "hard"))[:1], *swap, "--out", d / "alias.png"],
        "swap apply video --out video": lambda d: ["swap", "apply", copies(d)[1], *swap, "--out", d / "clip.mp4"],
        "provenance mark X X": lambda d: ["provenance", "mark", copies(d)[0], d / "photo.png"],
        "provenance mark X ./X": lambda d: ["provenance", "mark", copies(d)[0], os.path.relpath(d / "photo.png", sandbox.work)],
        "provenance mark X (a link to X)": lambda d: ["provenance", "mark", *_pair(alias(d, "link"))],
        "provenance mark X (a hard link to X)": lambda d: ["provenance", "mark", *_pair(alias(d, "hard"))],
        "provenance mark video video": lambda d: ["provenance", "mark", copies(d)[1], d / "clip.mp4"],
        "explain X --out X": lambda d: ["explain", copies(d)[0], "--model", a.detector, "--out", d / "photo.png"],
        "explain X --out (a link to X)": lambda d: ["explain", _pair(alias(d, "link"))[0], "--model", a.detector, "--out", d / "alias.png"],
        "detect run X --plot X": lambda d: ["detect", "run", copies(d)[0], "--model", a.detector, "--plot", d / "photo.png"],
        "detect run FOLDER --plot FOLDER/a.png": lambda d: ["detect", "run", folder_of_images(d), "--model", a.detector,
                                                            "--plot", d / "faces" / "a.png"],
        "twins --out (the user's folder)": lambda d: ["twins", "--identities", 1, "--per-identity", 1, "--size", 64, "--out", a.keep],
        "twins --out (a training run's folder)": lambda d: ["twins", "--identities", 1, "--per-identity", 1,
                                                                                  "--size", 64, "--out", a.run],
    }
    return [Case("outputs over inputs", name, "cli", build) for name, build in specs.items()]


def _pair(pair: tuple[Path, Path]) -> list[Path]:
    return list(pair)


def _checkpoints(a: Assets) -> list[Case]:
    """tests/training/test_hostile_checkpoints.py's damaged checkpoints through the commands that load
    one (in turn), and its edited training runs resumed (the library's Trainer, as `swap train
    --resume` and `detect train` use it)."""
    from tests.training.test_hostile_checkpoints import (
        CASES,
        RESUME_CASES,
        _make_case,
        tiny_trainer,
    )

    entries = {
        "detect run": lambda target, d: ["detect", "run", a.face, "--model", target],
        "explain": lambda target, d: ["explain", a.face, "--model", target, "--out", d / "heat.png"],
        "swap apply": lambda target, d: ["swap", "apply", a.face, "--run", target, "--to", "A", "--out", d / "out.png"],
    }
    names = list(entries)
    cases = []
    for number, name in enumerate(sorted(CASES)):
        entry = names[number % len(names)]

        def build(d: Path, n=name, e=entry) -> list:
            _, target = _make_case(a.pristine, d, n)
            return entries[e](target, d)

        cases.append(Case("hostile checkpoints", f"{entry}: {name}", "cli", build))
    for name in sorted(RESUME_CASES):
        def build_resume(d: Path, n=name):
            run = d / "run"
            shutil.copytree(a.tiny_run, run)
            RESUME_CASES[n][0](run)
            return lambda: tiny_trainer(run).fit(resume=True)

        cases.append(Case("hostile checkpoints", f"resume: {name}", "call", build_resume))
    def detect_train(run: Path, out: Path, steps: int) -> list:
        return ["detect", "train", "--data", a.realfake, "--steps", steps, "--batch-size", 4, "--device", "cpu", "--run", run, "--out", out]

    def train_resume(change: Callable) -> Callable[[Path], list]:
        def build(d: Path) -> list:
            from deepfake_edu.cli import main

            with _captured():
                assert main([str(x) for x in detect_train(d / "run", d / "detector", 2)]) == 0
            change(d / "run")
            return detect_train(d / "run", d / "detector-2", 4)
        return build

    def drop_optimizer(run: Path) -> None:
        step = run / "checkpoints" / "step-00000002.json"
        info = json.loads(step.read_text())
        info.pop("optimizer")
        step.write_text(json.dumps(info))

    def history_of_words(run: Path) -> None:
        step = run / "checkpoints" / "step-00000002.json"
        info = json.loads(step.read_text())
        info["history"] = ["not", "entries"]
        step.write_text(json.dumps(info))

    cases.append(Case("hostile checkpoints", "detect train --run: optimizer state deleted", "cli", train_resume(drop_optimizer)))
    cases.append(Case("hostile checkpoints", "detect train --run: history of words", "cli", train_resume(history_of_words)))
    return cases


def _weight_files(a: Assets) -> list[Case]:
    """tests/detect/test_hostile_h5.py's damaged Keras files through `detect run`, `explain` and `detect import-keras`."""
    from tests.detect.test_hostile_h5 import CASES

    entries = {
        "detect run": lambda path, d: ["detect", "run", a.face, "--model", path],
        "explain": lambda path, d: ["explain", a.face, "--model", path, "--out", d / "heat.png"],
        "detect import-keras": lambda path, d: ["detect", "import-keras", path, "--out", d / "imported"],
    }
    cases = []
    for name in sorted(CASES):
        for entry, argv in entries.items():
            def build(d: Path, n=name, e=argv) -> list:
                path = d / "hostile" / "Meso4_DF.h5"
                path.parent.mkdir()
                CASES[n][0](path, a.h5)
                return e(path, d)

            cases.append(Case("hostile weight files", f"{entry}: {name}", "cli", build))
    return cases


def _demo(a: Assets) -> list[Case]:
    """The demo's upload handlers fed the same hostile files (and what only an upload can be)."""
    catch, check = _demo_upload(a, "catch"), _demo_upload(a, "check")
    cases = []
    groups = [("memory bomb", memory_bombs()), ("non-regular", non_regular_files()), ("corrupt", corrupt_files()),
              ("no face", no_face_pictures())]
    for group, makers in groups:
        for name, make in makers.items():
            accepted = group == "no face" or name == "png deflate bomb 6000x6000 (in the limit)"  # a real picture: checking it is right
            handlers = {"catch the fake": catch} if accepted else {"catch the fake": catch, "check a file": check}
            for handler, call in handlers.items():
                expect = "refuse"
                if handler == "check a file" and name in IN_LIMIT_BOMBS | MAY_PLAY:
                    expect = "any"
                cases.append(Case("demo uploads", f"{handler}: {group}: {name}", "demo",
                                  lambda d, m=make, c=call: c(m(d)), expect, private=True))
    others = {
        "26 MB upload": lambda d: _large_sparse("big.png", 26 * 1024 * 1024, PNG_SIGNATURE),
        "a script": lambda d: _write(d / "run.sh", b"echo hi\n"),
        "a gif": lambda d: _write(d / "moving.gif", gif_claiming(16, 16)),
        "a name without a suffix": lambda d: _write(d / "upload", _encode(".png", np.full((64, 64, 3), 9, np.uint8))),
        "a 40-second video": lambda d: _grey_video(d / "long.avi", 400, side=32),
        "nothing uploaded (None)": lambda d: None,
        "nothing uploaded (empty string)": lambda d: "",
    }
    for name, make in others.items():
        for handler, call in (("catch the fake", catch), ("check a file", check)):
            cases.append(Case("demo uploads", f"{handler}: {name}", "demo", lambda d, m=make, c=call: c(m(d)), private=True))
    return cases


def _controls(a: Assets) -> list[Case]:
    from deepfake_edu.demo import logic
    from tests.training.test_hostile_checkpoints import tiny_trainer

    def resume(d: Path):
        run = d / "run"
        shutil.copytree(a.tiny_run, run)
        return lambda: tiny_trainer(run).fit(resume=True)

    specs = [
        ("detect run a twin", "cli", lambda d: ["detect", "run", a.face, "--model", a.detector]),
        ("detect run a twins video", "cli", lambda d: ["detect", "run", a.clip, "--model", a.detector, "--frames", 3]),
        ("detect run with the authors' .h5 layout", "cli", lambda d: ["detect", "run", a.face_jpg, "--model", a.h5]),
        ("provenance check", "cli", lambda d: ["provenance", "check", a.face]),
        ("provenance mark", "cli", lambda d: ["provenance", "mark", a.face, d / "marked.png"]),
        ("swap apply", "cli", lambda d: ["swap", "apply", a.face, "--run", a.run, "--to", "twin-01", "--out", d / "fake.png"]),
        ("explain", "cli", lambda d: ["explain", a.face, "--model", a.detector, "--out", d / "heat.png"]),
        ("twins video", "cli", lambda d: ["twins", "video", "--frames", 2, "--size", 64, "--out", d / "twin.mp4"]),
        ("demo: catch the fake", "demo", lambda d: (lambda: logic.catch_fake(a.demo, a.face, a.detector_label))),
        ("demo: check a file", "demo", lambda d: (lambda: logic.check_provenance(a.face))),
        ("resume the tiny run", "call", resume),
    ]
    return [Case(CONTROLS, name, kind, build, "ok") for name, kind, build in specs]


# --- the run -----------------------------------------------------------------------------------------------


@dataclass
class Report:
    results: list[Result]
    memory_method: str
    seconds: float
    demo_memory: dict

    def rows(self) -> list[dict]:
        rows = []
        for klass in CLASSES:
            mine = [r for r in self.results if r.klass == klass]
            if not mine:
                continue
            refused = [r for r in mine if r.refused]
            rows.append({
                "class": klass,
                "cases": len(mine),
                "refused": len(refused),
                "tracebacks": sum(bool(r.traceback) for r in mine),
                "files lost": sum(bool(r.lost) for r in mine),
                "wrong exits": sum(r.wrong_exit for r in mine),
                "bad messages": sum(bool(r.bad_message) for r in mine),
                "peak MB (refused)": round(max((r.peak_mb for r in refused), default=0.0)),
                "over 1.5 GB": sum(r.over_memory for r in mine),
                "seconds": round(sum(r.seconds for r in mine), 1),
            })
        return rows

    @property
    def hostile(self) -> list[Result]:
        return [r for r in self.results if r.klass != CONTROLS]

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if r.failed]

    @property
    def ok(self) -> bool:
        return not self.failures and self.demo_memory.get("ok", False)

    def table(self) -> str:
        rows = self.rows()
        keys = list(rows[0]) if rows else []
        widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
        lines = ["  ".join(k.ljust(widths[k]) if k == "class" else k.rjust(widths[k]) for k in keys)]
        for row in rows:
            lines.append("  ".join(str(row[k]).ljust(widths[k]) if k == "class" else str(row[k]).rjust(widths[k]) for k in keys))
        hostile = self.hostile
        refused = [r for r in hostile if r.refused]
        demo = self.demo_memory
        lines += [
            "",
            (f"{len(hostile)} hostile cases ({len(refused)} refused) and {len(self.results) - len(hostile)} controls in {self.seconds:.0f} s; "
             f"{sum(bool(r.traceback) for r in self.results)} tracebacks, {sum(bool(r.lost) for r in self.results)} with files lost or changed, "
             f"{sum(r.wrong_exit for r in self.results)} wrong exits, {sum(bool(r.bad_message) for r in self.results)} bad messages"),
            (f"peak memory of a refused input: {max((r.peak_mb for r in refused), default=0):.0f} MB at most "
             f"(bound {PEAK_LIMIT_MB:.0f} MB; largest growth during one case {max((r.grown_mb for r in refused), default=0):.0f} MB); "
             f"measured as {self.memory_method}"),
            (f"demo: RSS {demo.get('before_mb', 0):.0f} MB before {demo.get('uploads', 0)} refused huge uploads, "
             f"{demo.get('after_mb', 0):.0f} MB after them and gc ({demo.get('change_mb', 0):+.0f} MB; growth bound {DEMO_RETURN_MB:.0f} MB)"),
        ]
        for result in self.failures:
            why = (result.traceback.strip().splitlines()[-1] if result.traceback else
                   f"lost {result.lost[:3]}" if result.lost else
                   f"exit {result.code}, expected {result.expect}" if result.wrong_exit else
                   f"peak {result.peak_mb:.0f} MB" if result.over_memory else result.bad_message)
            lines.append(f"FAILED [{result.klass}] {result.name}: {why[:300]}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "summary": {
                "hostile_cases": len(self.hostile),
                "controls": len(self.results) - len(self.hostile),
                "tracebacks": sum(bool(r.traceback) for r in self.results),
                "files_lost": sum(bool(r.lost) for r in self.results),
                "wrong_exits": sum(r.wrong_exit for r in self.results),
                "bad_messages": sum(bool(r.bad_message) for r in self.results),
                "max_refused_peak_mb": max((r.peak_mb for r in self.results if r.refused), default=0.0),
                "peak_limit_mb": PEAK_LIMIT_MB,
                "memory_method": self.memory_method,
                "seconds": self.seconds,
                "ok": self.ok,
            },
            "classes": self.rows(),
            "demo_memory": self.demo_memory,
            "cases": [{**asdict(r), "refused": r.refused, "wrong_exit": r.wrong_exit, "failed": r.failed} for r in self.results],
        }


def demo_memory_check(a: Assets, sandbox: Sandbox) -> dict:
    """The demo's RSS before and after refused huge uploads (each bomb through both handlers, twice), after gc."""
    from deepfake_edu.demo import logic
    from deepfake_edu.errors import LabError

    folder = sandbox.case_folder()
    files = {}
    for index, (name, make) in enumerate(memory_bombs().items()):
        (folder / f"{index:02d}").mkdir()
        files[name] = make(folder / f"{index:02d}")
    # every bomb through "catch the fake" (all refused), and through "check a file" where it is refused
    catch = {name: (lambda p=p: logic.catch_fake(a.demo, p, a.detector_label)) for name, p in files.items()}
    calls = [*catch.values(), *(lambda p=p: logic.check_provenance(p) for name, p in files.items() if name not in IN_LIMIT_BOMBS)]
    calls.append(catch["png deflate bomb 6000x6000 (in the limit)"])  # decoded, then refused (no face): twice
    with _captured():  # FFmpeg says what it thinks of the bombs on file descriptor 2
        for call in calls[:2]:  # warm up what a first upload loads (the detector, the face finder)
            with contextlib.suppress(LabError):
                call()
        gc.collect()
        before = rss_mb()
        refused = 0
        for call in calls:
            try:
                call()
            except LabError:
                refused += 1
        gc.collect()
        after = rss_mb()
    change = after - before
    return {"before_mb": round(before, 1), "after_mb": round(after, 1), "change_mb": round(change, 1), "uploads": len(calls),
            "refused": refused, "bound_mb": DEMO_RETURN_MB, "ok": change <= DEMO_RETURN_MB}


def run_hostile(only: str | None = None, progress: Callable[[str], None] | None = None, keep: Path | None = None) -> Report:
    """Build the sandbox and its assets, run every case (``only``: the classes whose names contain
    it), and return the report. ``keep``: make the sandbox there and leave it (default: a
    temporary folder, deleted after)."""
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="hostile-")) if keep is None else Path(keep)
    previous_home, previous_cwd = os.environ.get("DEEPFAKE_EDU_HOME"), os.getcwd()
    sandbox = Sandbox(root)
    os.environ["DEEPFAKE_EDU_HOME"] = str(sandbox.home)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.chdir(sandbox.work)
    try:
        with _captured():
            assets = make_assets(sandbox)
        cases = [c for c in build_cases(assets, sandbox) if only is None or only in c.klass]
        meter = PeakMeter()
        results = []
        for number, case in enumerate(cases, 1):
            result = run_case(case, sandbox, meter)
            results.append(result)
            if progress is not None:
                state = "FAILED" if result.failed else "ok"
                progress(f"[{number}/{len(cases)}] {state:6} {result.peak_mb:6.0f} MB {result.seconds:5.2f} s  {case.klass}: {case.name}")
        demo = demo_memory_check(assets, sandbox) if only is None or only in "demo uploads" else {"ok": True, "skipped": True}
        return Report(results, meter.method, time.perf_counter() - started, demo)
    finally:
        os.chdir(previous_cwd)
        if previous_home is None:
            os.environ.pop("DEEPFAKE_EDU_HOME", None)
        else:
            os.environ["DEEPFAKE_EDU_HOME"] = previous_home
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Run the hostile-input cases in one process and report them by class.")
    parser.add_argument("--json", metavar="PATH", help="also write the report (every case) as JSON")
    parser.add_argument("--only", metavar="CLASS", help="run only the classes whose name contains this")
    parser.add_argument("--keep", metavar="FOLDER", help="build the sandbox in this (new) folder and keep it")
    parser.add_argument("--verbose", action="store_true", help="print each case as it finishes")
    args = parser.parse_args(argv)
    report = run_hostile(args.only, progress=(lambda line: print(line, flush=True)) if args.verbose else None,
                         keep=Path(args.keep) if args.keep else None)
    print(report.table())
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_dict(), indent=2))
        print(f"report: {args.json}")
    return 0 if report.ok else 1
