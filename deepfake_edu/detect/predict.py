"""Scores and verdicts: P(fake) for face crops, images, folders and videos.

MesoNet judges one aligned face crop at a time (256x256 RGB). Getting that crop out of a photo
or a video frame is a separate job, passed in as ``crop_fn``:

    crop_fn(rgb: uint8 (H, W, 3)) -> uint8 (256, 256, 3) face crop, or None when no face is found

The default, ``face_finder()``, finds the largest face with ``deepfake_edu.faces`` and cuts the
MesoNet crop; ``already_cropped`` accepts images that are already square face crops (any size)
and resizes them to 256x256. A square picture in which no face is found is taken as such a crop
only if it could be one (``crop_problem``): not tiny, not one flat colour, not an even texture or
noise all over (a wall, grass, static), which get "no face found" rather than a verdict.

For a video the authors' pipeline (pipeline.py) scores about 30 frames spread over the video
and reports the share of frames that the network calls fake (score above 0.5); ``detect_path``
does the same and also reports the mean score.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import torch

from deepfake_edu.data import video as _video
from deepfake_edu.data.images import IMAGE_SUFFIXES, read_image
from deepfake_edu.data.video import VIDEO_SUFFIXES
from deepfake_edu.errors import LabError

IMAGE_SIZE = 256
FAKE_THRESHOLD = 0.5  # the authors' decision: a face is called fake when P(fake) > 0.5
DEFAULT_VIDEO_FRAMES = 30  # the authors' pipeline scored about 30 frames per video

CropFn = Callable[[np.ndarray], Optional[np.ndarray]]

# When no face is found in a square picture, it is taken as an already-cut face crop (the authors'
# test images are such crops, and the cascade misses many of the lab's synthetic twins) unless:
MIN_FACE_SIDE = 32  # pixels: it is smaller than this on a side (no face MesoNet could judge)
FLAT_SPREAD = 12.0  # grey levels: its standard deviation (at 64 px) is below this: (almost) one flat colour
# Share of its variance (at 64 px) that lies between its 4x4 blocks: below this the picture looks
# the same everywhere, an even texture or noise (a wall, grass, gravel, static: 0.005-0.05), not a
# face (hair, skin and background differ: the lab's twins 0.17-0.83, 100 LFW faces 0.22-0.70).
TEXTURE_SHARE = 0.1


def already_cropped(rgb: np.ndarray, tolerance: float = 0.05) -> np.ndarray:
    """The default ``crop_fn``: a square face crop (sides within 5%) resized to 256x256.

    Anything else needs a face finder: a LabError says so.
    """
    import cv2

    height, width = rgb.shape[:2]
    if abs(height - width) > tolerance * max(height, width):
        raise LabError(f"this {width}x{height} image is not a square face crop: crop the face first "
                       f"(deepfake-edu faces extract), or pass a face-finding crop_fn")
    if (height, width) == (IMAGE_SIZE, IMAGE_SIZE):
        return rgb
    shrinking = max(height, width) > IMAGE_SIZE
    return cv2.resize(rgb, (IMAGE_SIZE, IMAGE_SIZE), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC)


def crop_problem(rgb: np.ndarray) -> str | None:
    """Why ``rgb`` (uint8 (H, W, 3), a picture in which no face was found) cannot be taken as an
    already-cut face crop, in words for a message ("it is ..."), or None when it can be.

    Refused: a picture under ``MIN_FACE_SIDE`` pixels on a side, one that is not square (within
    5%), one that looks the same all over, an even texture or noise (``TEXTURE_SHARE``), or one
    that is (almost) one flat colour (``FLAT_SPREAD``). Cheap: it is measured shrunk to 64x64.
    """
    import cv2

    height, width = rgb.shape[:2]
    if min(height, width) < MIN_FACE_SIDE:
        return f"it is only {width}x{height} pixels, too small to hold a face (a face crop needs {MIN_FACE_SIDE} or more on each side)"
    if abs(height - width) > 0.05 * max(height, width):
        return "no face was found in it, and it is not a square face crop"
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, (64, 64), interpolation=cv2.INTER_AREA).astype(np.float64)
    spread = float(small.std())
    if spread < 1.0:
        return "it is one flat colour, with no face in it"
    blocks = small.reshape(4, 16, 4, 16).mean(axis=(1, 3))
    if blocks.var() < TEXTURE_SHARE * spread**2:
        return "it looks the same all over (an even texture or noise, like a wall or static), with no face in it"
    if spread < FLAT_SPREAD:
        return "it is almost one flat colour, with no face in it"
    return None


def no_face_message(name: str, rgb: np.ndarray | None = None) -> str:
    """The one-line "no face found in NAME: why; what to do" for a picture (``crop_problem``)."""
    problem = crop_problem(rgb) if rgb is not None else None
    why = f"{problem}; " if problem and not problem.startswith("no face was found") else ""
    return f"no face found in {name}: {why}use a photo with a clear, frontal face, or a square face crop"


def face_finder(backend: str = "auto", crop: str = "lab", video: bool = False) -> CropFn:
    """A ``crop_fn`` that finds the largest face and cuts the MesoNet crop (256 px): the lab's
    framing by the eyes (``crop="lab"``, see ``faces.align.CROPS``) or the MesoNet authors' own,
    from 68 landmarks (``crop="authors"``: ``faces.align.align_authors``; the dlib backend).
    A square image in which no face is found is taken as an already-cut face crop (the authors' test images are such crops) when it could be one
    (``crop_problem``: not tiny, flat or the same all over), and so is a square image whose face
    fills most of it (cropping again would zoom in further); otherwise None. With ``video`` the
    pictures are video frames, never crops: every face found is cut (a talking head filling a
    square video is not a face crop)."""
    from deepfake_edu.faces import align_face, get_backend
    from deepfake_edu.faces.align import align_authors

    if crop not in ("lab", "authors"):
        raise LabError(f"unknown crop {crop!r}: use lab or authors")
    framing = crop
    finder = get_backend("dlib" if framing == "authors" and backend == "auto" else backend)

    def cut(rgb: np.ndarray) -> np.ndarray | None:
        height, width = rgb.shape[:2]
        if min(height, width) < MIN_FACE_SIDE:
            return None  # nothing to search: the finder's smallest face is larger
        faces = finder.detect(rgb)
        is_square = abs(height - width) <= 0.05 * max(height, width)
        if faces and (framing == "authors" or video):
            # The authors cut every face they found, however large.
            return align_authors(rgb, faces[0]).image if framing == "authors" else align_face(rgb, faces[0], "mesonet").image
        if faces and not (is_square and faces[0].box[2] >= 0.4 * width):
            return align_face(rgb, faces[0], "mesonet").image
        if faces and is_square:
            return already_cropped(rgb)  # the face fills it
        if crop_problem(rgb) is None:
            return already_cropped(rgb)
        return None

    return cut


def _as_batch(images) -> torch.Tensor:
    """uint8 (N, 256, 256, 3) / (256, 256, 3) arrays, or float tensors (N, 3, 256, 256) in [0, 1]
    -> float32 (N, 3, 256, 256)."""
    if isinstance(images, np.ndarray):
        if images.dtype != np.uint8:
            raise TypeError("numpy images must be uint8 RGB (N, 256, 256, 3); pass float data as a torch tensor (N, 3, 256, 256)")
        if images.ndim == 3:
            images = images[None]
        if images.ndim != 4 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE, 3):
            raise ValueError(f"expected uint8 (N, 256, 256, 3), got {images.shape}")
        return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float().div_(255.0)
    if isinstance(images, torch.Tensor):
        if images.ndim == 3:
            images = images[None]
        if images.ndim != 4 or tuple(images.shape[1:]) != (3, IMAGE_SIZE, IMAGE_SIZE):
            raise ValueError(f"expected float (N, 3, 256, 256), got {tuple(images.shape)}")
        return images.float()
    raise TypeError(f"images must be a numpy uint8 array or a torch tensor, not {type(images).__name__}")


def inference_module(model: torch.nn.Module) -> torch.nn.Module:
    """The fast inference copy of a MesoNet in eval mode (kept on the model and rebuilt when its
    weights change); any other module, or a model in train mode, is used as it is."""
    from deepfake_edu.detect.fast import optimize_for_inference
    from deepfake_edu.detect.mesonet import MesoNet

    if not isinstance(model, MesoNet) or model.training:
        return model
    # Tensor._version counts in-place changes (optimizer steps, load_state_dict): a cheap fingerprint.
    # The parameters and buffers themselves, not state_dict()'s values: those are new detached
    # tensors at each call, so their ids never matched and every call rebuilt (and re-timed) the copy.
    tensors = [*model.parameters(), *model.buffers()]
    fingerprint = (torch.get_num_threads(),) + tuple((id(t), t._version) for t in tensors)
    cached = getattr(model, "_fast_inference", None)
    if cached is None or cached[0] != fingerprint:
        cached = (fingerprint, optimize_for_inference(model))
        object.__setattr__(model, "_fast_inference", cached)  # not a submodule: stays out of state_dict
    return cached[1]


def predict_logits(model: torch.nn.Module, images, batch_size: int = 32) -> np.ndarray:
    """Logits (N,) float32, sigmoid = P(fake). ``model`` maps float (B, 3, 256, 256) to (B,)."""
    batch = _as_batch(images)
    device = next(iter(model.parameters()), torch.empty(0)).device if isinstance(model, torch.nn.Module) else torch.device("cpu")
    outputs = []
    with torch.inference_mode():
        for chunk in batch.split(batch_size):
            outputs.append(model(chunk.to(device)).float().cpu())
    return torch.cat(outputs).numpy() if outputs else np.zeros(0, dtype=np.float32)


def predict_proba(model: torch.nn.Module, images, batch_size: int = 32, fast: bool = True) -> np.ndarray:
    """P(fake) in [0, 1] for each image, shape (N,).

    images: uint8 RGB (N, 256, 256, 3) or (256, 256, 3), or a float tensor (N, 3, 256, 256) in
    [0, 1]. ``fast`` runs a MesoNet in eval mode through ``optimize_for_inference`` (same numbers
    within ~1e-5, several times quicker on a CPU); a model in train mode is used as it is.
    """
    module = inference_module(model) if fast else model
    logits = predict_logits(module, images, batch_size)
    return 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))


@dataclass
class Score:
    """One scored image or video frame."""

    source: str  # the image's file name, or "frame <index>"
    p_fake: float | None  # P(fake) in [0, 1]; None when crop_fn found no face
    frame: int | None = None  # frame index in the video
    time_s: float | None = None  # seconds from the start of the video


@dataclass
class Verdict:
    """What the detector says about an image, a folder of images, or a video."""

    path: str  # what was examined
    kind: str  # "image", "folder" or "video"
    scores: list[Score] = field(default_factory=list)  # one per image / sampled frame
    share_fake: float = float("nan")  # the authors' decision: share of faces with P(fake) > 0.5
    mean_p_fake: float = float("nan")  # mean P(fake) over the faces found
    label: str = "no face found"  # "likely fake", "likely real" or "no face found"
    faces_found: int = 0  # how many images / frames had a face to score

    def to_dict(self) -> dict:
        return asdict(self)


def summarize(path: str, kind: str, scores: list[Score]) -> Verdict:
    """Fill in the verdict from per-item scores (the authors' share-of-frames rule)."""
    values = np.array([s.p_fake for s in scores if s.p_fake is not None], dtype=np.float64)
    verdict = Verdict(path=path, kind=kind, scores=scores, faces_found=int(values.size))
    if values.size:
        verdict.share_fake = float(np.mean(values > FAKE_THRESHOLD))
        verdict.mean_p_fake = float(values.mean())
        verdict.label = "likely fake" if verdict.share_fake > 0.5 else "likely real"
    return verdict


def sample_frame_indices(frame_count: int, wanted: int = DEFAULT_VIDEO_FRAMES) -> list[int]:
    """About ``wanted`` frame indices spread evenly from the first frame to the last
    (``deepfake_edu.data.video.sample_frame_indices`` with the authors' 30 as the default)."""
    return _video.sample_frame_indices(frame_count, wanted)


def _score_crops(model: torch.nn.Module, crops: list[np.ndarray | None], batch_size: int) -> list[float | None]:
    found = [i for i, crop in enumerate(crops) if crop is not None]
    scores: list[float | None] = [None] * len(crops)
    if found:
        probabilities = predict_proba(model, np.stack([crops[i] for i in found]), batch_size=batch_size)
        for i, p in zip(found, probabilities):
            scores[i] = float(p)
    return scores


def _checked_crop(crop_fn: CropFn, rgb: np.ndarray) -> np.ndarray | None:
    crop = crop_fn(rgb)
    if crop is not None and crop.shape != (IMAGE_SIZE, IMAGE_SIZE, 3):
        raise ValueError(f"crop_fn must return uint8 (256, 256, 3) or None, got {crop.shape}")
    return crop


def detect_path(
    path: str | os.PathLike,
    model: torch.nn.Module,
    crop_fn: CropFn | None = None,
    frames: int = DEFAULT_VIDEO_FRAMES,
    batch_size: int = 32,
    crop: str = "lab",
) -> Verdict:
    """Score an image file, a folder of images (not recursive), or a video.

    Every image or sampled frame goes through ``crop_fn`` (default ``face_finder(crop=crop)``,
    and for a video's frames ``face_finder(crop=crop, video=True)``) and the crops are scored by
    ``model``. Returns a ``Verdict``; bad input raises a one-line LabError.
    """
    path = Path(path)
    video_crop_fn = crop_fn or face_finder(crop=crop, video=True)
    crop_fn = crop_fn or face_finder(crop=crop)
    if not path.exists():
        raise LabError(f"no such file or folder: {path} (check the path)")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise LabError(f"{path} holds no images ({', '.join(IMAGE_SUFFIXES)}): choose a folder of face crops")
        crops = [_checked_crop(crop_fn, read_image(p)) for p in files]
        values = _score_crops(model, crops, batch_size)
        return summarize(str(path), "folder", [Score(p.name, v) for p, v in zip(files, values)])
    suffix = path.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        # Each frame is cropped as it is decoded: only the 256 px crops are kept, never the frames.
        indices, crops = [], []
        with _video.VideoReader(path) as video:
            fps = video.fps
            for index, frame in _video.iter_sampled_frames(video, frames):
                indices.append(index)
                crops.append(_checked_crop(video_crop_fn, frame))
        values = _score_crops(model, crops, batch_size)
        scores = [Score(f"frame {i}", v, frame=i, time_s=i / fps) for i, v in zip(indices, values)]
        return summarize(str(path), "video", scores)
    if suffix in IMAGE_SUFFIXES:
        rgb = read_image(path)
        values = _score_crops(model, [_checked_crop(crop_fn, rgb)], batch_size)
        if values[0] is None:
            raise LabError(no_face_message(str(path), rgb))
        return summarize(str(path), "image", [Score(path.name, values[0])])
    raise LabError(f"{path} is neither an image ({', '.join(IMAGE_SUFFIXES)}) nor a video ({', '.join(VIDEO_SUFFIXES)})")


def plot_verdict(verdict: Verdict, out: str | os.PathLike) -> Path:
    """A PNG: P(fake) over time for a video, one bar per image otherwise; the 0.5 line marked."""
    from deepfake_edu.fileio import use_headless_backend

    use_headless_backend()
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import save_figure

    out = Path(out)
    figure, axes = plt.subplots(figsize=(8, 3.5))
    scored = [s for s in verdict.scores if s.p_fake is not None]
    if verdict.kind == "video":
        axes.plot([s.time_s for s in scored], [s.p_fake for s in scored], "o-", color="tab:red")
        axes.set_xlabel("time in the video (s)")
    else:
        axes.bar(range(len(scored)), [s.p_fake for s in scored], color="tab:red")
        axes.set_xticks(range(len(scored)), [s.source for s in scored], rotation=45, ha="right", fontsize=7)
    axes.axhline(FAKE_THRESHOLD, color="gray", linestyle="--", linewidth=1)
    axes.set_ylim(0, 1)
    axes.set_ylabel("P(fake)")
    axes.set_title(f"{Path(verdict.path).name}: {verdict.label} ({verdict.faces_found} faces, "
                   f"{0 if verdict.faces_found == 0 else verdict.share_fake:.0%} called fake)")
    figure.tight_layout()
    return save_figure(figure, out, dpi=100)
