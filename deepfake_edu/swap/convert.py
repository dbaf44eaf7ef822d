"""Swapping faces in a photo or in every frame of a video.

For each face in a frame: locate and align it (a crop plus the transform that made it), encode
it, decode it with the OTHER person's decoder, match its colours to the original crop
(Reinhard transfer in Lab colour space), warp it back into the frame and blend it in through a
soft (feathered) mask, or with OpenCV's Poisson blending (``seamlessClone``), then give it back
the frame's sharpness and grain, which a 64 px face stretched over the frame lacks
(``deepfake_edu.swap.merge``; ``grain=0, sharpen=0`` leaves that out). Videos keep their
frame count, size and frame rate. Every picture written carries the lab's provenance marks
(visible label, invisible mark, C2PA for photos when available: ``deepfake_edu.provenance``).

Locating faces is a hook: ``locate_fn(frame) -> [(crop uint8 (S, S, 3), transform (2, 3))]``
where ``transform`` maps frame pixels to crop pixels; a locator may add a third item, the face's
68 landmarks (68, 2) in crop pixels, or None. Every crop has the faces module's tight
"swap" framing (eyes 42% of the side apart, 38% down: brows to chin), what the model trained on:
``twins_locator`` (the default) cuts it from a twins picture, whose eyes are always at
``TWINS_EYES``; ``eyes_locator`` aligns from known eye positions; real photos get a locator from
``deepfake_edu.faces`` (with their 68 landmarks, where dlib gives them); ``whole_frame_locator``
takes a frame that already is a swap crop.

The blend mask (``face_mask``): a face with 68 landmarks is pasted through its own face hull
(jaw, brows and forehead, ``faces.regions.face_hull_mask``), so the paste follows that face's
outline and roll; the twins and faces without landmarks through a fixed ellipse of the swap
framing.

Whose face is it: a fake of two real people has no true answer, so ``apply_swap`` measures
instead how far each swapped face lies, in dlib's identity embedding, from the source's and the
target's training faces (their datasets' mean embedding), and how many frames are closer to the
target (``deepfake_edu.faces.identity``; ``fake_identity_report`` for a caller with fakes of its
own, such as the demo). Twins have true answers instead and are not measured this way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch

from deepfake_edu.data.video import VIDEO_SUFFIXES
from deepfake_edu.errors import LabError

from deepfake_edu.faces.align import align_by_eyes, frame_alpha, paste_back, paste_scale, twins_transform, warp_crop

LocateFn = Callable[[np.ndarray], list[tuple[np.ndarray, np.ndarray]]]


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
    """Faces found by ``deepfake_edu.faces`` (dlib, face-alignment or OpenCV), cut as "swap"
    crops: (crop, transform, the 68 landmarks in crop pixels or None when the backend has none)."""
    from deepfake_edu.faces import align_face, get_backend
    from deepfake_edu.faces.align import apply_affine

    detector = get_backend(backend)

    def locate(frame: np.ndarray) -> list[tuple]:
        crops = [align_face(frame, face, "swap", size) for face in detector.detect(frame)]
        return [(crop.image, crop.transform, None if crop.face.landmarks is None or len(crop.face.landmarks) != 68
                 else apply_affine(crop.transform, crop.face.landmarks)) for crop in crops]

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


MASKS = ("face", "glasses")  # what a swap's mask covers: the face ellipse, or that and the eye line out to the temples


def face_mask(size: int, feather: float = 0.08, cover: str = "face", points_68=None) -> np.ndarray:
    """float32 (size, size) in [0, 1]: a soft mask over the face of an aligned swap crop.

    points_68: the face's 68 landmarks (68, 2) in the crop's pixels, or None. With them the mask
    is that face's hull (jaw, brows and forehead: ``faces.regions.face_hull_mask``); without, a
    fixed ellipse where the swap framing puts a face. ``feather``: width of the soft edge as a
    fraction of the side; it grows mostly inwards (under 0.2 just outside the hull or ellipse,
    nothing a feather's width beyond it).
    ``cover="glasses"`` adds a band along the eye line (the swap framing puts the eyes 38% down)
    out to the temples, where a source's glasses show round the face: their frames and the
    start of their arms. Bad landmarks raise ``LabError`` (``faces.regions.check_points_68``).
    """
    import cv2

    if cover not in MASKS:
        raise LabError(f"unknown mask {cover!r}: use {' or '.join(MASKS)}")
    if points_68 is not None:
        from deepfake_edu.faces.regions import face_hull_mask

        mask = face_hull_mask(np.asarray(points_68, np.float64), size).astype(np.float32)
        edge = max(1, int(round(feather * size)))  # a hull may reach the crop's edge (the forehead):
        mask[:edge], mask[-edge:], mask[:, :edge], mask[:, -edge:] = 0, 0, 0, 0  # fade out inside it, no seam
    else:
        mask = np.zeros((size, size), np.float32)
        centre = (int(round(0.5 * size)), int(round(0.53 * size)))
        axes = (int(round(0.30 * size)), int(round(0.40 * size)))
        cv2.ellipse(mask, centre, axes, 0, 0, 360, 1.0, -1)
    if cover == "glasses":
        cv2.ellipse(mask, (round(0.5 * size), round(0.38 * size)), (round(0.42 * size), round(0.13 * size)), 0, 0, 360, 1.0, -1)
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
    identity: object | None = None  # faces.identity.IdentityReport of a real-face fake, or None
    identity_note: str | None = None  # why identity was not measured (None: measured, or twins)


GRAIN = 1.0  # default share of the frame's grain restored on a pasted face (swap.merge)
SHARPEN = 2.0  # default largest unsharp amount on a pasted face (swap.merge)
GRAIN_SPECTRA = ("matched", "white")


class FaceSwapper:
    """Swaps every located face of a frame to ``to_identity``.

    model: a trained FaceSwapModel (eval mode); locate_fn: see the module doc (default: a twins
    picture's swap crop); colour: "reinhard" or "none"; blend: "feather" or "seamless".
    Detail restored at merge time (``swap.merge``): grain, the share of the original frame's
    grain given back to the pasted face (0: none, 1: matched); sharpen, the largest unsharp
    amount (0: none), used only as far as it brings the face's detail toward the frame's;
    grain_spectrum: "matched" (the frame's, e.g. smoothed by a resize) or "white"; seed: with the
    frame's own content, seeds each face's grain. grain=0, sharpen=0 is the plain paste.
    mask: "face" (the face: its landmark hull when the locator gives 68 landmarks, else the
    ellipse) or "glasses" (also the eye line out to the temples: see ``face_mask``).
    ``mask`` holds the ellipse; ``last_masks`` the mask each face of the last frame was pasted
    through (its hull, or the ellipse when it had no 68 landmarks or they were unusable).
    """

    def __init__(self, model, to_identity: int, locate_fn: LocateFn | None = None, colour: str = "reinhard", blend: str = "feather", feather: float = 0.08,
                 grain: float = GRAIN, sharpen: float = SHARPEN, grain_spectrum: str = "matched", seed: int = 0, mask: str = "face"):
        if colour not in ("reinhard", "none"):
            raise LabError(f"unknown colour matching {colour!r}: use reinhard or none")
        if blend not in ("feather", "seamless"):
            raise LabError(f"unknown blend {blend!r}: use feather or seamless")
        if grain_spectrum not in GRAIN_SPECTRA:
            raise LabError(f"unknown grain spectrum {grain_spectrum!r}: use {' or '.join(GRAIN_SPECTRA)}")
        if not (0 <= grain <= 4 and 0 <= sharpen <= 8):
            raise LabError(f"grain must be 0-4 and sharpen 0-8, not {grain} and {sharpen}")
        if not 0 <= to_identity < len(model.decoders):
            raise LabError(f"identity {to_identity} does not exist: this model has {len(model.decoders)} decoders")
        self.model = model.eval()
        self.size = model.config.input_size
        self.to_identity = to_identity
        self.locate = locate_fn or twins_locator(self.size)
        self.colour = colour
        self.blend = blend
        self.mask = face_mask(self.size, feather, mask)  # the ellipse: faces without 68 landmarks
        self.feather, self.cover = feather, mask
        self.device = next(model.parameters()).device
        self.grain, self.sharpen, self.grain_spectrum, self.seed = float(grain), float(sharpen), grain_spectrum, int(seed)
        self.restorations: list = []  # what swap.merge did to each face of the last frame
        self.last_transforms: list[np.ndarray] = []  # 2x3 frame -> model-size crop of each face of the last frame
        self.last_masks: list[np.ndarray] = []  # float32 (S, S) blend mask of each face of the last frame

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
        crops, transforms, masks = [], [], []
        for crop, transform, *points in located:
            scale = self.size / crop.shape[0]  # a crop of another size: resize it, scale its transform
            crops.append(crop if scale == 1 else _resize(crop, self.size))
            transforms.append(np.asarray(transform, np.float64) * scale)
            masks.append(self._blend_mask(points[0] if points else None, scale))
        out = frame
        self.restorations = []
        self.last_transforms = transforms
        self.last_masks = masks
        for index, (crop, transform, mask, face) in enumerate(zip(crops, transforms, masks, self.swap_crops(crops))):
            if self.colour == "reinhard":
                face = reinhard_colour_transfer(face, crop, mask)
            pasted = paste_back(out, face, transform, mask, self.blend)
            if self.grain > 0 or self.sharpen > 0:
                from deepfake_edu.swap.merge import frame_seed, restore_detail

                rng = np.random.default_rng(frame_seed(frame, self.seed, index))
                pasted, done = restore_detail(pasted, out, frame_alpha(mask, transform, out.shape), paste_scale(transform),
                                              self.grain, self.sharpen, rng, spectrum=self.grain_spectrum == "matched")
                self.restorations.append(done)
            out = pasted
        return out, len(located)


    def _blend_mask(self, points_68, scale: float) -> np.ndarray:
        """The mask one face is pasted through: its landmark hull (``points_68`` in the located
        crop's pixels, times ``scale`` into the model's), else the ellipse. Landmarks that make
        no usable hull (NaN, degenerate, far outside the crop) fall back to the ellipse, so one
        bad detection does not stop a video."""
        if points_68 is None:
            return self.mask
        try:
            return face_mask(self.size, self.feather, self.cover, np.asarray(points_68, np.float64) * scale)
        except LabError:
            return self.mask


class PerfectSwapper(FaceSwapper):
    """A ``FaceSwapper`` whose "model" gives back each face's own crop at the model's size: every
    step of a swap but the decoder (cut, colour match, blend, detail restore). What its frames
    keep of the original is the most any model of that size could keep (``bench swap``'s ceiling)."""

    def swap_crops(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        return [np.array(crop, copy=True) for crop in crops]


def _resize(image: np.ndarray, size: int) -> np.ndarray:
    import cv2

    return cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if image.shape[0] > size else cv2.INTER_CUBIC)


IDENTITY_CROP = 128  # pixels: the side of the crop a fake face is measured from (the datasets' crops are 128 px)
IDENTITY_FACES = 60  # a video's identity is measured on at most this many frames, spread over it (~0.1 s each)


def swapped_face_crop(swapper: FaceSwapper, swapped: np.ndarray, size: int = IDENTITY_CROP) -> np.ndarray | None:
    """uint8 (size, size, 3): the first swapped face of the frame ``swapper`` last swapped, cut
    from ``swapped`` (that frame after the swap) in the swap framing; None when it had no face."""
    if not swapper.last_transforms:
        return None
    return warp_crop(swapped, swapper.last_transforms[0] * (size / swapper.size), size)


def swap_image(swapper: FaceSwapper, image: np.ndarray, out: str | os.PathLike, identity_faces: list | None = None) -> SwapResult:
    """Swap the faces of one uint8 RGB picture and write it (marked) to ``out``; the swapped face's
    crop (``swapped_face_crop``) is appended to ``identity_faces`` when a list is given."""
    swapped, faces = swapper.swap_frame(image)
    if identity_faces is not None and faces:
        identity_faces.append(swapped_face_crop(swapper, swapped))
    if faces == 0:  # a "fake" with no face swapped would still be labelled and recorded as one
        raise LabError(f"no face found in the picture for {Path(out).name}: give a photo with a clear, frontal face "
                       f"(or --locate whole for a picture that already is a face crop); nothing was written")
    path = _save_marked_photo(Path(out), swapped)
    return SwapResult(path, 1, image.shape[1], image.shape[0], None, faces)


def read_video_frames(path: str | os.PathLike) -> tuple[Iterator[np.ndarray], float, int, tuple[int, int]]:
    """(frames as uint8 RGB, fps, frame count as the container reports it, (width, height)).

    Kept for the demo's GIF preview; new code opens ``deepfake_edu.data.video.VideoReader``.
    """
    from deepfake_edu.data.video import VideoReader

    video = VideoReader(path)
    return iter(video), video.fps, video.frame_count, video.size


def swap_video(swapper: FaceSwapper, source: str | os.PathLike, out: str | os.PathLike, progress: bool = True,
               identity_faces: list | None = None) -> SwapResult:
    """Swap every frame of ``source`` and write ``out`` (.mp4 or .avi) at the same frame rate, atomically.

    With a list ``identity_faces``, the swapped face of at most ``IDENTITY_FACES`` frames spread
    over the video is appended to it (uint8 ``IDENTITY_CROP`` px crops, before the marks)."""
    from tqdm.auto import tqdm

    from deepfake_edu.data.video import VideoReader, VideoWriter, writer_codec

    out = Path(out)
    writer_codec(out)  # a name the lab cannot write is refused before the source is read
    faces_total = 0
    with VideoReader(source) as video, VideoWriter(out, video.fps) as writer:
        stride = max(1, -(-(video.frame_count or 0) // IDENTITY_FACES))
        for index, frame in enumerate(tqdm(video, total=video.frame_count or None, desc="swapping", unit="frame", disable=not progress)):
            swapped, faces = swapper.swap_frame(frame)
            if identity_faces is not None and faces and index % stride == 0:
                identity_faces.append(swapped_face_crop(swapper, swapped))
            writer.write(_apply_provenance(swapped, frame_index=writer.frames_written))
            faces_total += faces
        if writer.frames_written == 0:
            raise LabError(f"{source} has no frames that OpenCV can decode: try another video")
        if faces_total == 0:
            raise LabError(f"no face found in any frame of {source}: give a video with a clear, frontal face; nothing was written")
    return SwapResult(out, writer.frames_written, video.width, video.height, video.fps, faces_total)


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
    grain: float = GRAIN,
    sharpen: float = SHARPEN,
    identity: bool = True,
) -> SwapResult:
    """Load a trained run, swap the face(s) of a photo or a video to identity ``to``, write ``out``.

    ``to`` is an identity name as trained ("twin-01"), a decoder number, or a letter (A, B).
    ``locate_fn``: a function or a name for :func:`locator_for` (None: chosen from the model).
    ``grain``, ``sharpen``: detail restored at merge time (see ``FaceSwapper``; 0, 0: none).
    ``identity``: for a run of two real people, measure whose face the fake shows
    (``SwapResult.identity``, or ``identity_note`` saying why not); twins are never measured.
    """
    from deepfake_edu.data.images import IMAGE_SUFFIXES, read_image
    from deepfake_edu.swap.train import identity_index, load_swap_model
    from deepfake_edu.training.device import pick_device

    from deepfake_edu.fileio import refuse_overwriting

    source, out = Path(source), refuse_overwriting(out, source)
    model, info = load_swap_model(run, pick_device(device))
    if locate_fn is None or isinstance(locate_fn, str):
        locate_fn = locator_for(info, model.config.input_size, locate_fn)
    target = identity_index(info, to)
    swapper = FaceSwapper(model, target, locate_fn, colour, blend, grain=grain, sharpen=sharpen)
    measure = identity and info.get("face_kind") != "twins"
    faces: list | None = [] if measure else None
    if source.suffix.lower() in IMAGE_SUFFIXES:
        if out.suffix.lower() not in IMAGE_SUFFIXES:
            raise LabError(f"the input is a photo: name the output .png or .jpg, not {out.name}")
        result = swap_image(swapper, read_image(source), out, faces)
    elif source.suffix.lower() in VIDEO_SUFFIXES:
        result = swap_video(swapper, source, out, progress, faces)
    else:
        result = None
    if result is not None:
        from deepfake_edu.data.forget import record_output

        record_output(result.path, info.get("datasets", []))  # so `deepfake-edu forget` finds it
        if measure:
            try:
                result.identity = fake_identity_report(info, target, faces)
            except LabError as error:  # the fake is written and recorded: say why it was not measured
                result.identity_note = str(error)
        return result
    raise LabError(f"{source.name} is neither a photo ({', '.join(IMAGE_SUFFIXES)}) nor a video ({', '.join(VIDEO_SUFFIXES)})")


# --- whose face is it ----------------------------------------------------------------------------


def run_people(info: dict) -> list[tuple[str, object, str | None]]:
    """Who a swap run learned, as (identity name, data.dataset.Dataset, identity inside it or None
    for the whole dataset), in decoder order, read as ``swap.facesets.load_face_sets`` reads the
    run's ``train_options`` (one dataset of several people, or one dataset per person)."""
    from deepfake_edu.data.dataset import load_dataset

    data = info.get("train_options", {}).get("data") or []
    names = list(info.get("identities", []))
    if not data or not names:
        raise LabError("this run does not say which faces it learned from: retrain it with `deepfake-edu swap train`")
    datasets = [load_dataset(path) for path in data]
    if len(datasets) == 1:
        return [(name, datasets[0], name) for name in names]
    chosen = info.get("train_options", {}).get("identities")
    if chosen and len(chosen) == len(datasets):
        return [(name, dataset, identity) for name, dataset, identity in zip(names, datasets, chosen)]
    return [(name, dataset, None) for name, dataset in zip(names, datasets)]


def identity_means(info: dict) -> dict[str, np.ndarray]:
    """{identity name: float32 (128,) mean embedding of its training faces} for a run of real faces.

    One-line LabErrors: a twins run (it has true answers instead), a dataset that is not real
    faces or is gone, dlib missing (``faces.identity.require_dlib``)."""
    from deepfake_edu.faces.identity import dataset_mean_embedding, require_dlib

    if info.get("face_kind") == "twins":
        raise LabError("a twins run has true answers: identity is measured for real faces only")
    people = run_people(info)
    for name, dataset, _ in people:
        if dataset.info.get("kind") != "real-faces":
            raise LabError(f"{name} comes from {dataset.name!r}, which is not a real-faces dataset: identity is measured for real faces only")
    require_dlib()
    return {name: dataset_mean_embedding(dataset, identity) for name, dataset, identity in people}


def fake_identity_report(info: dict, to_identity: int | str, fake_faces):
    """Whose face a real-face fake shows: ``faces.identity.IdentityReport`` of ``fake_faces``
    against the source's and the target's datasets' mean embeddings.

    ``info``: the run's checkpoint info (``load_swap_model``'s second value); ``to_identity``: the
    decoder the fake was made with (number or name); ``fake_faces``: the swapped faces as uint8
    swap-framed crops (S, S, 3), any S (``swapped_face_crop`` cuts them from a swapped frame), or
    their embeddings (N, 128). The run must have exactly two people (the source is the other
    one). One-line LabError when it cannot be measured (twins, dlib missing, a dataset gone).
    The demo calls this for its real-face fakes.
    """
    from deepfake_edu.faces.identity import identity_report

    names = list(info.get("identities", []))
    target = to_identity if isinstance(to_identity, int) else _identity_index(info, to_identity)
    if len(names) != 2:
        raise LabError(f"identity is measured for a pair: this run has {len(names)} people")
    if fake_faces is None or len(fake_faces) == 0:
        raise LabError("no swapped face to measure")
    means = identity_means(info)
    source_name, target_name = names[1 - target], names[target]
    return identity_report(fake_faces, means[source_name], means[target_name], names=(source_name, target_name))


def _identity_index(info: dict, name_or_index) -> int:
    """``swap.train.identity_index`` (imported late: train pulls in the trainer)."""
    from deepfake_edu.swap.train import identity_index as index

    return index(info, name_or_index)
