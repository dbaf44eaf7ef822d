"""Video files and webcams in and out: the only module that opens ``cv2.VideoCapture`` or
``cv2.VideoWriter``.

Edge convention: frames are uint8 RGB arrays (H, W, 3); BGR appears only inside the OpenCV calls
here. Frame rates are frames per second, sizes are (width, height) in pixels, durations seconds.

    with VideoReader("clip.mp4") as video:          # or VideoReader(0) for the first webcam
        video.fps, video.frame_count, video.size    # the container's numbers (count 0: unknown)
        for rgb in video: ...                       # every decodable frame, in order

    indices, frames, fps = sample_frames("clip.mp4", 30)   # ~30 frames spread over the video
    info = video_info("clip.mp4")                          # fps, frames, width, height, duration_s

    with VideoWriter("out.mp4", fps=25.0) as writer:      # written atomically: all or nothing
        writer.write(rgb)                                  # one frame at a time
    write_video("out.avi", frames, fps=25.0)               # or a whole (T, H, W, 3) array

Bad input a user can cause (a missing path, a folder, a pipe, an undecodable file, a suffix the
lab cannot write) raises a one-line ``LabError``. OpenCV is imported on first use, so importing
this module (for ``VIDEO_SUFFIXES``, say) stays instant.
"""

from __future__ import annotations

import contextlib
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.fileio import atomic_path

# What the lab reads as a video (by suffix, lower case).
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv")
# What it writes, and the FourCC each container gets: mp4v (MPEG-4 Part 2) works with every
# OpenCV build's FFmpeg; MJPG in AVI works even without FFmpeg.
WRITE_CODECS = {".mp4": "mp4v", ".avi": "MJPG"}
DEFAULT_FPS = 25.0  # used when a container does not say its frame rate
MAX_FRAME_PIXELS = 8192 * 4320  # 8K: a video whose frames are larger is refused before one is decoded


def is_video(path: str | os.PathLike) -> bool:
    """Whether ``path`` has a video suffix (``VIDEO_SUFFIXES``, any case); the file is not opened."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def sample_frame_indices(frame_count: int, wanted: int) -> list[int]:
    """About ``wanted`` frame indices spread evenly from the first frame (0) to the last
    (``frame_count - 1``), sorted and without repeats; all of them when the video is shorter."""
    if frame_count <= 0 or wanted <= 0:
        return []
    return sorted(set(np.linspace(0, frame_count - 1, num=min(wanted, frame_count)).round().astype(int).tolist()))


def _check_file(path: Path, name: str) -> None:
    """A one-line LabError unless ``path`` is a regular, non-empty file with a video suffix.
    Only ``stat`` is used: a FIFO or a device is refused without being opened, so nothing can block."""
    if not path.exists():
        raise LabError(f"no such video: {name} (check the path)")
    if path.is_dir():
        raise LabError(f"{name} is a folder, not a video file: choose a video file in it")
    if not path.is_file():
        raise LabError(f"{name} is not a regular file (a pipe or a device?): save the video to a file first")
    if path.stat().st_size == 0:
        raise LabError(f"{name} is empty (0 bytes): choose another video")
    if not is_video(path):  # OpenCV would open a photo (or a name with %d) as an image sequence
        raise LabError(f"{name} is not a video file: use one of {', '.join(VIDEO_SUFFIXES)}")


def _rgb(bgr: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


class VideoReader:
    """An open video file or webcam; a context manager (``close`` on exit) and an iterable of
    uint8 RGB (H, W, 3) frames.

    ``source`` is a path or a webcam index (0: the first camera). ``name`` is how messages call
    the file (default: the path as given; the demo passes the bare file name so the server's
    folders stay private). Opening refuses, with a one-line LabError, a missing path, a folder,
    anything that is not a regular file (a FIFO is refused before it is opened, so it cannot
    hang), an empty file, a name without a video suffix (``VIDEO_SUFFIXES``), a file OpenCV
    cannot open, and a camera that is not there.

    The container's numbers are read once at opening: ``fps`` (``DEFAULT_FPS`` when it says 0),
    ``frame_count`` (0 when it does not say; see ``count_frames``), ``width`` and ``height``.
    """

    def __init__(self, source: str | os.PathLike | int, name: str | None = None) -> None:
        import cv2

        self.camera = isinstance(source, (int, np.integer)) and not isinstance(source, bool)
        if self.camera:
            self.source: Path | int = int(source)
            self.name = name or f"camera {self.source}"
            self._capture = cv2.VideoCapture(self.source)
        else:
            self.source = Path(source)
            self.name = name or str(source)
            _check_file(self.source, self.name)
            self._capture = cv2.VideoCapture(str(self.source))
        if not self._capture.isOpened():
            self._capture.release()
            raise LabError(self._unreadable())
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if math.isfinite(fps) and fps > 0 else DEFAULT_FPS
        self.frame_count = max(0, int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0))
        self.width = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
        self.height = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
        self._closed = False
        if self.width * self.height > MAX_FRAME_PIXELS:  # each decoded frame would take width x height x 3 bytes, several times over
            self.close()
            raise LabError(f"{self.name} has {self.width}x{self.height} frames, too large: scale the video down to 8K (8192x4320) or less")

    # --- messages --------------------------------------------------------------------------

    def _unreadable(self) -> str:
        if self.camera:
            return (f"no camera found at index {self.source}: connect a webcam (or allow access to it), "
                    f"or use a video file instead")
        return f"{self.name} is not a readable video (corrupt, or a codec OpenCV lacks): convert it to MP4 (H.264) and try again"

    def no_frames_error(self) -> LabError:
        """The LabError for a source that opened but gave no frame."""
        if self.camera:
            return LabError(self._unreadable())
        return LabError(f"{self.name} has no readable frames: check the file plays, or convert it to MP4 (H.264)")

    # --- the numbers -------------------------------------------------------------------------

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels, as the container reports them."""
        return self.width, self.height

    def count_frames(self, limit: int | None = None) -> int:
        """The number of frames: the container's count, or, when it does not say, the frames
        decoded by reading the file through once (on a second handle, so this reader's position
        is kept), stopping at ``limit`` when given. A webcam has no count: 0."""
        if self.frame_count > 0 or self.camera:
            return self.frame_count
        import cv2

        capture = cv2.VideoCapture(str(self.source))
        count = 0
        try:
            while (limit is None or count < limit) and capture.grab():
                count += 1
        finally:
            capture.release()
        return count

    # --- frames ------------------------------------------------------------------------------

    def read(self) -> np.ndarray | None:
        """The next frame as uint8 RGB (H, W, 3), or None at the end (or when decoding fails)."""
        ok, bgr = self._capture.read()
        return _rgb(bgr) if ok else None

    def grab(self) -> bool:
        """Step past the next frame without converting it (cheap); False at the end."""
        return bool(self._capture.grab())

    def retrieve(self) -> np.ndarray | None:
        """The frame the last ``grab`` stepped to, as uint8 RGB, or None."""
        ok, bgr = self._capture.retrieve()
        return _rgb(bgr) if ok else None

    def frame_at(self, index: int) -> np.ndarray | None:
        """Frame ``index`` (0-based) by seeking, as uint8 RGB, or None when it cannot be read.
        Seeking is fast but, in some compressed files, only as exact as the container's index."""
        import cv2

        self._capture.set(cv2.CAP_PROP_POS_FRAMES, int(index))
        return self.read()

    def __iter__(self) -> Iterator[np.ndarray]:
        """Every remaining frame as uint8 RGB, in order; the reader closes when they run out."""
        try:
            while True:
                rgb = self.read()
                if rgb is None:
                    return
                yield rgb
        finally:
            self.close()

    def sampled(self, every: int = 1, max_frames: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """(frame index, uint8 RGB frame) for every ``every``-th frame from here, at most
        ``max_frames`` of them (None: to the end). The first frame is read now, so a file that
        opens but does not decode fails here (LabError), not later; the reader closes when the
        iteration ends."""
        if every < 1:
            raise LabError(f"every must be 1 or more, not {every}")
        first = self.read()
        if first is None:
            self.close()
            raise self.no_frames_error()
        return self._sampled(first, every, max_frames)

    def _sampled(self, first: np.ndarray, every: int, max_frames: int | None) -> Iterator[tuple[int, np.ndarray]]:
        frame, index, sampled = first, 0, 0
        try:
            while True:
                if index % every == 0:
                    yield index, frame
                    sampled += 1
                    if max_frames is not None and sampled >= max_frames:
                        return
                index += 1
                if index % every == 0:
                    frame = self.read()
                    if frame is None:
                        return
                elif not self.grab():  # a frame that is skipped is decoded but not converted
                    return
        finally:
            self.close()

    # --- closing -----------------------------------------------------------------------------

    def close(self) -> None:
        """Release the file or camera (again: no effect)."""
        if not self._closed:
            self._closed = True
            self._capture.release()

    def __enter__(self) -> "VideoReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"VideoReader({self.name!r}, fps={self.fps:g}, frames={self.frame_count}, size={self.width}x{self.height})"


def iter_sampled_frames(video: "VideoReader", wanted: int) -> Iterator[tuple[int, np.ndarray]]:
    """(frame index, uint8 RGB (H, W, 3) frame) for about ``wanted`` frames spread evenly over an
    open video (``sample_frame_indices``), one at a time, so that a caller keeps only what it needs
    of each frame (a crop, a score) and memory does not grow with the frame count.

    Frames are reached by decoding through the file (exact, unlike seeking). When the container
    does not say how many frames it holds they are counted first. When decoding ends before the
    announced count the frames read so far are kept; none at all is a LabError.
    """
    wanted_indices = set(sample_frame_indices(video.count_frames(), wanted))
    last = max(wanted_indices, default=-1)
    given = 0
    for index in range(last + 1):
        if not video.grab():  # decoding stops before the announced end: keep what was read
            break
        if index in wanted_indices:
            rgb = video.retrieve()
            if rgb is not None:
                given += 1
                yield index, rgb
    if not given:
        raise video.no_frames_error()


def sample_frames(path: str | os.PathLike, wanted: int, name: str | None = None) -> tuple[list[int], list[np.ndarray], float]:
    """(frame indices, uint8 RGB (H, W, 3) frames, frames per second) for about ``wanted``
    frames spread evenly over the video (``iter_sampled_frames``, all kept in memory)."""
    with VideoReader(path, name) as video:
        indices, frames = [], []
        for index, rgb in iter_sampled_frames(video, wanted):
            indices.append(index)
            frames.append(rgb)
        return indices, frames, video.fps


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds: ``fps`` (frames per second), ``frames`` (count), ``width`` and
    ``height`` (pixels) and ``duration_s`` (seconds, ``frames / fps``)."""

    fps: float
    frames: int
    width: int
    height: int
    duration_s: float


def video_info(path: str | os.PathLike, name: str | None = None, count_limit: int | None = None) -> VideoInfo:
    """The ``VideoInfo`` of a video file whose first frame decodes (else a one-line LabError).

    The frame count is the container's; when it does not say, frames are counted by decoding,
    stopping at ``count_limit`` when given (a cap for "is it too long?" checks: then ``frames``
    is at most ``count_limit``).
    """
    with VideoReader(path, name) as video:
        if video.read() is None:
            raise video.no_frames_error()
        frames = video.count_frames(count_limit)
        return VideoInfo(video.fps, frames, video.width, video.height, frames / video.fps)


def writer_codec(path: str | os.PathLike, codec: str | None = None) -> str:
    """The FourCC a video written to ``path`` gets: ``codec`` when given, else the one its suffix
    calls for (``WRITE_CODECS``). A suffix the lab does not write is a one-line LabError."""
    path = Path(path)
    if path.suffix.lower() not in WRITE_CODECS:
        raise LabError(f"cannot write video {path.name}: name it {' or '.join(WRITE_CODECS)}")
    codec = codec or WRITE_CODECS[path.suffix.lower()]
    if len(codec) != 4:
        raise LabError(f"a video codec is a 4-letter FourCC such as mp4v or MJPG, not {codec!r}")
    return codec


class VideoWriter:
    """Write uint8 RGB (H, W, 3) frames to a video file one at a time, atomically.

    Use as a context manager: frames go to a temporary file beside ``path`` (same suffix, so
    OpenCV picks the container) that becomes ``path`` only when the block ends without an
    error and at least one frame was written; otherwise nothing is left behind.

    ``fps``: frames per second. ``codec``: a FourCC, default from the suffix (``WRITE_CODECS``:
    .mp4 mp4v, .avi MJPG). The frame size is the first frame's; every later frame must match.
    ``hint`` ends the message when OpenCV cannot open a writer for this codec here.
    The suffix is checked at construction (a one-line LabError), before any file is touched.
    """

    def __init__(self, path: str | os.PathLike, fps: float = DEFAULT_FPS, codec: str | None = None,
                 name: str | None = None, hint: str | None = None) -> None:
        self.path = Path(path)
        self.name = name or str(path)
        self.codec = writer_codec(self.path, codec)
        self.fps = float(fps)
        if not self.fps > 0:
            raise LabError(f"a video needs a frame rate above 0 frames per second, not {fps}")
        other = ".avi" if self.path.suffix.lower() != ".avi" else ".mp4"
        self.hint = hint or f"name the file {other} instead"
        self.frames_written = 0
        self.size: tuple[int, int] | None = None  # (width, height), from the first frame
        self._writer = None
        self._tmp: Path | None = None
        self._stack: contextlib.ExitStack | None = None

    def __enter__(self) -> "VideoWriter":
        stack = contextlib.ExitStack()
        self._tmp = stack.enter_context(atomic_path(self.path))
        self._stack = stack
        return self

    def write(self, rgb: np.ndarray) -> None:
        """Append one uint8 RGB (H, W, 3) frame."""
        import cv2

        if self._stack is None:
            raise RuntimeError("use VideoWriter as a context manager: with VideoWriter(path, fps) as writer: ...")
        rgb = np.asarray(rgb)
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise LabError(f"a video frame must be uint8 RGB (H, W, 3), not {rgb.dtype} {rgb.shape}")
        size = (rgb.shape[1], rgb.shape[0])
        if self._writer is None:
            self._writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*self.codec), self.fps, size)
            if not self._writer.isOpened():
                raise LabError(f"OpenCV cannot write {self.codec} video as {self.path.suffix} here: {self.hint}")
            self.size = size
        elif size != self.size:
            raise LabError(f"frame {self.frames_written} is {size[0]}x{size[1]}, the video {self.size[0]}x{self.size[1]}: every frame must have one size")
        self._writer.write(np.ascontiguousarray(rgb[:, :, ::-1]))
        self.frames_written += 1

    def _release(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None

    def __exit__(self, exc_type, exc, tb) -> bool:
        stack, self._stack = self._stack, None
        try:
            self._release()
            if exc_type is None and self.frames_written == 0:
                raise LabError(f"no frames to write to {self.name}: nothing was written (give it at least one frame)")
        except BaseException as error:  # the temporary file goes; the error goes on
            if not stack.__exit__(type(error), error, error.__traceback__):
                raise
            return False
        return bool(stack.__exit__(exc_type, exc, tb))


def write_video(path: str | os.PathLike, frames: np.ndarray | Sequence[np.ndarray], fps: float = DEFAULT_FPS,
                codec: str | None = None, name: str | None = None) -> Path:
    """Write uint8 RGB frames (T, H, W, 3) as .mp4 (mp4v) or .avi (MJPG), atomically; returns
    ``path``. Empty, mis-shaped or non-uint8 frames are a one-line LabError, and so is a suffix
    the lab does not write."""
    path = Path(path)
    writer = VideoWriter(path, fps, codec, name)
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8 or len(frames) == 0:
        raise LabError(f"video frames must be uint8 (T, H, W, 3) with T >= 1, not {frames.dtype} {frames.shape}")
    with writer:
        for frame in frames:
            writer.write(frame)
    return path
