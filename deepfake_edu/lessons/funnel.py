"""The funnel experiment: autoencoders at several bottleneck widths, and what each one loses.

One experiment for lab 1 and the demo's tab "inside the autoencoder": the same ``WIDTHS``, the same
two twins (``TRAIN_IDENTITIES``), each width its own classroom face-swap model trained through
``swap.train.train_swap``. Rebuilding a face through a narrower funnel needs a model that was
TRAINED with that funnel: cutting numbers out of a wider model's code would show damage the
model never learned to live with.

- ``funnel_models`` installs the zoo's funnel models (``funnel-4/32/256``, 3,000 steps each) or
  trains (once) the demo's own into ``<home>/models/funnel-<width>/``; ``trained_widths`` finds them. Lab 1 trains its own, longer runs (``lessons.training.train_or_load``).
- ``funnel_faces`` and ``rebuild_face``: a face squeezed through one width and rebuilt, with its
  error; ``draw_funnel`` and ``describe_layers`` show a model's stages.
- ``region_errors`` measures how badly a model rebuilds each part of the face (eyes, brows,
  nose, mouth, cheeks, background) on faces it did not train on, using the twins' landmarks and masks.

The comparison is fair between widths (same data, steps, seed); a model trained in class is
short-trained, and more training sharpens every width: the gap between widths is what the
experiment is about.
Faces are uint8 RGB (S, S, 3) swap crops, 64 px for the classroom preset.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.zoo.recipes import PAIR

# The bottleneck widths of the experiment, lab 1's and the demo's alike. 256 is the classroom
# preset's own code (the model of the swap tab and labs 2-7); 32 and 4 are each eight times
# narrower. Evenly spaced on a log scale, each step down loses something one can see and measure
# (lab 1's region table), and 4 numbers keep little more than the pose and the light.
WIDTHS = (4, 32, 256)
TRAIN_IDENTITIES = PAIR  # the two twins every funnel model learns (and rebuilds): the zoo's recipes' pair
DEMO_STEPS = 150  # optimizer steps per width of the demo's models (about 20 s each on 2 quiet cores)
FACE_SIZE = 64  # side of the swap crops the funnel models learn: the classroom preset's input, pixels
REGION_ORDER = ("eyes", "brows", "nose", "mouth", "cheeks", "background")


# --- the demo's funnel models -------------------------------------------------------------------


def funnel_dir(home: str | Path, width: int) -> Path:
    """The run folder of the ``width``-number funnel model under the lab home ``home``."""
    return Path(home) / "models" / f"funnel-{int(width)}"


def trained_widths(home: str | Path) -> dict[int, Path]:
    """{width: run folder} of the funnel models already trained under ``home``, narrowest first."""
    from deepfake_edu.training.checkpoint import latest_checkpoint

    found = {}
    models = Path(home) / "models"
    if models.is_dir():
        for folder in sorted(models.glob("funnel-*")):
            width = folder.name.removeprefix("funnel-")
            if width.isdigit() and latest_checkpoint(folder) is not None:
                found[int(width)] = folder
    return dict(sorted(found.items()))


def funnel_models(
    widths: tuple[int, ...] | list[int] = WIDTHS,
    twins: str | Path = "datasets/twins",
    home: str | Path = ".",
    steps: int = DEMO_STEPS,
    minutes: float | None = None,
    batch_size: int = 8,
    progress: bool = True,
    shipped: bool = True,
) -> dict[int, Path]:
    """Install or train (once) one classroom autoencoder per width on ``TRAIN_IDENTITIES``;
    {width: run folder}.

    Widths already under ``home`` are reused. With ``shipped``, when the lab's zoo ships every
    width still missing (``funnel-<width>``, each trained the same way by one recipe), they are
    installed instead of trained. Else they train here: ``minutes`` caps the whole call, the
    remaining time shared by the widths still to train (a width cut short by the cap keeps what
    it learned and says so in its checkpoint history).
    """
    import dataclasses

    from deepfake_edu import zoo
    from deepfake_edu.swap.train import train_swap
    from deepfake_edu.zoo.recipes import swap_options

    start = time.monotonic()
    todo = [int(w) for w in widths if int(w) not in trained_widths(home)]
    if shipped and todo and all(zoo.available(f"funnel-{w}") for w in todo):
        for width in todo:  # all or none: a page comparing widths must compare equal training
            steps_done = zoo.card(f"funnel-{width}")["steps"]
            zoo.install(f"funnel-{width}", funnel_dir(home, width) / "checkpoints" / f"step-{steps_done:08d}")
        todo = []
    for position, width in enumerate(todo):
        budget = None
        if minutes is not None:
            left = minutes * 60 - (time.monotonic() - start)
            budget = max(left / (len(todo) - position), 1.0) / 60
        # the zoo's recipe of the funnel models (what the shipped ones were made by), with this call's
        # length and batch: a lesson's own models differ from the shipped ones in time only
        options = dataclasses.replace(swap_options(Path(twins), funnel_dir(home, width), steps, width, progress),
                                      minutes=budget, batch_size=batch_size, checkpoint_every=max(steps, 1))
        train_swap(options)
    return trained_widths(home)


# --- one face through one funnel ----------------------------------------------------------------


def funnel_faces(twins_dataset, identity: str, limit: int | None = None) -> np.ndarray:
    """uint8 (N, FACE_SIZE, FACE_SIZE, 3): the swap crops of ``identity``'s first ``limit`` faces
    in a loaded twins dataset (``data.dataset``), the crops the funnel models learned."""
    from deepfake_edu.faces.align import twins_crops

    if identity not in TRAIN_IDENTITIES:
        raise LabError(f"the funnel models know {', '.join(TRAIN_IDENTITIES)}, not {identity!r}")
    return twins_crops(twins_dataset.images(identity, limit=limit), FACE_SIZE)


@dataclass
class FunnelView:
    """One face squeezed through one funnel model and rebuilt."""

    original: np.ndarray  # uint8 (S, S, 3): the face, at the model's input size
    rebuilt: np.ndarray  # uint8, same size: what the decoder made of its code
    width: int  # numbers in the bottleneck
    mse: float  # mean squared error, pixels in [0, 1]
    ssim: float  # structural similarity, 1 = identical
    steps: int  # optimizer steps the model of this width trained
    layers: list[dict]  # FaceSwapModel.layer_sizes()
    funnel: np.ndarray | None = None  # uint8 picture of the funnel (draw_funnel), when the caller draws it

    def summary(self) -> str:
        return (f"**{self.width} numbers** in the bottleneck: error (MSE) **{self.mse:.4f}**, "
                f"SSIM **{self.ssim:.3f}** (1 = identical). This model trained {self.steps} steps, "
                f"like every width on the slider; the face was among its training faces.")


def rebuild_face(model, info: dict, face: np.ndarray, identity: str, layers: list[dict] | None = None) -> FunnelView:
    """Squeeze ``face`` (uint8 (S, S, 3)) of ``identity`` through a funnel model (``model, info``
    as ``swap.train.load_swap_model`` gives them) and rebuild it with that person's decoder.

    ``layers``: the model's ``layer_sizes()`` when the caller keeps them (they hook the model to
    measure it), else measured here.
    """
    import cv2

    from deepfake_edu.data.images import to_tensor
    from deepfake_edu.lessons.training import rebuild
    from deepfake_edu.swap.losses import ssim
    from deepfake_edu.swap.train import identity_index

    size = model.config.input_size
    if face.shape[0] != size:
        face = cv2.resize(face, (size, size), interpolation=cv2.INTER_AREA)
    rebuilt = rebuild(model, face[None], identity_index(info, identity))[0]
    x, y = to_tensor(face), to_tensor(rebuilt)
    width = int(model.config.bottleneck)
    return FunnelView(face, rebuilt, width, float(((x - y) ** 2).mean()), float(ssim(x, y)), int(info.get("step", 0)),
                      layers if layers is not None else model.layer_sizes())


def draw_funnel(layers: list[dict], font_scale: float = 1.0) -> np.ndarray:
    """uint8 RGB picture: one bar per stage of ``layers`` (``layer_sizes()``), its height the log
    of the numbers it holds; the narrowest stage in red. ``font_scale`` enlarges every label
    (the demo's projector uses 2)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    values = np.array([row["values"] for row in layers], np.float64)
    heights = np.log10(values)
    narrowest = int(values.argmin())
    figure, axes = plt.subplots(figsize=(8, 3.2 + 1.6 * (font_scale - 1)), dpi=90)  # room for the larger labels
    colours = ["tab:blue" if row["name"].startswith(("input", "encoder down")) else "tab:orange" for row in layers]
    colours[narrowest] = "tab:red"
    axes.bar(range(len(layers)), heights, bottom=-heights / 2, color=colours, width=0.8)
    for x, (row, h) in enumerate(zip(layers, heights)):
        axes.text(x, h / 2 + 0.1, f"{row['values']:,}", ha="center", va="bottom", fontsize=7 * font_scale,
                  rotation=90 if row["values"] >= (100_000 if font_scale <= 1.3 else 10_000) else 0)  # large labels stand up
    names = [row["name"].replace("encoder ", "enc ").replace("decoder ", "dec ") for row in layers]
    axes.set_xticks(range(len(layers)), names, rotation=40, ha="right", fontsize=7 * font_scale)
    axes.set_yticks([])
    axes.set_ylim(-heights.max() / 2 - 0.2, heights.max() / 2 + 1.6 * font_scale)
    axes.set_title(f"the funnel: numbers at each stage (log scale); narrowest: {int(values[narrowest]):,}", fontsize=9 * font_scale)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    figure.canvas.draw()
    picture = np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
    plt.close(figure)
    return picture


def describe_layers(layers: list[dict]) -> str:
    """Markdown table of the funnel's stages (``layer_sizes()``)."""
    lines = ["| stage | output shape | numbers | parameters |", "| --- | --- | ---: | ---: |"]
    for row in layers:
        lines.append(f"| {row['name']} | {'x'.join(str(s) for s in row['shape'])} | {row['values']:,} | {row['parameters']:,} |")
    return "\n".join(lines)


# --- what each width loses (lab 1) --------------------------------------------------------------


def region_masks_for(record: dict, dataset_info: dict, size: int) -> dict[str, np.ndarray]:
    """Bool masks (size, size) of each region of one twins record's ``size`` px swap crop."""
    from deepfake_edu.data import twins
    from deepfake_edu.faces.align import apply_affine
    from deepfake_edu.faces.align import twins_transform, warp_crop
    from deepfake_edu.faces.regions import twins_region_box
    from deepfake_edu.swap.metrics import twin_identity

    side = int(dataset_info["size"])
    transform = twins_transform(side, size)
    landmarks = apply_affine(transform, twins.landmarks_from_dict(record["landmarks"]))
    masks = {name: twins_region_box(landmarks, name, size) for name in ("eyes", "brows", "nose", "mouth")}
    masks["cheeks"] = twins_region_box(landmarks, "cheek_left", size) | twins_region_box(landmarks, "cheek_right", size)
    identity = twin_identity(twins, record, dataset_info)
    face = twins.face_mask(identity, twins.Factors(**record["factors"]), side)
    masks["background"] = warp_crop(face.astype(np.float32), transform, size) < 0.5
    return masks


def region_errors(model, images: np.ndarray, records: list[dict], dataset_info: dict, identity: int) -> dict[str, float]:
    """Mean absolute error (0-255 grey levels) of the rebuilt faces inside each region.

    images: uint8 (N, S, S, 3) of ``identity``; records: their twins manifest records.
    """
    from deepfake_edu.lessons.training import rebuild

    rebuilt = rebuild(model, images, identity).astype(np.float32)
    error = np.abs(rebuilt - images.astype(np.float32)).mean(axis=-1)  # (N, S, S)
    sums = {name: 0.0 for name in REGION_ORDER}
    counts = {name: 0 for name in REGION_ORDER}
    for face_error, record in zip(error, records):
        for name, mask in region_masks_for(record, dataset_info, images.shape[1]).items():
            sums[name] += float(face_error[mask].sum())
            counts[name] += int(mask.sum())
    return {name: sums[name] / max(counts[name], 1) for name in REGION_ORDER}


def held_out_faces(dataset_path, identity: str, count: int, size: int = 64) -> tuple[np.ndarray, list[dict], dict]:
    """The LAST ``count`` faces of ``identity`` as ``size`` px swap crops (training takes the
    first ones when limited), with their records."""
    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.faces.align import twins_crops

    dataset = load_dataset(dataset_path)
    records = [r for r in dataset.records if r["identity"] == identity][-count:]
    return twins_crops(np.stack([dataset.image(r) for r in records]), size), records, dataset.info


def error_table(errors: dict[int, dict[str, float]]) -> str:
    """Widths as rows, regions as columns, plus each region's growth from the widest to the narrowest."""
    widths = sorted(errors, reverse=True)
    regions = list(errors[widths[0]])
    lines = [f"{'width':>7}" + "".join(f"{r:>12}" for r in regions)]
    for width in widths:
        lines.append(f"{width:>7}" + "".join(f"{errors[width][r]:>12.1f}" for r in regions))
    growth = {r: errors[widths[-1]][r] / max(errors[widths[0]][r], 1e-9) for r in regions}
    lines.append(f"{'growth':>7}" + "".join(f"{growth[r]:>11.2f}x" for r in regions))
    return "\n".join(lines)
