"""What each tab of the demo does, as plain functions over a ``DemoLab``.

The Gradio page (``app``) only wires these to widgets; tests call them directly. Every bad
input a visitor can cause raises ``LabError`` with one line to show in the page. Nothing here
takes a file path from a visitor except uploaded files (checked by ``check_upload``); models,
runs and faces are chosen from lists of known items.

Images come back as uint8 RGB arrays (H, W, 3); files the demo writes (fakes, plots) go under
``<lab home>/outputs/demo/`` and every fake is recorded in the ``forget`` ledger.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from deepfake_edu.data.video import VIDEO_SUFFIXES  # the lab's one list: the demo takes every video the lab reads
from deepfake_edu.errors import LabError

log = logging.getLogger("deepfake_edu.demo")

MAX_UPLOAD_MB = 25  # uploads above this are refused (Gradio refuses them first, see app.launch_app)
MAX_VIDEO_SECONDS = 30.0  # a longer video is refused: the demo scores ~30 frames, a class waits
MAX_VIDEO_FRAMES = 3000  # and so is one with more frames than this, whatever its frame rate says
MAX_FACES = 6  # faces scored per photo (largest first)
SHOWN_SIDE = 192  # side of the face pictures shown in the page, pixels
FAKE_SIDE = 256  # side of a fake photo the demo writes: large enough for the invisible mark
CLIP_FRAMES = 24  # frames in a twins clip the demo swaps (about 1 s)
FACES_PER_PERSON = 48  # faces of each person a run's picker offers
# The demo's own, narrower than data.images.IMAGE_SUFFIXES: no TIFF uploads (most browsers do not show TIFF).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")
SHOWN_KEEP_S = 900  # pictures made for the page (uploaded faces included) are deleted after 15 minutes


# --- the shared state: assets and models loaded once ------------------------------------------


class DemoLab:
    """The lab's prepared assets (``deepfake_edu.lab.LabAssets``) and the models the tabs use,
    each loaded on first use and shared by every visitor (thread-safe)."""

    def __init__(self, assets) -> None:
        self.assets = assets
        self.home = Path(assets.home)
        self.folder = self.home / "outputs" / "demo"  # everything the demo writes
        self.outputs = self.folder / "fakes"
        from deepfake_edu.demo.quiz import QuizTally

        self.tally = QuizTally(self.folder / "quiz_tally.json")
        self._lock = threading.RLock()
        self._cache: dict[Any, Any] = {}
        self._local = threading.local()
        self.shown = self.folder / "shown"
        self._last_sweep = 0.0

    def cached(self, key, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    # datasets
    def twins(self):
        from deepfake_edu.data.dataset import load_dataset

        return self.cached("twins", lambda: load_dataset(self.assets.twins))

    def realfake(self):
        from deepfake_edu.data.dataset import load_dataset

        def load():
            dataset = load_dataset(self.assets.realfake)
            records = [r for r in dataset.records if r.get("label") in ("real", "fake")]
            if not records:
                raise LabError(f"{self.assets.realfake} has no faces labelled real or fake: run `deepfake-edu prepare --force`")
            return dataset, records

        return self.cached("realfake", load)

    # the funnel
    def funnel_widths(self) -> dict[int, Path]:
        from deepfake_edu.demo.funnel import trained_widths

        return self.cached("funnel-widths", lambda: trained_widths(self.home))

    def funnel_model(self, width: int):
        from deepfake_edu.swap.train import load_swap_model

        widths = self.funnel_widths()
        if int(width) not in widths:
            shown = ", ".join(str(w) for w in widths) or "none yet"
            raise LabError(f"no autoencoder {width} numbers wide (trained: {shown}): start the demo without --no-prepare to train them")
        return self.cached(("funnel", int(width)), lambda: load_swap_model(widths[int(width)]))

    # face-swap runs
    def swap_runs(self) -> dict[str, Path]:
        """{label: run folder}: the lab's classroom model first, then the class's runs under runs/."""
        def scan():
            from deepfake_edu.training.checkpoint import latest_checkpoint

            runs = {"twins (the lab's classroom model)": Path(self.assets.swap_run)}
            runs_dir = self.home / "runs"
            if runs_dir.is_dir():
                for folder in sorted(runs_dir.iterdir()):
                    found = latest_checkpoint(folder) if folder.is_dir() else None
                    if found is not None and folder.resolve() != Path(self.assets.swap_run).resolve() and _model_name(found) == "faceswap":
                        runs[f"runs/{folder.name}"] = folder
            return runs

        return self.cached("swap-runs", scan)

    def swap_model(self, run_label: str):
        from deepfake_edu.swap.train import load_swap_model

        runs = self.swap_runs()
        if run_label not in runs:
            raise LabError(f"unknown model {run_label!r}: choose one from the list")
        return self.cached(("swap", run_label), lambda: load_swap_model(runs[run_label]))

    def run_faces(self, run_label: str):
        """The faces a run was trained on (``swap.train.FaceSets``, at most FACES_PER_PERSON each)."""
        from deepfake_edu.swap.train import load_face_sets

        def load():
            model, info = self.swap_model(run_label)
            data = info.get("train_options", {}).get("data")
            if not data:
                raise LabError(f"{run_label} does not say which faces it learned from: retrain it with `deepfake-edu swap train`")
            identities = info.get("identities") if len(data) == 1 else None
            return load_face_sets(data, identities, model.config.input_size, FACES_PER_PERSON)

        return self.cached(("faces", run_label), load)

    # detectors
    def detectors(self) -> dict[str, Path]:
        """{label: checkpoint}: the lab's Meso-4 trained on twins, then MesoNets found in models/."""
        def scan():
            found = {"Meso-4 trained on twins (the lab's)": Path(self.assets.detector)}
            models = self.home / "models"
            if models.is_dir():
                for json_path in sorted(models.rglob("*.json")):
                    if json_path.with_suffix(".safetensors").exists() and _model_name(json_path) in ("meso4", "mesoinception4"):
                        if json_path.with_suffix("").resolve() != Path(self.assets.detector).with_suffix("").resolve():
                            found[f"models/{json_path.relative_to(models).with_suffix('')}"] = json_path
            return found

        return self.cached("detectors", scan)

    def detector(self, label: str):
        from deepfake_edu.detect.keras_import import load_detector

        detectors = self.detectors()
        if label not in detectors:
            raise LabError(f"unknown detector {label!r}: choose one from the list")
        return self.cached(("detector", label), lambda: load_detector(detectors[label]))

    def private_detector(self, label: str):
        """A fresh copy of a detector, read from its file, for this call only: Grad-CAM hooks a
        layer, and other visitors' scoring through the shared model must never meet that hook."""
        from deepfake_edu.detect.keras_import import load_detector

        detectors = self.detectors()
        if label not in detectors:
            raise LabError(f"unknown detector {label!r}: choose one from the list")
        return load_detector(detectors[label])

    def face_backend(self):
        """An OpenCV face finder for this thread (cascade classifiers are not shared between threads)."""
        backend = getattr(self._local, "faces", None)
        if backend is None:
            from deepfake_edu.faces import get_backend

            backend = self._local.faces = get_backend("opencv")
        return backend

    def new_output(self, stem: str, suffix: str) -> Path:
        self.outputs.mkdir(parents=True, exist_ok=True)
        return self.outputs / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}{suffix}"

    def picture(self, rgb: np.ndarray | None) -> str | None:
        """A picture for the page as a PNG file (named by its content, written atomically).

        Gradio would write a numpy picture into its cache in place, so two visitors getting the
        same picture at once could be served a half-written file; a finished file it copies
        atomically. Pictures older than SHOWN_KEEP_S are swept away as new ones are made.
        """
        import hashlib

        import cv2

        from deepfake_edu.fileio import write_bytes_atomic

        if rgb is None:
            return None
        ok, encoded = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR))
        if not ok:
            raise LabError("could not encode a picture for the page")
        data = encoded.tobytes()
        path = self.shown / f"{hashlib.sha256(data).hexdigest()[:24]}.png"
        if not path.exists():
            write_bytes_atomic(path, data)
        else:
            os.utime(path)
        self._sweep_shown()
        return str(path)

    def _sweep_shown(self) -> None:
        now = time.time()
        if now - self._last_sweep < 60:
            return
        self._last_sweep = now
        for old in self.shown.glob("*.png"):
            try:
                if now - old.stat().st_mtime > SHOWN_KEEP_S:
                    old.unlink()
            except OSError:
                pass

    def warm_up(self) -> None:
        """Load what the first visitors will need (run in a background thread after launch)."""
        for step in (self.twins, self.realfake, self.funnel_widths, self.swap_runs, self.detectors):
            try:
                step()
            except LabError as error:
                log.warning("warm-up: %s", error)
        for load in (lambda: self.detector(next(iter(self.detectors()))), lambda: self.swap_model(next(iter(self.swap_runs())))):
            try:
                load()
            except LabError as error:
                log.warning("warm-up: %s", error)


def _model_name(json_path: Path) -> str | None:
    import json

    try:
        return json.loads(Path(json_path).read_text()).get("model")
    except (OSError, ValueError):
        return None


def _shown(image: np.ndarray, side: int = SHOWN_SIDE, smooth: bool = False) -> np.ndarray:
    """A square uint8 picture resized for the page (nearest neighbour keeps pixels honest)."""
    import cv2

    if image.shape[0] == side:
        return image
    return cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA if smooth else cv2.INTER_NEAREST)


def side_by_side(pictures: list[np.ndarray], gap: int = 8) -> np.ndarray:
    """uint8 pictures of one height in a row, with white gaps between: (H, sum W + gaps, 3)."""
    white = np.full((pictures[0].shape[0], gap, 3), 255, np.uint8)
    row = [pictures[0]]
    for picture in pictures[1:]:
        row += [white, picture]
    return np.concatenate(row, axis=1)


def _ssim_mse(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """SSIM and mean squared error (pixels in [0, 1]) of two uint8 pictures of one size."""
    from deepfake_edu.data.images import to_tensor
    from deepfake_edu.swap.losses import ssim

    x, y = to_tensor(a), to_tensor(b)
    return float(ssim(x, y)), float(((x - y) ** 2).mean())


# --- tab 1: inside the autoencoder ----------------------------------------------------------------


def funnel_faces(lab: DemoLab, identity: str) -> list[np.ndarray]:
    """Faces of ``identity`` (one of funnel.TRAIN_IDENTITIES) the funnel tab can rebuild."""
    from deepfake_edu.demo.funnel import TRAIN_IDENTITIES

    if identity not in TRAIN_IDENTITIES:
        raise LabError(f"the funnel models know {', '.join(TRAIN_IDENTITIES)}, not {identity!r}")
    from deepfake_edu.faces.align import twins_crops

    # The swap crops the funnel models learned, at the classroom preset's 64 px.
    return list(lab.cached(("funnel-faces", identity), lambda: twins_crops(lab.twins().images(identity, limit=FACES_PER_PERSON), 64)))


@dataclass
class FunnelView:
    original: np.ndarray  # uint8 (SHOWN_SIDE, SHOWN_SIDE, 3)
    rebuilt: np.ndarray  # uint8, same size
    width: int  # numbers in the bottleneck
    mse: float  # mean squared error, pixels in [0, 1]
    ssim: float  # structural similarity, 1 = identical
    steps: int  # optimizer steps the model of this width trained
    funnel: np.ndarray  # uint8 picture of the funnel with its layer sizes
    layers: list[dict]  # FaceSwapModel.layer_sizes()

    def summary(self) -> str:
        return (f"**{self.width} numbers** in the bottleneck: error (MSE) **{self.mse:.4f}**, "
                f"SSIM **{self.ssim:.3f}** (1 = identical). This model trained {self.steps} steps, "
                f"like every width on the slider; the face was among its training faces.")


def rebuild_face(lab: DemoLab, identity: str, face_index: int, width: int) -> FunnelView:
    """Squeeze face ``face_index`` of ``identity`` through the ``width``-number autoencoder and rebuild it."""
    import torch

    from deepfake_edu.data.images import to_tensor, to_uint8
    from deepfake_edu.swap.train import identity_index

    faces = funnel_faces(lab, identity)
    index = int(face_index)
    if not 0 <= index < len(faces):
        raise LabError(f"face {index} does not exist: choose 0 to {len(faces) - 1}")
    model, info = lab.funnel_model(int(width))
    face = faces[index]
    size = model.config.input_size
    if face.shape[0] != size:
        face = _shown(face, size, smooth=True)
    with torch.no_grad():
        rebuilt = to_uint8(model.decode(model.encode(to_tensor(face)), identity_index(info, identity))[0])
    ssim_value, mse = _ssim_mse(face, rebuilt)
    layers = lab.cached(("layers", int(width)), model.layer_sizes)
    picture = lab.cached(("funnel-picture", int(width)), lambda: draw_funnel(layers))
    return FunnelView(_shown(face), _shown(rebuilt), int(width), mse, ssim_value, int(info.get("step", 0)), picture, layers)


def draw_funnel(layers: list[dict]) -> np.ndarray:
    """uint8 RGB picture: one bar per stage, its height the log of the numbers it holds."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    values = np.array([row["values"] for row in layers], np.float64)
    heights = np.log10(values)
    narrowest = int(values.argmin())
    figure, axes = plt.subplots(figsize=(8, 3.2), dpi=90)
    colours = ["tab:blue" if row["name"].startswith(("input", "encoder down")) else "tab:orange" for row in layers]
    colours[narrowest] = "tab:red"
    axes.bar(range(len(layers)), heights, bottom=-heights / 2, color=colours, width=0.8)
    for x, (row, h) in enumerate(zip(layers, heights)):
        axes.text(x, h / 2 + 0.1, f"{row['values']:,}", ha="center", va="bottom", fontsize=7, rotation=90 if row["values"] >= 100_000 else 0)
    names = [row["name"].replace("encoder ", "enc ").replace("decoder ", "dec ") for row in layers]
    axes.set_xticks(range(len(layers)), names, rotation=40, ha="right", fontsize=7)
    axes.set_yticks([])
    axes.set_ylim(-heights.max() / 2 - 0.2, heights.max() / 2 + 1.6)
    axes.set_title(f"the funnel: numbers at each stage (log scale); narrowest: {int(values[narrowest]):,}", fontsize=9)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    figure.canvas.draw()
    picture = np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
    plt.close(figure)
    return picture


def describe_layers(layers: list[dict]) -> str:
    """Markdown table of the funnel's stages."""
    lines = ["| stage | output shape | numbers | parameters |", "| --- | --- | ---: | ---: |"]
    for row in layers:
        lines.append(f"| {row['name']} | {'x'.join(str(s) for s in row['shape'])} | {row['values']:,} | {row['parameters']:,} |")
    return "\n".join(lines)


# --- tab 2: make a fake ---------------------------------------------------------------------------


def fake_directions(lab: DemoLab, run_label: str) -> list[str]:
    """"A -> B" choices of a run, in its identities' names."""
    _, info = lab.swap_model(run_label)
    names = info.get("identities", [])
    return [f"{a} -> {b}" for a in names for b in names if a != b]


def _direction(info: dict, direction: str) -> tuple[int, int]:
    names = info.get("identities", [])
    parts = [part.strip() for part in str(direction).split("->")]
    if len(parts) != 2 or parts[0] not in names or parts[1] not in names or parts[0] == parts[1]:
        raise LabError(f"unknown direction {direction!r}: choose one from the list")
    return names.index(parts[0]), names.index(parts[1])


@dataclass
class FakeResult:
    source: np.ndarray  # uint8: the face of A
    fake: np.ndarray  # uint8: A as B, as written (with its visible label)
    truth: np.ndarray | None  # uint8: the true answer (twins only)
    ssim: float | None  # SSIM of the swap against the true answer, at the model's size
    path: Path  # the marked file written
    names: tuple[str, str]  # (A, B)

    def summary(self) -> str:
        a, b = self.names
        head = f"{a} as {b}, written to `{self.path.name}` with a visible label, an invisible mark and provenance data."
        if self.ssim is None:
            return head + " Real people have no true answer: nobody knows what B would look like with A's expression."
        return head + f" SSIM against the true answer: **{self.ssim:.3f}** (1 = perfect)."


def make_fake(lab: DemoLab, run_label: str, direction: str, face_index: int) -> FakeResult:
    """Swap face ``face_index`` of A to B with a run's model; write it marked and record it."""
    import cv2
    import torch

    from deepfake_edu import provenance
    from deepfake_edu.data import forget, twins
    from deepfake_edu.data.images import read_image, to_tensor, to_uint8
    from deepfake_edu.swap.metrics import true_answer_crop, twin_identity

    model, info = lab.swap_model(run_label)
    source_index, target_index = _direction(info, direction)
    sets = lab.run_faces(run_label)
    faces = sets.faces[source_index]
    index = int(face_index)
    if not 0 <= index < len(faces):
        raise LabError(f"face {index} does not exist: choose 0 to {len(faces) - 1}")
    face = faces[index]
    with torch.no_grad():
        swapped = to_uint8(model.swap(to_tensor(face), target_index)[0])
    record = sets.records[source_index][index]
    truth = ssim_value = None
    if "factors" in record:
        person = twin_identity(twins, sets.records[target_index][0], sets.dataset_infos[target_index])
        truth, _ = true_answer_crop(twins, person, record["factors"], face.shape[0])
        ssim_value, _ = _ssim_mse(swapped, truth)
    big = cv2.resize(swapped, (FAKE_SIDE, FAKE_SIDE), interpolation=cv2.INTER_CUBIC)
    out = lab.new_output("fake", ".png")
    provenance.save_marked_image(out, big, info={"generator": "deepfake-edu", "tool": "demo", "kind": "face swap", "run": run_label})
    forget.record_output(out, info.get("datasets", []))
    names = (sets.names[source_index], sets.names[target_index])
    return FakeResult(_shown(face), _shown(read_image(out), smooth=True), None if truth is None else _shown(truth), ssim_value, out, names)


@dataclass
class ClipResult:
    preview: Path  # animated GIF of the swapped clip (for the page)
    video: Path  # the swapped clip, marked in every frame (.mp4)
    frames: int
    names: tuple[str, str]


def make_fake_clip(lab: DemoLab, run_label: str, direction: str, frames: int = CLIP_FRAMES) -> ClipResult:
    """A short talking clip of twin A, swapped to B in every frame; written marked and recorded."""
    import cv2

    from deepfake_edu.data import forget, twins
    from deepfake_edu.swap.convert import FaceSwapper, locator_for, swap_video
    from deepfake_edu.swap.metrics import twin_identity

    model, info = lab.swap_model(run_label)
    source_index, target_index = _direction(info, direction)
    if info.get("face_kind") != "twins":
        raise LabError("clips are made from the synthetic twins only; for your own faces use a photo (or `deepfake-edu swap apply` on your video)")
    sets = lab.run_faces(run_label)
    person = twin_identity(twins, sets.records[source_index][0], sets.dataset_infos[source_index])
    clip, _ = twins.render_video(person, int(frames), size=128, seed=secrets.randbelow(10_000))
    clip = np.stack([cv2.resize(frame, (FAKE_SIDE, FAKE_SIDE), interpolation=cv2.INTER_CUBIC) for frame in clip])
    source = lab.new_output("clip-source", ".avi")
    twins.write_video(source, clip)
    out = lab.new_output("fake-clip", ".mp4")
    try:
        swapper = FaceSwapper(model, target_index, locator_for(info, model.config.input_size))
        result = swap_video(swapper, source, out, progress=False)
    finally:
        source.unlink(missing_ok=True)
    forget.record_output(out, info.get("datasets", []))
    preview = lab.new_output("fake-clip", ".gif")
    _write_gif(out, preview)
    forget.record_output(preview, info.get("datasets", []))
    return ClipResult(preview, out, result.frames, (sets.names[source_index], sets.names[target_index]))


def _write_gif(video: Path, out: Path, fps: float = 12.0) -> Path:
    from PIL import Image

    from deepfake_edu.fileio import atomic_path
    from deepfake_edu.swap.convert import read_video_frames

    frames, _, _, _ = read_video_frames(video)
    pictures = [Image.fromarray(frame) for frame in frames]
    with atomic_path(out) as tmp:
        pictures[0].save(tmp, format="GIF", save_all=True, append_images=pictures[1:], duration=int(1000 / fps), loop=0)
    return out


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
        raise LabError(f"{path.name} is not a {' or '.join(allow)} file the demo reads: use {', '.join(wanted)}")
    if kind == "video":
        _check_video_length(path)
    else:
        read_upload_image(path)  # a corrupt or huge picture is refused here, by its name only
    return path, kind


def read_upload_image(path: Path) -> np.ndarray:
    """uint8 RGB (H, W, 3) of an uploaded picture; errors name the file, not the server's folder."""
    from deepfake_edu.data.images import decode_image

    return decode_image(path.read_bytes(), name=path.name)


def _check_video_length(path: Path) -> None:
    from deepfake_edu.data.video import video_info

    # Messages name the file only (the server's folders stay private); a file whose container
    # does not say its length is counted, but never past the limit.
    info = video_info(path, name=path.name, count_limit=MAX_VIDEO_FRAMES + 1)
    if info.frames > MAX_VIDEO_FRAMES or info.duration_s > MAX_VIDEO_SECONDS:
        raise LabError(f"{path.name} lasts {info.duration_s:.0f} s: the demo takes videos up to {MAX_VIDEO_SECONDS:.0f} s; cut a short part")


# --- tab 3: catch the fake ------------------------------------------------------------------------


@dataclass
class CatchResult:
    faces: list[tuple[np.ndarray, str]]  # (crop with its heatmap, caption) per face
    summary: str  # Markdown
    curve: Path | None = None  # a video's P(fake) over time (PNG)
    heatmaps: bool = False  # whether the pictures carry Grad-CAM heatmaps
    scores: list[float] = field(default_factory=list)  # P(fake) per face (photo) or frame (video)


def _heatmap_tools():
    """(grad_cam, overlay) from deepfake_edu.forensics.explain, or None where that package is absent."""
    try:
        from deepfake_edu.forensics.explain import grad_cam, overlay
    except ModuleNotFoundError:
        return None
    return grad_cam, overlay


def photo_faces(lab: DemoLab, rgb: np.ndarray) -> list[np.ndarray]:
    """MesoNet crops (256 px) of every face found, largest first; a square picture with no face
    found, or one face filling it, is taken as a face crop already (as ``detect.predict.face_finder``)."""
    from deepfake_edu.detect.predict import already_cropped
    from deepfake_edu.faces import align_face

    found = lab.face_backend().detect(rgb)[:MAX_FACES]
    height, width = rgb.shape[:2]
    is_square = abs(height - width) <= 0.05 * max(height, width)
    if found and not (is_square and len(found) == 1 and found[0].box[2] >= 0.4 * width):
        return [align_face(rgb, face, "mesonet").image for face in found]
    if is_square:
        return [already_cropped(rgb)]
    raise LabError("no face found: use a photo with a clear, frontal, well-lit face (or a square face crop)")


def catch_fake(lab: DemoLab, upload: str | os.PathLike | None, detector_label: str) -> CatchResult:
    """Score every face of an uploaded photo (with heatmaps), or ~30 frames of a short video."""
    from deepfake_edu.detect.predict import FAKE_THRESHOLD, detect_path, face_finder, plot_verdict, predict_proba

    path, kind = check_upload(upload)
    model = lab.detector(detector_label)
    if kind == "video":
        verdict = detect_path(path, model, crop_fn=face_finder())
        if verdict.faces_found == 0:
            raise LabError("no face found in the sampled frames: use a video with a clear, frontal face")
        curve = plot_verdict(verdict, lab.new_output("verdict", ".png"))
        scores = [s.p_fake for s in verdict.scores if s.p_fake is not None]
        summary = (f"**{verdict.label}**: {verdict.share_fake:.0%} of {verdict.faces_found} sampled frames with a face "
                   f"score above {FAKE_THRESHOLD} (mean P(fake) {verdict.mean_p_fake:.2f}). "
                   f"The authors' rule: a video is called fake when most frames are.")
        return CatchResult([], summary, curve, False, scores)
    crops = photo_faces(lab, read_upload_image(path))
    scores = [float(p) for p in predict_proba(model, np.stack(crops))]
    tools = _heatmap_tools()
    pictures = []
    for number, (crop, p) in enumerate(zip(crops, scores), start=1):
        picture = crop
        if tools is not None:
            grad_cam, overlay = tools
            picture = overlay(crop, grad_cam(lab.private_detector(detector_label), crop))
        pictures.append((picture, f"face {number}: P(fake) = {p:.2f} ({'fake' if p > FAKE_THRESHOLD else 'real'}?)"))
    lines = [f"{len(crops)} face{'s' if len(crops) > 1 else ''} scored by {detector_label}."]
    if tools is not None:
        lines.append("Warm colours show where the last convolution layer found evidence for *fake* (Grad-CAM).")
    else:
        lines.append("Heatmaps need the forensics package, which this installation lacks: scores only.")
    lines.append("A score is a guess from a small network trained on particular fakes, not a proof.")
    return CatchResult(pictures, "\n\n".join(lines), None, tools is not None, scores)


# --- tab 4: spot the fake -------------------------------------------------------------------------


def quiz_question(lab: DemoLab, previous: int | None = None) -> tuple[np.ndarray, int]:
    """(a face from the real/fake set, its question number), chosen at random (not the previous one)."""
    dataset, records = lab.realfake()
    choices = [i for i in range(len(records)) if i != previous] or [0]
    number = choices[secrets.randbelow(len(choices))]
    return dataset.image(records[number]), number


def quiz_picture(lab: DemoLab, number: int) -> str:
    """The file of question ``number``'s face, inside the real/fake dataset (served as it is)."""
    dataset, records = lab.realfake()
    return str(dataset.root / records[int(number)]["file"])


def machine_p_fake(lab: DemoLab, number: int) -> float:
    """The lab detector's P(fake) for question ``number`` (computed once)."""
    from deepfake_edu.detect.predict import already_cropped, predict_proba

    dataset, records = lab.realfake()

    def score() -> float:
        model = lab.detector(next(iter(lab.detectors())))
        return float(predict_proba(model, already_cropped(dataset.image(records[number])))[0])

    return lab.cached(("quiz-machine", number), score)


def quiz_answer(lab: DemoLab, number: int | None, guess: str) -> tuple[str, dict]:
    """Mark a student's guess ("real" | "fake") on question ``number``; (what happened, the tally)."""
    from deepfake_edu.detect.predict import FAKE_THRESHOLD

    dataset, records = lab.realfake()
    if number is None or not 0 <= int(number) < len(records):
        raise LabError("no face on screen: press 'next face' first")
    if guess not in ("real", "fake"):
        raise LabError(f"answer 'real' or 'fake', not {guess!r}")
    truth = records[int(number)]["label"]
    p = machine_p_fake(lab, int(number))
    machine = "fake" if p > FAKE_THRESHOLD else "real"
    tally = lab.tally.record(guess == truth, machine == truth)
    you = "right" if guess == truth else "wrong"
    it = "right" if machine == truth else "wrong"
    text = (f"This face is **{truth}**. You said {guess}: **{you}**. "
            f"The machine said {machine} (P(fake) = {p:.2f}): **{it}**.")
    return text, tally


# --- tab 5: check a file --------------------------------------------------------------------------


def check_provenance(upload: str | os.PathLike | None) -> str:
    """Markdown: the visible label, invisible mark and C2PA manifest found in an uploaded file,
    and what their absence does not prove."""
    from deepfake_edu.provenance.check import check_file

    path, _ = check_upload(upload)
    report = check_file(path)
    found = "\n".join(f"- {line}" for line in report.lines())
    return f"{found}\n\n" + report.explain().replace("\n", "\n\n")
