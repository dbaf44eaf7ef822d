"""How each shipped model is made: data, options, steps, and what is measured for its card.

``train_recipe(name, work)`` runs one recipe from nothing in the folder ``work`` (data rendered
there too) and returns the checkpoint it made, its wall time and the measured quality;
``ship(name, outcome)`` turns that into the three shipped files. ``deepfake-edu zoo train NAME``
wires the two. Recipes count steps, not minutes, so a remake does the same work on any machine
(a GPU only makes it sooner); weights differ between machines in their last bits, not in quality.

    swap-twins     the classroom face-swap pair of twin-00 and twin-01 (the demo's swap tab,
                   the labs' fakes, the detector's training fakes)
    funnel-4/32/256  the same model with a bottleneck of 4, 32 and 256 numbers, each trained the
                   same way (lab 1 and the demo's "inside the autoencoder")
    meso4-twins    Meso-4 trained on real twins and swap-twins' fakes of them, twins 06 and 07
                   held out (the demo's detector tab, labs 4-7)
    face-prior     the classroom model's shared encoder and one generic decoder, pretrained on
                   hundreds of twins of a seed no lesson uses (``swap train --prior`` starts a new
                   pair from it; ``bench swap --only prior`` measures what it buys). Not shipped:
                   on twins it cost the swap more than it gave (``Recipe.ships``)
"""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from deepfake_edu.errors import LabError
from deepfake_edu.swap.prior import PRIOR_DATA
from deepfake_edu.swap.prior import UNSEEN_PAIR_DATA as UNSEEN_DATA

# The twins every recipe learns from: the lab's own dataset (``prepare`` renders the same one).
TWINS_DATA = {"identities": 8, "per_identity": 200, "size": 128, "seed": 0}
PAIR = ("twin-00", "twin-01")  # who the swap pair and the funnel models learn
HELD_OUT = ("twin-06", "twin-07")  # who the detector never sees while it learns
# The face prior's twins (PRIOR_DATA: many people, few pictures each, a seed no lesson renders) and
# the unseen pair it is measured on (UNSEEN_DATA) are swap.prior's: `bench swap --only prior` renders them too.
PRIOR_BATCH = 32  # faces per step: the cost of a pair's step (16 per person)
PRIOR_STEPS = 6_000
SWAP_STEPS = 4_000
FUNNEL_STEPS = 3_000
FUNNEL_WIDTHS = (4, 32, 256)
DETECTOR_STEPS = 600
HALF_TOLERANCE = 0.002  # SSIM (or AUC) that half precision may cost before the weights stay fp32
METRIC_FACES = 64  # faces per direction for the card's SSIM against the true answer


@dataclass
class Recipe:
    name: str
    kind: str  # "swap" | "funnel" | "detector" | "prior"
    summary: str
    steps: int
    width: int | None = None  # funnel bottleneck
    needs: tuple[str, ...] = ()  # shipped models this recipe starts from
    ships: bool = True  # whether the lab ships what it makes (False: measured, and not worth a file in the repository yet)


RECIPES: dict[str, Recipe] = {
    "swap-twins": Recipe("swap-twins", "swap", "classroom face swap of twin-00 and twin-01 (64 px)", SWAP_STEPS),
    **{f"funnel-{w}": Recipe(f"funnel-{w}", "funnel", f"the classroom model of twin-00 and twin-01 with a {w}-number bottleneck",
                             FUNNEL_STEPS, width=w) for w in FUNNEL_WIDTHS},
    "meso4-twins": Recipe("meso4-twins", "detector", "Meso-4 trained on real twins and swap-twins' fakes (twins 06, 07 held out)",
                          DETECTOR_STEPS, needs=("swap-twins",)),
    # Not shipped: started from it, a new pair's swap came out worse than from random weights
    # (ARCHITECTURE.md, "The face prior"); `zoo train face-prior` makes it for `swap train --prior`.
    "face-prior": Recipe("face-prior", "prior", "the classroom model's shared encoder and a generic decoder, pretrained on 400 twins (seed 1)",
                         PRIOR_STEPS, ships=False),
}


@dataclass
class Outcome:
    """What a recipe made: its checkpoint JSON, the training wall time and the measured figures."""

    recipe: Recipe
    checkpoint: Path
    steps: int
    wall_s: float
    measured: dict = field(default_factory=dict)
    device: str = "cpu"
    data: Path | None = None  # the twins it learned (the half-precision check measures on them)


def recipe(name: str) -> Recipe:
    if name not in RECIPES:
        raise LabError(f"no recipe named {name!r}: choose one of {', '.join(RECIPES)}")
    return RECIPES[name]


def twins_data(work: Path, per_identity: int | None = None) -> Path:
    """The recipes' twins dataset under ``work`` (rendered once, ~10 s on 2 cores)."""
    from deepfake_edu.data.twins import generate_twins_dataset

    folder = work / "twins-lab"
    if not (folder / "dataset.json").exists():
        options = {**TWINS_DATA, "per_identity": per_identity or TWINS_DATA["per_identity"]}
        generate_twins_dataset(folder, workers=2, **options)
    return folder


def prior_data(work: Path, options: dict | None = None, name: str = "twins-prior") -> Path:
    """The face prior's twins (``PRIOR_DATA``) under ``work``, rendered once (~1 minute on 2 cores)."""
    from deepfake_edu.data.twins import generate_twins_dataset

    folder = work / name
    if not (folder / "dataset.json").exists():
        generate_twins_dataset(folder, workers=2, **(options or PRIOR_DATA))
    return folder


def prior_quality(checkpoint: Path, unseen: Path, state: dict | None = None) -> dict:
    """SSIM of the prior's generic decoder rebuilding ``METRIC_FACES`` faces of each of two twins
    it never saw (``UNSEEN_DATA``): how well it knows faces in general. ``state``: tensors to
    load instead of the checkpoint's (the half-precision check)."""
    import torch

    from deepfake_edu.swap.facesets import load_face_sets
    from deepfake_edu.swap.losses import ssim
    from deepfake_edu.swap.train import load_swap_model

    model, _ = load_swap_model(checkpoint)
    if state is not None:
        model.load_state_dict({key: value.float() for key, value in state.items()})
    face_sets = load_face_sets([str(unseen)], None, model.config.input_size, METRIC_FACES)
    scores = {}
    with torch.no_grad():
        for name, faces in zip(face_sets.names, face_sets.faces):
            images = torch.from_numpy(faces).permute(0, 3, 1, 2).float().div(255)
            scores[f"rebuild_ssim_unseen_{name}"] = round(float(ssim(model([images])[0], images)), 4)
    scores["rebuild_ssim_unseen"] = round(sum(scores.values()) / len(scores), 4)
    return scores


def _train_prior_kind(r: Recipe, work: Path, steps: int, per_identity: int | None, progress: bool) -> Outcome:
    from deepfake_edu.swap.train import SwapTrainOptions, train_prior
    from deepfake_edu.training.checkpoint import latest_checkpoint

    options = dict(PRIOR_DATA, per_identity=per_identity or PRIOR_DATA["per_identity"])
    data = prior_data(work, options)
    run = work / r.name
    every = max(steps // 12, 1)
    result = train_prior(SwapTrainOptions(data=[str(data)], preset="classroom", steps=steps, batch_size=PRIOR_BATCH, run=str(run),
                                          checkpoint_every=every, preview_every=every, resume=True, progress=progress, seed=0))
    checkpoint = latest_checkpoint(run)
    if checkpoint is None:
        raise LabError(f"{run} holds no finished checkpoint after training: run `deepfake-edu zoo train {r.name}` again")
    unseen = prior_data(work, dict(UNSEEN_DATA, per_identity=METRIC_FACES), "twins-unseen")
    measured = prior_quality(checkpoint, unseen)
    history = [entry for entry in result.history if "loss" in entry]
    if history:
        measured["first_loss"], measured["last_loss"] = round(history[0]["loss"], 4), round(history[-1]["loss"], 4)
    return Outcome(r, checkpoint, result.steps, result.elapsed_s, measured, _device_name(), unseen)


def swap_options(data: Path, run: Path, steps: int, width: int | None = None, progress: bool = False):
    """The options of the swap pair (``width`` None) and of the funnel models (a width), both
    from random weights."""
    from deepfake_edu.swap.train import SwapTrainOptions

    if width is None:
        return SwapTrainOptions(data=[str(data)], identities=list(PAIR), preset="classroom", steps=steps, run=str(run),
                                resume=True, progress=progress, seed=0)
    # The funnel models skip previews, timelapse and metrics: the lesson compares their rebuilds.
    return SwapTrainOptions(data=[str(data)], identities=list(PAIR), preset="classroom", bottleneck=width, steps=steps,
                            batch_size=8, run=str(run), checkpoint_every=steps, preview_every=0, timelapse_every=0,
                            metrics_every=0, resume=True, progress=progress, seed=0)


def swap_quality(checkpoint: Path, data: Path, state: dict | None = None) -> dict:
    """SSIM and PSNR of the swap against the true answer (twins rendered without camera noise),
    and of each person's own rebuild, on ``METRIC_FACES`` faces per direction. ``state``: tensors
    to load instead of the checkpoint's (the half-precision check)."""
    import torch

    from deepfake_edu.swap.facesets import load_face_sets
    from deepfake_edu.swap.metrics import evaluate_swaps, swap_scores, true_answer_sets
    from deepfake_edu.swap.train import load_swap_model

    model, info = load_swap_model(checkpoint)
    if state is not None:
        model.load_state_dict({key: value.float() for key, value in state.items()})
    face_sets = load_face_sets([str(data)], list(info["identities"]), model.config.input_size, METRIC_FACES)
    scores = evaluate_swaps(model, true_answer_sets(face_sets, model.config.input_size, METRIC_FACES))
    for index, faces in enumerate(face_sets.faces):
        images = torch.from_numpy(faces).permute(0, 3, 1, 2).float().div(255)
        scores[f"rebuild_ssim_{info['identities'][index]}"] = swap_scores(model, images, images, index)["ssim"]
    return {key: round(float(value), 4) for key, value in scores.items()}


def _train_swap_kind(r: Recipe, work: Path, steps: int, per_identity: int | None, progress: bool) -> Outcome:
    from deepfake_edu.swap.train import train_swap
    from deepfake_edu.training.checkpoint import latest_checkpoint

    data = twins_data(work, per_identity)
    run = work / r.name
    result = train_swap(swap_options(data, run, steps, r.width, progress))
    checkpoint = latest_checkpoint(run)
    if checkpoint is None:
        raise LabError(f"{run} holds no finished checkpoint after training: run `deepfake-edu zoo train {r.name}` again")
    history = [entry for entry in result.history if "loss" in entry]
    measured = swap_quality(checkpoint, data)
    if history:
        measured["first_loss"], measured["last_loss"] = round(history[0]["loss"], 4), round(history[-1]["loss"], 4)
    return Outcome(r, checkpoint, result.steps, result.elapsed_s, measured, _device_name(), data)


def _train_detector_kind(r: Recipe, work: Path, steps: int, per_identity: int | None, progress: bool) -> Outcome:
    from deepfake_edu.detect.train import DetectRecipe, train_on_folder
    from deepfake_edu.detect.twins_set import build_twins_realfake
    from deepfake_edu.training import TrainConfig
    from deepfake_edu.training.checkpoint import latest_checkpoint

    swap_run = work / "swap-twins-shipped"
    if latest_checkpoint(swap_run) is None:
        _shipped("swap-twins", work)
    realfake = work / "twins-realfake"
    if not (realfake / "dataset.json").exists():
        build_twins_realfake(realfake, swap_run, per_identity=per_identity or 40, progress=progress)
    config = TrainConfig(steps=steps, batch_size=32, checkpoint_every=max(steps // 4, 1), log_every=10, progress=progress)
    started = time.perf_counter()
    run, _, exported = train_on_folder(realfake, work / "meso4-run", config, DetectRecipe(eval_every=max(steps // 10, 1)),
                                       held_out=list(HELD_OUT), out=work / r.name, resume=True)
    wall = time.perf_counter() - started
    last = latest_checkpoint(work / "meso4-run")
    if last is not None:  # the run's own clock counts the steps before a resume too
        wall = json.loads(last.read_text()).get("progress", {}).get("elapsed_s", wall)
    losses = [entry["loss"] for entry in run.history if "loss" in entry]
    measured = {key: round(float(run.metrics[key]), 4) for key in ("auc", "balanced_accuracy") if key in run.metrics}
    measured = {f"{key}_held_out_twins": value for key, value in measured.items()}
    if losses:
        measured["first_loss"], measured["last_loss"] = round(losses[0], 4), round(losses[-1], 4)
    return Outcome(r, Path(exported), steps, wall, measured, _device_name())


def train_recipe(name: str, work: str | os.PathLike, steps: int | None = None, per_identity: int | None = None,
                 progress: bool = True) -> Outcome:
    """Run recipe ``name`` in ``work``. ``steps`` and ``per_identity`` shrink it (tests, a quick
    look); a shipped model is made with neither."""
    r = recipe(name)
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    steps = r.steps if steps is None else steps
    trainer = {"detector": _train_detector_kind, "prior": _train_prior_kind}.get(r.kind, _train_swap_kind)
    return trainer(r, work, steps, per_identity, progress)


def _shipped(name: str, work: Path) -> Path:
    """Shipped model ``name`` installed under ``work`` as a run of its own (a recipe that needs it
    starts from the shipped file, not from a remake); returns the checkpoint JSON."""
    from deepfake_edu import zoo

    return zoo.install(name, work / f"{name}-shipped" / "checkpoints" / f"step-{zoo.card(name)['steps']:08d}")


def _card_data(r: Recipe) -> dict:
    if r.kind == "prior":
        return {"twins": PRIOR_DATA, "identities": f"all {PRIOR_DATA['identities']}, pooled into one generic decoder",
                "batch_size": PRIOR_BATCH, "measured_on": {"twins": dict(UNSEEN_DATA, per_identity=METRIC_FACES)}}
    return {"twins": TWINS_DATA, "identities": list(PAIR) if r.kind != "detector" else "all 8, twin-06 and twin-07 held out"}


def _device_name() -> str:
    import torch

    if torch.cuda.is_available():
        return f"cuda ({torch.cuda.get_device_name(0)})"
    return f"cpu ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"


def _half_change(outcome: Outcome, tensors: dict) -> float | None:
    """How much half-precision weights change the measured swap SSIMs (None: not measured, and
    then the weights stay fp32; Meso-4's ~28 k parameters are not worth the doubt)."""
    import torch

    if outcome.recipe.kind == "detector" or outcome.data is None:
        return None
    halved_state = {key: value.to(torch.float16).float() if value.is_floating_point() else value for key, value in tensors.items()}
    quality = prior_quality if outcome.recipe.kind == "prior" else swap_quality
    full = quality(outcome.checkpoint, outcome.data)
    halved = quality(outcome.checkpoint, outcome.data, state=halved_state)
    return round(max(abs(full[key] - halved[key]) for key in full if key.startswith(("swap_ssim", "rebuild_ssim"))), 5)


def ship(outcome: Outcome, models_dir: Path | None = None) -> Path:
    """Write the three shipped files of ``outcome`` into ``models_dir`` (default the package's);
    returns the card's path. The weights lose the optimizer state; half precision is used when
    it changes the measured quality by at most ``HALF_TOLERANCE``."""
    import torch

    from deepfake_edu import zoo
    from deepfake_edu.fileio import write_text_atomic
    from deepfake_edu.training.checkpoint import load_model_file, save_model_file

    folder = models_dir or zoo.MODELS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    tensors, info = load_model_file(outcome.checkpoint)
    model_tensors = {key: value for key, value in tensors.items() if key.startswith("model/")}
    half_change = _half_change(outcome, {k[len("model/"):]: v for k, v in model_tensors.items()})
    keep_full = half_change is None or half_change > HALF_TOLERANCE
    if not keep_full:
        model_tensors = {key: value.to(torch.float16) if value.is_floating_point() else value for key, value in model_tensors.items()}
    for volatile in ("optimizer", "tensors", "sha256", "format"):
        info.pop(volatile, None)
    if isinstance(info.get("train_options"), dict):
        info["train_options"]["data"] = [Path(d).name for d in info["train_options"].get("data", [])]
    history = info.get("history") or []
    if len(history) > 200:  # the card keeps the curve's shape, not every logged step
        stride = len(history) // 200 + 1
        info["history"] = history[::stride] + history[-1:]
    json_path = save_model_file(folder / outcome.recipe.name, model_tensors, {**info, "shipped": outcome.recipe.name})
    weights = json_path.with_suffix(".safetensors")
    card = {
        "name": outcome.recipe.name,
        "summary": outcome.recipe.summary,
        "kind": outcome.recipe.kind,
        "model": info.get("model"),
        "config": info.get("config"),
        "recipe": {"data": _card_data(outcome.recipe), "needs": list(outcome.recipe.needs), "seed": 0, "width": outcome.recipe.width},
        "remake": f"deepfake-edu zoo train {outcome.recipe.name} --ship",
        "steps": outcome.steps,
        "wall_time_s": round(outcome.wall_s, 1),
        "machine": {"device": outcome.device, "platform": platform.platform(), "python": platform.python_version(),
                    "torch": torch.__version__},
        "precision": "fp32" if keep_full else "fp16",
        "half_precision_change": half_change,
        "measured": outcome.measured,
        "made": date.today().isoformat(),
        "sha256": zoo._sha256(weights),
        "bytes": weights.stat().st_size,
    }
    card_path = folder / f"{outcome.recipe.name}{zoo.CARD_SUFFIX}"
    write_text_atomic(card_path, json.dumps(card, indent=2))
    return card_path


def shipped_recipes() -> list[str]:
    """The recipes whose models ship with the lab (``deepfake_edu/zoo/models/``)."""
    return [name for name, r in RECIPES.items() if r.ships]
