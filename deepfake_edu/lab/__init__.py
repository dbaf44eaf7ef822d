"""The lab's ready state: the data and models that the demo, the tour and the labs start from.

``prepare_lab()`` makes whatever is missing, on the synthetic twins only, and reuses what exists.
The models come from the lab's zoo (``deepfake_edu.zoo``: trained by the project's recipes, with
a card each) when this copy ships them, so a first launch renders data and loads models; with
``train=True``, or when nothing ships, it trains them here within a few minutes on 2 cores:

    datasets/twins-lab        128 px twins, 8 invented people (the face-swap model's data)
    runs/swap-lab             a classroom face-swap model trained on twin-00 and twin-01
    datasets/twins-realfake   256 px real twins and the same frames swapped, JPEG 95/75/50
    models/meso4-twins        Meso-4 trained on twins 00-05 of that set; 06 and 07 held out

Every step writes atomically or resumes (a run interrupted at any point continues next time).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from deepfake_edu.errors import LabError
from deepfake_edu.paths import LAB_DETECTOR as DETECTOR_NAME
from deepfake_edu.paths import LAB_HELD_OUT as HELD_OUT
from deepfake_edu.paths import LAB_REALFAKE as REALFAKE_NAME
from deepfake_edu.paths import LAB_SWAP_RUN as SWAP_RUN
from deepfake_edu.paths import LAB_TWINS as TWINS_NAME
from deepfake_edu.paths import datasets_dir, lab_home, models_dir, runs_dir

SWAP_IDENTITIES = ("twin-00", "twin-01")
SHIPPED_SWAP = "swap-twins"  # the zoo's names of the lab's swap pair and detector
SHIPPED_DETECTOR = "meso4-twins"


@dataclass
class LabAssets:
    home: Path  # the lab home (deepfake_edu.paths.lab_home)
    twins: Path  # dataset: 128 px twins pictures, identities twin-00 .. twin-07
    swap_run: Path  # run folder: classroom face-swap model, decoders for twin-00 and twin-01
    realfake: Path  # dataset: 256 px real and swapped twins, records labelled "real" / "fake"
    detector: Path  # checkpoint JSON: Meso-4 trained on realfake (twins 06 and 07 held out)
    report: dict = field(default_factory=dict)  # measured figures of the preparation


def default_assets() -> LabAssets:
    return LabAssets(
        home=lab_home(),
        twins=datasets_dir() / TWINS_NAME,
        swap_run=runs_dir() / SWAP_RUN,
        realfake=datasets_dir() / REALFAKE_NAME,
        detector=models_dir() / f"{DETECTOR_NAME}.json",
    )


def _report_path() -> Path:
    return models_dir() / "lab-report.json"


def lab_status(assets: LabAssets | None = None) -> dict[str, bool]:
    """Which of the four assets exist and are complete."""
    from deepfake_edu.training.checkpoint import latest_checkpoint

    assets = assets or default_assets()
    swap_done = False
    found = latest_checkpoint(assets.swap_run)
    if found is not None:
        info = json.loads(found.read_text())
        swap_done = info.get("lab_complete", False) or _swap_finished(info)
    return {
        "twins": (assets.twins / "dataset.json").exists(),
        "swap": swap_done,
        "realfake": (assets.realfake / "dataset.json").exists(),
        "detector": assets.detector.exists(),
    }


def _swap_finished(info: dict) -> bool:
    progress, config = info.get("progress", {}), info.get("train_config", {})
    limit = config.get("time_limit_s")
    return progress.get("step", 0) >= config.get("steps", 1) or (limit is not None and progress.get("elapsed_s", 0) >= limit)


def load_lab() -> LabAssets:
    """The prepared assets; a one-line LabError when something is missing."""
    assets = default_assets()
    missing = [name for name, ready in lab_status(assets).items() if not ready]
    if missing:
        raise LabError(f"the lab is not prepared ({', '.join(missing)} missing): run `deepfake-edu prepare` first")
    if _report_path().exists():
        assets.report = json.loads(_report_path().read_text())
    return assets


def prepare_lab(minutes: float = 5.0, force: bool = False, progress: bool = True, per_identity: int = 200, realfake_per_identity: int = 40,
                more_steps: int = 0, train: bool = False) -> LabAssets:
    """Make whatever is missing (everything with ``force``).

    The face-swap model and the detector are installed from the zoo when it ships them (unless
    ``train``); else they train here within about ``minutes`` on 2 cores: about half of the
    budget for the face-swap model, a third for the detector, the rest renders. Returns the
    assets with a report of what was measured (for an installed model, its card's figures).
    ``more_steps``: how many steps a caller adds after these four, so that the headings count
    them too ("1/5").
    """
    from deepfake_edu import zoo
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.detect.twins_set import build_twins_realfake

    if minutes <= 0.2:
        raise LabError("--minutes must be more than 0.2")
    assets = default_assets()
    status = {name: (ready and not force) for name, ready in lab_status(assets).items()}
    report = json.loads(_report_path().read_text()) if _report_path().exists() and not force else {}
    total = 4 + more_steps
    say = (lambda step, text: print(f"{step}/{total} {text}")) if progress else (lambda *a, **k: None)

    if not status["twins"]:
        say(1, "rendering the synthetic twins (invented people, no real face)")
        started = time.perf_counter()
        # the same twins the shipped models learned
        from deepfake_edu.zoo.recipes import TWINS_DATA

        generate_twins_dataset(assets.twins, **{**TWINS_DATA, "per_identity": per_identity}, workers=2, progress=progress)
        report["twins_s"] = round(time.perf_counter() - started, 1)
    if not status["swap"]:
        if not train and zoo.available(SHIPPED_SWAP):
            say(2, "installing the lab's trained face-swap model (one shared encoder, a decoder for twin-00 and one for twin-01)")
            report.update(_install_swap(assets))
        else:
            say(2, "training the face-swap model (one shared encoder, a decoder for twin-00 and one for twin-01)")
            report.update(_train_swap(assets, minutes * 0.5, force, progress))
    if not status["realfake"]:
        say(3, "making real and fake twins for the detector (the same frames, swapped)")
        started = time.perf_counter()
        build_twins_realfake(assets.realfake, assets.swap_run, per_identity=realfake_per_identity, progress=progress,
                             workers=min(2, os.cpu_count() or 1))
        report["realfake_s"] = round(time.perf_counter() - started, 1)
    if not status["detector"]:
        installed_swap = report.get("swap_source") == "shipped"
        if not train and installed_swap and zoo.available(SHIPPED_DETECTOR):
            say(4, "installing the lab's trained Meso-4 (it learned the shipped model's fakes; twins 06 and 07 held out)")
            report.update(_install_detector(assets))
        else:
            say(4, "training Meso-4 to catch the fakes (twins 06 and 07 held out to test it)")
            report.update(_train_detector(assets, minutes * 0.3, progress))
    from deepfake_edu.fileio import write_text_atomic

    write_text_atomic(_report_path(), json.dumps(report, indent=2))
    assets.report = report
    return assets


def _install_swap(assets: LabAssets) -> dict:
    """Copy the zoo's swap pair into the lab's run folder; the card's figures for the report."""
    import shutil

    from deepfake_edu import zoo

    card = zoo.card(SHIPPED_SWAP)
    if assets.swap_run.exists():
        shutil.rmtree(assets.swap_run)  # an unfinished run of an earlier launch: the shipped one replaces it
    zoo.install(SHIPPED_SWAP, assets.swap_run / "checkpoints" / f"step-{card['steps']:08d}", {"lab_complete": True})
    figures = {"swap_source": "shipped", "swap_steps": card["steps"], "swap_minutes": round(card["wall_time_s"] / 60, 1),
               "swap_trained_on": card["machine"]["device"]}
    if "swap_ssim" in card.get("measured", {}):
        figures["swap_ssim_vs_truth"] = card["measured"]["swap_ssim"]
    return figures


def _install_detector(assets: LabAssets) -> dict:
    from deepfake_edu import zoo

    card = zoo.card(SHIPPED_DETECTOR)
    zoo.install(SHIPPED_DETECTOR, assets.detector.with_suffix(""))
    measured = card.get("measured", {})
    figures = {"detector_source": "shipped", "detector_steps": card["steps"]}
    for key, name in (("balanced_accuracy_held_out_twins", "detector_balanced_accuracy_held_out"), ("auc_held_out_twins", "detector_auc_held_out")):
        if key in measured:
            figures[name] = measured[key]
    return figures


def _train_swap(assets: LabAssets, minutes: float, force: bool, progress: bool) -> dict:
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap

    options = SwapTrainOptions(
        data=[str(assets.twins)],
        identities=list(SWAP_IDENTITIES),
        preset="classroom",
        steps=100_000,  # the time budget decides
        minutes=minutes,
        run=str(assets.swap_run),
        resume=not force,
        progress=progress,
        prior=None,  # `prepare --train` shows what the laptop makes on its own
    )
    result = train_swap(options)
    last = [h for h in result.history if "swap_ssim" in h]
    figures = {"swap_source": "trained here", "swap_steps": result.steps, "swap_minutes": round(result.elapsed_s / 60, 2)}
    if last:
        figures["swap_ssim_vs_truth"] = round(last[-1]["swap_ssim"], 4)
    return figures


def _train_detector(assets: LabAssets, minutes: float, progress: bool) -> dict:
    from deepfake_edu.detect.train import DetectRecipe, train_on_folder
    from deepfake_edu.training import TrainConfig

    config = TrainConfig(steps=100_000, batch_size=32, time_limit_s=minutes * 60, checkpoint_every=200, log_every=10, progress=progress)
    run, _, _ = train_on_folder(assets.realfake, runs_dir() / DETECTOR_NAME, config, DetectRecipe(eval_every=50),
                                held_out=list(HELD_OUT), out=assets.detector.with_suffix(""), resume=False)
    return {
        "detector_source": "trained here",
        "detector_steps": run.history[-1]["step"] if run.history else 0,
        "detector_balanced_accuracy_held_out": round(run.metrics.get("balanced_accuracy", float("nan")), 4),
        "detector_auc_held_out": round(run.metrics.get("auc", float("nan")), 4),
    }
