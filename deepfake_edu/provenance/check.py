"""The front door: mark what the lab makes, and check any file for the three signals.

    mark_image(rgb, info)           -> visible label + invisible mark
    mark_video_frame(rgb, index)    -> the same for one video frame (the frame number is in the mark)
    save_marked_image(path, rgb)    -> mark, write atomically, add C2PA when available
    mark_file(src, dst)             -> the same for an image or a video file on disk
    check_file(path)                -> ProvenanceReport (label, mark, C2PA) with explain()
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from deepfake_edu.data.video import VIDEO_SUFFIXES
from deepfake_edu.errors import LabError
from deepfake_edu.provenance import c2pa_manifest, label, watermark

VIDEO_SAMPLE_FRAMES = 8  # frames a video check reads, spread evenly over the video
VIDEO_PAYLOAD_TAG = 0xDFED  # upper 16 bits of a video frame's payload; the lower 16 are the frame number


def payload_for(info: dict | None) -> int:
    """32-bit fingerprint of the generation info (SHA-256 of its canonical JSON, first 4 bytes)."""
    text = json.dumps(info or {"generator": "deepfake-edu"}, sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def mark_image(rgb: np.ndarray, info: dict | None = None, payload: int | None = None) -> np.ndarray:
    """Label, then invisibly mark, uint8 RGB (H, W, 3). The mark goes on after the label so the
    label's pixels carry it too. Pictures under ``watermark.MIN_SIDE_PX`` (256) on the short side
    get the label only, with a warning."""
    labelled = label.add_label(rgb)
    if not watermark.can_mark(*rgb.shape[:2]):
        warnings.warn(
            f"{rgb.shape[1]}x{rgb.shape[0]} is below {watermark.MIN_SIDE_PX} px: visible label only, no invisible mark",
            stacklevel=2,
        )
        return labelled
    return watermark.embed_mark(labelled, payload_for(info) if payload is None else payload)


def mark_video_frame(rgb: np.ndarray, frame_index: int) -> np.ndarray:
    """``mark_image`` for one video frame; the payload is 0xDFED0000 + frame_index (mod 65536),
    so a check can tell which frame it is looking at."""
    return mark_image(rgb, payload=(VIDEO_PAYLOAD_TAG << 16) | (int(frame_index) & 0xFFFF))


def _encode(path: Path, rgb: np.ndarray, jpeg_quality: int) -> bytes:
    import cv2

    suffix = path.suffix.lower()
    params = [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)] if suffix in (".jpg", ".jpeg") else []
    ok, encoded = cv2.imencode(suffix, cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR), params)
    if not ok:
        raise LabError(f"could not encode {path.name}: use .png or .jpg")
    return encoded.tobytes()


def save_marked_image(path: str | Path, rgb: np.ndarray, info: dict | None = None, jpeg_quality: int = 92) -> Path:
    """Mark uint8 RGB (H, W, 3), write it atomically to ``path`` (.png or .jpg), and add a signed
    C2PA manifest when c2pa-python is installed. Returns the path."""
    from deepfake_edu.data.images import IMAGE_SUFFIXES
    from deepfake_edu.fileio import write_bytes_atomic

    path = Path(path)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise LabError(f"cannot write {path}: use one of {', '.join(IMAGE_SUFFIXES)}")
    data = _encode(path, mark_image(rgb, info), jpeg_quality)
    if path.suffix.lower() in c2pa_manifest.MIME_TYPES and c2pa_manifest.c2pa_available():
        data = c2pa_manifest.add_manifest(data, path.suffix, path.name, info)
    write_bytes_atomic(path, data)
    return path


def mark_file(source: str | Path, destination: str | Path, info: dict | None = None) -> Path:
    """Label and mark an image or video file into ``destination`` (videos: every frame)."""
    from deepfake_edu.fileio import refuse_overwriting

    source, destination = Path(source), refuse_overwriting(destination, source)
    if source.suffix.lower() in VIDEO_SUFFIXES:
        return _mark_video_file(source, destination)
    from deepfake_edu.data.images import read_image

    return save_marked_image(destination, read_image(source), info)


def _mark_video_file(source: Path, destination: Path) -> Path:
    from tqdm import tqdm

    from deepfake_edu.data.video import VideoReader, VideoWriter, writer_codec

    writer_codec(destination)  # a name the lab cannot write is refused before the source is read
    with VideoReader(source) as video, VideoWriter(destination, video.fps) as writer:
        frames = tqdm(video, total=video.frame_count or None, desc="marking frames", unit="frame")
        for index, rgb in enumerate(frames):
            writer.write(mark_video_frame(rgb, index))
        if writer.frames_written == 0:
            raise LabError(f"{source} has no readable frames: choose another video")
    return destination


@dataclass
class ProvenanceReport:
    """What ``check_file`` found in one file. For videos the counts cover the sampled frames."""

    path: str
    label_found: bool
    mark_found: bool
    payload: str | None  # 8 hex digits, None when no mark
    mark_score: float  # mean |z| per bit: about 0.8 unmarked, higher when marked
    c2pa_state: str  # "present", "absent", "not checked" or "unreadable"
    c2pa_summary: str
    frames_checked: int = 1
    frames_with_label: int = 0
    frames_with_mark: int = 0
    mark_frames: list[int] = field(default_factory=list)  # frame numbers read from video marks

    def lines(self) -> list[str]:
        """One line per signal."""
        frames = f" in {self.frames_with_label}/{self.frames_checked} sampled frames" if self.frames_checked > 1 else ""
        mark_frames = f" in {self.frames_with_mark}/{self.frames_checked} sampled frames" if self.frames_checked > 1 else ""
        label_line = f"visible label: {'found' if self.label_found else 'not found'}{frames}"
        if self.mark_found:
            mark_line = f"invisible mark: found{mark_frames} (payload {self.payload}, score {self.mark_score:.2f})"
        else:
            mark_line = f"invisible mark: not found (score {self.mark_score:.2f}; unmarked pictures score about 0.8)"
        return [label_line, mark_line, self.c2pa_summary]

    def explain(self) -> str:
        """The findings in plain words, with what they do and do not prove."""
        found = [name for name, hit in (("the visible label", self.label_found), ("the invisible mark", self.mark_found), ("a C2PA manifest", self.c2pa_state == "present")) if hit]
        if found:
            head = f"This file carries {', '.join(found)}: it says it was made with an AI tool (deepfake-edu or something imitating it)."
        else:
            head = "No sign of deepfake-edu's label, mark or C2PA manifest was found."
        return "\n".join([
            head,
            "An absent label, mark or manifest proves nothing: labels can be cropped, marks removed by "
            "cropping, filtering or re-drawing, manifests stripped by re-saving, and other tools add none of them.",
            "A present one is a claim, not proof either: anyone who has this code can add or forge them.",
        ])

    def to_dict(self) -> dict:
        return asdict(self)


def check_file(path: str | Path) -> ProvenanceReport:
    """Check an image or video file for the visible label, the invisible mark and C2PA.
    Bad paths and unreadable files raise LabError."""
    path = Path(path)
    if path.suffix.lower() in VIDEO_SUFFIXES:
        report = _check_video(path)
    else:
        from deepfake_edu.data.images import read_image

        rgb = read_image(path)  # first: a huge or hostile file is refused before C2PA reads all of it
        mark = watermark.read_mark(rgb)
        has_label = label.find_label(rgb)
        report = ProvenanceReport(
            str(path), has_label, mark.found, mark.payload_hex, mark.score, "", "",
            frames_with_label=int(has_label), frames_with_mark=int(mark.found),
        )
    c2pa_status = c2pa_manifest.read_manifest(path) if path.suffix.lower() in c2pa_manifest.MIME_TYPES else None
    if c2pa_status is None:
        if not c2pa_manifest.c2pa_available():
            c2pa_status = c2pa_manifest.C2paStatus("not checked", f"C2PA: not checked ({c2pa_manifest.INSTALL_HINT})")
        else:
            c2pa_status = c2pa_manifest.C2paStatus("not checked", f"C2PA: not checked (the lab reads C2PA in JPEG and PNG only, not {path.suffix or 'this file'})")
    report.c2pa_state, report.c2pa_summary = c2pa_status.state, c2pa_status.summary
    return report


def _check_video(path: Path) -> ProvenanceReport:
    from deepfake_edu.data.video import VideoReader, sample_frame_indices

    with VideoReader(path) as video:
        total = video.frame_count
        wanted = sample_frame_indices(total, VIDEO_SAMPLE_FRAMES) if total > 0 else list(range(VIDEO_SAMPLE_FRAMES))
        labels, marks, scores, payloads, frame_numbers = 0, 0, [], [], []
        for index in wanted:
            rgb = video.frame_at(index)
            if rgb is None:
                continue
            labels += label.find_label(rgb)
            mark = watermark.read_mark(rgb)
            scores.append(mark.score)
            if mark.found:
                marks += 1
                payloads.append(mark.payload_hex)
                if mark.payload >> 16 == VIDEO_PAYLOAD_TAG:
                    frame_numbers.append(mark.payload & 0xFFFF)
    if not scores:
        raise LabError(f"{path} has no readable frames: choose another video")
    return ProvenanceReport(
        str(path), labels > 0, marks > 0, payloads[0] if payloads else None, float(max(scores)), "", "",
        frames_checked=len(scores), frames_with_label=labels, frames_with_mark=marks, mark_frames=frame_numbers,
    )
