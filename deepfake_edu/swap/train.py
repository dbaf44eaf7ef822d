"""Training the face-swap model on two (or more) people's faces, and loading a trained one.

Each step draws, for every identity, a batch of that person's faces, warps them (warped input,
clean target, see ``augment``), passes ALL identities through the model in one forward call
(shared encoder, own decoder) and adds up each identity's L1/MSE + SSIM loss. The faces come
from ``facesets``; the previews and the timelapse are drawn by ``timelapse``.

The faces of a run live on the training device as one uint8 tensor per identity (64 px faces:
12 KB each, so 10,000 faces take 120 MB). ``make_batch`` only chooses indices and draws the
augmentation numbers (on the CPU, in the Trainer's prefetch thread); the pixel work happens on
the device inside ``loss_fn``. Every draw is a pure function of (seed, step), so a resumed run
and a torchrun run with the same global batch see the same faces bent the same way.

    from deepfake_edu.swap.train import SwapTrainOptions, train_swap
    result = train_swap(SwapTrainOptions(data=["datasets/twins"], identities=["twin-00", "twin-01"],
                                         preset="classroom", minutes=10, run="runs/swap-demo"))
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from deepfake_edu.errors import LabError
from deepfake_edu.faces.align import SWAP_FRAMING
from deepfake_edu.swap.augment import AugmentConfig, augment, draw_params
from deepfake_edu.swap.facesets import FaceSets, load_face_sets
from deepfake_edu.swap.losses import reconstruction_loss, region_weights
from deepfake_edu.swap.model import FaceSwapModel, SwapConfig, config_dict
from deepfake_edu.swap.timelapse import preview_grid, timelapse_hook, write_timelapse


@dataclass
class SwapTrainOptions:
    """What to train on, which model, and for how long (CLI flags map one to one)."""

    data: list[str] = field(default_factory=lambda: ["twins"])  # dataset folders or names; one holding several people, or one per person
    identities: list[str] | None = None  # identity names inside the dataset(s); default: the first two of a single dataset
    preset: str = "classroom"  # model preset: "classroom" (light) or "original" (2017, ~82 M parameters)
    input_size: int | None = None  # face side in pixels, 64 or 128 (None: the preset's)
    bottleneck: int | None = None  # funnel width (None: the preset's)
    steps: int = 2000  # optimizer steps (a time limit may stop earlier)
    minutes: float | None = None  # stop after this many minutes of training (None: no limit)
    batch_size: int | None = None  # faces PER IDENTITY in one global step (None: 16 classroom, 64 original)
    learning_rate: float | None = None  # Adam's lr (None: the preset's: 5e-5 original, 5e-4 classroom)
    pixel_loss: str = "l1"  # "l1" or "mse"
    ssim_weight: float = 1.0  # weight of (1 - SSIM) beside the pixel loss
    region_weight: float = 2.0  # extra loss weight on eyes and mouth (needs landmarks; 0: off)
    augment: AugmentConfig | None = None  # warps, flips, colour jitter (None: the preset's, see preset_augment)
    seed: int = 0  # seeds the weights and every batch
    device: str = "auto"  # auto | cpu | cuda | mps
    precision: str = "fp32"  # fp32 | bf16
    compile: bool = False  # torch.compile the model (slow start, faster steps on a GPU)
    run: str | None = None  # run folder (default runs/swap-<preset>)
    resume: bool = True  # continue a run found in the folder
    checkpoint_every: int = 200  # steps between checkpoints
    snapshot_every: int = 0  # steps between snapshots kept for good in RUN/snapshots/ (the model across its training, for `detect arms-race`; 0: none)
    log_every: int = 10  # steps between loss-history entries
    preview_every: int = 100  # steps between preview grids (0: only at the end)
    timelapse_every: int = 50  # steps between timelapse frames of one fixed face swapped (0: off)
    metrics_every: int = 100  # steps between swap SSIM/PSNR against the true answer (twins only; 0: off)
    metrics_faces: int = 64  # faces used for those metrics
    limit_per_identity: int | None = None  # use at most this many faces of each person
    prior: str | None = None  # a new run starts from this face prior's checkpoint ("auto": the lab's installed one when it fits, as `swap train` does; None: random weights)
    prior_decoders: bool = True  # the prior's generic decoder starts every decoder too (False: the prior's encoder only, random decoders)
    progress: bool = True  # tqdm progress bar


class SwapTask:
    """``make_batch`` and ``loss_fn`` for the Trainer, over faces kept on the device.

    faces: list of uint8 tensors (N_i, S, S, 3) (CPU or device; moved on first use).
    batch_per_identity: the GLOBAL batch of each identity per step.
    """

    def __init__(
        self,
        faces: list[torch.Tensor],
        batch_per_identity: int,
        seed: int = 0,
        augment_config: AugmentConfig | None = None,
        masks: list[torch.Tensor] | None = None,
        pixel_loss: str = "l1",
        ssim_weight: float = 1.0,
        region_weight: float = 0.0,
    ) -> None:
        self.faces = faces
        self.masks = masks if region_weight > 0 else None
        self.batch = batch_per_identity
        self.seed = seed
        self.augment_config = augment_config or AugmentConfig()
        self.pixel_loss = pixel_loss
        self.ssim_weight = ssim_weight
        self.region_weight = region_weight
        self._device_faces: dict[torch.device, tuple] = {}

    def make_batch(self, step: int, rank: int, world: int) -> list[tuple[torch.Tensor, ...]]:
        """For each identity: (indices (b,), theta (b, 2, 3), displacement (b, 2, P, P), colour (b, 3)).

        The whole global batch is drawn, then this process's slice is kept.
        """
        from deepfake_edu.training import batch_indices

        local = self.batch // world
        start, stop = rank * local, (rank + 1) * local
        batch = []
        for identity, faces in enumerate(self.faces):
            indices = torch.from_numpy(batch_indices(self.seed, step, len(faces), self.batch, stream=identity).astype(np.int64))
            params = draw_params(self.seed, step, identity, self.batch, self.augment_config)
            batch.append((indices[start:stop], *params[start:stop].as_tuple()))
        return batch

    def on_device(self, device: torch.device) -> tuple[list[torch.Tensor], list[torch.Tensor] | None]:
        if device not in self._device_faces:
            faces = [f.to(device) for f in self.faces]
            masks = [m.to(device) for m in self.masks] if self.masks is not None else None
            self._device_faces = {device: (faces, masks)}  # keep one copy only
        return self._device_faces[device]

    def inputs_and_targets(self, batch, device: torch.device):
        """Warped inputs, clean targets and loss weights (or None) per identity, on ``device``."""
        from deepfake_edu.swap.augment import AugmentParams

        faces, masks = self.on_device(device)
        inputs, targets, weights = [], [], []
        # Channels-last feeds cuDNN's fastest convolutions (the model is moved to it on a GPU).
        memory_format = torch.channels_last if device.type == "cuda" else torch.contiguous_format
        for identity, (indices, theta, displacement, colour) in enumerate(batch):
            chosen_masks = masks[identity][indices].float() if masks is not None else None
            with torch.autocast(device.type, enabled=False):  # pixel work in float32, whatever the model's precision
                warped, clean, target_masks = augment(faces[identity][indices], AugmentParams(theta, displacement, colour), chosen_masks)
            inputs.append(warped.contiguous(memory_format=memory_format))
            targets.append(clean)
            weights.append(region_weights(target_masks, self.region_weight) if target_masks is not None else None)
        return inputs, targets, weights

    def loss_fn(self, model: torch.nn.Module, batch) -> tuple[torch.Tensor, dict[str, float]]:
        device = batch[0][0].device
        inputs, targets, weights = self.inputs_and_targets(batch, device)
        rebuilt = model(inputs)  # the one forward call: all identities at once
        total = 0.0
        metrics: dict[str, float] = {}
        for identity, (out, target, weight) in enumerate(zip(rebuilt, targets, weights)):
            loss, parts = reconstruction_loss(out, target, weight, self.pixel_loss, self.ssim_weight)
            total = total + loss
            metrics[f"loss_{identity}"] = loss.detach()
            if "ssim" in parts:
                metrics[f"ssim_{identity}"] = parts["ssim"]
        return total, metrics


@dataclass
class SwapRunResult:
    run_dir: Path
    history: list[dict]
    model: FaceSwapModel
    names: list[str]
    steps: int
    elapsed_s: float
    prior: dict | None = None  # the face prior the run started from (swap.prior.start_from_prior), or None


def preset_augment(preset: str) -> AugmentConfig:
    """The 2017 recipe's full warps for ``original``; gentler moves for ``classroom``, whose few
    thousand steps are better spent learning faces than undoing large distortions, and stronger
    colour jitter, which keeps its decoders from painting a swapped face in the source's skin
    tone (3 minutes on the bench's twins: swap SSIM 0.64 -> 0.68, PSNR 15 -> 18 dB)."""
    if preset == "classroom":
        return AugmentConfig(rotation_deg=5.0, warp=0.01, brightness=0.15, contrast=0.25, saturation=0.25)
    return AugmentConfig()


def default_batch_size(preset: str) -> int:
    return 16 if preset == "classroom" else 64


def build_model_config(options: SwapTrainOptions, n_identities: int) -> SwapConfig:
    return SwapConfig.from_preset(
        options.preset, input_size=options.input_size, bottleneck=options.bottleneck, n_identities=n_identities, learning_rate=options.learning_rate
    )


def check_options(options: SwapTrainOptions) -> None:
    """A one-line LabError for a length, batch or rate no run can use (the CLI's types refuse them first)."""
    import math
    import numbers

    def positive(name: str, value, whole: bool) -> None:
        good = not isinstance(value, bool) and (isinstance(value, numbers.Integral) if whole else isinstance(value, numbers.Real) and math.isfinite(value))
        if not good or value <= 0:
            raise LabError(f"{name} must be {'a whole number' if whole else 'a finite number'} above 0, not {value!r}")

    positive("--steps", options.steps, whole=True)
    for name, value, whole in (("--minutes", options.minutes, False), ("--batch-size", options.batch_size, True),
                               ("--lr", options.learning_rate, False), ("--limit", options.limit_per_identity, True),
                               ("--bottleneck", options.bottleneck, True)):
        if value is not None:
            positive(name, value, whole)


def train_swap(
    options: SwapTrainOptions,
    face_sets: FaceSets | None = None,
    extra_hooks: list[tuple[int, Callable]] | None = None,
) -> SwapRunResult:
    """Train (or resume) a face-swap run; writes checkpoints, previews, a timelapse and metrics.

    ``face_sets`` may be given directly (tests, notebooks); otherwise it is loaded from
    ``options.data``/``options.identities``.
    """
    from deepfake_edu.paths import runs_dir
    from deepfake_edu.swap.metrics import SwapMetricsHook, true_answer_sets
    from deepfake_edu.training import TrainConfig, Trainer, seed_everything
    from deepfake_edu.training.device import pick_device

    check_options(options)
    preset_config = SwapConfig.from_preset(options.preset, input_size=options.input_size)
    if face_sets is None:
        face_sets = load_face_sets(options.data, options.identities, preset_config.input_size, options.limit_per_identity)
    model_config = build_model_config(options, len(face_sets.names))
    run_dir = Path(options.run) if options.run else runs_dir() / f"swap-{options.preset}"
    batch = options.batch_size or default_batch_size(options.preset)
    seed_everything(options.seed)
    model = FaceSwapModel(model_config)
    device = pick_device(options.device)
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)

    prior = _start_from_prior(model, options, run_dir)

    faces = [torch.from_numpy(f) for f in face_sets.faces]
    masks = [torch.from_numpy(m) for m in face_sets.masks] if face_sets.masks is not None else None
    augment_config = options.augment or preset_augment(options.preset)
    task = SwapTask(faces, batch, options.seed, augment_config, masks, options.pixel_loss, options.ssim_weight, options.region_weight)

    n_preview = min(8, *(len(f) for f in faces))
    preview_faces = [torch.from_numpy(f[:n_preview]).permute(0, 3, 1, 2).float().div(255) for f in face_sets.faces[:2]]

    def preview(m: FaceSwapModel) -> np.ndarray:
        dev = next(m.parameters()).device
        return preview_grid(m, [p.to(dev) for p in preview_faces])

    hooks: list[tuple[int, Callable]] = []
    if options.timelapse_every > 0:
        hooks.append((options.timelapse_every, timelapse_hook(preview_faces[0][:1])))
    answer_sets = true_answer_sets(face_sets, model_config.input_size, options.metrics_faces) if options.metrics_every > 0 else []
    if answer_sets:
        hooks.append((options.metrics_every, SwapMetricsHook(answer_sets)))
    hooks += extra_hooks or []

    lr = model_config.learning_rate
    train_config = TrainConfig(
        steps=options.steps,
        batch_size=batch,
        seed=options.seed,
        device=options.device,
        precision=options.precision,
        checkpoint_every=options.checkpoint_every,
        snapshot_every=options.snapshot_every,
        log_every=options.log_every,
        preview_every=options.preview_every,
        time_limit_s=options.minutes * 60 if options.minutes is not None else None,
        compile=options.compile,
        progress=options.progress,
    )
    trainer = Trainer(
        model,
        make_optimizer=lambda params: torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999)),
        make_batch=task.make_batch,
        loss_fn=task.loss_fn,
        run_dir=run_dir,
        config=train_config,
        info={
            "model": "faceswap",
            "config": config_dict(model_config),
            "datasets": face_sets.datasets,
            "identities": face_sets.names,
            "face_kind": "twins" if all(records and "factors" in records[0] for records in face_sets.records) else "real",
            "framing": SWAP_FRAMING,
            "train_options": _options_dict(options),
            "prior": prior,
        },
        hooks=hooks,
        preview=preview,
    )
    history = trainer.fit(resume=options.resume)
    write_timelapse(run_dir)
    return SwapRunResult(run_dir, history, trainer.model, face_sets.names, trainer.step, trainer.elapsed_s, prior)


def train_prior(options: SwapTrainOptions, limit_per_identity: int | None = None) -> SwapRunResult:
    """Train a face prior (``swap.prior``) on ``options.data[0]``, a twins dataset of many people
    pooled into one generic decoder, with the swap's loss and augmentation (``options.identities``
    is ignored). No true answer and no timelapse: a prior swaps nobody."""
    from deepfake_edu.swap.prior import pooled_face_sets

    if len(options.data) != 1:
        raise LabError("a face prior learns from one dataset of many people: give one --data")
    size = SwapConfig.from_preset(options.preset, input_size=options.input_size).input_size
    faces = pooled_face_sets(options.data[0], size, limit_per_identity)
    options = dataclasses.replace(options, prior=None, metrics_every=0, timelapse_every=0)
    return train_swap(options, face_sets=faces)


def _start_from_prior(model: FaceSwapModel, options: SwapTrainOptions, run_dir: Path) -> dict | None:
    """Load the face prior into a NEW run's model; a resumed run keeps what its checkpoint says
    it started from (the resumed weights replace these anyway). Returns what to record."""
    import json

    from deepfake_edu.swap.prior import installed_prior, prior_problem, start_from_prior
    from deepfake_edu.training import latest_checkpoint

    last = latest_checkpoint(run_dir) if options.resume else None
    if last is not None:
        try:
            return json.loads(last.read_text(encoding="utf-8")).get("prior")
        except (OSError, ValueError):
            return None  # the Trainer reports a damaged checkpoint itself
    if options.prior is None or len(model.decoders) < 2:
        return None
    if options.prior == "auto":
        from deepfake_edu.training.checkpoint import load_model_file

        path = installed_prior()
        if path is None:
            return None
        try:
            _, info = load_model_file(path)
        except LabError:
            return None  # a damaged installed prior: start from scratch rather than refuse to train
        if prior_problem(model.config, info) is not None:
            return None  # e.g. the original preset, or 128 px: the classroom prior does not fit
        return start_from_prior(model, path, options.prior_decoders)
    return start_from_prior(model, options.prior, options.prior_decoders)


def _options_dict(options: SwapTrainOptions) -> dict:
    values = dataclasses.asdict(options)
    for volatile in ("steps", "minutes", "resume", "progress", "run", "device", "compile", "prior", "prior_decoders", "snapshot_every"):
        values.pop(volatile, None)  # a resumed run may change these
    return values


def load_swap_model(path: str | Path, device: str | torch.device = "cpu") -> tuple[FaceSwapModel, dict]:
    """A trained model from a run folder (its newest checkpoint) or a checkpoint file, in eval mode.

    Returns (model, info); ``info["identities"]`` names the decoders in order.
    """
    from deepfake_edu.registry import WrongModelKind, load_model

    try:
        model, info = load_model(path, device, kinds=("faceswap",))
    except WrongModelKind as error:
        raise LabError(f"{path} holds a {error.model!r} model, not a face-swap one: point --run at a swap training run") from None
    if info.get("face_kind") == "twins" and info.get("framing") != SWAP_FRAMING:
        raise LabError(f"{path} learned whole twins pictures (an older deepfake-edu): retrain it, or run `deepfake-edu prepare --force`")
    return model, info


def identity_index(info: dict, name_or_index: str | int) -> int:
    """Decoder number for an identity given by name (as trained) or by number/letter (A=0, B=1)."""
    names = info.get("identities", [])
    text = str(name_or_index)
    if text in names:
        return names.index(text)
    if text.isdigit() and int(text) < len(names):
        return int(text)
    if len(text) == 1 and text.isalpha() and ord(text.upper()) - ord("A") < len(names):
        return ord(text.upper()) - ord("A")
    raise LabError(f"unknown identity {text!r}: this model knows {', '.join(names)} (or A, B, ... / 0, 1, ...)")
