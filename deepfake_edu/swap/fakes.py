"""Fakes of a run's faces made for people to see: a photo or a short clip of the lab's twins,
labelled, marked, recorded in the forget ledger, and scored against the true answer.

One job, for the demo's tab "make a fake" (and any caller that holds a loaded run):

- ``make_fake_photo``: face ``i`` of person A (a training face of the run, a swap crop) through
  B's decoder (``convert.FaceSwapper``), enlarged to ``FAKE_SIDE`` px so it can carry the
  invisible mark, written with the visible label, the mark and C2PA where available
  (``provenance.save_marked_image``). Twins have a true answer, B rendered with A's factors
  (``metrics.true_answer_crop``); the swap's SSIM against it is measured at the model's size.
- ``make_fake_clip``: a talking twins clip of A, swapped to B in every frame and marked frame by
  frame (``convert.swap_video``), plus an animated GIF preview.

Every file written is recorded with ``data.forget.record_output`` under the datasets the model
learned from, so ``deepfake-edu forget`` finds it. Who becomes whom is named "A -> B" in the
run's identity names (``directions``). Pictures are uint8 RGB (H, W, 3).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from deepfake_edu.errors import LabError

FAKE_SIDE = 256  # side of a fake photo or clip frame, pixels: the invisible mark needs 256 or more
CLIP_FRAMES = 24  # frames in a twins clip (about 1 s at the twins' 25 fps)
CLIP_RENDER_SIDE = 128  # the twins clip is rendered at this side, then enlarged to FAKE_SIDE
PREVIEW_FPS = 12.0  # frame rate of a clip's GIF preview
PHOTO_INFO = {"generator": "deepfake-edu", "kind": "face swap"}  # provenance info of every fake photo


# --- who becomes whom ---------------------------------------------------------------------------


def directions(info: dict) -> list[str]:
    """"A -> B" choices of a run (its checkpoint ``info``), in its identities' names."""
    names = info.get("identities", [])
    return [f"{a} -> {b}" for a in names for b in names if a != b]


def parse_direction(info: dict, direction: str) -> tuple[int, int]:
    """(source, target) decoder indices of an "A -> B" choice of ``directions(info)``."""
    names = info.get("identities", [])
    parts = [part.strip() for part in str(direction).split("->")]
    if len(parts) != 2 or parts[0] not in names or parts[1] not in names or parts[0] == parts[1]:
        raise LabError(f"unknown direction {direction!r}: choose one from the list")
    return names.index(parts[0]), names.index(parts[1])


def training_faces(model, info: dict, limit: int | None = None, name: str = "this model"):
    """The faces a run learned from (``swap.facesets.FaceSets``, swap crops at the model's size, at
    most ``limit`` per person), read again from the datasets its checkpoint names; ``name``
    names the run in the error a run that does not name them gets."""
    from deepfake_edu.swap.facesets import load_face_sets

    data = info.get("train_options", {}).get("data")
    if not data:
        raise LabError(f"{name} does not say which faces it learned from: retrain it with `deepfake-edu swap train`")
    identities = info.get("identities") if len(data) == 1 else None
    return load_face_sets(data, identities, model.config.input_size, limit)


# --- a photo ------------------------------------------------------------------------------------


@dataclass
class FakePhoto:
    """A fake photo as written, with what it was made from."""

    source: np.ndarray  # uint8 (S, S, 3): the face of A, at the model's size
    fake: np.ndarray  # uint8 (FAKE_SIDE, FAKE_SIDE, 3): A as B, read back as written (label and mark on)
    truth: np.ndarray | None  # uint8 (S, S, 3): the true answer (twins only)
    ssim: float | None  # SSIM of the swap against the true answer, at the model's size (twins only)
    path: Path  # the marked file written (and recorded in the ledger)
    names: tuple[str, str]  # (A, B)
    # Real faces only: whose face the swapped face shows (a faces.identity.IdentityReport of it
    # against A's and B's training faces), or why it was not measured (identity_note).
    identity: Any = None
    identity_note: str | None = None

    def summary(self) -> str:
        a, b = self.names
        head = f"{a} as {b}, written to `{self.path.name}` with a visible label, an invisible mark and provenance data."
        if self.ssim is None:
            return head + " Real people have no true answer: nobody knows what B would look like with A's expression." + self.whose_face()
        return head + f" SSIM against the true answer: **{self.ssim:.3f}** (1 = perfect)."

    def whose_face(self) -> str:
        """One sentence (with a leading space) on whose face the fake shows; empty for twins."""
        if self.identity is None:
            return f" Whose face it shows: not measured ({self.identity_note})." if self.identity_note else ""
        from deepfake_edu.faces.identity import SAME_PERSON

        a, b = self.names
        to_b, to_a = self.identity.mean_to_target, self.identity.mean_to_source
        closer = b if to_b < to_a else a
        verdict = "the swap worked" if closer == b else f"the fake still looks like {a}"
        return (f" Whose face it shows (dlib's identity distance; under {SAME_PERSON} is usually one person, "
                f"{a} and {b} are {self.identity.gap:.2f} apart): **{to_b:.2f} from {b}**, {to_a:.2f} from {a}, "
                f"so closer to **{closer}**: {verdict}.")


def make_fake_photo(model, info: dict, faces, direction: str, face_index: int, out: str | Path,
                    provenance_info: dict | None = None) -> FakePhoto:
    """Swap face ``face_index`` of A to B (``direction`` "A -> B") and write it, marked, to ``out`` (.png).

    model, info: a loaded run (``swap.train.load_swap_model``); faces: its ``training_faces``;
    provenance_info: more fields for the file's provenance data (e.g. the tool and the run).
    """
    import cv2

    from deepfake_edu import provenance
    from deepfake_edu.data import forget, twins
    from deepfake_edu.data.images import read_image, to_tensor
    from deepfake_edu.swap.convert import FaceSwapper
    from deepfake_edu.swap.losses import ssim
    from deepfake_edu.swap.metrics import true_answer_crop, twin_identity

    source_index, target_index = parse_direction(info, direction)
    people = faces.faces[source_index]
    index = int(face_index)
    if not 0 <= index < len(people):
        raise LabError(f"face {index} does not exist: choose 0 to {len(people) - 1}")
    face = people[index]
    swapped = FaceSwapper(model, target_index).swap_crops([face])[0]
    record = faces.records[source_index][index]
    truth = similarity = None
    if "factors" in record:
        person = twin_identity(twins, faces.records[target_index][0], faces.dataset_infos[target_index])
        truth, _ = true_answer_crop(twins, person, record["factors"], face.shape[0])
        similarity = float(ssim(to_tensor(swapped), to_tensor(truth)))
    out = Path(out)
    big = cv2.resize(swapped, (FAKE_SIDE, FAKE_SIDE), interpolation=cv2.INTER_CUBIC)
    provenance.save_marked_image(out, big, info={**PHOTO_INFO, **(provenance_info or {})})
    forget.record_output(out, info.get("datasets", []))
    names = (faces.names[source_index], faces.names[target_index])
    identity, note = (None, None) if truth is not None or info.get("face_kind") == "twins" else _whose_face(info, target_index, swapped)
    return FakePhoto(face, read_image(out), truth, similarity, out, names, identity, note)


def _whose_face(info: dict, target_index: int, swapped: np.ndarray):
    """(IdentityReport, None) for a real-face fake, or (None, why it was not measured)."""
    from deepfake_edu.swap.convert import fake_identity_report

    try:
        return fake_identity_report(info, target_index, [swapped]), None
    except LabError as error:
        return None, str(error)


@dataclass
class FakeInFrame:
    """A fake photo as a viewer sees it: the swapped face pasted into A's whole picture (hair and
    background are A's own, as in a clip), with the face alone beside it (its true answer, SSIM)."""

    photo: FakePhoto  # the face alone (``make_fake_photo``)
    source: np.ndarray  # uint8 (FAKE_SIDE, FAKE_SIDE, 3): A's picture the face was pasted into (the crop, for extracted faces)
    fake: np.ndarray  # uint8: the pasted picture as written (label and mark on)
    path: Path  # the pasted picture's file (marked, recorded in the ledger)

    @property
    def truth(self) -> np.ndarray | None:
        return self.photo.truth

    @property
    def ssim(self) -> float | None:
        return self.photo.ssim

    def summary(self) -> str:
        a, b = self.photo.names
        if self.path == self.photo.path:  # extracted faces: the crop is all the run has
            return self.photo.summary()
        head = (f"{a}'s face swapped to {b}, then pasted into {a}'s picture (hair and background stay {a}'s, as in the clip), "
                f"written to `{self.path.name}` with a visible label, an invisible mark and provenance data.")
        if self.ssim is None:
            return head + self.photo.whose_face()
        return head + f" SSIM against the true answer (the swapped face alone): **{self.ssim:.3f}** (1 = perfect)."


def make_fake_in_frame(model, info: dict, faces, direction: str, face_index: int, face_out: str | Path, out: str | Path,
                       provenance_info: dict | None = None, load=None) -> FakeInFrame:
    """``make_fake_photo`` into ``face_out``, then the same face of A swapped inside A's whole
    twins picture (``swap.convert.FaceSwapper.swap_frame``: colour matching, blend, grain) and
    written, marked and recorded, to ``out``. Extracted faces have no picture round them: the
    face alone is the result. ``load``: how to open a dataset folder (a cache; default
    ``data.dataset.load_dataset``)."""
    import cv2

    from deepfake_edu import provenance
    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.data.forget import record_output
    from deepfake_edu.data.images import read_image
    from deepfake_edu.swap.convert import FaceSwapper, locator_for

    photo = make_fake_photo(model, info, faces, direction, face_index, face_out, provenance_info)
    source_index, target_index = parse_direction(info, direction)
    frame = source_picture(info, faces, source_index, int(face_index), load or load_dataset)
    if frame is None:
        return FakeInFrame(photo, photo.source, photo.fake, photo.path)
    frame = cv2.resize(frame, (FAKE_SIDE, FAKE_SIDE), interpolation=cv2.INTER_CUBIC)  # as the clip: the mark needs 256 px
    swapped, found = FaceSwapper(model, target_index, locator_for(info, model.config.input_size)).swap_frame(frame)
    if found == 0:
        raise LabError("the face could not be placed back into its picture: choose another face")
    written = provenance.save_marked_image(out, swapped, info={**PHOTO_INFO, **(provenance_info or {})})
    record_output(written, info.get("datasets", []))
    return FakeInFrame(photo, frame, read_image(written), Path(written))


def source_picture(info: dict, faces, person: int, index: int, load) -> np.ndarray | None:
    """uint8 RGB: the whole twins picture face ``index`` of ``person`` was cut from, or None for
    extracted faces (already crops, nothing round them). ``load`` opens a dataset folder."""
    records = faces.records[person]
    if info.get("face_kind") != "twins" or not 0 <= index < len(records):
        return None
    data = info.get("train_options", {}).get("data") or []
    if not data:
        return None
    folder = data[0] if len(data) == 1 else data[person]  # several datasets: one person each (swap.facesets)
    return load(folder).image(records[index])


# --- a clip -------------------------------------------------------------------------------------


@dataclass
class FakeClip:
    """A swapped twins clip as written."""

    video: Path  # the swapped clip, marked in every frame (.mp4), recorded in the ledger
    preview: Path  # an animated GIF of it (for a web page), recorded too
    frames: int
    names: tuple[str, str]  # (A, B)

    def summary(self) -> str:
        a, b = self.names
        return f"{self.frames} frames of {a} as {b}; every frame carries the label and the invisible mark (download the .mp4)."


def make_fake_clip(model, info: dict, faces, direction: str, out: str | Path, frames: int = CLIP_FRAMES,
                   seed: int | None = None) -> FakeClip:
    """A short talking clip of twin A (``direction`` "A -> B"), swapped to B in every frame.

    Writes ``out`` (.mp4) and its GIF preview beside it (same stem); ``seed`` picks the clip's
    motion (None: a random one). The run must have learned twins: real people have no clip to render.
    """
    import cv2

    from deepfake_edu.data import forget, twins
    from deepfake_edu.swap.convert import FaceSwapper, locator_for, swap_video
    from deepfake_edu.swap.metrics import twin_identity

    source_index, target_index = parse_direction(info, direction)
    if info.get("face_kind") != "twins":
        raise LabError("clips are made from the synthetic twins only; for your own faces use a photo (or `deepfake-edu swap apply` on your video)")
    person = twin_identity(twins, faces.records[source_index][0], faces.dataset_infos[source_index])
    seed = secrets.randbelow(10_000) if seed is None else int(seed)
    clip, _ = twins.render_video(person, int(frames), size=CLIP_RENDER_SIDE, seed=seed)
    clip = np.stack([cv2.resize(frame, (FAKE_SIDE, FAKE_SIDE), interpolation=cv2.INTER_CUBIC) for frame in clip])
    out = Path(out)
    source = out.with_name(f"{out.stem}-source.avi")
    twins.write_video(source, clip)
    try:
        swapper = FaceSwapper(model, target_index, locator_for(info, model.config.input_size))
        result = swap_video(swapper, source, out, progress=False)
    finally:
        source.unlink(missing_ok=True)
    forget.record_output(out, info.get("datasets", []))
    preview = write_gif(out, out.with_suffix(".gif"))
    forget.record_output(preview, info.get("datasets", []))
    return FakeClip(out, preview, result.frames, (faces.names[source_index], faces.names[target_index]))


def write_gif(video: str | Path, out: str | Path, fps: float = PREVIEW_FPS) -> Path:
    """An animated GIF of every frame of ``video``, looping, written atomically to ``out``."""
    from PIL import Image

    from deepfake_edu.fileio import atomic_path
    from deepfake_edu.swap.convert import read_video_frames

    frames, _, _, _ = read_video_frames(video)
    pictures = [Image.fromarray(frame) for frame in frames]
    with atomic_path(out) as tmp:
        pictures[0].save(tmp, format="GIF", save_all=True, append_images=pictures[1:], duration=int(1000 / fps), loop=0)
    return Path(out)
