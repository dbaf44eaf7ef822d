"""Labs 4-6: a lesson-sized Meso-4 run, video clips to judge, and pictures of pixel noise."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LOG_EVERY = 25  # steps between loss entries of a lesson run (a 5-minute run makes about 1,000 steps)
EVAL_EVERY = 250  # steps between scores on the held-out faces


@dataclass
class LessonDetector:
    model: object  # MesoNet in eval mode
    history: list[dict]  # the Trainer's history (loss, train_accuracy, val_... entries)
    metrics: dict  # accuracy, balanced_accuracy, auc, confusion on the held-out faces
    held_out: list[str]  # identities kept out of training
    trained_now: bool


def split_real_fake(dataset):
    """(train, test, held-out names): the test set holds every face of the twins that the lab's
    prepared detector never saw (``deepfake_edu.lab.HELD_OUT``).

    Testing on people the detector never saw is the honest test: otherwise it could recognise
    the person rather than the fake.
    """
    from deepfake_edu.lab import HELD_OUT

    train, test = dataset.split_by_identity(list(HELD_OUT))
    return train, test, list(HELD_OUT)


def train_lesson_detector(dataset, run_dir, steps: int, minutes: float | None, batch_size: int = 32, retrain: bool = False, progress: bool = True) -> LessonDetector:
    """Train Meso-4 on ``dataset`` (a RealFakeSet) with the paper's recipe, or load the run already there."""
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.train import DetectRecipe, classification_metrics, score, train_detector
    from deepfake_edu.training import TrainConfig
    from deepfake_edu.training.checkpoint import latest_checkpoint

    run_dir = Path(run_dir)
    train, test, held_out = split_real_fake(dataset)
    if retrain and run_dir.exists():
        shutil.rmtree(run_dir)
    if run_dir.exists() and latest_checkpoint(run_dir) is not None:
        model, info = load_detector(run_dir, with_info=True)  # the run's newest checkpoint
        metrics = classification_metrics(test.labels, score(model, test.images))
        return LessonDetector(model, info.get("history", []), metrics, held_out, False)
    # A run limited by minutes stops long before ``steps``: log and score it at a pace it reaches.
    config = TrainConfig(steps=steps, batch_size=batch_size, time_limit_s=minutes * 60 if minutes else None, checkpoint_every=10**9,
                         log_every=max(1, min(steps // 20, LOG_EVERY)), progress=progress, device="cpu")
    recipe = DetectRecipe(eval_every=max(1, min(steps // 4, EVAL_EVERY)))
    run = train_detector(train, run_dir, config, recipe, validation=test, datasets=["lab-realfake"], resume=False)
    return LessonDetector(run.model.eval(), run.history, run.metrics, held_out, True)


def lesson_clips(swap_run, frames: int, out_dir, size: int = 256, seed: int = 7) -> dict[str, Path]:
    """Two clips to judge: "real" (twin B talking, rendered) and "fake" (twin A talking, swapped to B).

    swap_run: a face-swap run folder trained on (A, B) twins. The fake clip carries the lab's
    visible label and invisible mark, like every fake the lab writes.
    """
    from deepfake_edu.data.twins import make_identity, render_video, write_video
    from deepfake_edu.swap.convert import FaceSwapper, swap_video
    from deepfake_edu.swap.train import load_swap_model

    out_dir = Path(out_dir)
    model, info = load_swap_model(swap_run)
    names = info.get("identities", ["twin-00", "twin-01"])
    index_a, index_b = (int(name.rsplit("-", 1)[-1]) for name in names[:2])
    real_path, fake_path = out_dir / f"real-{names[1]}-{frames}.avi", out_dir / f"fake-{names[0]}-as-{names[1]}-{frames}.avi"
    if not real_path.exists():
        real, _ = render_video(make_identity(index_b), frames, size=size, seed=seed)
        write_video(real_path, real)
    if not fake_path.exists():
        source_path = out_dir / f"source-{names[0]}-{frames}.avi"
        source, _ = render_video(make_identity(index_a), frames, size=size, seed=seed)
        write_video(source_path, source)
        swap_video(FaceSwapper(model, 1), source_path, fake_path, progress=False)
    return {"real": real_path, "fake": fake_path}


def judge_clip(model, path, frames: int = 30):
    """The authors' video rule on a clip whose frames are face crops: a ``detect.predict.Verdict``."""
    from deepfake_edu.detect.predict import already_cropped, detect_path

    return detect_path(path, model, crop_fn=already_cropped, frames=frames)


def residual_picture(image: np.ndarray, gain: float = 12.0) -> np.ndarray:
    """The pixel noise of a picture made visible: uint8 grey (H, W, 3), 128 = no noise.

    The image minus its 3x3 median (the finest detail only), amplified ``gain`` times.
    """
    import cv2

    grey = image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    residual = grey - cv2.medianBlur(np.ascontiguousarray(grey), 3)
    shown = np.clip(128 + gain * residual, 0, 255).astype(np.uint8)
    return np.repeat(shown[..., None], 3, axis=-1)


def noise_energy(image: np.ndarray) -> float:
    """Standard deviation of the 3x3-median residual, grey levels: how much pixel noise is left."""
    import cv2

    grey = image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return float((grey - cv2.medianBlur(np.ascontiguousarray(grey), 3))[2:-2, 2:-2].std())


# --- lab 4, section 7: the arms race ----------------------------------------------------------

PREDICTIONS = ("caught", "missed")  # what a student may predict of the early detector on the last snapshot's fakes
PREPARED_NAME = "prepared Meso-4"  # the lab's detector's name in the arms race (it learned the shipped pair's fakes)


def train_arms_race_swap(twins, run_dir, steps: int, snapshot_every: int, batch_size: int | None = None,
                         limit: int | None = None, progress: bool = True):
    """A classroom face swap of twin-00 and twin-01 trained from scratch on ``twins`` (the lab's
    dataset), keeping a snapshot every ``snapshot_every`` steps (``RUN/snapshots/``); a run already
    in ``run_dir`` is resumed up to ``steps`` (a finished one loads at once). Returns the run folder.

    No previews, timelapse or in-training metrics: ``detect.armsrace`` measures every snapshot.
    """
    from deepfake_edu.lab import SWAP_IDENTITIES
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap

    options = SwapTrainOptions(data=[str(twins)], identities=list(SWAP_IDENTITIES), preset="classroom", steps=steps,
                               batch_size=batch_size, limit_per_identity=limit, run=str(run_dir), resume=True,
                               checkpoint_every=snapshot_every, snapshot_every=snapshot_every, preview_every=0,
                               timelapse_every=0, metrics_every=0, progress=progress)
    return train_swap(options).run_dir


def lesson_arms_race(swap_run, detector, early_steps: int, early_batch: int = 32, early_per_identity: int = 12,
                     per_identity: int = 16, progress: bool = True):
    """The arms race of ``swap_run`` (``train_arms_race_swap``): the lab's prepared detector
    (``detector``, its checkpoint) and a Meso-4 trained ``early_steps`` steps on the earliest
    snapshot's fakes, both judging every snapshot's fakes of twins 06 and 07
    (``detect.armsrace.arms_race``). Returns the ``ArmsRace`` table, also kept in the lab's
    outputs for the demo (``detect.armsrace.keep_arms_race``)."""
    from deepfake_edu.detect.armsrace import arms_race, keep_arms_race

    race = arms_race(swap_run, {PREPARED_NAME: str(detector)}, train_early=early_steps, early_batch=early_batch,
                     early_per_identity=early_per_identity, per_identity=per_identity, progress=progress)
    keep_arms_race(race, Path(swap_run).name)  # the demo's arms-race view shows the class's own race
    return race


def early_detector_outcome(race) -> dict:
    """What the early detector did: on the fakes it learned from (the first snapshot) and on the
    last snapshot's. Keys ``first_step``, ``last_step``, ``caught_first``, ``caught_last`` (shares
    called fake), ``p_first``, ``p_last`` (mean P(fake)), ``auc_last``, and ``outcome``: "caught"
    when it still calls more than half of the last snapshot's fakes fake, else "missed"."""
    from deepfake_edu.detect.armsrace import EARLY_NAME

    caught, p_fake, auc = race.series(EARLY_NAME, "caught"), race.series(EARLY_NAME), race.series(EARLY_NAME, "auc")
    return {"first_step": race.steps[0], "last_step": race.steps[-1], "caught_first": caught[0], "caught_last": caught[-1],
            "p_first": p_fake[0], "p_last": p_fake[-1], "auc_last": auc[-1],
            "outcome": "caught" if caught[-1] > 0.5 else "missed"}


def arms_race_outcome(prediction, race) -> str:
    """Print and return what happened beside the student's ``prediction`` ("caught" or "missed":
    will the detector trained on the first snapshot's fakes catch the last snapshot's?). A
    prediction is not marked right or wrong: it is what the explanation starts from."""
    from deepfake_edu.lessons.check_kit import as_word

    word = None if prediction is Ellipsis or prediction is None else as_word(prediction)
    if word not in PREDICTIONS:
        message = 'Write your prediction first: prediction = "caught" or prediction = "missed", then run the cell again.'
        print(message)
        return message
    seen = early_detector_outcome(race)
    happened = (f"The early detector called {seen['caught_first']:.0%} of the step-{seen['first_step']} fakes fake (the kind it "
                f"learned) and {seen['caught_last']:.0%} of the step-{seen['last_step']} fakes (mean P(fake) {seen['p_last']:.2f}, "
                f"AUC {seen['auc_last']:.2f}): it {seen['outcome']} them.")
    verdict = ("As you predicted." if word == seen["outcome"] else
               "Not what you predicted: that is the interesting case. Find in the table where it changed.")
    prepared = race.detectors.get(PREPARED_NAME)
    compare = ""
    if prepared is not None:
        last = race.rows[-1]["detectors"][PREPARED_NAME]
        compare = (f" For comparison, the {PREPARED_NAME}, which learned the fakes of a model trained much longer, called "
                   f"{last['caught']:.0%} of the step-{seen['last_step']} fakes fake and {prepared['false_alarms']:.0%} of the real faces.")
    message = f"You predicted: {word}. {happened} {verdict}{compare}"
    print(message)
    return message
