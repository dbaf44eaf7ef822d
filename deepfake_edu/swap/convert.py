"""Swapping faces in a photo or in every frame of a video.

For each face in a frame: locate and align it (a crop plus the transform that made it), encode
it, decode it with the OTHER person's decoder, match its colours to the original crop
(Reinhard transfer in Lab colour space), warp it back into the frame and blend it in through a
soft (feathered) mask, or with OpenCV's Poisson blending (``seamlessClone``). Videos keep their
frame count, size and frame rate. Every picture written carries the lab's provenance marks
(visible label, invisible mark, C2PA for photos when available: ``deepfake_edu.provenance``).

Locating faces is a hook: ``locate_fn(frame) -> [(crop uint8 (S, S, 3), transform (2, 3))]``
where ``transform`` maps frame pixels to crop pixels. Every crop has the faces module's tight
"swap" framing (eyes 42% of the side apart, 38% down: brows to chin), what the model trained on:
``twins_locator`` (the default) cuts it from a twins picture, whose eyes are always at
``TWINS_EYES``; ``eyes_locator`` aligns from known eye positions; real photos get a locator from
``deepfake_edu.faces``; ``whole_frame_locator`` takes a frame that already is a swap crop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch

from deepfake_edu.errors import LabError

LocateFn = Callable[[np.ndarray], list[tuple[np.ndarray, np.ndarray]]]
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v")
_WRITE_CODECS = {".mp4": "mp4v", ".avi": "MJPG"}
# Where a twins picture has its eye centres (fractions of its side, image-left eye first).
TWINS_EYES = ((0.35, 0.40), (0.65, 0.40))
# What the model sees: the faces module's "swap" crop (checkpoints record it as "framing").
SWAP_FRAMING = "swap"


# --- locating and aligning -------------------------------------------------------------------


def whole_frame_locator(size: int) -> LocateFn:
    """The frame's central square, resized to ``size``: for frames that already are swap crops."""

    def locate(frame: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        height, width = frame.shape[:2]
        side = min(height, width)
        scale = size / side
        x0, y0 = (width - side) / 2, (height - side) / 2
        transform = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]], np.float64)
        return [(warp_crop(frame, transform, size), transform)]

    return locate


def eyes_transform(eye_left, eye_right, size: int) -> np.ndarray:
    """2x3 similarity (rotation, uniform scale, shift) from frame pixels to a ``size`` px swap
    crop that puts the eyes (frame pixels, image-left eye first) where the swap framing wants them."""
    from deepfake_edu.faces.align import CROPS, umeyama

    return umeyama(np.array([eye_left, eye_right], np.float64), CROPS[SWAP_FRAMING].eye_targets(size))


def warp_crop(frame: np.ndarray, transform: np.ndarray, size: int) -> np.ndarray:
    """uint8 (size, size, C) cut from ``frame`` by the 2x3 ``transform`` (frame -> crop pixels).

    A shrinking transform first resizes the frame with pixel averaging, so a big picture does
    not alias into a small crop (a bilinear warp alone skips pixels).
    """
    import cv2

    transform = np.asarray(transform, np.float64)
    scale = float(np.sqrt(abs(np.linalg.det(transform[:, :2]))))
    if scale < 0.9:
        height, width = frame.shape[:2]
        small = (max(1, round(width * scale)), max(1, round(height * scale)))
        frame = cv2.resize(frame, small, interpolation=cv2.INTER_AREA)
        # A pixel centre x of the small frame sits at (x + 0.5) * ratio - 0.5 in the big one.
        ratio = np.array([width / small[0], height / small[1]])
        transform = np.hstack([transform[:, :2] * ratio, (transform[:, 2] + transform[:, :2] @ (0.5 * ratio - 0.5))[:, None]])
    return cv2.warpAffine(frame, transform, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def align_by_eyes(frame: np.ndarray, eye_left: tuple[float, float], eye_right: tuple[float, float], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Swap crop (size, size, 3) with the eyes (frame pixels; image-left eye first) where the
    training crops have them; returns (crop, transform frame -> crop)."""
    transform = eyes_transform(eye_left, eye_right, size)
    return warp_crop(frame, transform, size), transform


def twins_transform(side: int, size: int) -> np.ndarray:
    """2x3 transform from a square twins picture ``side`` px wide to its ``size`` px swap crop."""
    (left_x, left_y), (right_x, right_y) = TWINS_EYES
    return eyes_transform((left_x * side, left_y * side), (right_x * side, right_y * side), size)


def twins_crops(pictures: np.ndarray, size: int) -> np.ndarray:
    """uint8 (N, size, size, 3): the swap crops of square twins pictures uint8 (N, S, S, 3)."""
    transform = twins_transform(pictures.shape[1], size)
    return np.stack([warp_crop(picture, transform, size) for picture in pictures])


def twins_locator(size: int) -> LocateFn:
    """The swap crop of a twins picture (a square frame; a wider one: its central square)."""

    def locate(frame: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        height, width = frame.shape[:2]
        side = min(height, width)
        transform = twins_transform(side, size)
        transform[:, 2] -= transform[:, :2] @ np.array([(width - side) / 2, (height - side) / 2])
        return [(warp_crop(frame, transform, size), transform)]

    return locate


def eyes_locator(find_eyes: Callable[[np.ndarray], list[tuple[tuple[float, float], tuple[float, float]]]], size: int) -> LocateFn:
    """A locator from a function giving each face's (eye_left, eye_right) in frame pixels."""
    return lambda frame: [align_by_eyes(frame, left, right, size) for left, right in find_eyes(frame)]


def real_faces_locator(size: int, backend: str = "auto") -> LocateFn:
    """Faces found by ``deepfake_edu.faces`` (OpenCV or face-alignment), cut as "swap" crops."""
    from deepfake_edu.faces import align_face, get_backend

    detector = get_backend(backend)

    def locate(frame: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        crops = [align_face(frame, face, "swap", size) for face in detector.detect(frame)]
        return [(crop.image, crop.transform) for crop in crops]

    return locate


LOCATORS = ("twins", "faces", "whole")


def locator_for(info: dict, size: int, name: str | None = None) -> LocateFn:
    """The locator named ``name`` ("twins", "faces" or "whole"), or the one that suits what a
    model's checkpoint ``info`` says it learned: "twins" for twins, "faces" for real faces."""
    if name is None:
        name = "twins" if info.get("face_kind") == "twins" else "faces"
    if name == "twins":
        return twins_locator(size)
    if name == "faces":
        return real_faces_locator(max(64, size))
    if name == "whole":
        return whole_frame_locator(size)
    raise LabError(f"unknown face locator {name!r}: use {', '.join(LOCATORS)}")


# --- the pieces of one swap ------------------------------------------------------------------


def face_mask(size: int, feather: float = 0.08) -> np.ndarray:
    """float32 (size, size) in [0, 1]: a soft ellipse over the face of an aligned crop.

    ``feather``: width of the soft edge as a fraction of the side.
    """
    import cv2

    mask = np.zeros((size, size), np.float32)
    centre = (int(round(0.5 * size)), int(round(0.53 * size)))
    axes = (int(round(0.30 * size)), int(round(0.40 * size)))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 1.0, -1)
    blur = max(1, int(round(feather * size)))
    mask = cv2.erode(mask, np.ones((blur, blur), np.uint8))  # the soft edge grows inwards, not onto the background
    return cv2.GaussianBlur(mask, (0, 0), blur / 2)


def reinhard_colour_transfer(source: np.ndarray, reference: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Give uint8 RGB ``source`` the per-channel mean and spread of ``reference`` in Lab colour space.

    Statistics are taken where ``mask`` > 0.5 (both images the same size); Reinhard et al. 2001.
    """
    import cv2

    source_lab = cv2.cvtColor(source.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    reference_lab = cv2.cvtColor(reference.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    region = (mask > 0.5) if mask is not None and (mask > 0.5).sum() > 16 else np.ones(source.shape[:2], bool)
    src_mean, src_std = source_lab[region].mean(0), source_lab[region].std(0) + 1e-6
    ref_mean, ref_std = reference_lab[region].mean(0), reference_lab[region].std(0)
    moved = (source_lab - src_mean) * (ref_std / src_std) + ref_mean
    moved[..., 0] = np.clip(moved[..., 0], 0, 100)
    rgb = cv2.cvtColor(moved.astype(np.float32), cv2.COLOR_LAB2RGB)
    return (np.clip(rgb, 0, 1) * 255).round().astype(np.uint8)


def paste_back(frame: np.ndarray, face: np.ndarray, mask: np.ndarray, transform: np.ndarray, blend: str = "feather") -> np.ndarray:
    """Warp crop-space ``face`` (S, S, 3) and ``mask`` (S, S) back into ``frame`` and blend.

    blend: "feather" (alpha through the soft mask) or "seamless" (cv2.seamlessClone; falls
    back to feathering where the face touches the frame's edge).
    """
    import cv2

    height, width = frame.shape[:2]
    inverse = cv2.invertAffineTransform(transform)
    warped = cv2.warpAffine(face, inverse, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    alpha = cv2.warpAffine(mask, inverse, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    if blend == "seamless":
        hard = (alpha > 0.5).astype(np.uint8) * 255
        ys, xs = np.nonzero(hard)
        if len(xs) and xs.min() > 1 and ys.min() > 1 and xs.max() < width - 2 and ys.max() < height - 2:
            centre = (int((xs.min() + xs.max() + 1) // 2), int((ys.min() + ys.max() + 1) // 2))
            try:
                bgr = cv2.seamlessClone(np.ascontiguousarray(warped[..., ::-1]), np.ascontiguousarray(frame[..., ::-1]), hard, centre, cv2.NORMAL_CLONE)
                return np.ascontiguousarray(bgr[..., ::-1])
            except cv2.error:
                pass
    elif blend != "feather":
        raise LabError(f"unknown blend {blend!r}: use feather or seamless")
    alpha = alpha[..., None]
    return (frame.astype(np.float32) * (1 - alpha) + warped.astype(np.float32) * alpha).round().clip(0, 255).astype(np.uint8)


def _apply_provenance(frame: np.ndarray, frame_index: int | None = None) -> np.ndarray:
    """The lab's visible label and invisible mark on a produced picture (uint8 RGB (H, W, 3)).

    The one place every swapped video frame passes through before it is written (photos go
    through ``_save_marked_photo``, which adds a C2PA manifest as well). Frames under 256 px on
    the short side get the visible label only (the provenance package warns).
    """
    from deepfake_edu import provenance

    if frame_index is None:
        return provenance.mark_image(frame, info=_PROVENANCE_INFO)
    return provenance.mark_video_frame(frame, frame_index)


def _save_marked_photo(path: Path, rgb: np.ndarray) -> Path:
    """Label, mark and write a swapped photo (plus C2PA when c2pa-python is installed)."""
    from deepfake_edu import provenance

    return Path(provenance.save_marked_image(path, rgb, info=_PROVENANCE_INFO))


_PROVENANCE_INFO = {"generator": "deepfake-edu", "tool": "swap", "kind": "face swap (shared-encoder autoencoder)"}


# --- the swapper -------------------------------------------------------------------------------


@dataclass
class SwapResult:
    """What a swap wrote: the file, its frames, size and rate, and how many faces were swapped."""

    path: Path
    frames: int
    width: int
    height: int
    fps: float | None
    faces_swapped: int


class FaceSwapper:
    """Swaps every located face of a frame to ``to_identity``.

    model: a trained FaceSwapModel (eval mode); locate_fn: see the module doc (default: a twins
    picture's swap crop); colour: "reinhard" or "none"; blend: "feather" or "seamless".
    """

    def __init__(self, model, to_identity: int, locate_fn: LocateFn | None = None, colour: str = "reinhard", blend: str = "feather", feather: float = 0.08):
        if colour not in ("reinhard", "none"):
            raise LabError(f"unknown colour matching {colour!r}: use reinhard or none")
        if blend not in ("feather", "seamless"):
            raise LabError(f"unknown blend {blend!r}: use feather or seamless")
        if not 0 <= to_identity < len(model.decoders):
            raise LabError(f"identity {to_identity} does not exist: this model has {len(model.decoders)} decoders")
        self.model = model.eval()
        self.size = model.config.input_size
        self.to_identity = to_identity
        self.locate = locate_fn or twins_locator(self.size)
        self.colour = colour
        self.blend = blend
        self.mask = face_mask(self.size, feather)
        self.device = next(model.parameters()).device

    def swap_crops(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        """Aligned uint8 crops (S, S, 3) -> the same faces as ``to_identity``, uint8, one batch."""
        from deepfake_edu.data.images import to_tensor, to_uint8

        if not crops:
            return []
        with torch.no_grad():
            swapped = self.model.swap(to_tensor(np.stack(crops)).to(self.device), self.to_identity)
        return list(to_uint8(swapped.float()))

    def swap_frame(self, frame: np.ndarray) -> tuple[np.ndarray, int]:
        """uint8 RGB (H, W, 3) -> (the frame with every located face swapped, how many)."""
        located = self.locate(frame)
        crops, transforms = [], []
        for crop, transform in located:
            scale = self.size / crop.shape[0]  # a crop of another size: resize it, scale its transform
            crops.append(crop if scale == 1 else _resize(crop, self.size))
            transforms.append(np.asarray(transform, np.float64) * scale)
        out = frame
        for crop, transform, face in zip(crops, transforms, self.swap_crops(crops)):
            if self.colour == "reinhard":
                face = reinhard_colour_transfer(face, crop, self.mask)
            out = paste_back(out, face, self.mask, transform, self.blend)
        return out, len(located)


def _resize(image: np.ndarray, size: int) -> np.ndarray:
    import cv2

    return cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if image.shape[0] > size else cv2.INTER_CUBIC)


def swap_image(swapper: FaceSwapper, image: np.ndarray, out: str | os.PathLike) -> SwapResult:
    """Swap the faces of one uint8 RGB picture and write it (marked) to ``out``."""
    swapped, faces = swapper.swap_frame(image)
    path = _save_marked_photo(Path(out), swapped)
    return SwapResult(path, 1, image.shape[1], image.shape[0], None, faces)


def read_video_frames(path: str | os.PathLike) -> tuple[Iterator[np.ndarray], float, int, tuple[int, int]]:
    """(frames as uint8 RGB, fps, frame count as the container reports it, (width, height))."""
    import cv2

    path = Path(path)
    if not path.exists():
        raise LabError(f"no such video: {path} (check the path)")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise LabError(f"{path} is not a readable video: try an .mp4 or .avi file")
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))

    def frames() -> Iterator[np.ndarray]:
        try:
            while True:
                ok, bgr = capture.read()
                if not ok:
                    return
                yield cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        finally:
            capture.release()

    return frames(), float(fps), count, size


def swap_video(swapper: FaceSwapper, source: str | os.PathLike, out: str | os.PathLike, progress: bool = True) -> SwapResult:
    """Swap every frame of ``source`` and write ``out`` (.mp4 or .avi) at the same frame rate, atomically."""
    import cv2
    from tqdm.auto import tqdm

    from deepfake_edu.fileio import atomic_path

    out = Path(out)
    if out.suffix.lower() not in _WRITE_CODECS:
        raise LabError(f"cannot write video {out}: name it .mp4 or .avi")
    frames, fps, count, (width, height) = read_video_frames(source)
    written = faces_total = 0
    with atomic_path(out) as tmp:
        writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*_WRITE_CODECS[out.suffix.lower()]), fps, (width, height))
        if not writer.isOpened():
            raise LabError(f"OpenCV cannot write {out.suffix} video here: try .avi")
        try:
            for frame in tqdm(frames, total=count or None, desc="swapping", unit="frame", disable=not progress):
                swapped, faces = swapper.swap_frame(frame)
                writer.write(cv2.cvtColor(_apply_provenance(swapped, frame_index=written), cv2.COLOR_RGB2BGR))
                written += 1
                faces_total += faces
        finally:
            writer.release()
        if written == 0:
            raise LabError(f"{source} has no frames that OpenCV can decode: try another video")
    return SwapResult(out, written, width, height, fps, faces_total)


def apply_swap(
    run: str | os.PathLike,
    source: str | os.PathLike,
    to: str | int,
    out: str | os.PathLike,
    locate_fn: LocateFn | str | None = None,
    colour: str = "reinhard",
    blend: str = "feather",
    device: str = "auto",
    progress: bool = True,
) -> SwapResult:
    """Load a trained run, swap the face(s) of a photo or a video to identity ``to``, write ``out``.

    ``to`` is an identity name as trained ("twin-01"), a decoder number, or a letter (A, B).
    ``locate_fn``: a function or a name for :func:`locator_for` (None: chosen from the model).
    """
    from deepfake_edu.data.images import IMAGE_SUFFIXES, read_image
    from deepfake_edu.swap.train import identity_index, load_swap_model
    from deepfake_edu.training.device import pick_device

    source, out = Path(source), Path(out)
    model, info = load_swap_model(run, pick_device(device))
    if locate_fn is None or isinstance(locate_fn, str):
        locate_fn = locator_for(info, model.config.input_size, locate_fn)
    swapper = FaceSwapper(model, identity_index(info, to), locate_fn, colour, blend)
    if source.suffix.lower() in IMAGE_SUFFIXES:
        if out.suffix.lower() not in IMAGE_SUFFIXES:
            raise LabError(f"the input is a photo: name the output .png or .jpg, not {out.name}")
        result = swap_image(swapper, read_image(source), out)
    elif source.suffix.lower() in VIDEO_SUFFIXES:
        result = swap_video(swapper, source, out, progress)
    else:
        result = None
    if result is not None:
        from deepfake_edu.data.forget import record_output

        record_output(result.path, info.get("datasets", []))  # so `deepfake-edu forget` finds it
        return result
    raise LabError(f"{source.name} is neither a photo ({', '.join(IMAGE_SUFFIXES)}) nor a video ({', '.join(VIDEO_SUFFIXES)})")
