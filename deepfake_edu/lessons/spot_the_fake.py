"""Spot the fake: people against the detector, on the same faces of a real/fake set.

One owner for the game in both of its forms:

- lab 7 shows a dozen faces at once (``spot_the_fake_set``), takes the numbers a student calls
  fake (``guesses_to_labels``) and scores both players (``accuracy``); its fair study, on faces
  the detector never saw, is ``lessons.human_machine``;
- the demo asks one face at a time (``SpotTheFake``): a first answer (``advise``: the machine's
  P(fake) is shown, the truth is not), then a final answer that may revise it (``answer``: the
  truth, who was right), and keeps the class's tally in a small JSON file
  (``SpotTheFakeTally``, shown by ``describe_tally``). The game asks faces of the twins the
  detector was held out from (``paths.LAB_HELD_OUT``) when its set has any.

The tally file is rewritten atomically after every answer, so a crash or a second browser tab
never leaves it half written; one process serves the demo, so a lock inside it is enough to keep
concurrent answers from losing each other's counts. First answers and revised ones are counted
apart, and so are the answers the advice turned from right to wrong and from wrong to right:

    {"human": {"right": 7, "answered": 10}, "machine": {"right": 9, "answered": 10},
     "revised": {"right": 8, "answered": 9}, "advice": {"right_to_wrong": 1, "wrong_to_right": 2}, "updated": "..."}

Faces are uint8 RGB (256, 256, 3) MesoNet crops; labels 1 = fake. (Not to be confused with
``lessons.quiz``, the notebooks' multiple-choice questions.) The texts a student reads go
through ``i18n`` (French in ``quiz_fr.SPOT_TEXTS``).
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
from deepfake_edu.lessons import i18n, quiz_fr

PLAYERS = ("human", "machine")  # counted at every face: the student's first answer, and the machine's
ROWS = ("human", "machine", "revised")  # the tally's rows: "revised" counts the final answers given after the advice
ADVICE = ("right_to_wrong", "wrong_to_right")  # what seeing the machine did to a student's answer
GUESSES = ("real", "fake")

SPOT_TEXTS: dict[str, str] = {
    "real": "real",
    "fake": "fake",
    "right": "right",
    "wrong": "wrong",
    "reveal": "This face is **{truth}**. You said {guess}: **{you}**. The machine said {machine} (P(fake) = {p:.2f}): **{it}**.",
    "reveal_revised": ("This face is **{truth}**. You said {guess} at first (**{you}**), then {revised} after seeing the machine "
                       "(**{you_after}**). The machine said {machine} (P(fake) = {p:.2f}): **{it}**."),
    "advice": ("You said **{guess}**. The machine's P(fake) for this face is **{p:.2f}**: it says **{machine}**.\n\n"
               "Your final answer? Press **{button}** again to keep yours, or **{other_button}** to change your mind; then you see the truth."),
    "who": "who",
    "right_column": "right",
    "answered_column": "answered",
    "accuracy_column": "accuracy",
    "row_human": "the class",
    "row_machine": "the machine (Meso-4)",
    "row_revised": "the class, after seeing the machine",
    "advice_counts": "Seeing the machine turned {right_to_wrong} right answer(s) wrong and {wrong_to_right} wrong answer(s) right.",
    "no_face": "no face on screen: press 'next face' first",
    "bad_guess": "answer 'real' or 'fake', not {guess!r}",
}
_TEXTS = {"en": SPOT_TEXTS, "fr": quiz_fr.SPOT_TEXTS}

spot_text = i18n.translator(_TEXTS, always_format=True)  # spot_text(key, **fields): in the current language, always formatted


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
    return {**{row: {"right": 0, "answered": 0} for row in ROWS}, "advice": {key: 0 for key in ADVICE}}


class SpotTheFakeTally:
    """The tally file at ``path``; ``record`` one answered question, ``reset`` to start again."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def read(self) -> dict:
        """The counts; a missing or damaged file reads as an empty tally (and is rewritten on the
        next answer). A file from before the revised answers reads with none of them."""
        try:
            values = json.loads(self.path.read_text(encoding="utf-8"))
            tally = empty_tally()
            for player in PLAYERS:
                tally[player] = {key: max(0, int(values[player][key])) for key in ("right", "answered")}
            if "revised" in values:
                tally["revised"] = {key: max(0, int(values["revised"][key])) for key in ("right", "answered")}
            if "advice" in values:
                tally["advice"] = {key: max(0, int(values["advice"][key])) for key in ADVICE}
            return tally
        except (OSError, ValueError, KeyError, TypeError):
            return empty_tally()

    def record(self, human_right: bool, machine_right: bool, revised_right: bool | None = None) -> dict:
        """Count one question answered by a student (``human_right``: the first answer), the
        machine's answer to the same face, and the student's revised answer when one was given."""
        with self._lock:
            tally = self.read()
            add_answer(tally, human_right, machine_right, revised_right)
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


def add_answer(tally: dict, human_right: bool, machine_right: bool, revised_right: bool | None = None) -> dict:
    """Count one face's answers into ``tally`` (in place; returned): first answer and machine
    always, the revised answer and what the advice did to it when there is one."""
    for player, right in (("human", human_right), ("machine", machine_right)):
        tally[player]["answered"] += 1
        tally[player]["right"] += int(bool(right))
    if revised_right is not None:
        tally["revised"]["answered"] += 1
        tally["revised"]["right"] += int(bool(revised_right))
        tally["advice"]["right_to_wrong"] += int(bool(human_right) and not revised_right)
        tally["advice"]["wrong_to_right"] += int(not human_right and bool(revised_right))
    return tally


def tally_accuracy(counts: dict) -> float | None:
    """right / answered of one player's counts, or None before the first answer."""
    return counts["right"] / counts["answered"] if counts["answered"] else None


def describe_tally(tally: dict) -> str:
    """Markdown: the class's first answers, the machine, the class after seeing the machine (each
    with its counts), then what the advice did."""
    t = spot_text
    lines = [f"| {t('who')} | {t('right_column')} | {t('answered_column')} | {t('accuracy_column')} |", "| --- | ---: | ---: | ---: |"]
    for row in ROWS:
        counts = tally.get(row, {"right": 0, "answered": 0})
        value = tally_accuracy(counts)
        shown = "-" if value is None else f"{value:.0%}"
        lines.append(f"| {t('row_' + row)} | {counts['right']} | {counts['answered']} | {shown} |")
    advice = tally.get("advice", {key: 0 for key in ADVICE})
    return "\n".join(lines) + "\n\n" + t("advice_counts", **advice)


# --- the demo: one face at a time ---------------------------------------------------------------


def _machine_says(p_fake: float) -> str:
    from deepfake_edu.detect.predict import FAKE_THRESHOLD

    return "fake" if p_fake > FAKE_THRESHOLD else "real"


@dataclass
class SpotAdvice:
    """What a student sees after a first answer: the machine's P(fake) and verdict, not the truth."""

    guess: str  # the student's first answer
    p_fake: float  # the detector's P(fake) for the face
    machine: str  # "fake" when p_fake > the detector's threshold, else "real"

    def prompt(self) -> str:
        """Markdown: the machine's answer, and how to keep or change one's own."""
        other = "real" if self.guess == "fake" else "fake"
        return spot_text("advice", guess=spot_text(self.guess), p=self.p_fake, machine=spot_text(self.machine), button=self.guess,
                         other_button=other)


@dataclass
class SpotAnswer:
    """A student's guess on one face (and the revised one, when given), the truth, and what the machine said."""

    truth: str  # "real" | "fake": the face's label in the set
    guess: str  # the student's first answer
    p_fake: float  # the detector's P(fake) for the face
    machine: str  # "fake" when p_fake > the detector's threshold, else "real"
    tally: dict  # the class's tally after this answer
    revised: str | None = None  # the student's final answer after seeing the machine's, if given

    def reveal(self) -> str:
        """Markdown: what the face was, and who was right."""
        t = spot_text
        you = t("right" if self.guess == self.truth else "wrong")
        it = t("right" if self.machine == self.truth else "wrong")
        shown = dict(truth=t(self.truth), guess=t(self.guess), machine=t(self.machine), p=self.p_fake, you=you, it=it)
        if self.revised is None:
            return t("reveal", **shown)
        return t("reveal_revised", **shown, revised=t(self.revised), you_after=t("right" if self.revised == self.truth else "wrong"))


class SpotTheFake:
    """The game over a real/fake dataset: ask a face, take a guess, count both players.

    realfake: the dataset's folder (``data.dataset``; its faces labelled "real" or "fake"), or a
    function that returns it (called once, on the first question: the demo builds its study set then);
    tally: the tally file; detector: a function returning the MesoNet that plays the machine
    (called on the first score, so nothing is loaded before it is needed); held_out: the
    identities the detector never learned from (``paths.LAB_HELD_OUT`` by default): when the set
    holds faces of any of them, only those are asked (``fair`` says so). Thread-safe: the faces
    and the machine's scores are read once and shared.
    """

    def __init__(self, realfake: str | Path | Callable[[], Path], tally: str | Path, detector: Callable[[], Any], held_out=None) -> None:
        from deepfake_edu.paths import LAB_HELD_OUT

        self._source = realfake if callable(realfake) else None
        self.realfake = None if callable(realfake) else Path(realfake)  # the folder, once known
        self.tally = SpotTheFakeTally(tally)
        self._detector = detector
        self.held_out = tuple(LAB_HELD_OUT if held_out is None else held_out)
        self.fair: bool | None = None  # once the faces are read: whether they are all of held-out identities
        self._lock = threading.RLock()
        self._faces: tuple[Any, list[dict]] | None = None
        self._scores: dict[int, float] = {}

    def faces(self) -> tuple[Any, list[dict]]:
        """(the loaded dataset, its records labelled real or fake, only the held-out identities'
        when there are any); question numbers index the records."""
        from deepfake_edu.data.dataset import load_dataset

        with self._lock:
            if self._faces is None:
                if self.realfake is None:
                    self.realfake = Path(self._source())
                dataset = load_dataset(self.realfake)
                records = [r for r in dataset.records if r.get("label") in GUESSES]
                if not records:
                    raise LabError(f"{self.realfake} has no faces labelled real or fake: run `deepfake-edu prepare --force`")
                unseen = [r for r in records if r.get("identity") in self.held_out]
                self.fair = bool(unseen) and {r["label"] for r in unseen} == set(GUESSES)
                self._faces = dataset, (unseen if self.fair else records)
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

    def _check(self, number: int | None, *guesses: str) -> dict:
        _, records = self.faces()
        if number is None or not 0 <= int(number) < len(records):
            raise LabError(spot_text("no_face"))
        for guess in guesses:
            if guess not in GUESSES:
                raise LabError(spot_text("bad_guess", guess=guess))
        return records[int(number)]

    def advise(self, number: int | None, guess: str) -> SpotAdvice:
        """A student's first answer on question ``number``: the machine's P(fake) and verdict, nothing
        counted yet and the truth kept back (``answer`` counts the face once the student is done)."""
        self._check(number, guess)
        p = self.machine_p_fake(int(number))
        return SpotAdvice(guess, p, _machine_says(p))

    def answer(self, number: int | None, guess: str, revised: str | None = None) -> SpotAnswer:
        """Mark a student's guess ("real" | "fake") on question ``number``, and the revised answer
        given after seeing the machine's when there is one, and count them in the tally."""
        record = self._check(number, guess, *(() if revised is None else (revised,)))
        truth = record["label"]
        p = self.machine_p_fake(int(number))
        machine = _machine_says(p)
        tally = self.tally.record(guess == truth, machine == truth, None if revised is None else revised == truth)
        return SpotAnswer(truth, guess, p, machine, tally, revised)
