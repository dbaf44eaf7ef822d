"""Lab 7's fair human-versus-machine study: faces the detector never saw, and advice after a first answer.

The old comparison of lab 7 showed the class faces of twins the detector had trained on (lab 4
warns against measuring a detector on its own training people), and it had no step where a
person sees the machine's answer and may change their mind, which is what Groh et al. (PNAS
2022) studied. This module holds the fair version:

- ``build_study_set``: the study's faces. Every one is a twin no lab set renders (twins 40-45 of
  the lab's identity seed; the lab's twins are 0-7, the detector learned 00-05), under image
  seeds no lab set uses; half are faked by the lab's swap model with the merge's grain and
  sharpness restore switched on (``swap.convert.FaceSwapper``'s defaults ``GRAIN``/``SHARPEN``,
  the sharpest fakes the lab makes), and every face, real or fake, goes through the same JPEG.
  Each frame is shown either real or fake, never both. The faces' labels stay hidden until the
  face's revised answer is in.
- ``HumanMachineStudy``: the flow per face: a first answer, then the machine's P(fake), then a
  revised answer, then the truth. ``results`` counts the three accuracies and how often the
  advice turned a right answer wrong, or a wrong one right.
- ``write_results``: the laptop's small JSON file (no name unless the student gives one; of
  each face only its id), and ``merge_results``, which the teacher runs over every laptop's
  file (``deepfake-edu class-results merge a.json b.json --out class.json``); every bad file is
  refused with one line before anything is written.
- ``compare_with_research``: the class beside Groh et al. 2022 and the meta-analysis of Diel et
  al. 2024.
- ``study_dataset``: the study set written once as a dataset folder, for the demo's
  spot-the-fake quiz, which so asks the class the same faces as lab 7's study.

One limit, said plainly: the shipped swap model has two decoders (twin-00 and twin-01), so every
fake wears the inner face of one of those two, pasted into the frame of a person the detector
never saw; the detector did see other fakes wearing those inner faces.

Texts shown to students go through ``i18n`` (English here, French in ``quiz_fr.STUDY_TEXTS``).
Faces are uint8 RGB (256, 256, 3), the detector's input; labels 1 = fake.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import i18n, quiz_fr
from deepfake_edu.lessons.check_kit import Outcome, as_number, exercise

RESULTS_KIND = "deepfake-edu/human-machine-results"  # one laptop's file
CLASS_KIND = "deepfake-edu/human-machine-class"  # the teacher's merge of them
FORMAT_VERSION = 1
IDENTITY_SEED = 0  # the lab's twins are make_identity(index, seed=0)
STUDY_IDENTITIES = tuple(range(40, 46))  # twin-40 .. twin-45: no lab set renders them (the lab's twins are 0-7)
STUDY_IMAGE_SEED = 2207  # the image seed of the study's frames (the lab's sets use 0, 1 and 2)
STUDY_QUALITIES = (95, 75, 50)  # JPEG of every study face, real and fake alike, in turn (the detector's set uses the same)
FULL_COUNT, FAST_COUNT = 12, 4  # faces in the study: a lesson, and the notebooks' fast mode
FACE_SIZE = 256  # the detector's input side
MAX_RESULTS_BYTES = 1 << 20  # a laptop's file is a few KB; a bigger one is not one of ours
GUESSES = ("real", "fake")
THRESHOLD = 0.5  # the machine calls a face fake when P(fake) > this (detect.predict.FAKE_THRESHOLD)

# --- the words ----------------------------------------------------------------------------------

TEXTS: dict[str, str] = {
    "face_title": "{number}",
    "advice_title": "{number}: P(fake) {p:.2f}",
    "revealed_title": "{number}: {truth} (P {p:.2f})",
    "real": "real",
    "fake": "FAKE",
    "unknown_face": "there is no face {number}: the faces are numbered 1 to {count}",
    "bad_guess": "answer 'real' or 'fake', not {guess!r}",
    "first_twice": "face {number} already has your first answer: only the first one counts; give your revised answer now",
    "advice_before_first": "answer face {number} first: the machine's P(fake) is shown only after your own answer",
    "revise_before_advice": "look at the machine's P(fake) for face {number} first, then give your revised answer",
    "revise_twice": "face {number} already has your revised answer: each face gets one first answer and one revised answer",
    "truth_before_revised": "give your revised answer to face {number} first: the truth comes last",
    "numbers_please": "write the numbers shown under the pictures (1 to {count}), e.g. [2, 5, 7]; {guess!r} is not one",
    "fill_in": "write your answer first: the numbers of the faces you think are fake, e.g. [2, 5, 7]",
    "not_all_first": "give a first answer to every face first ({missing} still to answer)",
    "not_all_revised": "give a revised answer to every face first ({missing} still to revise)",
    "results_table": ("| who | right | of | accuracy |\n| --- | ---: | ---: | ---: |\n"
                      "| you (first answers) | {first_right} | {n} | {first:.0%} |\n"
                      "| the machine (Meso-4) | {machine_right} | {n} | {machine:.0%} |\n"
                      "| you, after seeing the machine | {revised_right} | {n} | {revised:.0%} |"),
    "class_table": ("| who | right | of | accuracy |\n| --- | ---: | ---: | ---: |\n"
                    "| the class (first answers) | {first_right} | {n} | {first:.0%} |\n"
                    "| the machine (Meso-4) | {machine_right} | {n} | {machine:.0%} |\n"
                    "| the class, after seeing the machine | {revised_right} | {n} | {revised:.0%} |"),
    "advice_line": ("The machine's advice turned {right_to_wrong} right answer(s) into wrong ones, "
                    "and {wrong_to_right} wrong answer(s) into right ones."),
    "class_line": "{files} laptop file(s), {answers} answered faces.",
    "compare": ("**Research to compare with.** Groh et al. (PNAS 2022) found people about as accurate as the leading "
                "detection model; people and the model together did best, and when the model's advice was wrong it "
                "misled people. Diel et al. (2024), a meta-analysis of 56 papers, found people {diel_human}% accurate "
                "on average, and {diel_supported}% with training or AI support."),
    "compare_you": ("**Here:** first answers {first:.1%} right (95% interval {low:.0%} to {high:.0%} with {n} answers), "
                    "the machine {machine:.1%}, after seeing the machine {revised:.1%}."),
    "compare_small": ("With so few answers the interval is wide: a difference of a few points between you, the machine "
                      "and the papers may be luck. Pool the class's files to know more."),
    "compare_large": "With this many answers the interval is narrower: a difference larger than it is unlikely to be luck alone.",
    "saved": "wrote {path}: give this file to your teacher (it holds your answers and the face numbers, nothing else)",
    "check_harm_right": "Right: {value} answer(s) were right before you saw the machine's P(fake) and wrong after.",
    "check_harm_wrong": "Count the faces where your first answer was right and your revised answer was wrong: read the line under the table.",
    "check_harm_number": "Answer with a number: how many right answers did the advice turn wrong?",
    "check_after_number": "Answer with a number of percentage points, e.g. 8.3 or -16.7 (negative if you did worse).",
    "check_after_right": "Right: after seeing the machine you were {revised:.0%} right, against {first:.0%} at first ({change:+.1f} points).",
    "check_after_fraction": "Close, but in percentage points, please: multiply the difference of the two accuracies by 100.",
    "check_after_sign": "Check the sign: the change is the accuracy after the advice minus the accuracy of your first answers.",
    "check_after_wrong": "Take the accuracy of the last row of the table (after seeing the machine), minus that of the first row (your first answers), in percentage points.",
    "check_pass_results": 'pass your results: check("{name}", answer, results=results)',
}
_TEXTS = {"en": TEXTS, "fr": quiz_fr.STUDY_TEXTS}

# The two papers' figures (cited as the issue gives them; nothing else is claimed of them).
DIEL_2024 = {"papers": 56, "human_accuracy": 55.5, "with_training_or_ai": 65.1}

text = i18n.translator(_TEXTS, always_format=True)  # text(key, **fields): in the current language, always formatted


def _word(label: str) -> str:
    return text(label)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


# --- the study set ------------------------------------------------------------------------------


def study_faces(count: int) -> list[dict]:
    """Where each of ``count`` study faces comes from, and whether it is faked: pure numbers, no picture.

    Face i is twin STUDY_IDENTITIES[i % 6], frame i // 6 of that twin under STUDY_IMAGE_SEED;
    exactly half (the larger half real when ``count`` is odd) are faked, in an order drawn from
    a fixed seed, so every laptop gets the same study."""
    from deepfake_edu.data.twins import identity_name, image_seed

    if not 2 <= int(count) <= 200:
        raise LabError(f"a study has 2 to 200 faces, not {count}")
    count = int(count)
    fake = np.zeros(count, bool)
    fake[: count // 2] = True
    np.random.default_rng([STUDY_IMAGE_SEED, count, 0x57D]).shuffle(fake)
    faces = []
    for i in range(count):
        index = STUDY_IDENTITIES[i % len(STUDY_IDENTITIES)]
        frame = i // len(STUDY_IDENTITIES)
        faces.append({"face": f"f{i + 1:02d}", "identity": identity_name(index), "identity_index": index, "identity_seed": IDENTITY_SEED,
                      "image_seed": image_seed(STUDY_IMAGE_SEED, index, frame), "jpeg_quality": STUDY_QUALITIES[i % len(STUDY_QUALITIES)],
                      "label": "fake" if fake[i] else "real"})
    return faces


def _fingerprint(checkpoint) -> str:
    """The SHA-256 of a checkpoint's weights (from its JSON when it records it), hex."""
    from deepfake_edu.training.checkpoint import checkpoint_json, file_sha256

    json_path = checkpoint_json(checkpoint)
    try:
        info = json.loads(Path(json_path).read_text(encoding="utf-8"))
        if isinstance(info.get("sha256"), str):
            return info["sha256"]
        return file_sha256(Path(json_path).with_name(info["tensors"]))
    except (OSError, ValueError, KeyError, TypeError):
        raise LabError(f"cannot read the checkpoint {json_path}: run `deepfake-edu prepare` again") from None


def design(count: int, swap_sha: str, detector_sha: str) -> dict:
    """What makes two laptops' studies the same study: the faces' recipe and both models' weights."""
    from deepfake_edu.swap.convert import GRAIN, SHARPEN

    return {"count": int(count), "identities": list(STUDY_IDENTITIES), "identity_seed": IDENTITY_SEED, "image_seed": STUDY_IMAGE_SEED,
            "qualities": list(STUDY_QUALITIES), "grain": GRAIN, "sharpen": SHARPEN, "swap": swap_sha, "detector": detector_sha,
            "version": FORMAT_VERSION}


def study_id(study_design: dict) -> str:
    """A short id of a study design (16 hex digits of its SHA-256)."""
    return hashlib.sha256(json.dumps(study_design, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class StudySet:
    """The study's faces, the machine's P(fake) for each, and (hidden) their labels.

    images: uint8 (N, 256, 256, 3); p_fake: (N,) the detector's, shown only after a first answer;
    faces: per face its id ("f01") and where it comes from (identity, seeds, JPEG quality);
    design and id: what every laptop of the class must share for their files to merge."""

    images: np.ndarray
    p_fake: np.ndarray
    faces: list[dict]
    design: dict
    id: str
    _labels: np.ndarray = field(repr=False, default=None)

    def __len__(self) -> int:
        return len(self.images)

    def identities(self) -> set[str]:
        return {face["identity"] for face in self.faces}


def build_study_set(swap_run, detector, count: int = FULL_COUNT) -> StudySet:
    """Render the study's faces (``study_faces``), fake half of them with the swap run's model and
    the merge's detail restore, compress all alike, and score them with ``detector`` (a checkpoint)."""
    from deepfake_edu.data import twins
    from deepfake_edu.data.images import jpeg_roundtrip
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.train import score
    from deepfake_edu.swap.convert import GRAIN, SHARPEN, FaceSwapper, locator_for
    from deepfake_edu.swap.train import load_swap_model

    faces = study_faces(count)
    model, info = load_swap_model(swap_run)
    decoders = info.get("identities", [str(i) for i in range(len(model.decoders))])
    locate = locator_for(info, model.config.input_size)
    swappers = {}
    images = np.empty((len(faces), FACE_SIZE, FACE_SIZE, 3), np.uint8)
    fakes = 0
    for i, face in enumerate(faces):
        person = twins.make_identity(face["identity_index"], face["identity_seed"])
        factors = twins.with_factors(twins.sample_factors(face["image_seed"]), jpeg_quality=0)  # the JPEG comes after the swap
        picture = twins.render_face(person, factors, FACE_SIZE).image
        if face["label"] == "fake":
            target = fakes % len(model.decoders)
            fakes += 1
            if target not in swappers:
                swappers[target] = FaceSwapper(model, target, locate, grain=GRAIN, sharpen=SHARPEN)
            picture, found = swappers[target].swap_frame(picture)
            if not found:
                raise LabError(f"the swap model found no face in study face {face['face']}: run `deepfake-edu prepare --force`")
            face["swapped_to"] = decoders[target] if target < len(decoders) else str(target)
        images[i] = jpeg_roundtrip(picture, face["jpeg_quality"])
    labels = np.array([1 if face.pop("label") == "fake" else 0 for face in faces], np.int64)
    p_fake = np.asarray(score(load_detector(detector), images), np.float64)
    study_design = design(len(faces), _fingerprint(swap_run), _fingerprint(detector))
    return StudySet(images, p_fake, faces, study_design, study_id(study_design), labels)


def study_identities() -> tuple[str, ...]:
    """The study's twins by name (twin-40 .. twin-45): none is in any lab set."""
    from deepfake_edu.data.twins import identity_name

    return tuple(identity_name(index) for index in STUDY_IDENTITIES)


def study_dataset(parent: str | os.PathLike, swap_run, detector, count: int = FULL_COUNT) -> Path:
    """The study set (``build_study_set``) as a dataset folder ``<parent>/study-<study id>``,
    written once (atomically) and reused: 256 px PNGs of the very pixels the study shows (JPEG
    already applied), each record with its identity, its label ("real" or "fake") and its face
    id ("f01"). The folder is named by the study's id, so another swap model or detector makes
    another folder rather than reusing faces scored by a different machine."""
    from deepfake_edu.data.dataset import write_dataset

    study_design = design(count, _fingerprint(swap_run), _fingerprint(detector))
    folder = Path(parent) / f"study-{study_id(study_design)}"
    if not (folder / "dataset.json").is_file():
        study = build_study_set(swap_run, detector, count)
        items = [(image, {"identity": face["identity"], "label": label, "face": face["face"]})
                 for image, face, label in zip(study.images, study.faces, labels_for(study.design))]
        write_dataset(folder, {"name": folder.name, "kind": "realfake", "size": FACE_SIZE, "study_id": study.id}, items)
    return folder


def training_identities(realfake, held_out=None) -> set[str]:
    """The identities the lab's detector learned from: those of its real/fake set (a folder or a
    loaded ``RealFakeSet``) less the held-out ones (``paths.LAB_HELD_OUT`` by default)."""
    from deepfake_edu.paths import LAB_HELD_OUT

    if not hasattr(realfake, "records"):
        from deepfake_edu.data.dataset import load_dataset

        realfake = load_dataset(realfake)
    held_out = set(LAB_HELD_OUT if held_out is None else held_out)
    return {r["identity"] for r in realfake.records if r.get("identity") and r.get("label") in GUESSES} - held_out


def labels_for(study_design: dict) -> list[str]:
    """The truth of each face of a study design, in face order (what the merge scores against)."""
    return [face["label"] for face in study_faces(study_design["count"])]


# --- the flow per face --------------------------------------------------------------------------


@dataclass
class StudyResults:
    """Counts over the answered faces (first, machine and revised answers of the same faces)."""

    n: int
    first_right: int
    machine_right: int
    revised_right: int
    right_to_wrong: int  # right at first, wrong after seeing the machine
    wrong_to_right: int  # wrong at first, right after seeing the machine

    @property
    def first(self) -> float:
        return self.first_right / self.n if self.n else float("nan")

    @property
    def machine(self) -> float:
        return self.machine_right / self.n if self.n else float("nan")

    @property
    def revised(self) -> float:
        return self.revised_right / self.n if self.n else float("nan")

    def table(self, key: str = "results_table") -> str:
        """Markdown: human first, the machine, human after advice; then what the advice did."""
        return text(key, **vars(self), first=self.first, machine=self.machine, revised=self.revised) + "\n\n" + text(
            "advice_line", right_to_wrong=self.right_to_wrong, wrong_to_right=self.wrong_to_right)


def score_answers(rows: list[dict], truths: list[str]) -> StudyResults:
    """StudyResults of answer rows ({"first", "machine", "revised"}) against their faces' truths."""
    counts = dict(n=0, first_right=0, machine_right=0, revised_right=0, right_to_wrong=0, wrong_to_right=0)
    for row, truth in zip(rows, truths):
        first, revised = row["first"] == truth, row["revised"] == truth
        counts["n"] += 1
        counts["first_right"] += first
        counts["machine_right"] += row["machine"] == truth
        counts["revised_right"] += revised
        counts["right_to_wrong"] += first and not revised
        counts["wrong_to_right"] += revised and not first
    return StudyResults(**counts)


class HumanMachineStudy:
    """One student's pass through a ``StudySet``: for each face, a first answer, then the
    machine's P(fake), then a revised answer, then the truth; each step refuses to come early
    and none can be given twice. Faces are numbered from 1, as shown under the pictures."""

    def __init__(self, study: StudySet) -> None:
        self.study = study
        self.first: dict[int, str] = {}
        self.advised: set[int] = set()
        self.revised: dict[int, str] = {}

    def _face(self, number) -> int:
        count = len(self.study)
        if not isinstance(number, (int, np.integer)) or not 1 <= int(number) <= count:
            raise LabError(text("unknown_face", number=number, count=count))
        return int(number)

    @staticmethod
    def _guess(guess) -> str:
        if guess not in GUESSES:
            raise LabError(text("bad_guess", guess=guess))
        return guess

    def answer_first(self, number: int, guess: str) -> None:
        number, guess = self._face(number), self._guess(guess)
        if number in self.first:
            raise LabError(text("first_twice", number=number))
        self.first[number] = guess

    def advice(self, number: int) -> float:
        """The machine's P(fake) for face ``number``: only once the face has its first answer."""
        number = self._face(number)
        if number not in self.first:
            raise LabError(text("advice_before_first", number=number))
        self.advised.add(number)
        return float(self.study.p_fake[number - 1])

    def revise(self, number: int, guess: str) -> None:
        number, guess = self._face(number), self._guess(guess)
        if number not in self.advised:
            raise LabError(text("revise_before_advice", number=number))
        if number in self.revised:
            raise LabError(text("revise_twice", number=number))
        self.revised[number] = guess

    def truth(self, number: int) -> str:
        """"real" or "fake": only once the face has its revised answer."""
        number = self._face(number)
        if number not in self.revised:
            raise LabError(text("truth_before_revised", number=number))
        return "fake" if self.study._labels[number - 1] else "real"

    # the notebook's way: every face at once, in the same order of steps
    def _fakes_to_guesses(self, fakes) -> dict[int, str]:
        count = len(self.study)
        if fakes is Ellipsis or fakes is None:
            raise LabError(text("fill_in"))
        chosen = set()
        for number in fakes:
            if not isinstance(number, (int, np.integer)) or not 1 <= int(number) <= count:
                raise LabError(text("numbers_please", count=count, guess=number))
            chosen.add(int(number))
        return {n: "fake" if n in chosen else "real" for n in range(1, count + 1)}

    def answer_all_first(self, fakes) -> None:
        """First answers to every face: ``fakes`` the numbers called fake, every other face real."""
        guesses = self._fakes_to_guesses(fakes)
        for number in guesses:
            if number in self.first:
                raise LabError(text("first_twice", number=number))
        for number, guess in guesses.items():
            self.answer_first(number, guess)

    def advice_titles(self) -> list[str]:
        """The titles to show under the faces once every face has its first answer: number and P(fake)."""
        missing = len(self.study) - len(self.first)
        if missing:
            raise LabError(text("not_all_first", missing=missing))
        return [text("advice_title", number=n, p=self.advice(n)) for n in range(1, len(self.study) + 1)]

    def revise_all(self, fakes) -> None:
        """Revised answers to every face (the same form as ``answer_all_first``)."""
        guesses = self._fakes_to_guesses(fakes)
        for number in guesses:
            if number not in self.advised:
                raise LabError(text("revise_before_advice", number=number))
            if number in self.revised:
                raise LabError(text("revise_twice", number=number))
        for number, guess in guesses.items():
            self.revise(number, guess)

    def revealed_labels(self) -> np.ndarray:
        """The labels (1 = fake) of every face, once every face has its revised answer."""
        missing = len(self.study) - len(self.revised)
        if missing:
            raise LabError(text("not_all_revised", missing=missing))
        return self.study._labels.copy()

    def revealed_titles(self) -> list[str]:
        labels = self.revealed_labels()
        return [text("revealed_title", number=n, truth=_word("fake" if y else "real"), p=float(p))
                for n, (y, p) in enumerate(zip(labels, self.study.p_fake), start=1)]

    def rows(self) -> list[dict]:
        """One row per face with both answers: its id, first, P(fake), the machine's answer, revised."""
        rows = []
        for number in sorted(self.revised):
            p = float(self.study.p_fake[number - 1])
            rows.append({"face": self.study.faces[number - 1]["face"], "first": self.first[number], "p_fake": round(p, 4),
                         "machine": "fake" if p > THRESHOLD else "real", "revised": self.revised[number]})
        return rows

    def results(self) -> StudyResults:
        """The counts over every face answered both times (the faces still open are left out)."""
        rows = self.rows()
        truths = [self.truth(int(row["face"][1:])) for row in rows]
        return score_answers(rows, truths)

    def write_results(self, path, student: str | None = None) -> Path:
        """This laptop's results file (JSON, written atomically; ``path`` a file or a folder, see
        ``write_results``); ``student``: a name only if the student gives one. Prints where it went."""
        written = write_results(path, self.study, self.rows(), student)
        print(text("saved", path=written))
        return written


# --- the laptop's file, and the teacher's merge --------------------------------------------------


def write_results(path, study: StudySet, rows: list[dict], student: str | None = None) -> Path:
    """Write one laptop's results: ``path`` a .json file, or a folder (the file is then named
    ``lab7-results-<its file id>.json``, so that a class's files never share a name)."""
    from deepfake_edu.fileio import check_output_file, write_text_atomic

    if not rows:
        raise LabError(text("not_all_revised", missing=len(study)))
    file_id = secrets.token_hex(8)
    path = Path(path)
    if path.suffix.lower() != ".json":
        path = path / f"lab7-results-{file_id}.json"
    path = check_output_file(path, (".json",))
    document = {"kind": RESULTS_KIND, "version": FORMAT_VERSION, "study": study.id, "design": study.design,
                "file_id": file_id, "written": _now(), "answers": rows}
    if student and str(student).strip():
        document["student"] = str(student).strip()[:60]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(document, indent=2))
    return Path(path)


def _refuse(path, why: str) -> LabError:
    return LabError(f"{Path(path).name}: {why}")


def read_results(path) -> dict:
    """One laptop's results file, checked; a one-line LabError names the file and what is wrong."""
    path = Path(path)
    try:
        if not path.is_file():
            raise _refuse(path, "no such file (check the name)")
        if path.stat().st_size > MAX_RESULTS_BYTES:
            raise _refuse(path, f"{path.stat().st_size // 1024} KB is far more than a results file holds: not one of lab 7's files")
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise _refuse(path, f"cannot read it ({error.strerror})") from None
    except (UnicodeDecodeError, ValueError):
        raise _refuse(path, "damaged: not readable JSON (ask for the file again)") from None
    if not isinstance(document, dict):
        raise _refuse(path, "not a results file of lab 7's study (not a JSON object)")
    kind = document.get("kind")
    if kind == CLASS_KIND:
        raise _refuse(path, "is a merged class result, not a laptop's file: merge the laptops' files themselves")
    if kind != RESULTS_KIND:
        raise _refuse(path, f"not a results file of lab 7's study (its kind is {kind!r}, not {RESULTS_KIND!r})")
    if document.get("version") != FORMAT_VERSION:
        raise _refuse(path, f"written by another version of the lab (format {document.get('version')!r}, this lab reads {FORMAT_VERSION})")
    study_design, answers = document.get("design"), document.get("answers")
    if not isinstance(study_design, dict) or not isinstance(document.get("study"), str) or study_id(study_design) != document["study"]:
        raise _refuse(path, "damaged: its study description does not match its study id")
    if not isinstance(study_design.get("count"), int) or not 2 <= study_design["count"] <= 200:
        raise _refuse(path, "damaged: its study has no valid number of faces")
    if not isinstance(document.get("file_id"), str) or not document["file_id"]:
        raise _refuse(path, "damaged: it has no file id")
    if not isinstance(answers, list) or not answers:
        raise _refuse(path, "holds no answers")
    known = {f"f{i + 1:02d}" for i in range(study_design["count"])}
    seen = set()
    for row in answers:
        ok = (isinstance(row, dict) and row.get("face") in known and row.get("first") in GUESSES and row.get("revised") in GUESSES
              and row.get("machine") in GUESSES and isinstance(row.get("p_fake"), (int, float)) and 0 <= row["p_fake"] <= 1)
        if not ok:
            raise _refuse(path, f"damaged: an answer is not a face id with first, revised and machine answers ({str(row)[:80]})")
        if row["face"] in seen:
            raise _refuse(path, f"damaged: face {row['face']} is answered twice")
        seen.add(row["face"])
    return document


def merge_results(paths, out=None) -> dict:
    """The class's result from laptops' files: every file is read and checked first (one line
    for a damaged file, the wrong kind, another study set, the same file twice); only then is
    ``out`` (when given) written, atomically. Returns the class result."""
    from deepfake_edu.fileio import check_output_file, refuse_overwriting, write_text_atomic

    paths = [Path(p) for p in paths]
    if not paths:
        raise LabError("name the laptops' results files to merge")
    if out is not None:
        out = check_output_file(out, (".json",))
        refuse_overwriting(out, *paths)
    documents, ids, first = [], {}, None
    for path in paths:
        for earlier in documents:
            if os.path.exists(path) and os.path.samefile(path, earlier["_path"]):
                raise _refuse(path, f"given twice (it is {earlier['_path'].name}): name each laptop's file once")
        document = read_results(path)
        if document["file_id"] in ids:
            raise _refuse(path, f"is the same laptop's results as {ids[document['file_id']].name} (a copy): name each laptop's file once")
        if first is not None and document["study"] != first["study"]:
            raise _refuse(path, f"answers another study set (id {document['study']}) than {first['_path'].name} (id {first['study']}): "
                                "every laptop must run lab 7 with the same lab version and models")
        ids[document["file_id"]] = path
        document["_path"] = path
        first = first or document
        documents.append(document)
    study_design = first["design"]
    truths = labels_for(study_design)
    index = {f"f{i + 1:02d}": i for i in range(len(truths))}
    rows = [row for document in documents for row in document["answers"]]
    results = score_answers(rows, [truths[index[row["face"]]] for row in rows])
    per_face = []
    for face, i in index.items():
        answered = [row for row in rows if row["face"] == face]
        per_face.append({"face": face, "truth": truths[i], "answered": len(answered),
                         "first_right": sum(row["first"] == truths[i] for row in answered),
                         "revised_right": sum(row["revised"] == truths[i] for row in answered)})
    merged = {"kind": CLASS_KIND, "version": FORMAT_VERSION, "study": first["study"], "design": study_design, "merged": _now(),
              "files": len(documents), "named_students": sum(1 for d in documents if d.get("student")),
              "counts": vars(results), "accuracy": {"first": results.first, "machine": results.machine, "revised": results.revised},
              "per_face": per_face}
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(out, json.dumps(merged, indent=2))
    return merged


def class_results(merged: dict) -> StudyResults:
    """The StudyResults of a merged class result (``merge_results``)."""
    return StudyResults(**merged["counts"])


def describe_class(merged: dict) -> str:
    """Markdown: the class's three accuracies, what the advice did, and how many files and answers."""
    results = class_results(merged)
    return results.table("class_table") + "\n\n" + text("class_line", files=merged["files"], answers=results.n)


# --- the comparison with the research ------------------------------------------------------------


def wilson_interval(right: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson interval of a proportion right / n (0..1)."""
    if n <= 0:
        return 0.0, 1.0
    p = right / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def compare_with_research(results: StudyResults) -> str:
    """Markdown: the results beside Groh et al. 2022 and Diel et al. 2024, with the interval the
    number of answers allows."""
    low, high = wilson_interval(results.first_right, results.n)
    here = text("compare_you", first=results.first, low=low, high=high, n=results.n, machine=results.machine, revised=results.revised)
    caution = text("compare_small" if high - low > 0.2 else "compare_large")
    research = text("compare", diel_human=_decimal(DIEL_2024["human_accuracy"]), diel_supported=_decimal(DIEL_2024["with_training_or_ai"]))
    return f"{here}\n\n{research}\n\n{caution}"


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", "," if i18n.language() == "fr" else ".")


# --- checks on reading the results (lab 7) --------------------------------------------------------


def _results_of(name: str, results) -> StudyResults:
    if not isinstance(results, StudyResults):
        raise LabError(text("check_pass_results", name=name))
    return results


@exercise("critical.advice_harm")
def _advice_harm(answer, results=None, **_) -> Outcome:
    """How many right first answers the machine's advice turned wrong."""
    results = _results_of("critical.advice_harm", results)
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("check_harm_number"))
    if value == results.right_to_wrong:
        return Outcome(True, text("check_harm_right", value=results.right_to_wrong))
    return Outcome(False, text("check_harm_wrong"))


AFTER_TOLERANCE_POINTS = 0.6  # a change read off rounded percentages still passes


@exercise("critical.after_advice")
def _after_advice(answer, results=None, **_) -> Outcome:
    """By how many percentage points the machine's advice changed the student's accuracy
    (revised minus first, negative when it fell)."""
    results = _results_of("critical.after_advice", results)
    given = as_number(answer)
    if given is None:
        return Outcome(False, text("check_after_number"))
    change = 100.0 * (results.revised_right - results.first_right) / max(1, results.n)
    if abs(given - change) <= AFTER_TOLERANCE_POINTS:
        return Outcome(True, text("check_after_right", revised=results.revised, first=results.first, change=change))
    if change != 0 and abs(100 * given - change) <= AFTER_TOLERANCE_POINTS:
        return Outcome(False, text("check_after_fraction"))
    if change != 0 and abs(given + change) <= AFTER_TOLERANCE_POINTS:
        return Outcome(False, text("check_after_sign"))
    return Outcome(False, text("check_after_wrong"))
