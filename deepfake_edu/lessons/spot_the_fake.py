"""Spot the fake: people against the detector, on the same faces of a real/fake set.

One owner for the game in both of its forms:

- lab 7 shows a dozen faces at once (``spot_the_fake_set``), takes the numbers a student calls
  fake (``guesses_to_labels``) and scores both players (``accuracy``);
- the demo asks one face at a time (``SpotTheFake``: ``question``, ``answer``, the machine's
  P(fake)) and keeps the class's tally in a small JSON file (``SpotTheFakeTally``, shown by
  ``describe_tally``).

The tally file is rewritten atomically after every answer, so a crash or a second browser tab
never leaves it half written; one process serves the demo, so a lock inside it is enough to keep
concurrent answers from losing each other's counts:

    {"human": {"right": 7, "answered": 10}, "machine": {"right": 9, "answered": 10}, "updated": "..."}

Faces are uint8 RGB (256, 256, 3) MesoNet crops; labels 1 = fake. (Not to be confused with
``lessons.quiz``, the notebooks' multiple-choice questions.)
"""

from __future__ import annotations

import datetime as _dt
import json
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.fileio import write_text_atomic

PLAYERS = ("human", "machine")
GUESSES = ("real", "fake")


# --- lab 7: a dozen faces at once ---------------------------------------------------------------


def spot_the_fake_set(dataset, count: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``count`` faces of a RealFakeSet, half real and half fake, shuffled: (images, labels 1 = fake)."""
    rng = np.random.default_rng(seed)
    real, fake = np.flatnonzero(dataset.labels == 0), np.flatnonzero(dataset.labels == 1)
    half = count // 2
    if len(real) < half or len(fake) < count - half:
        raise LabError(f"the set has {len(real)} real and {len(fake)} fake faces: too few for {count}")
    chosen = np.concatenate([rng.choice(real, half, replace=False), rng.choice(fake, count - half, replace=False)])
    rng.shuffle(chosen)
    return dataset.images[chosen], dataset.labels[chosen]


def guesses_to_labels(guesses, count: int) -> np.ndarray:
    """The numbers (1-based, as shown under the pictures) a student calls fake -> labels (count,)."""
    if guesses is Ellipsis or guesses is None:
        raise LabError("write your guesses first: the numbers of the faces you think are fake, e.g. [2, 5, 7]")
    labels = np.zeros(count, np.int64)
    for guess in guesses:
        if not isinstance(guess, (int, np.integer)) or not 1 <= guess <= count:
            raise LabError(f"write the numbers shown under the pictures (1 to {count}), e.g. [2, 5, 7]; {guess!r} is not one")
        labels[guess - 1] = 1
    return labels


def accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    """Share of ``predicted`` labels equal to ``labels`` (both (N,), 1 = fake)."""
    return float((np.asarray(predicted) == np.asarray(labels)).mean())


# --- the class's tally --------------------------------------------------------------------------


def empty_tally() -> dict:
    return {player: {"right": 0, "answered": 0} for player in PLAYERS}


class SpotTheFakeTally:
    """The tally file at ``path``; ``record`` one answered question, ``reset`` to start again."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def read(self) -> dict:
        """The counts; a missing or damaged file reads as an empty tally (and is rewritten on the next answer)."""
        try:
            values = json.loads(self.path.read_text(encoding="utf-8"))
            tally = empty_tally()
            for player in PLAYERS:
                tally[player] = {key: max(0, int(values[player][key])) for key in ("right", "answered")}
            return tally
        except (OSError, ValueError, KeyError, TypeError):
            return empty_tally()

    def record(self, human_right: bool, machine_right: bool) -> dict:
        """Count one question answered by a student, and the machine's answer to the same face."""
        with self._lock:
            tally = self.read()
            for player, right in (("human", human_right), ("machine", machine_right)):
                tally[player]["answered"] += 1
                tally[player]["right"] += int(bool(right))
            self._write(tally)
            return tally

    def reset(self) -> dict:
        with self._lock:
            tally = empty_tally()
            self._write(tally)
            return tally

    def _write(self, tally: dict) -> None:
        stamped = {**tally, "updated": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
        write_text_atomic(self.path, json.dumps(stamped, indent=2))


def tally_accuracy(counts: dict) -> float | None:
    """right / answered of one player's counts, or None before the first answer."""
    return counts["right"] / counts["answered"] if counts["answered"] else None


def describe_tally(tally: dict) -> str:
    """Markdown: each player's accuracy with its counts."""
    lines = ["| who | right | answered | accuracy |", "| --- | ---: | ---: | ---: |"]
    for player, title in (("human", "the class"), ("machine", "the machine (Meso-4)")):
        counts = tally[player]
        value = tally_accuracy(counts)
        shown = "-" if value is None else f"{value:.0%}"
        lines.append(f"| {title} | {counts['right']} | {counts['answered']} | {shown} |")
    return "\n".join(lines)


# --- the demo: one face at a time ---------------------------------------------------------------


@dataclass
class SpotAnswer:
    """A student's guess on one face, the truth, and what the machine said."""

    truth: str  # "real" | "fake": the face's label in the set
    guess: str  # the student's
    p_fake: float  # the detector's P(fake) for the face
    machine: str  # "fake" when p_fake > the detector's threshold, else "real"
    tally: dict  # the class's tally after this answer

    def reveal(self) -> str:
        """Markdown: what the face was, and who was right."""
        you = "right" if self.guess == self.truth else "wrong"
        it = "right" if self.machine == self.truth else "wrong"
        return (f"This face is **{self.truth}**. You said {self.guess}: **{you}**. "
                f"The machine said {self.machine} (P(fake) = {self.p_fake:.2f}): **{it}**.")


class SpotTheFake:
    """The game over a real/fake dataset: ask a face, take a guess, count both players.

    realfake: the dataset's folder (``data.dataset``; its faces labelled "real" or "fake");
    tally: the tally file; detector: a function returning the MesoNet that plays the machine
    (called on the first score, so nothing is loaded before it is needed). Thread-safe: the
    faces and the machine's scores are read once and shared.
    """

    def __init__(self, realfake: str | Path, tally: str | Path, detector: Callable[[], Any]) -> None:
        self.realfake = Path(realfake)
        self.tally = SpotTheFakeTally(tally)
        self._detector = detector
        self._lock = threading.RLock()
        self._faces: tuple[Any, list[dict]] | None = None
        self._scores: dict[int, float] = {}

    def faces(self) -> tuple[Any, list[dict]]:
        """(the loaded dataset, its records labelled real or fake); question numbers index the records."""
        from deepfake_edu.data.dataset import load_dataset

        with self._lock:
            if self._faces is None:
                dataset = load_dataset(self.realfake)
                records = [r for r in dataset.records if r.get("label") in GUESSES]
                if not records:
                    raise LabError(f"{self.realfake} has no faces labelled real or fake: run `deepfake-edu prepare --force`")
                self._faces = dataset, records
            return self._faces

    def question(self, previous: int | None = None) -> int:
        """A question number chosen at random (not the previous one)."""
        _, records = self.faces()
        choices = [i for i in range(len(records)) if i != previous] or [0]
        return choices[secrets.randbelow(len(choices))]

    def image(self, number: int) -> np.ndarray:
        """uint8 RGB (256, 256, 3): question ``number``'s face."""
        dataset, records = self.faces()
        return dataset.image(records[int(number)])

    def picture_file(self, number: int) -> Path:
        """The file of question ``number``'s face, inside the real/fake dataset."""
        dataset, records = self.faces()
        return dataset.root / records[int(number)]["file"]

    def machine_p_fake(self, number: int) -> float:
        """The detector's P(fake) for question ``number`` (computed once)."""
        from deepfake_edu.detect.predict import already_cropped, predict_proba

        number = int(number)
        with self._lock:
            if number not in self._scores:
                self._scores[number] = float(predict_proba(self._detector(), already_cropped(self.image(number)))[0])
            return self._scores[number]

    def answer(self, number: int | None, guess: str) -> SpotAnswer:
        """Mark a student's guess ("real" | "fake") on question ``number`` and count it in the tally."""
        from deepfake_edu.detect.predict import FAKE_THRESHOLD

        _, records = self.faces()
        if number is None or not 0 <= int(number) < len(records):
            raise LabError("no face on screen: press 'next face' first")
        if guess not in GUESSES:
            raise LabError(f"answer 'real' or 'fake', not {guess!r}")
        truth = records[int(number)]["label"]
        p = self.machine_p_fake(int(number))
        machine = "fake" if p > FAKE_THRESHOLD else "real"
        tally = self.tally.record(guess == truth, machine == truth)
        return SpotAnswer(truth, guess, p, machine, tally)
