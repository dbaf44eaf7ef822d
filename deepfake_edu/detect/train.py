"""Training MesoNet on real and fake face crops, with the paper's recipe as the default.

The recipe (Afchar et al. 2018 and the authors' code): Adam, learning rate 1e-3 divided by 10
every 1000 steps down to 1e-6, batch 75; augmentation by rotation up to 15 degrees, zoom 0.2,
brightness 0.8-1.2, a channel shift and horizontal flips. The lab adds class balancing (each
batch is half real, half fake) and a validation set scored during training.

Augmentation runs as batched tensor operations on the training device, with the random
parameters of the whole global batch drawn from (seed, step): reproducible, resumable and the
same under torchrun.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from deepfake_edu.data.realfake import RealFakeSet
from deepfake_edu.detect.mesonet import config_dict
from deepfake_edu.errors import LabError
from deepfake_edu.registry import create_model
from deepfake_edu.training import TrainConfig, Trainer, batch_indices, pick_device, seed_everything


@dataclass
class DetectRecipe:
    model: str = "meso4"  # registry name: meso4 or mesoinception4
    bn_momentum: float = 0.1  # BatchNorm running-statistics update rate; Keras used 0.01, which
    # leaves the statistics far from the data after a short classroom run (eval scores then drift)
    lr: float = 1e-3  # Adam's starting learning rate
    lr_decay_every: int = 1000  # steps between divisions of the learning rate by 10
    lr_min: float = 1e-6  # the learning rate never goes below this
    rotation_deg: float = 15.0  # random rotation in [-r, r] degrees
    zoom: float = 0.2  # random zoom factor in [1 - z, 1 + z]
    brightness: tuple[float, float] = (0.8, 1.2)  # random brightness multiplier range
    channel_shift: float = 30 / 255  # random per-channel offset in [-s, s] (Keras used 30 of 255)
    flip: bool = True  # random horizontal flips
    balance: bool = True  # half real, half fake in every batch
    eval_every: int = 100  # steps between validation scores (0: only at the end)


@dataclass
class DetectorRun:
    model: torch.nn.Module
    history: list[dict]
    metrics: dict = field(default_factory=dict)  # validation metrics at the end


def learning_rate(recipe: DetectRecipe, step: int) -> float:
    return max(recipe.lr * 0.1 ** (step // recipe.lr_decay_every), recipe.lr_min)


def augmentation_params(recipe: DetectRecipe, seed: int, step: int, batch: int) -> torch.Tensor:
    """(batch, 7) rows of [angle_rad, zoom, flip, brightness, shift_r, shift_g, shift_b]."""
    rng = np.random.default_rng([seed, step, 0xA06])
    angle = np.deg2rad(rng.uniform(-recipe.rotation_deg, recipe.rotation_deg, batch))
    zoom = rng.uniform(1 - recipe.zoom, 1 + recipe.zoom, batch)
    flip = (rng.random(batch) < 0.5) & recipe.flip
    bright = rng.uniform(*recipe.brightness, batch)
    shift = rng.uniform(-recipe.channel_shift, recipe.channel_shift, (batch, 3))
    return torch.from_numpy(np.column_stack([angle, zoom, flip, bright, shift]).astype(np.float32))


def augment(images: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """Apply rotation, zoom, flip, brightness and channel shift. images (B, 3, H, W) in [0, 1]."""
    angle, zoom, flip, bright = params[:, 0], params[:, 1], params[:, 2], params[:, 3]
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    sign = 1 - 2 * flip  # -1 mirrors x
    theta = torch.stack(
        [torch.stack([cos * sign, -sin, torch.zeros_like(cos)], 1), torch.stack([sin * sign, cos, torch.zeros_like(cos)], 1)], 1
    )
    grid = F.affine_grid(theta.to(images.dtype), list(images.shape), align_corners=False)
    # 'reflection' fills the corners with face-like pixels rather than black wedges.
    warped = F.grid_sample(images, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    warped = warped * bright.view(-1, 1, 1, 1) + params[:, 4:7].view(-1, 3, 1, 1)
    return warped.clamp_(0, 1)


def _as_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, H, W, 3) -> uint8 (N, 3, H, W): a quarter of float32's memory."""
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).contiguous()


def score(model: torch.nn.Module, images: np.ndarray, batch: int = 64) -> np.ndarray:
    """P(fake) (N,) for uint8 faces (N, 256, 256, 3), in eval mode, a chunk at a time (bounded memory)."""
    from deepfake_edu.detect.predict import predict_proba

    was_training = model.training
    model.eval()
    try:
        chunks = [predict_proba(model, images[i : i + batch], batch_size=batch, fast=False) for i in range(0, len(images), batch)]
    finally:
        model.train(was_training)
    return np.concatenate(chunks) if chunks else np.zeros(0)


def classification_metrics(labels: np.ndarray, p_fake: np.ndarray, threshold: float = 0.5) -> dict:
    """accuracy, balanced accuracy, ROC AUC and the confusion matrix [[TN, FP], [FN, TP]]: the
    training loop's summary, computed by the one owner of detection metrics (``detect.protocol``,
    where ``evaluate`` gives the field's whole protocol)."""
    from deepfake_edu.detect.protocol import classification_metrics as metrics

    return metrics(labels, p_fake, threshold)


def check_config(config: TrainConfig) -> None:
    """A one-line LabError for a run that could not train: no steps (an untrained detector would be
    exported), no batch, or a time budget that is not a positive finite number."""
    import numbers

    if isinstance(config.steps, bool) or not isinstance(config.steps, numbers.Integral) or config.steps < 1:
        raise LabError(f"--steps must be a whole number 1 or more, not {config.steps!r}")
    if isinstance(config.batch_size, bool) or not isinstance(config.batch_size, numbers.Integral) or config.batch_size < 1:
        raise LabError(f"--batch-size must be a whole number 1 or more, not {config.batch_size!r}")
    limit = config.time_limit_s
    if limit is not None and not (isinstance(limit, numbers.Real) and math.isfinite(limit) and limit > 0):
        raise LabError(f"--minutes must be a finite number above 0, not {limit / 60 if isinstance(limit, numbers.Real) else limit!r}")


def train_detector(
    train: RealFakeSet,
    run_dir: str | Path,
    config: TrainConfig,
    recipe: DetectRecipe | None = None,
    validation: RealFakeSet | None = None,
    datasets: list[str] | None = None,
    resume: bool = True,
    extra_hooks: list | None = None,
) -> DetectorRun:
    """Train a MesoNet on ``train`` (faces resized to 256 beforehand); returns the model and history."""
    check_config(config)
    recipe = recipe or DetectRecipe()
    real = _as_tensor(train.images[train.labels == 0])
    fake = _as_tensor(train.images[train.labels == 1])
    if len(real) == 0 or len(fake) == 0:
        raise LabError("training a detector needs both real and fake faces")
    seed_everything(config.seed)
    model = create_model(recipe.model, bn_momentum=recipe.bn_momentum)
    on_gpu = pick_device(config.device).type == "cuda"
    if on_gpu:  # cuDNN's fast kernels for these thin (8-16 channel) convolutions want NHWC
        model = model.to(memory_format=torch.channels_last)
    all_images = torch.cat([real, fake])
    all_labels = torch.cat([torch.zeros(len(real)), torch.ones(len(fake))])

    resident: dict[torch.device, tuple[torch.Tensor, torch.Tensor]] = {}

    def on_device(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        """The faces and labels on the training device, copied there once (uint8: 192 KB a face)."""
        if device not in resident:
            resident[device] = (all_images.to(device), all_labels.to(device))
        return resident[device]

    def make_batch(step: int, rank: int, world: int):
        """This process's share of step ``step``: which faces (indices) and how to bend them."""
        size = config.batch_size
        if recipe.balance:
            n_fake = size // 2
            picks = torch.cat([
                torch.from_numpy(batch_indices(config.seed, step, len(real), size - n_fake, stream=0)),
                len(real) + torch.from_numpy(batch_indices(config.seed, step, len(fake), n_fake, stream=1)),
            ])
        else:
            picks = torch.from_numpy(batch_indices(config.seed, step, len(all_images), size))
        params = augmentation_params(recipe, config.seed, step, size)
        local = size // world
        mine = slice(rank * local, (rank + 1) * local)
        return picks[mine], params[mine]

    def loss_fn(net, batch):
        picks, params = batch
        images, labels = on_device(picks.device)
        images, labels = images[picks], labels[picks]
        faces = augment(images.float().div_(255), params)
        if on_gpu:
            faces = faces.contiguous(memory_format=torch.channels_last)
        logits = net(faces)
        loss = F.binary_cross_entropy_with_logits(logits.float(), labels)
        return loss, {"train_accuracy": ((logits.detach() > 0).float() == labels).float().mean()}

    hooks = []
    if validation is not None:
        def evaluate(trainer: Trainer, step: int) -> None:
            found = classification_metrics(validation.labels, score(trainer.model, validation.images))
            trainer.log(step, {f"val_{k}": v for k, v in found.items() if k != "confusion"})

        hooks.append((recipe.eval_every or config.steps, evaluate))
    hooks += extra_hooks or []

    info = {"model": recipe.model, "config": config_dict(model),
            "recipe": asdict(recipe), "datasets": list(datasets or []), "label": "P(fake) = sigmoid(logit)"}
    trainer = Trainer(model, lambda p: torch.optim.Adam(p, lr=recipe.lr), make_batch, loss_fn, run_dir, config,
                      info=info, lr_at=lambda s: learning_rate(recipe, s), hooks=hooks)
    history = trainer.fit(resume=resume)
    metrics = {}
    if validation is not None:
        metrics = classification_metrics(validation.labels, score(trainer.model, validation.images))
    return DetectorRun(trainer.model, history, metrics)


def plot_roc(labels: np.ndarray, p_fake: np.ndarray, path: str | Path, title: str = "ROC") -> Path:
    """Save the ROC curve of a detector (false positive rate vs true positive rate) as PNG."""
    from deepfake_edu.fileio import use_headless_backend

    use_headless_backend()
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_auc_score, roc_curve

    from deepfake_edu.fileio import save_figure

    fpr, tpr, _ = roc_curve(labels, p_fake)
    figure, axes = plt.subplots(figsize=(4, 4))
    axes.plot(fpr, tpr, label=f"AUC {roc_auc_score(labels, p_fake):.3f}")
    axes.plot([0, 1], [0, 1], "--", color="grey", label="chance")
    axes.set(xlabel="false positive rate (real called fake)", ylabel="true positive rate (fakes caught)", title=title)
    axes.legend(loc="lower right")
    return save_figure(figure, path, dpi=100, bbox_inches="tight")


def plot_history(history: list[dict], path: str | Path, keys: tuple[str, ...] = ("loss", "val_balanced_accuracy")) -> Path:
    """Save training curves (one panel per key present in the history) as PNG."""
    from deepfake_edu.fileio import use_headless_backend

    use_headless_backend()
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import save_figure

    present = [k for k in keys if any(k in h for h in history)]
    figure, axes = plt.subplots(1, max(len(present), 1), figsize=(4 * max(len(present), 1), 3), squeeze=False)
    for axis, key in zip(axes[0], present):
        points = [(h["step"], h[key]) for h in history if key in h and not (isinstance(h[key], float) and math.isnan(h[key]))]
        if points:
            axis.plot(*zip(*points))
        axis.set(xlabel="step", title=key)
    return save_figure(figure, path, dpi=100, bbox_inches="tight")


def split_for_validation(data: RealFakeSet, held_out: list[str] | None = None, fraction: float = 0.2, seed: int = 0) -> tuple[RealFakeSet, RealFakeSet, str]:
    """(train, validation, how): by the identities named, else the last ``fraction`` of the
    identities when faces carry them (the detector is then tested on people it never saw), else
    a random ``fraction`` of the faces."""
    identities = sorted({r["identity"] for r in data.records if "identity" in r})
    if held_out:
        unknown = sorted(set(held_out) - set(identities))
        if unknown:
            raise LabError(f"--held-out names {', '.join(unknown)}, which the data does not hold; it has {', '.join(identities)}")
        train, validation = data.split_by_identity(held_out)
        return train, validation, f"held-out identities {', '.join(held_out)}"
    if len(identities) >= 3:
        count = max(1, round(fraction * len(identities)))
        chosen = identities[-count:]
        train, validation = data.split_by_identity(chosen)
        return train, validation, f"held-out identities {', '.join(chosen)}"
    rng = np.random.default_rng(seed)
    test = rng.random(len(data.labels)) < fraction
    return data.subset(~test), data.subset(test), f"a random {fraction:.0%} of the faces"


def export_detector(model: torch.nn.Module, stem: str | Path, datasets: list[str], extra: dict | None = None) -> Path:
    """Write a ready detector (weights only, no optimizer) as ``stem.json`` + ``stem.safetensors``."""
    from deepfake_edu.training.checkpoint import save_model_file

    name = "meso4" if type(model).__name__ == "Meso4" else "mesoinception4"
    info = {"model": name, "config": config_dict(model), "datasets": list(datasets), "label": "P(fake) = sigmoid(logit)",
            **(extra or {})}
    return save_model_file(stem, {f"model/{k}": v for k, v in model.state_dict().items()}, info)


def train_on_folder(
    data: str | Path,
    run: str | Path,
    config: TrainConfig,
    recipe: DetectRecipe | None = None,
    held_out: list[str] | None = None,
    out: str | Path | None = None,
    resume: bool = True,
) -> tuple[DetectorRun, str, Path]:
    """Train on a real/fake set on disk, write ROC and curves into ``run``, export the model.

    Returns (the run, how validation was split, the exported checkpoint JSON).
    """
    from deepfake_edu.data.realfake import load_real_fake
    from deepfake_edu.paths import models_dir

    check_config(config)  # before loading the faces
    recipe = recipe or DetectRecipe()
    path = Path(data)
    everything = load_real_fake(path)
    train, validation, how = split_for_validation(everything, held_out, seed=config.seed)
    if len(set(validation.labels.tolist())) < 2:
        raise LabError(f"the validation part ({how}) lacks real or fake faces: name --held-out identities that have both")
    datasets = [path.name]
    if (path / "dataset.json").exists():
        import json

        datasets += json.loads((path / "dataset.json").read_text()).get("learned_from", [])
    result = train_detector(train, run, config, recipe, validation=validation, datasets=datasets, resume=resume)
    run = Path(run)
    plot_roc(validation.labels, score(result.model, validation.images), run / "roc.png", title=f"{recipe.model}, {how}")
    plot_history(result.history, run / "training.png")
    stem = Path(out) if out else models_dir() / run.name
    exported = export_detector(result.model, stem.with_suffix("") if stem.suffix == ".json" else stem, datasets,
                               {"validation": how, "metrics_validation": result.metrics, "origin": f"deepfake-edu detect train on {path.name}"})
    return result, how, exported
