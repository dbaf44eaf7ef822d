"""Predict, run, explain: lab 8's experiments, one per idea of the seed interview.

Each experiment is a question the interview answers in passing ("why one shared encoder?", "why
a short network?", "why a varied database?", "why does pixel noise fail on video?"). The student

1. **predicts**: ``trial.predict("shared")`` records the guess, and when it was made;
2. **runs**: ``trial.run(...)`` trains and measures with the library (``swap.train``,
   ``detect.train``, ``forensics``), says so when no prediction was made first, and sets what
   happened beside the prediction;
3. **explains**: one sentence, read by ``check("experiments.<key>.explain", sentence)`` against a
   rubric of key ideas (``Idea``): the feedback names the ideas that are missing, not a wording.

    from deepfake_edu.lessons import experiments
    trial = experiments.start("shared_encoder")
    trial.predict("shared")
    result = trial.run(faces, steps=600, swap=swap_face)   # swap_face: the student's skeleton

The four experiments (``EXPERIMENTS``): ``shared_encoder`` (one shared encoder against two
separate autoencoders, swap SSIM against the twins' true answer), ``depth`` (Meso-4 against the
deeper MesoInception-4, same faces and steps or seconds, AUC on people neither saw),
``variety`` (the same swap model trained on varied or on near-uniform faces, tested on varied
ones) and ``noise`` (the noise-residual detector trained on clean or on JPEG faces, tested on
JPEG faces). Lab 4's arms race (``detectlab.arms_race_outcome``) is the fifth.

Every sentence a student reads is in ``TEXTS`` (English) and ``experiments_fr.TEXTS`` (French),
chosen by ``lessons.i18n``. A rubric's patterns match English and French alike, whatever the
language the lessons speak: a student may write in either.
"""

from __future__ import annotations

import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import experiments_fr, i18n
from deepfake_edu.lessons.check_kit import Outcome

# Every sentence a student can see, by key; {fields} are filled in by ``text``.
TEXTS: dict[str, str] = {
    # the framework
    "predicted": "Prediction recorded: {value}. Now run the experiment.",
    "predicted_again": "Prediction changed to {value} (the earlier one, {earlier}, is kept in the record).",
    "predicted_late": "Prediction recorded AFTER the run, {value}: it is kept, marked as made after you saw the result. A prediction counts when it is made first.",
    "bad_choice": "Predict with one of: {choices}.",
    "bad_number": "Predict with a number from {low} to {high}.",
    "no_prediction": "No prediction was recorded before this run: the result below cannot tell you whether you expected it. Next time, write your prediction first.",
    "running": "Running {title}...",
    "you_predicted": "You predicted: {predicted}. The run says: {happened}.",
    "as_predicted": "As you predicted. Now explain why, in one sentence.",
    "not_predicted": "Not what you predicted: the interesting case. Find the number that surprised you, then explain in one sentence.",
    "late_note": "(Your prediction was made after the run, so it does not count as a prediction.)",
    "explain_short": "Write a whole sentence (at least {words} words) that says WHY, not only what happened.",
    "explain_good": "Your sentence has every key idea: {found}.",
    "explain_missing": "Your sentence has {found}; it misses {count} key idea(s). Think about:",
    "explain_nothing": "nothing of the key ideas yet",
    "not_run": "Run the experiment first (trial.run(...)), then explain what it showed.",
    "fill_skeleton": "Fill in {name} first: replace the ... in its cell with your lines, then run that cell and this one again.",
    "skeleton_wrong": "{name} returned {got}; it must return {expected}. Look at its cell again.",
    "pass_result": 'pass your run: check("{name}", answer, result=result)',
    "give_number": "Give one number.",
    "no_experiment": "no experiment {key!r}; experiments: {keys}",
    # experiment: shared encoder
    "shared_encoder.title": "one shared encoder against two separate autoencoders",
    "shared_encoder.shared": "shared: the swap is closer to the true answer with ONE shared encoder",
    "shared_encoder.separate": "separate: the swap is closer with two separate autoencoders",
    "shared_encoder.same": "same: both swaps are as close (within {tolerance})",
    "shared_encoder.table": (
        "{steps} steps each, {faces} faces of A swapped to B, SSIM against the true answer (1 = identical):\n"
        "  swap, one shared encoder:          {shared_swap:.3f}\n"
        "  swap, two separate autoencoders:   {separate_swap:.3f}\n"
        "  A rebuilt, one shared encoder:     {shared_rebuild:.3f}\n"
        "  A rebuilt, its own autoencoder:    {separate_rebuild:.3f}\n"
        "  training time: shared {shared_seconds:.0f} s, separate {separate_seconds:.0f} s"
    ),
    "idea.shared_encoder.same_code": "what the shared encoder gives both people (the same code, one common language)",
    "idea.shared_encoder.never_saw": "what B's decoder saw during training in the separate case (never A's encoder's codes)",
    "idea.shared_encoder.expression": "what the code describes (pose and expression, which the swap must carry over)",
    # experiment: depth
    "depth.title": "Meso-4 against the deeper MesoInception-4",
    "depth.meso4": "meso4: Meso-4, the shorter network, scores higher",
    "depth.mesoinception4": "mesoinception4: MesoInception-4, the deeper one, scores higher",
    "depth.same": "same: both score alike (AUC within {tolerance})",
    "depth.table": (
        "Same faces, {budget}; scored on {count} faces of people neither network saw:\n"
        "  {name:<16} {parameters:>10} {steps:>7} {seconds:>9} {auc:>6} {accuracy:>9}\n"
        "{rows}"
    ),
    "depth.header.name": "network", "depth.header.parameters": "parameters", "depth.header.steps": "steps",
    "depth.header.seconds": "seconds", "depth.header.auc": "AUC", "depth.header.accuracy": "accuracy",
    "depth.budget_steps": "{steps} training steps each",
    "depth.budget_seconds": "{seconds:.0f} seconds of training each",
    "idea.depth.cost": "what a deeper network costs (more parameters, slower steps, fewer steps in the same time)",
    "idea.depth.needs": "what it would need to pay off (more faces, longer training), or how it fails without (it overfits)",
    # experiment: variety
    "variety.title": "varied against near-uniform training faces",
    "variety.varied": "varied: the model trained on varied faces swaps varied faces better",
    "variety.uniform": "uniform: the model trained on near-uniform faces swaps varied faces better",
    "variety.same": "same: both swap varied faces alike (within {tolerance})",
    "variety.table": (
        "{steps} steps each on {faces} faces per person; swap A as B, SSIM against the true answer:\n"
        "                                on varied test faces   on uniform test faces\n"
        "  trained on varied faces       {varied_on_varied:>10.3f}             {varied_on_uniform:>10.3f}\n"
        "  trained on uniform faces      {uniform_on_varied:>10.3f}             {uniform_on_uniform:>10.3f}\n"
        "  spread of the training faces' head turn (yaw, degrees): varied {varied_yaw:.1f}, uniform {uniform_yaw:.1f}"
    ),
    "variety.not_uniform": "Your uniform faces still vary: their head turn spreads {spread:.1f} degrees (the varied ones {varied:.1f}). Make make_uniform set the pose, expression and light to fixed values.",
    "idea.variety.only_seen": "what a model can do with a pose or light it never saw in training",
    "idea.variety.factors": "which changes of the face matter (pose, expression, light)",
    # experiment: noise
    "noise.title": "the noise detector, trained on clean or on compressed faces",
    "noise.yes": "yes: trained on compressed faces it gets back (almost) all it lost",
    "noise.partly": "partly: it gets back some of what it lost",
    "noise.no": "no: it stays (almost) as bad as the detector that never saw compression",
    "noise.no_loss": "nothing to get back: compression did not hurt the clean-trained detector here",
    "noise.table": (
        "The noise-residual detector, {count} test faces (accuracy, AUC):\n"
        "  trained on clean faces,      tested on clean faces:     {clean_on_clean:.3f}  {clean_on_clean_auc:.3f}\n"
        "  trained on clean faces,      tested on JPEG {quality} faces:   {clean_on_jpeg:.3f}  {clean_on_jpeg_auc:.3f}\n"
        "  trained on JPEG {quality} faces,   tested on JPEG {quality} faces:   {jpeg_on_jpeg:.3f}  {jpeg_on_jpeg_auc:.3f}\n"
        "  noise left in the faces: {noise_clean:.2f} grey levels clean, {noise_jpeg:.2f} after JPEG {quality}"
    ),
    "idea.noise.removes": "what compression does to the finest detail of a picture",
    "idea.noise.noise": "what the noise detector looks at (pixel noise, the microscopic scale)",
    "idea.noise.learn": "what training on compressed faces can and cannot give back (it can only learn what is left)",
    # the checks' words
    "check.shared_gap.right": "{gap:+.3f}: the shared encoder's swap is {gap:.3f} SSIM closer to the true answer than the separate one.",
    "check.shared_gap.right_negative": "{gap:+.3f}: in this run the separate swap came out closer; so short a run has not learned the faces yet. Train longer and look again.",
    "check.shared_gap.sign": "Check the sign: shared minus separate.",
    "check.shared_gap.rebuild": "Those are the rebuilds; the question is about the two SWAPS.",
    "check.shared_gap.hint": "Subtract the separate swap's SSIM from the shared swap's (the first two lines of the table).",
    "check.shared_rebuild_gap.right": "{gap:+.3f}: A's own autoencoder rebuilds A about as well ({own:.3f} against {shared:.3f}); rebuilding was never the problem, swapping is.",
    "check.shared_rebuild_gap.hint": "Subtract the shared encoder's rebuild SSIM from the separate autoencoder's (the last two SSIM lines).",
    "check.depth_step_ratio.right": "One MesoInception-4 step costs {ratio:.1f} times a Meso-4 step here: in the same time it learns from {ratio:.1f} times fewer batches.",
    "check.depth_step_ratio.inverse": "You divided the other way round: the answer is above 1 (the deeper network is slower).",
    "check.depth_step_ratio.hint": "Seconds per step of each network (seconds / steps), then the deeper one's divided by Meso-4's.",
    "check.depth_auc_gap.right": "{gap:+.3f}: Meso-4's AUC minus MesoInception-4's on faces neither saw.",
    "check.depth_auc_gap.sign": "Check the sign: Meso-4 minus MesoInception-4.",
    "check.depth_auc_gap.hint": "Subtract MesoInception-4's AUC from Meso-4's (the AUC column).",
    "check.variety_loss.right": "{loss:+.3f}: the uniform-trained model loses {loss:.3f} SSIM from the faces it knows to the varied ones (the varied-trained model: {other:+.3f}).",
    "check.variety_loss.other": "That is the model trained on VARIED faces; the question is about the uniform-trained one.",
    "check.variety_loss.sign": "Check the sign: uniform test faces minus varied test faces.",
    "check.variety_loss.hint": "On the line 'trained on uniform faces': the uniform-test SSIM minus the varied-test SSIM.",
    "check.noise_recovered.right": "{points:+.1f} points: training on JPEG {quality} faces takes the accuracy on them from {before:.1%} to {after:.1%}.",
    "check.noise_recovered.fraction": "Give it in points of accuracy (percentage points), not as a fraction: {value} is {points} points.",
    "check.noise_recovered.lost": "That is what compression took away (clean against JPEG for the clean-trained detector); the question is what training on JPEG faces brings back.",
    "check.noise_recovered.hint": "Accuracy of the JPEG-trained detector on JPEG faces minus that of the clean-trained one on the same faces, in points (x 100).",
    "check.noise_choice.right": "Right: {letters}.",
    "check.noise_choice.wrong": "Not quite. Option by option:",
    "check.noise_choice.unknown": "Answer with letters from {letters}, e.g. \"a, c\".",
    "check.choice.chosen_right": "✓ ({letter}) right: {why}",
    "check.choice.chosen_wrong": "✗ ({letter}) you chose it, but: {why}",
    "check.choice.missed": "✗ ({letter}) you left it out, but it is right: {why}",
    # the noise experiment's statements, (choose all that apply)
    "noise.choices.question": "Which of these does YOUR run support? (choose all that apply; answer with letters, e.g. \"a, c\")",
    "noise.choice.a": "The detector trained on clean faces does worse on JPEG faces than on clean ones.",
    "noise.choice.a.why": "Compare its accuracy on clean faces with its accuracy on JPEG faces, in your table.",
    "noise.choice.b": "Training on JPEG faces gives the detector back at least half of what compression took.",
    "noise.choice.b.why": "Compare what compression took (clean-trained: clean minus JPEG) with what training on JPEG gave back (JPEG-trained minus clean-trained, on JPEG faces).",
    "noise.choice.c": "The JPEG-trained detector is now better on JPEG faces than the clean-trained one was on clean faces.",
    "noise.choice.c.why": "Compare the last line's accuracy with the first line's.",
    "noise.choice.d": "JPEG leaves less pixel noise in the faces than there was before.",
    "noise.choice.d.why": "Read the last line of the table: noise left before and after JPEG.",
    "noise.choice.e": "The clean-trained detector does worse than a coin toss (accuracy below 0.5) on JPEG faces.",
    "noise.choice.e.why": "Its accuracy on JPEG faces, against 0.5.",
    "noise.choice.f": "Training on JPEG faces made the detector worse on JPEG faces.",
    "noise.choice.f.why": "Compare the two detectors on JPEG faces (second and third lines).",
}
_TEXTS = {"en": TEXTS, "fr": experiments_fr.TEXTS}

text = i18n.translator(_TEXTS)  # text(key, **fields): in the current language


# ------------------------------------------------------------------------------ explanations


@dataclass(frozen=True)
class Idea:
    """One key idea of a rubric. ``all_of``: groups of regular expressions; the idea is present
    when every group has a match (a group is alternatives). Patterns are matched on the sentence
    in lower case without accents, and cover English and French."""

    key: str  # TEXTS key of the hint shown when the idea is missing ("idea.<experiment>.<name>"; exit tickets: their own catalogue's)
    all_of: tuple[tuple[str, ...], ...]  # e.g. ((r"compress", r"jpeg"), (r"remov", r"efface"))

    def found_in(self, sentence: str) -> bool:
        plain = normalise(sentence)
        return all(any(re.search(pattern, plain) for pattern in group) for group in self.all_of)


def normalise(sentence: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces: "Décodeur  n’a" -> "decodeur n'a"."""
    flat = unicodedata.normalize("NFKD", str(sentence)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", flat.replace("\u2019", "'").lower()).strip()


MIN_WORDS = 8  # a sentence shorter than this cannot say why


def read_explanation(sentence, ideas: tuple[Idea, ...], min_words: int = MIN_WORDS,
                     describe: Callable[[str], str] | None = None) -> Outcome:
    """Right when the sentence holds every key idea; else the feedback names what is missing.

    ``describe(key)``: the text of an idea's key, for rubrics whose hints live in another
    catalogue (``exit_tickets``); by default this module's ``text``. The sentences around the
    hints are always this module's."""
    describe = text if describe is None else describe
    words = re.findall(r"[^\W\d_]+", normalise(sentence if isinstance(sentence, str) else ""))
    if len(words) < min_words:
        return Outcome(False, text("explain_short", words=min_words))
    present = [idea for idea in ideas if idea.found_in(sentence)]
    missing = [idea for idea in ideas if idea not in present]
    found = "; ".join(describe(idea.key) for idea in present) or text("explain_nothing")
    if not missing:
        return Outcome(True, text("explain_good", found=found))
    return Outcome(False, "\n".join([text("explain_missing", found=found, count=len(missing)), *(f"  - {describe(idea.key)}" for idea in missing)]))


# Each idea accepts many wordings; what it needs is the idea, not a phrase.
RUBRICS: dict[str, tuple[Idea, ...]] = {
    "shared_encoder": (
        Idea("idea.shared_encoder.same_code", ((
            r"\bshar", r"\bsame (code|encoder|language|space|numbers|representation)", r"\bcommon\b", r"\bone encoder",
            r"\bpartag", r"\bmeme (code|encodeur|langage|langue|espace|representation)", r"\bcommun", r"\bun seul encodeur",
        ),)),
        Idea("idea.shared_encoder.never_saw", (
            (r"\bdecod",),
            (r"\bnever\b", r"\b(did|does|had|has|was|is)( ?n[o']t| never)\b", r"\bcan ?n[o']t\b", r"\bunknown", r"\bunfamiliar", r"\bforeign",
             r"\bnot (seen|trained|learn|know|understand)", r"\bdifferent (code|language|space|numbers|representation)",
             r"\bjamais\b", r"\bn'(a|avait|ont|est|etait|connait|comprend)\b", r"\bne (l')?(a|connait|comprend|sait|peut)\b", r"\binconnu",
             r"\bpas (vu|appris|entraine|connu)", r"\b(code|langage|langue|espace|representation)s? (different|etranger)"),
        )),
        Idea("idea.shared_encoder.expression", ((
            r"\bexpression", r"\bpose", r"\bsmil", r"\bmouth", r"\bhead", r"\bangle", r"\bgaze", r"\blight", r"\bposition",
            r"\bsourire", r"\bbouche", r"\btete", r"\bregard", r"\blumiere", r"\beclairage",
        ),)),
    ),
    "depth": (
        Idea("idea.depth.cost", ((
            r"\bslow", r"\bfewer steps", r"\bless steps", r"\bmore (parameters|weights|computation|calculation|layers|time)", r"\blonger",
            r"\bcost", r"\bheav", r"\bexpensive", r"\btime per step",
            r"\blent", r"\bmoins (de )?(pas|etapes|iterations)", r"\bplus de (parametres|poids|calculs?|couches|temps)", r"\bplus long",
            r"\bcoute", r"\bcout\b", r"\blourd",
        ),)),
        Idea("idea.depth.needs", ((
            r"\boverfit", r"\bmemori[sz]", r"\bfew (faces|images|examples|pictures)", r"\bsmall (data|set|dataset)", r"\bmore (data|faces|images|examples|training|steps)",
            r"\bnot enough (data|faces|images|examples|training|time|steps)", r"\blonger training", r"\btrain(ed|ing)? longer",
            r"\bsur-?appren", r"\bsurapprentissage", r"\bpar coeur", r"\bmemoris", r"\bpeu de (visages|images|donnees|exemples)",
            r"\bplus de (donnees|visages|images|exemples|entrainement|pas)", r"\bpas assez", r"\bplus longtemps", r"\bentrainement plus long",
        ),)),
    ),
    "variety": (
        Idea("idea.variety.only_seen", ((
            r"\bnever (saw|seen|learn|been shown|trained)", r"\bonly (saw|seen|learn|knows?|was shown|been shown|trained)", r"\bhad ?n[o']t seen",
            r"\b(did|does|has|had)( ?n[o']t| never) (see|seen|learn|know)", r"\bnot (in|part of) (the |its )?training", r"\bunseen", r"\bnew (poses?|lights?|angles?|faces?|expressions?)",
            r"\bgenerali[sz]", r"\bcan ?n[o']t (invent|imagine|guess|draw|paint)", r"\bwhat it (saw|has seen|learned|was shown)",
            r"\bjamais (vu|appris|montre|rencontre)", r"\b(n'a|n'avait) (pas |jamais )?(vu|appris|rencontre)", r"\bque ce qu", r"\bnouvel(le)?s? (poses?|lumieres?|angles?|expressions?)",
            r"\bgeneralis", r"\binconnu", r"\bpas (vu|appris)",
        ),)),
        Idea("idea.variety.factors", ((
            r"\bpose", r"\bangle", r"\bturn", r"\blight", r"\bshadow", r"\bexpression", r"\bsmil", r"\bmouth", r"\bhead",
            r"\btourn", r"\blumiere", r"\beclairage", r"\bombre", r"\bsourire", r"\bbouche", r"\btete",
        ),)),
    ),
    "noise": (
        Idea("idea.noise.removes", (
            (r"\bcompress", r"\bjpeg"),
            (r"\bremov", r"\beras", r"\bdestroy", r"\bwipe", r"\bsmooth", r"\bkill", r"\blos[est]", r"\bgone\b", r"\bblur", r"\babsorb",
             r"\bflatten", r"\bhid", r"\bdisappear", r"\bdelet", r"\bthrow", r"\bdrop", r"\bdiscard",
             r"\bsupprim", r"\beffac", r"\bdetrui", r"\blisse", r"\bperd", r"\bperte", r"\bdisparai", r"\babsorb", r"\bgomm", r"\bmasqu",
             r"\becras", r"\belimin", r"\benleve", r"\bfloute"),
        )),
        Idea("idea.noise.noise", ((
            r"\bnois", r"\bpixel", r"\bfine detail", r"\bfinest", r"\btrace", r"\bmicroscop", r"\bresidu", r"\bhigh.frequenc",
            r"\bbruit", r"\bdetails? fins?", r"\bplus fins?", r"\bhaute.? frequence",
        ),)),
        Idea("idea.noise.learn", ((
            r"\bleft\b", r"\bremain", r"\bsurviv", r"\bstill there", r"\bno longer there", r"\bnothing (left|to learn)", r"\bcannot (learn|find|see)",
            r"\bcan ?n[o']t (learn|find|see|recover|bring)", r"\b(learn|learns|learned|learnt) (from )?what", r"\bother (clues|traces|signs)",
            r"\breste", r"\bsubsist", r"\bsurvi", r"\bplus rien", r"\bne peut (pas|plus) (apprendre|trouver|voir|retrouver)", r"\bapprend(re)? ce qui",
            r"\bautres? (indices|traces|signes)",
        ),)),
    ),
}


# ------------------------------------------------------------------------------ predictions


@dataclass
class Prediction:
    value: object  # a choice word, or a number
    before_run: bool  # made before the first run of this trial (only then is it a prediction)
    at: float  # time.time() when it was written


@dataclass
class RunResult:
    """What one run measured: ``values`` (the numbers the checks read), ``outcome`` (one of the
    experiment's choices), ``table`` (the text printed), ``pictures`` (rows to show), ``models``."""

    key: str
    values: dict[str, float]
    outcome: str
    table: str
    pictures: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Experiment:
    key: str
    choices: tuple[str, ...]  # what a prediction may say (each has a TEXTS entry "<key>.<choice>")
    run_fn: Callable[..., RunResult]
    tolerance: float = 0.0  # below this difference, the outcome is "same" (shown in the choices' texts)


class Trial:
    """One student's go at one experiment: their predictions, their runs."""

    def __init__(self, experiment: Experiment) -> None:
        self.experiment = experiment
        self.predictions: list[Prediction] = []
        self.results: list[RunResult] = []

    @property
    def key(self) -> str:
        return self.experiment.key

    def choices_text(self) -> str:
        """The choices, one per line, with what each means."""
        return "\n".join(f"  {text(f'{self.key}.{choice}', tolerance=self.experiment.tolerance)}" for choice in self.experiment.choices)

    def predict(self, value) -> bool:
        """Record a prediction (one of ``experiment.choices``); prints what was recorded."""
        word = None if value is Ellipsis or value is None else str(value).strip().lower().replace("-", "").replace(" ", "")
        if word not in self.experiment.choices:
            print(text("bad_choice", choices=", ".join(self.experiment.choices)))
            print(self.choices_text())
            return False
        before = not self.results
        earlier = self.prediction
        self.predictions.append(Prediction(word, before, time.time()))
        if not before:
            print(text("predicted_late", value=word))
        elif earlier is not None:
            print(text("predicted_again", value=word, earlier=earlier.value))
        else:
            print(text("predicted", value=word))
        return True

    @property
    def prediction(self) -> Prediction | None:
        """The prediction that counts: the last one made before the first run (None: none made)."""
        made_first = [p for p in self.predictions if p.before_run]
        return made_first[-1] if made_first else None

    def run(self, *args, **kwargs) -> RunResult:
        """Run the experiment (arguments: see its run function), print the table and what happened
        beside the prediction (or that none was made)."""
        if self.prediction is None:
            print(text("no_prediction"))
        print(text("running", title=text(f"{self.key}.title")))
        result = self.experiment.run_fn(*args, **kwargs)
        self.results.append(result)
        print(result.table)
        print(self.comparison())
        return result

    def comparison(self) -> str:
        """The prediction beside what the last run showed."""
        if not self.results:
            return text("not_run")
        happened = self.results[-1].outcome
        happened_text = text(f"{self.key}.{happened}", tolerance=self.experiment.tolerance)
        prediction = self.prediction
        if prediction is None:
            late = self.predictions[-1].value if self.predictions else None
            lines = [text("you_predicted", predicted=late if late else "-", happened=happened_text)]
            if late:
                lines.append(text("late_note"))
            return "\n".join(lines)
        lines = [text("you_predicted", predicted=prediction.value, happened=happened_text)]
        lines.append(text("as_predicted") if prediction.value == happened else text("not_predicted"))
        return "\n".join(lines)


def explain(key: str, sentence) -> Outcome:
    """The rubric's verdict on one sentence for experiment ``key``."""
    return read_explanation(sentence, RUBRICS[key])


def _outcome(gap: float, tolerance: float, above: str, below: str) -> str:
    return above if gap > tolerance else below if gap < -tolerance else "same"


def _check_skeleton(name: str, got, expected_shape: tuple[int, ...] | None = None):
    """A LabError a student can act on when a skeleton function was not filled in or returns the wrong thing."""
    if got is Ellipsis or got is None:
        raise LabError(text("fill_skeleton", name=name))
    if expected_shape is not None and (not isinstance(got, torch.Tensor) or tuple(got.shape) != expected_shape):
        what = f"a tensor of shape {tuple(got.shape)}" if isinstance(got, torch.Tensor) else type(got).__name__
        raise LabError(text("skeleton_wrong", name=name, got=what, expected=f"a tensor of shape {expected_shape}"))
    return got


# ------------------------------------------------------------------------------ a. shared encoder


def swap_through(encoder, decoder, faces: torch.Tensor) -> torch.Tensor:
    """The reference swap (the skeleton's answer): encode with one encoder, paint with another
    person's decoder. encoder: a ``swap.model.Encoder`` (faces -> the map decoders read)."""
    return decoder(encoder(faces))


def _swap_options(steps: int, batch_size: int | None, seed: int, run: Path):
    from deepfake_edu.swap.train import SwapTrainOptions

    return SwapTrainOptions(preset="classroom", steps=steps, batch_size=batch_size, seed=seed, run=str(run), resume=False,
                            checkpoint_every=10**9, log_every=max(1, steps // 10), preview_every=0, timelapse_every=0,
                            metrics_every=0, progress=False, device="cpu", prior=None)


def _one_person(face_sets, index: int):
    """The FaceSets of person ``index`` alone (a single-decoder autoencoder trains on it)."""
    return replace(face_sets, names=[face_sets.names[index]], faces=[face_sets.faces[index]],
                   masks=[face_sets.masks[index]] if face_sets.masks is not None else None,
                   records=[face_sets.records[index]], dataset_infos=[face_sets.dataset_infos[index]])


def train_swap_model(face_sets, steps: int, batch_size: int | None = None, seed: int = 0):
    """A classroom face-swap model trained ``steps`` steps on ``face_sets`` (one decoder per person
    in it) in a throw-away run folder; returns (model in eval mode, training seconds)."""
    from deepfake_edu.swap.train import train_swap

    with tempfile.TemporaryDirectory(prefix="deepfake-edu-experiment-") as folder:
        result = train_swap(_swap_options(steps, batch_size, seed, Path(folder) / "run"), face_sets=face_sets)
    return result.model.eval(), result.elapsed_s


def _ssim_each(images: torch.Tensor, truth: torch.Tensor) -> torch.Tensor:
    from deepfake_edu.swap.losses import ssim

    return ssim(images.float().clamp(0, 1), truth.float(), reduction="none")


def run_shared_encoder(face_sets, steps: int, swap: Callable = swap_through, batch_size: int | None = None,
                       test_faces: int = 16, seed: int = 0) -> RunResult:
    """Train one shared-encoder model on A and B, and two separate autoencoders (A alone, B alone),
    each ``steps`` steps with ``batch_size`` faces per person; swap A's first ``test_faces`` faces
    to B both ways with ``swap(encoder, decoder, faces)`` and score them against the true answer.

    face_sets: ``swap.facesets.load_face_sets`` of two twins (A = 0, B = 1).
    """
    from deepfake_edu.swap.metrics import true_answer_sets

    answers = true_answer_sets(face_sets, 64, test_faces)
    if not answers:
        raise LabError("this experiment needs synthetic twins (they carry the true answer): load faces of twin-00 and twin-01")
    a_to_b = answers[0]
    shared, shared_seconds = train_swap_model(face_sets, steps, batch_size, seed)
    alone_a, seconds_a = train_swap_model(_one_person(face_sets, 0), steps, batch_size, seed)
    alone_b, seconds_b = train_swap_model(_one_person(face_sets, 1), steps, batch_size, seed)
    faces = a_to_b.faces
    with torch.no_grad():
        shared_swap = _check_skeleton("swap_face", swap(shared.encoder, shared.decoders[1], faces), tuple(faces.shape))
        separate_swap = _check_skeleton("swap_face", swap(alone_a.encoder, alone_b.decoders[0], faces), tuple(faces.shape))
        shared_rebuild = shared.decoders[0](shared.encoder(faces))
        own_rebuild = alone_a.decoders[0](alone_a.encoder(faces))
    values = {
        "shared_swap": float(_ssim_each(shared_swap, a_to_b.truth).mean()),
        "separate_swap": float(_ssim_each(separate_swap, a_to_b.truth).mean()),
        "shared_rebuild": float(_ssim_each(shared_rebuild, faces).mean()),
        "separate_rebuild": float(_ssim_each(own_rebuild, faces).mean()),
        "shared_seconds": shared_seconds, "separate_seconds": seconds_a + seconds_b, "steps": steps, "faces": len(faces),
    }
    values["gap"] = values["shared_swap"] - values["separate_swap"]
    count = min(6, len(faces))
    pictures = {"A": faces[:count], "A as B, shared encoder": shared_swap[:count], "A as B, separate autoencoders": separate_swap[:count],
                "B, true answer": a_to_b.truth[:count]}
    return RunResult("shared_encoder", values, _outcome(values["gap"], SHARED_TOLERANCE, "shared", "separate"),
                     text("shared_encoder.table", **values), pictures, {"shared": shared, "alone_a": alone_a, "alone_b": alone_b})


SHARED_TOLERANCE = 0.01


# ------------------------------------------------------------------------------ b. depth


def held_out_auc_reference(model, faces) -> float:
    """The skeleton's answer: the ROC AUC of ``model`` on a RealFakeSet it never saw."""
    from deepfake_edu.detect.protocol import frame_auc
    from deepfake_edu.detect.train import score

    return frame_auc(faces.labels, score(model, faces.images))


DEPTH_MODELS = ("meso4", "mesoinception4")
DEPTH_TOLERANCE = 0.02


def run_depth(train, test, steps: int = 100_000, seconds: float | None = None, batch_size: int = 16,
              measure: Callable = held_out_auc_reference, seed: int = 0) -> RunResult:
    """Train Meso-4 and MesoInception-4 on the same faces (``train``, a RealFakeSet at 256 px) with
    the paper's recipe, for ``steps`` steps or ``seconds`` of training each, whichever ends first;
    score both on ``test`` (people neither saw) with ``measure(model, test) -> AUC``."""
    from deepfake_edu.detect.mesonet import count_trainable_parameters
    from deepfake_edu.detect.protocol import classification_metrics
    from deepfake_edu.detect.train import DetectRecipe, score, train_detector
    from deepfake_edu.training import TrainConfig

    values: dict[str, float] = {"count": len(test.labels)}
    models = {}
    for name in DEPTH_MODELS:
        # every step logged: the last entry is the step it stopped at, and its training time (without set-up or saving)
        config = TrainConfig(steps=steps, batch_size=batch_size, seed=seed, time_limit_s=seconds, checkpoint_every=10**9,
                             log_every=1, progress=False, device="cpu")
        with tempfile.TemporaryDirectory(prefix="deepfake-edu-experiment-") as folder:
            run = train_detector(train, Path(folder) / name, config, DetectRecipe(model=name, eval_every=0), resume=False)
        model = run.model.eval()
        auc = measure(model, test)
        if auc is Ellipsis or auc is None:
            raise LabError(text("fill_skeleton", name="held_out_auc"))
        metrics = classification_metrics(test.labels, score(model, test.images))
        done, wall = run.history[-1]["step"], run.history[-1]["time_s"]
        values.update({f"{name}_auc": float(auc), f"{name}_accuracy": metrics["accuracy"], f"{name}_steps": done,
                       f"{name}_seconds": wall, f"{name}_parameters": count_trainable_parameters(model)})
        models[name] = model
    values["auc_gap"] = values["meso4_auc"] - values["mesoinception4_auc"]
    values["step_ratio"] = (values["mesoinception4_seconds"] / values["mesoinception4_steps"]) / (values["meso4_seconds"] / values["meso4_steps"])
    rows = "\n".join(
        f"  {label:<16} {values[f'{name}_parameters']:>10,} {values[f'{name}_steps']:>7.0f} {values[f'{name}_seconds']:>9.1f} "
        f"{values[f'{name}_auc']:>6.3f} {values[f'{name}_accuracy']:>9.3f}"
        for name, label in zip(DEPTH_MODELS, ("Meso-4", "MesoInception-4")))
    budget = text("depth.budget_seconds", seconds=seconds) if seconds else text("depth.budget_steps", steps=steps)
    headers = {part: text(f"depth.header.{part}") for part in ("name", "parameters", "steps", "seconds", "auc", "accuracy")}
    table = text("depth.table", budget=budget, count=len(test.labels), rows=rows, **headers)
    return RunResult("depth", values, _outcome(values["auc_gap"], DEPTH_TOLERANCE, "meso4", "mesoinception4"), table, {}, models)


# ------------------------------------------------------------------------------ c. variety


def make_uniform_reference(factors):
    """The skeleton's answer: the same picture, but frontal, neutral and lit the same way every
    time (background, camera noise and JPEG are left as they were)."""
    from deepfake_edu.data.twins import Factors, with_factors

    neutral = Factors()
    return with_factors(factors, yaw=neutral.yaw, pitch=neutral.pitch, roll=neutral.roll, mouth_open=neutral.mouth_open,
                        smile=neutral.smile, blink=neutral.blink, gaze_x=neutral.gaze_x, gaze_y=neutral.gaze_y,
                        brow_raise=neutral.brow_raise, light_azimuth=neutral.light_azimuth,
                        light_elevation=neutral.light_elevation, light_strength=neutral.light_strength)


def twins_face_sets(per_identity: int, make_factors: Callable | None = None, identities: tuple[int, int] = (0, 1),
                    seed: int = 0, first_image: int = 0, size: int = 64):
    """FaceSets of two twins rendered in memory: image i of twin k has the factors of the lab's
    twins data sets (``sample_factors(image_seed(seed, k, first_image + i))``), passed through
    ``make_factors`` when given. The records carry the factors, so ``true_answer_sets`` works."""
    from dataclasses import asdict

    from deepfake_edu.data import twins
    from deepfake_edu.faces.align import twins_crops
    from deepfake_edu.swap.facesets import FaceSets

    render_size = 2 * size  # the swap crop is cut from a picture twice as big, by shrinking
    faces, records = [], []
    for index in identities:
        person = twins.make_identity(index, seed)
        chosen = []
        for image in range(first_image, first_image + per_identity):
            factors = twins.sample_factors(twins.image_seed(seed, index, image))
            chosen.append(factors if make_factors is None else make_factors(factors))
        if not all(isinstance(f, twins.Factors) for f in chosen):
            raise LabError(text("skeleton_wrong", name="make_uniform", got=type(chosen[0]).__name__, expected="Factors"))
        pictures = np.stack([twins.render_face(person, f, render_size).image for f in chosen])
        faces.append(twins_crops(pictures, size))
        records.append([{"identity": person.name, "identity_index": index, "factors": asdict(f)} for f in chosen])
    infos = [{"generator": {"seed": seed}}] * len(identities)
    return FaceSets([r[0]["identity"] for r in records], faces, None, ["in-memory twins"], records, infos)


def _swap_ssim(model, answers) -> float:
    from deepfake_edu.swap.metrics import swap_scores

    return swap_scores(model, answers.faces, answers.truth, answers.target)["ssim"]


VARIETY_TOLERANCE = 0.01


def run_variety(per_identity: int, steps: int, make_uniform: Callable = make_uniform_reference, batch_size: int | None = None,
                test_faces: int = 16, seed: int = 0) -> RunResult:
    """Train the same classroom swap model twice, ``steps`` steps each: on ``per_identity`` varied
    faces of twins 00 and 01, and on as many near-uniform ones (``make_uniform(factors)``); score
    both swaps (A as B) against the true answer on varied and on uniform faces neither saw."""
    from deepfake_edu.swap.metrics import true_answer_sets

    varied = twins_face_sets(per_identity)  # the same two people every time; ``seed`` seeds the training
    uniform = twins_face_sets(per_identity, make_uniform)
    test_first = per_identity + 1000  # other pictures than the training ones
    varied_test = true_answer_sets(twins_face_sets(test_faces, first_image=test_first), 64, test_faces)[0]
    uniform_test = true_answer_sets(twins_face_sets(test_faces, make_uniform, first_image=test_first), 64, test_faces)[0]
    yaw = {name: float(np.std([r["factors"]["yaw"] for r in sets.records[0]])) for name, sets in (("varied", varied), ("uniform", uniform))}
    if yaw["uniform"] > 0.5 * yaw["varied"]:
        raise LabError(text("variety.not_uniform", spread=yaw["uniform"], varied=yaw["varied"]))
    varied_model, _ = train_swap_model(varied, steps, batch_size, seed)
    uniform_model, _ = train_swap_model(uniform, steps, batch_size, seed)
    values = {
        "varied_on_varied": _swap_ssim(varied_model, varied_test), "varied_on_uniform": _swap_ssim(varied_model, uniform_test),
        "uniform_on_varied": _swap_ssim(uniform_model, varied_test), "uniform_on_uniform": _swap_ssim(uniform_model, uniform_test),
        "varied_yaw": yaw["varied"], "uniform_yaw": yaw["uniform"], "steps": steps, "faces": per_identity,
    }
    values["gap"] = values["varied_on_varied"] - values["uniform_on_varied"]
    values["uniform_loss"] = values["uniform_on_uniform"] - values["uniform_on_varied"]
    values["varied_loss"] = values["varied_on_uniform"] - values["varied_on_varied"]
    count = min(6, test_faces)
    with torch.no_grad():
        pictures = {"A (varied)": varied_test.faces[:count], "trained on varied": varied_model.swap(varied_test.faces[:count], 1),
                    "trained on uniform": uniform_model.swap(varied_test.faces[:count], 1), "B, true answer": varied_test.truth[:count]}
    return RunResult("variety", values, _outcome(values["gap"], VARIETY_TOLERANCE, "varied", "uniform"),
                     text("variety.table", **values), pictures, {"varied": varied_model, "uniform": uniform_model})


# ------------------------------------------------------------------------------ d. noise


def compress_reference(images: np.ndarray, quality: int) -> np.ndarray:
    """The skeleton's answer: every uint8 RGB face (N, H, W, 3) through JPEG at ``quality``."""
    from deepfake_edu.forensics.compression import jpeg

    return jpeg(images, quality)


def _noise_outcome(before: float, after: float, clean: float) -> str:
    """yes / partly / no: how much of the accuracy compression took does training on JPEG give back."""
    lost = clean - before
    if lost <= 0.02:
        return "no_loss"
    back = (after - before) / lost
    return "yes" if back >= 0.8 else "no" if back <= 0.2 else "partly"


def balanced_subset(images: np.ndarray, labels, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``per_class`` real and the first ``per_class`` fake faces (images, labels)."""
    labels = np.asarray(labels).astype(int).ravel()
    chosen = np.sort(np.concatenate([np.flatnonzero(labels == value)[:per_class] for value in (0, 1)]))
    return np.asarray(images)[chosen], labels[chosen]


def run_noise(images: np.ndarray, labels, quality: int = 30, compress: Callable = compress_reference, per_class: int | None = None,
              seed: int = 0) -> RunResult:
    """The noise-residual detector trained on clean faces, and trained on faces compressed by
    ``compress(images, quality)``; both tested on compressed faces they never saw (half the set,
    stratified; ``forensics.compression.compression_study``). ``per_class``: use only that many
    real and as many fake faces (the noise statistics take about 0.1 s a face)."""
    if per_class is not None:
        images, labels = balanced_subset(images, labels, per_class)
    from deepfake_edu.forensics.compression import Condition, compression_study
    from deepfake_edu.forensics.noise import NoiseResidualDetector
    from deepfake_edu.lessons.detectlab import noise_energy

    images = np.asarray(images)
    probe = compress(images[:1], quality)
    if probe is Ellipsis or probe is None:
        raise LabError(text("fill_skeleton", name="compress"))
    if not isinstance(probe, np.ndarray) or probe.shape != images[:1].shape or probe.dtype != np.uint8:
        raise LabError(text("skeleton_wrong", name="compress", got=getattr(probe, "shape", type(probe).__name__), expected=f"uint8 faces {images[:1].shape}"))
    conditions = [Condition("clean", "no compression", None, lambda faces: faces),
                  Condition(f"jpeg{quality}", f"JPEG quality {quality}", quality, lambda faces: compress(faces, quality))]
    detector = {"noise": NoiseResidualDetector()}
    clean_rows = {row["condition"]: row for row in compression_study(images, labels, detector, conditions, training="clean", seed=seed)}
    matched_rows = {row["condition"]: row for row in compression_study(images, labels, detector, conditions[1:], training="matched", seed=seed)}
    name = f"jpeg{quality}"
    values = {
        "clean_on_clean": clean_rows["clean"]["accuracy"], "clean_on_clean_auc": clean_rows["clean"]["auc"],
        "clean_on_jpeg": clean_rows[name]["accuracy"], "clean_on_jpeg_auc": clean_rows[name]["auc"],
        "jpeg_on_jpeg": matched_rows[name]["accuracy"], "jpeg_on_jpeg_auc": matched_rows[name]["auc"],
        "quality": quality, "count": clean_rows[name]["n_test"],
        "noise_clean": float(np.mean([noise_energy(face) for face in images])),
        "noise_jpeg": float(np.mean([noise_energy(face) for face in compress(images, quality)])),
    }
    values["recovered_points"] = 100 * (values["jpeg_on_jpeg"] - values["clean_on_jpeg"])
    values["lost_points"] = 100 * (values["clean_on_clean"] - values["clean_on_jpeg"])
    outcome = _noise_outcome(values["clean_on_jpeg"], values["jpeg_on_jpeg"], values["clean_on_clean"])
    return RunResult("noise", values, outcome, text("noise.table", **values))


# The noise experiment's statements: which ones a run supports is computed from its numbers.
NOISE_CHOICES: dict[str, Callable[[dict], bool]] = {
    "a": lambda v: v["clean_on_jpeg"] < v["clean_on_clean"],
    "b": lambda v: v["clean_on_clean"] > v["clean_on_jpeg"] and v["jpeg_on_jpeg"] - v["clean_on_jpeg"] >= 0.5 * (v["clean_on_clean"] - v["clean_on_jpeg"]),
    "c": lambda v: v["jpeg_on_jpeg"] > v["clean_on_clean"],
    "d": lambda v: v["noise_jpeg"] < v["noise_clean"],
    "e": lambda v: v["clean_on_jpeg"] < 0.5,
    "f": lambda v: v["jpeg_on_jpeg"] < v["clean_on_jpeg"],
}


def noise_choices_text() -> str:
    """The noise experiment's statements, lettered, to print above the question."""
    return "\n".join([text("noise.choices.question"), *(f"  ({letter}) {text(f'noise.choice.{letter}')}" for letter in NOISE_CHOICES)])


# ------------------------------------------------------------------------------ the registry

EXPERIMENTS: dict[str, Experiment] = {
    "shared_encoder": Experiment("shared_encoder", ("shared", "separate", "same"), run_shared_encoder, SHARED_TOLERANCE),
    "depth": Experiment("depth", ("meso4", "mesoinception4", "same"), run_depth, DEPTH_TOLERANCE),
    "variety": Experiment("variety", ("varied", "uniform", "same"), run_variety, VARIETY_TOLERANCE),
    "noise": Experiment("noise", ("yes", "partly", "no"), run_noise),
}


def start(key: str) -> Trial:
    """A new trial of experiment ``key``; prints the choices a prediction may take."""
    if key not in EXPERIMENTS:
        raise LabError(text("no_experiment", key=key, keys=", ".join(EXPERIMENTS)))
    trial = Trial(EXPERIMENTS[key])
    print(trial.choices_text())
    return trial
