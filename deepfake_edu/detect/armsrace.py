"""The arms race: detectors against one face-swap model at every stage of its training.

A swap run trained with snapshots (``SwapTrainOptions.snapshot_every``: the model kept for good
at every N steps in ``RUN/snapshots/``) holds its fakes as they improved. For each snapshot
(and the run's newest checkpoint) ``arms_race`` measures:

- how good the swap is: SSIM and PSNR of the swap against the twins' true answer on the run's
  own training faces (``swap.metrics.evaluate_swaps``, the numbers ``swap train`` logs), and the
  detail its merged fakes keep (``swap.metrics.detail_kept``: variance of the Laplacian of the
  fake over the real frame's, where the face was pasted, median over the probe's frames);
- what each detector says about that snapshot's fakes: their mean P(fake), the share of them
  called fake (P(fake) > 0.5), and the AUC of fakes against the real faces of the same frames
  (``detect.protocol``, the one owner of detection metrics).

The probe: real 256 px frames of twins that the lab's detector never saw (twin-06 and twin-07),
and the same frames swapped by the snapshot (to each decoder in turn), real and fake through the
same JPEG quality (``detect.twins_set.realfake_pairs``, as the lab's real/fake set is made; its
frames are of another seed, so none of them was ever learned). The real frames are the same for
every snapshot: a detector's false alarms on them are one number (``ArmsRace.detectors``).

The arms race itself: ``train_early`` also trains a quick Meso-4 on the EARLIEST snapshot's
fakes (twins 00-05, other frames), the detector built against yesterday's fakes; the table then
shows whether it still catches the fakes the same model made later.

    from deepfake_edu.detect.armsrace import arms_race, plot_arms_race
    race = arms_race("runs/swap-armsrace", ["meso4-twins"], train_early=200)
    print(race.format_table()); plot_arms_race(race, "arms-race.png")

``deepfake-edu detect arms-race --run RUN`` wires it; lab 4 calls it. Both keep the table in
``<lab home>/outputs/arms-race/`` (``keep_arms_race``), where the demo's view (tab 3) shows it
beside the race measured for the lab (``saved_races``).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepfake_edu.detect.twins_set import DEFAULT_QUALITIES
from deepfake_edu.errors import LabError
from deepfake_edu.paths import LAB_DETECTOR, LAB_HELD_OUT

FRAME_SIDE = 256  # the probe's frames, pixels: MesoNet's input
PROBE_IDENTITIES = tuple(int(name.rsplit("-", 1)[-1]) for name in LAB_HELD_OUT)  # twins 6 and 7: never seen by the lab's detector
PROBE_SEED = 3  # the probe frames' seed: the lab's real/fake set uses 1, detect.twins_set.fake_variants 2
EARLY_IDENTITIES = tuple(i for i in range(8) if i not in PROBE_IDENTITIES)  # whom the early detector learns from
EARLY_SEED = 1  # its frames' seed (other frames than the probe's)
EARLY_NAME = "early Meso-4"  # the early detector's name in the table
RUN_FIX = "train one keeping snapshots: `deepfake-edu swap train --snapshot-every 250 --run RUN` (SwapTrainOptions(snapshot_every=250))"


@dataclass
class ArmsRace:
    """The table of an arms race: one row per snapshot, oldest first.

    rows: dicts with ``step``, ``checkpoint`` (its JSON), ``swap_ssim``, ``swap_psnr`` (dB),
    ``swap_face_ssim`` (SSIM over the face only), ``detail_kept`` (fake / real, 1 = as detailed)
    and ``detectors``: {name: {``mean_p_fake``, ``caught`` (share of the fakes with P(fake) >
    0.5), ``auc`` (fakes against the real frames)}}.
    detectors: {name: {``source`` (what was loaded), ``real_mean_p_fake``, ``false_alarms`` (share
    of the real frames called fake), and for the early detector ``trained_on_step``, ``steps``}}.
    probe: how the frames were made (``identities``, ``per_identity``, ``seed``, ``qualities``,
    ``faces``: fakes per snapshot, as many real).
    """

    run: str
    rows: list[dict]
    detectors: dict[str, dict]
    probe: dict
    seconds: float = 0.0  # wall time of the measurement (training the early detector included)
    notes: list[str] = field(default_factory=list)

    @property
    def steps(self) -> list[int]:
        return [row["step"] for row in self.rows]

    def series(self, detector: str, key: str = "mean_p_fake") -> list[float]:
        """One detector's ``key`` (mean_p_fake, caught or auc) at every snapshot, oldest first."""
        if detector not in self.detectors:
            raise LabError(f"no detector {detector!r} in this arms race: it has {', '.join(self.detectors)}")
        return [row["detectors"][detector][key] for row in self.rows]

    def to_dict(self) -> dict:
        return {"run": self.run, "probe": self.probe, "detectors": self.detectors, "rows": self.rows,
                "seconds": round(self.seconds, 1), "notes": self.notes}

    @classmethod
    def from_dict(cls, data: dict) -> ArmsRace:
        """Rebuild one from ``to_dict``'s JSON (e.g. a saved ``--json`` file, for the demo)."""
        try:
            return cls(str(data["run"]), list(data["rows"]), dict(data["detectors"]), dict(data["probe"]),
                       float(data.get("seconds", 0.0)), list(data.get("notes", [])))
        except (KeyError, TypeError, ValueError):
            raise LabError("this is not an arms-race table: make one with `deepfake-edu detect arms-race --json FILE`") from None

    def format_table(self) -> str:
        """A plain-text table: step, swap SSIM, detail kept, then mean P(fake) / caught / AUC per detector."""
        names = list(self.detectors)
        head = f"{'step':>7} {'SSIM':>6} {'detail':>6}" + "".join(f" | {name[:24]:^24}" for name in names)
        sub = f"{'':>7} {'':>6} {'kept':>6}" + "".join(f" | {'P(fake)':>8}{'caught':>8}{'AUC':>8}" for _ in names)
        lines = [head, sub]
        for row in self.rows:
            cells = "".join(f" | {_num(d['mean_p_fake']):>8}{_pct(d['caught']):>8}{_num(d['auc']):>8}"
                            for d in (row["detectors"][name] for name in names))
            lines.append(f"{row['step']:>7} {_num(row['swap_ssim']):>6} {_num(row['detail_kept'], 2):>6}{cells}")
        for name, about in self.detectors.items():
            line = f"{name}: on the {self.probe['faces']} real frames mean P(fake) {_num(about['real_mean_p_fake'])}, " \
                   f"{_pct(about['false_alarms'])} called fake"
            if "trained_on_step" in about:
                line += f"; trained {about['steps']} steps on the fakes of step {about['trained_on_step']}"
            lines.append(line)
        lines.append(f"probe: {self.probe['faces']} fakes per snapshot (twins {', '.join(f'{i:02d}' for i in self.probe['identities'])}, "
                     f"{self.probe['per_identity']} frames each, seed {self.probe['seed']}) against as many real frames")
        return "\n".join(lines + self.notes)

    def markdown(self) -> str:
        """The table as Markdown (the demo shows it beside ``plot_arms_race``)."""
        names = list(self.detectors)
        lines = ["| step | swap SSIM | detail kept | " + " | ".join(f"{n}: P(fake) / caught / AUC" for n in names) + " |",
                 "|---:|---:|---:|" + "---:|" * len(names)]
        for row in self.rows:
            cells = " | ".join(f"{_num(d['mean_p_fake'])} / {_pct(d['caught'])} / {_num(d['auc'])}"
                               for d in (row["detectors"][n] for n in names))
            lines.append(f"| {row['step']} | {_num(row['swap_ssim'])} | {_num(row['detail_kept'], 2)} | {cells} |")
        for name, about in self.detectors.items():
            extra = f", trained on the fakes of step {about['trained_on_step']}" if "trained_on_step" in about else ""
            lines.append(f"\n**{name}**{extra}: {_pct(about['false_alarms'])} of the real frames called fake.")
        return "\n".join(lines)


def _num(value, digits: int = 3) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _pct(value) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"


# --- the run's points -------------------------------------------------------------------------


def race_points(run: str | os.PathLike) -> list[tuple[int, Path]]:
    """(step, checkpoint JSON) of every snapshot of a swap run and of its newest checkpoint,
    oldest first. A one-line LabError for a missing run, a file instead of a run folder, or a run
    that kept no snapshots (its newest checkpoint alone is no race)."""
    from deepfake_edu.training.checkpoint import latest_checkpoint, list_snapshots

    run = Path(run)
    if not run.exists():
        raise LabError(f"no swap run at {run}: {RUN_FIX}")
    if not run.is_dir():
        raise LabError(f"{run} is a file: point --run at a swap run's folder (its snapshots are in RUN/snapshots/)")
    points = dict(list_snapshots(run))
    newest = latest_checkpoint(run)
    if not points:
        what = "keeps no snapshots of its training (only its newest checkpoints)" if newest is not None else "holds no checkpoint"
        raise LabError(f"{run} {what}: {RUN_FIX}")
    if newest is not None:
        step = int(newest.stem.removeprefix("step-"))
        points.setdefault(step, newest)
    return sorted(points.items())


def _load_snapshot(path: Path):
    from deepfake_edu.swap.train import load_swap_model

    model, info = load_swap_model(path)
    if info.get("face_kind") != "twins":
        raise LabError(f"{path} learned real faces: the arms race needs a twins run (its fakes are measured against the twins' true answer)")
    return model, info


# --- the detectors ----------------------------------------------------------------------------


@dataclass
class Judge:
    """A detector in the race: P(fake) = its sigmoid output, turned round when ``flip``."""

    name: str
    model: object  # a MesoNet in eval mode
    flip: bool = False  # the model outputs P(real) (the MesoNet authors' orientation)
    source: str = ""  # what was loaded

    def p_fake(self, images: np.ndarray) -> np.ndarray:
        """P(fake) (N,) for uint8 faces (N, 256, 256, 3)."""
        from deepfake_edu.detect.train import score

        p = score(self.model, images)
        return 1.0 - p if self.flip else p


def load_judge(name_or_path: str, device: str = "cpu") -> Judge:
    """A detector by name in models/, checkpoint path or the authors' .h5 (``load_detector``),
    with its orientation (``protocol.orientation``). The lab's own detector, when missing, is
    named with the command that installs it."""
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.protocol import orientation
    from deepfake_edu.paths import models_dir

    text = str(name_or_path)
    try:
        model, info = load_detector(text, device, with_info=True)
    except LabError:
        if text != LAB_DETECTOR:
            raise
        raise LabError(f"no detector {text!r} in {models_dir()}: run `deepfake-edu prepare` (it installs the shipped one), "
                       f"or pass --detector PATH") from None
    flip, _ = orientation(info)
    return Judge(Path(text).stem if text.endswith(".h5") else Path(text).name.removesuffix(".json"), model, flip, text)


def _judges(detectors, device: str) -> list[Judge]:
    """Judges from names/paths, a {name: model, name/path or Judge} mapping, or Judges."""
    if isinstance(detectors, (str, os.PathLike)):
        detectors = [detectors]
    items = detectors.items() if isinstance(detectors, Mapping) else [(None, d) for d in detectors]
    judges = []
    for name, given in items:
        if isinstance(given, Judge):
            judge = given
        elif isinstance(given, (str, os.PathLike)):
            judge = load_judge(str(given), device)
        else:  # a loaded model (lab's convention: P(fake))
            judge = Judge(str(name), given.eval(), False, type(given).__name__)
        if name is not None:
            judge.name = str(name)
        judges.append(judge)
    names = [j.name for j in judges]
    if len(set(names)) != len(names):
        raise LabError(f"two detectors share a name ({', '.join(names)}): give each its own")
    return judges


# --- the faces --------------------------------------------------------------------------------


def snapshot_faces(checkpoint: str | os.PathLike, identities: Sequence[int], per_identity: int, seed: int,
                   qualities: Sequence[int] = DEFAULT_QUALITIES) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """(real uint8 (N, 256, 256, 3), fake uint8 (N, 256, 256, 3), records (N,)): twins frames and
    the same frames swapped by ``checkpoint``, each pair through one JPEG quality
    (``detect.twins_set.realfake_pairs``); N = len(identities) x per_identity."""
    from deepfake_edu.detect.twins_set import realfake_pairs

    real, fake, records = [], [], []
    for image, record in realfake_pairs(checkpoint, identities, per_identity, FRAME_SIDE, qualities, seed):
        (real if record["label"] == "real" else fake).append(image)
        if record["label"] == "fake":
            records.append(record)
    return np.stack(real), np.stack(fake), records


def pasted_region(size: int) -> np.ndarray:
    """bool (256, 256): the pixels of a twins frame that are wholly the pasted face of a ``size`` px
    swap crop (the region ``detail_kept`` is measured over, as ``bench swap --only merge`` does)."""
    from deepfake_edu.faces.align import frame_alpha, twins_transform
    from deepfake_edu.swap.convert import face_mask

    return frame_alpha(face_mask(size), twins_transform(FRAME_SIDE, size), (FRAME_SIDE, FRAME_SIDE)) >= 0.95


def train_early_detector(checkpoint: str | os.PathLike, work: str | os.PathLike, steps: int, batch_size: int = 32,
                         per_identity: int = 20, seed: int = 0, device: str = "auto", datasets: Sequence[str] = (),
                         progress: bool = False):
    """A quick Meso-4 (the paper's recipe) trained on real twins and ``checkpoint``'s fakes of them
    (twins 00-05, ``per_identity`` frames each of seed ``EARLY_SEED``: not the probe's people or
    frames), in the run folder ``work`` (an existing one is resumed: a finished run loads at once).
    Returns the model in eval mode."""
    from deepfake_edu.data.realfake import RealFakeSet
    from deepfake_edu.detect.train import DetectRecipe, train_detector
    from deepfake_edu.training import TrainConfig

    real, fake, records = snapshot_faces(checkpoint, EARLY_IDENTITIES, per_identity, EARLY_SEED)
    images = np.concatenate([real, fake])
    labels = np.concatenate([np.zeros(len(real), np.int64), np.ones(len(fake), np.int64)])
    people = [{"identity": r["identity"], "label": "real"} for r in records] + [{"identity": r["identity"], "label": "fake"} for r in records]
    train = RealFakeSet(images, labels, people, layout=f"the fakes of {Path(checkpoint).name}")
    config = TrainConfig(steps=steps, batch_size=batch_size, seed=seed, device=device, checkpoint_every=10**9,
                         log_every=max(1, steps // 20), progress=progress)
    run = train_detector(train, work, config, DetectRecipe(eval_every=0), datasets=list(datasets), resume=True)
    return run.model.eval()


# --- the race ---------------------------------------------------------------------------------


def arms_race(
    run: str | os.PathLike,
    detectors=(LAB_DETECTOR,),
    train_early: int = 0,
    early_batch: int = 32,
    early_per_identity: int = 20,
    per_identity: int = 24,
    identities: Sequence[int] = PROBE_IDENTITIES,
    seed: int = PROBE_SEED,
    qualities: Sequence[int] = DEFAULT_QUALITIES,
    metrics_faces: int = 64,
    device: str = "cpu",
    progress: bool = False,
) -> ArmsRace:
    """Measure every snapshot of the swap run ``run`` (a folder) against ``detectors``.

    detectors: names in models/ or checkpoint paths (``load_detector``), or {name: model or path};
    train_early: when above 0, also train a Meso-4 for that many steps (``early_batch`` faces a
    step) on the earliest snapshot's fakes (``train_early_detector``; its run is kept in
    ``RUN/arms-race/``, so a second call reuses it). per_identity, identities, seed, qualities:
    the probe (see the module doc); metrics_faces: faces per direction for the swap SSIM.
    Returns the ``ArmsRace`` table; bad input is a one-line LabError.
    """
    from deepfake_edu.detect.protocol import classification_metrics, frame_auc
    from deepfake_edu.swap.fakes import training_faces
    from deepfake_edu.swap.metrics import detail_kept, evaluate_swaps, true_answer_sets

    started = time.perf_counter()
    for name, value, low, high in (("--faces", per_identity, 1, 500), ("--train-early", train_early, 0, 1_000_000),
                                   ("early_batch", early_batch, 1, 1024), ("early_per_identity", early_per_identity, 1, 500),
                                   ("metrics_faces", metrics_faces, 1, 1000)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise LabError(f"{name} must be a whole number {low} to {high}, not {value!r}")
    points = race_points(run)
    judges = _judges(detectors, device)
    if not judges and train_early <= 0:
        raise LabError("no detector to race: name one (--detector meso4-twins) or train one on the early fakes (--train-early STEPS)")
    first_model, first_info = _load_snapshot(points[0][1])
    if train_early > 0:
        first_step = points[0][0]
        work = Path(run) / "arms-race" / f"early-meso4-step{first_step}-{train_early}x{early_batch}-{early_per_identity}faces"
        if progress:
            print(f"training {EARLY_NAME} for {train_early} steps on the fakes of step {first_step}")
        model = train_early_detector(points[0][1], work, train_early, early_batch, early_per_identity,
                                     device=device, datasets=first_info.get("datasets", []), progress=progress)
        judges.append(Judge(EARLY_NAME, model, False, str(work)))

    faces = training_faces(first_model, first_info, limit=metrics_faces, name=str(run))
    answers = true_answer_sets(faces, first_model.config.input_size, metrics_faces)
    region = pasted_region(first_model.config.input_size)

    rows: list[dict] = []
    real = None
    scores_real: dict[str, np.ndarray] = {}
    labels = None
    iterator = points
    if progress:
        from tqdm import tqdm

        iterator = tqdm(points, desc="snapshots", unit="snapshot")
    for step, path in iterator:
        model, _ = _load_snapshot(path) if path != points[0][1] else (first_model, first_info)
        quality = evaluate_swaps(model, answers)
        frames, fake, _ = snapshot_faces(path, identities, per_identity, seed, qualities)
        if real is None:
            real = frames
            labels = np.concatenate([np.zeros(len(real), np.int64), np.ones(len(real), np.int64)])
            scores_real = {judge.name: judge.p_fake(real) for judge in judges}
        kept = float(np.median([detail_kept(f, r, region) for f, r in zip(fake, real)]))
        verdicts = {}
        for judge in judges:
            p_fake = judge.p_fake(fake)
            both = np.concatenate([scores_real[judge.name], p_fake])
            (_, _), (missed, caught) = classification_metrics(labels, both)["confusion"]
            verdicts[judge.name] = {"mean_p_fake": round(float(p_fake.mean()), 4), "caught": round(caught / max(missed + caught, 1), 4),
                                    "auc": round(frame_auc(labels, both), 4)}
        rows.append({"step": int(step), "checkpoint": str(path), **{k: _rounded(quality.get(k)) for k in ("swap_ssim", "swap_psnr", "swap_face_ssim")},
                     "detail_kept": round(kept, 4), "detectors": verdicts})

    about = {}
    for judge in judges:
        p_real = scores_real[judge.name]
        about[judge.name] = {"source": judge.source, "real_mean_p_fake": round(float(p_real.mean()), 4),
                             "false_alarms": round(float((p_real > 0.5).mean()), 4)}
        if judge.name == EARLY_NAME and train_early > 0:
            about[judge.name].update(trained_on_step=points[0][0], steps=train_early, batch_size=early_batch,
                                     faces=2 * len(EARLY_IDENTITIES) * early_per_identity)
    probe = {"identities": [int(i) for i in identities], "per_identity": per_identity, "seed": seed,
             "qualities": [int(q) for q in qualities], "faces": len(real), "side": FRAME_SIDE,
             "swap_ssim_faces": metrics_faces}
    return ArmsRace(str(run), rows, about, probe, time.perf_counter() - started)


def _rounded(value):
    return None if value is None else round(float(value), 4)


def load_arms_race(path: str | os.PathLike) -> ArmsRace:
    """An arms race saved by ``save_arms_race`` (or ``detect arms-race --json``)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LabError(f"no arms-race table at {path}: make one with `deepfake-edu detect arms-race --json FILE`") from None
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise LabError(f"{path} cannot be read as an arms-race table ({' '.join(str(error).split())[:80]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list) or not data["rows"]:
        raise LabError(f"{path} is not an arms-race table: make one with `deepfake-edu detect arms-race --json FILE`")
    return ArmsRace.from_dict(data)


RACES_FOLDER = "arms-race"  # <lab home>/outputs/arms-race/: every race the lab ran, kept for the demo's view
# The race measured for the lab (benchmarks/cpu-2core/arms-race.json), present in a clone of the repository.
MEASURED_RACE = Path(__file__).resolve().parents[2] / "benchmarks" / "cpu-2core" / "arms-race.json"
MEASURED_LABEL = "the lab's own measurement (2-core machine, classroom pair)"


def keep_arms_race(race: ArmsRace, name: str) -> Path:
    """Keep a race under ``<lab home>/outputs/arms-race/NAME.json`` (atomically), where the demo's
    arms-race view finds it."""
    from deepfake_edu.paths import outputs_dir

    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in str(name)).strip(".-") or "race"
    return save_arms_race(race, outputs_dir() / RACES_FOLDER / f"{safe}.json")


def saved_races(home: str | os.PathLike) -> dict[str, Path]:
    """{label: JSON file} of the races a page can show: each one kept in ``<home>/outputs/arms-race/``
    (``keep_arms_race``: lab 4's, ``detect arms-race``'s), newest first, then the lab's measured
    race when the repository holds it. Files that are not arms-race tables are left out."""
    found: dict[str, Path] = {}
    folder = Path(home) / "outputs" / RACES_FOLDER
    kept = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True) if folder.is_dir() else []
    for path in [*kept, MEASURED_RACE]:
        try:
            load_arms_race(path)
        except LabError:
            continue
        found[MEASURED_LABEL if path == MEASURED_RACE else f"your lab's: {path.stem}"] = path
    return found


def save_arms_race(race: ArmsRace, path: str | os.PathLike) -> Path:
    """Write the table as JSON, atomically."""
    from deepfake_edu.fileio import write_text_atomic

    path = Path(path)
    write_text_atomic(path, json.dumps(race.to_dict(), indent=2) + "\n")
    return path


# --- the plot ---------------------------------------------------------------------------------


def plot_arms_race(race: ArmsRace, out: str | os.PathLike | None = None):
    """Two panels against the training step: left, the fake improving (swap SSIM and face SSIM
    against the true answer, detail kept); right, each detector's mean P(fake) on the fakes
    (solid) and its AUC against the real frames (dotted), the 0.5 line, and the step whose fakes
    the early detector learned from. Saves a PNG (small: 100 dpi) when ``out``; returns the Figure."""
    import sys

    import matplotlib

    if out is not None and "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg", force=False)  # headless only when nobody chose a backend (a notebook keeps its inline one)
    import matplotlib.pyplot as plt

    steps = race.steps
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    for key, label, style in (("swap_ssim", "swap SSIM", "-"), ("swap_face_ssim", "SSIM over the face", "--"),
                              ("detail_kept", "detail kept (fake / real)", ":")):
        values = [row.get(key) for row in race.rows]
        if any(v is not None for v in values):
            left.plot(steps, [np.nan if v is None else v for v in values], style, marker="o", markersize=3, color="black", label=label)
    left.set(xlabel="swap training step", ylabel="against the true answer", ylim=(0, 1), title="the fake improves")
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, name in enumerate(race.detectors):
        colour = colours[index % len(colours)]
        right.plot(steps, race.series(name, "mean_p_fake"), "-", marker="o", markersize=3, color=colour, label=f"{name}: mean P(fake)")
        right.plot(steps, race.series(name, "auc"), ":", color=colour, label=f"{name}: AUC")
        trained = race.detectors[name].get("trained_on_step")
        if trained is not None:
            right.axvline(trained, color=colour, linewidth=0.8, alpha=0.6)
            right.annotate("trained here", (trained, 0.02), fontsize=7, color=colour, ha="left")
    right.axhline(0.5, color="grey", linestyle="--", linewidth=1)
    right.set(xlabel="swap training step", ylabel="on that step's fakes", ylim=(0, 1.02), title="what the detectors say")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7, loc="lower left" if axis is left else "best")
    figure.tight_layout()
    if out is not None:
        from deepfake_edu.fileio import save_figure

        save_figure(figure, out, dpi=100)
    return figure


def arms_race_view(race: ArmsRace | str | os.PathLike, out: str | os.PathLike | None = None):
    """(matplotlib Figure, Markdown table) of an arms race, or of one saved as JSON (a path): what
    a page shows of it (the demo's view; nothing is computed here, ``arms_race`` does that).
    ``out``: also save the plot there (PNG)."""
    if not isinstance(race, ArmsRace):
        race = load_arms_race(race)
    return plot_arms_race(race, out), race.markdown()
