"""What each tab of the demo does, as plain functions over a ``DemoLab`` (``state``).

Each is a thin call into the library capability that owns the job, plus what the page needs
(pictures sized for it, files under ``<lab home>/outputs/demo/``): the funnel is
``lessons.funnel``, making a fake ``swap.fakes``, catching one ``forensics.judge``, spotting one
``lessons.spot_the_fake``, checking a file ``provenance.check``. The Gradio page (``app``) wires
these to widgets; tests call them directly. Every bad input a visitor can cause raises
``LabError`` with one line to show in the page. Nothing here takes a file path from a visitor
except uploaded files (checked by ``check_upload``); models, runs and faces are chosen from
lists of known items.

Images come back as uint8 RGB arrays (H, W, 3).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepfake_edu.data.video import VIDEO_SUFFIXES  # the lab's one list: the demo takes every video the lab reads
from deepfake_edu.demo.state import FACES_PER_PERSON, DemoLab
from deepfake_edu.errors import LabError
from deepfake_edu.swap.fakes import CLIP_FRAMES

MAX_UPLOAD_MB = 25  # uploads above this are refused (Gradio refuses them first, see app.launch_app)
MAX_VIDEO_SECONDS = 30.0  # a longer video is refused: the demo scores ~30 frames, a class waits
MAX_VIDEO_FRAMES = 3000  # and so is one with more frames than this, whatever its frame rate says
SHOWN_SIDE = 192  # side of the face pictures shown in the page, pixels
# The demo's own, narrower than data.images.IMAGE_SUFFIXES: no TIFF uploads (most browsers do not show TIFF).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


def _shown(image: np.ndarray | None, side: int = SHOWN_SIDE, smooth: bool = False) -> np.ndarray | None:
    """A square uint8 picture resized for the page (nearest neighbour keeps pixels honest)."""
    import cv2

    if image is None or image.shape[0] == side:
        return image
    return cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA if smooth else cv2.INTER_NEAREST)


def side_by_side(pictures: list[np.ndarray], gap: int = 8) -> np.ndarray:
    """uint8 pictures of one height in a row, with white gaps between: (H, sum W + gaps, 3)."""
    white = np.full((pictures[0].shape[0], gap, 3), 255, np.uint8)
    row = [pictures[0]]
    for picture in pictures[1:]:
        row += [white, picture]
    return np.concatenate(row, axis=1)


# --- tab 1: inside the autoencoder (lessons.funnel) -----------------------------------------------


def funnel_faces(lab: DemoLab, identity: str) -> list[np.ndarray]:
    """Faces of ``identity`` (one of lessons.funnel.TRAIN_IDENTITIES) the funnel tab can rebuild."""
    from deepfake_edu.lessons import funnel

    return list(lab.cached(("funnel-faces", identity), lambda: funnel.funnel_faces(lab.twins(), identity, FACES_PER_PERSON)))


def rebuild_face(lab: DemoLab, identity: str, face_index: int, width: int):
    """Squeeze face ``face_index`` of ``identity`` through the ``width``-number autoencoder and
    rebuild it: a ``lessons.funnel.FunnelView`` with pictures sized for the page and the funnel drawn."""
    from deepfake_edu.lessons import funnel

    faces = funnel_faces(lab, identity)
    index = int(face_index)
    if not 0 <= index < len(faces):
        raise LabError(f"face {index} does not exist: choose 0 to {len(faces) - 1}")
    model, info = lab.funnel_model(int(width))
    layers = lab.cached(("layers", int(width)), model.layer_sizes)  # measuring hooks the shared model: once
    view = funnel.rebuild_face(model, info, faces[index], identity, layers)
    picture = lab.cached(("funnel-picture", int(width)), lambda: funnel.draw_funnel(layers))
    return dataclasses.replace(view, original=_shown(view.original), rebuilt=_shown(view.rebuilt), funnel=picture)


def describe_layers(layers: list[dict]) -> str:
    from deepfake_edu.lessons.funnel import describe_layers

    return describe_layers(layers)


# --- tab 2: make a fake (swap.fakes) --------------------------------------------------------------


def fake_directions(lab: DemoLab, run_label: str) -> list[str]:
    """"A -> B" choices of a run, in its identities' names."""
    from deepfake_edu.swap.fakes import directions

    return directions(lab.swap_model(run_label)[1])


def make_fake(lab: DemoLab, run_label: str, direction: str, face_index: int):
    """Swap face ``face_index`` of A to B with a run's model; write it marked and record it
    (a ``swap.fakes.FakePhoto`` with pictures sized for the page)."""
    from deepfake_edu.swap.fakes import make_fake_photo

    model, info = lab.swap_model(run_label)
    photo = make_fake_photo(model, info, lab.run_faces(run_label), direction, face_index, lab.new_output("fake", ".png"),
                            provenance_info={"tool": "demo", "run": run_label})
    return dataclasses.replace(photo, source=_shown(photo.source), fake=_shown(photo.fake, smooth=True), truth=_shown(photo.truth))


def make_fake_clip(lab: DemoLab, run_label: str, direction: str, frames: int = CLIP_FRAMES):
    """A short talking clip of twin A, swapped to B in every frame; written marked and recorded
    (a ``swap.fakes.FakeClip``: the .mp4 and its GIF preview)."""
    from deepfake_edu.swap.fakes import make_fake_clip as make_clip

    model, info = lab.swap_model(run_label)
    return make_clip(model, info, lab.run_faces(run_label), direction, lab.new_output("fake-clip", ".mp4"), frames)


# --- uploads --------------------------------------------------------------------------------------


def check_upload(path: str | os.PathLike | None, allow: tuple[str, ...] = ("image", "video")) -> tuple[Path, str]:
    """(path, "image" | "video") of an uploaded file, or a one-line LabError saying what is wrong."""
    if path is None or str(path) == "":
        raise LabError("no file yet: upload a photo or a short video first")
    path = Path(path)
    if not path.is_file():
        raise LabError("the upload did not arrive: upload the file again")
    size = path.stat().st_size
    if size == 0:
        raise LabError(f"{path.name} is empty (0 bytes): choose another file")
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        raise LabError(f"{path.name} is {size / 1e6:.0f} MB: the demo takes files up to {MAX_UPLOAD_MB} MB")
    suffix = path.suffix.lower()
    kind = "image" if suffix in IMAGE_SUFFIXES else "video" if suffix in VIDEO_SUFFIXES else None
    if kind is None or kind not in allow:
        wanted = [*(IMAGE_SUFFIXES if "image" in allow else ()), *(VIDEO_SUFFIXES if "video" in allow else ())]
        kinds = " or ".join(allow)
        raise LabError(f"{path.name} is not {'an' if kinds[0] in 'aeiou' else 'a'} {kinds} file the demo reads: use {', '.join(wanted)}")
    if kind == "video":
        from deepfake_edu.data.video import video_info

        # Messages name the file only (the server's folders stay private); a file whose container
        # does not say its length is counted, but never past the limit.
        info = video_info(path, name=path.name, count_limit=MAX_VIDEO_FRAMES + 1)
        if info.frames > MAX_VIDEO_FRAMES or info.duration_s > MAX_VIDEO_SECONDS:
            raise LabError(f"{path.name} lasts {info.duration_s:.0f} s: the demo takes videos up to {MAX_VIDEO_SECONDS:.0f} s; cut a short part")
    else:
        read_upload_image(path)  # a corrupt or huge picture is refused here, by its name only
    return path, kind


def read_upload_image(path: Path) -> np.ndarray:
    """uint8 RGB (H, W, 3) of an uploaded picture; errors name the file, not the server's folder."""
    from deepfake_edu.data.images import decode_image

    return decode_image(path.read_bytes(), name=path.name)


# --- tab 3: catch the fake (forensics.judge) ------------------------------------------------------


@dataclass
class CatchResult:
    faces: list[tuple[np.ndarray, str]]  # (crop with its heatmap, caption) per face
    summary: str  # Markdown
    curve: Path | None = None  # a video's P(fake) over time (PNG)
    heatmaps: bool = False  # whether the pictures carry Grad-CAM heatmaps
    scores: list[float] = field(default_factory=list)  # P(fake) per face (photo) or frame (video)


def catch_fake(lab: DemoLab, upload: str | os.PathLike | None, detector_label: str) -> CatchResult:
    """Score every face of an uploaded photo (with heatmaps), or ~30 frames of a short video."""
    from deepfake_edu.forensics.judge import judge_photo, judge_video

    path, kind = check_upload(upload)
    model = lab.detector(detector_label)
    if kind == "video":
        judged = judge_video(model, path, lab.new_output("verdict", ".png"))
    else:
        judged = judge_photo(model, read_upload_image(path), lab.face_backend(), lab.private_detector(detector_label))
    faces = [(face.picture, face.caption(number)) for number, face in enumerate(judged.faces, start=1)]
    return CatchResult(faces, judged.summary(detector_label), judged.curve, kind == "image", judged.scores)


# --- tab 4: spot the fake (lessons.spot_the_fake) -------------------------------------------------
# (named quiz_* like the page's endpoints /quiz_next, /quiz_real...: programs that call the demo keep working)


def quiz_question(lab: DemoLab, previous: int | None = None) -> tuple[np.ndarray, int]:
    """(a face from the real/fake set, its question number), chosen at random (not the previous one)."""
    number = lab.spot.question(previous)
    return lab.spot.image(number), number


def quiz_picture(lab: DemoLab, number: int) -> str:
    """The file of question ``number``'s face, inside the real/fake dataset (served as it is)."""
    return str(lab.spot.picture_file(number))


def quiz_answer(lab: DemoLab, number: int | None, guess: str) -> tuple[str, dict]:
    """Mark a student's guess ("real" | "fake") on question ``number``; (what happened, the tally)."""
    answer = lab.spot.answer(number, guess)
    return answer.reveal(), answer.tally


# --- tab 5: check a file (provenance.check) -------------------------------------------------------


def check_provenance(upload: str | os.PathLike | None) -> str:
    """Markdown: the visible label, invisible mark and C2PA manifest found in an uploaded file,
    and what their absence does not prove."""
    from deepfake_edu.provenance.check import check_file

    path, _ = check_upload(upload)
    report = check_file(path)
    found = "\n".join(f"- {line}" for line in report.lines())
    return f"{found}\n\n" + report.explain().replace("\n", "\n\n")
