"""The exercise checks of labs 4-7, where the students catch fakes: MesoNet (lab 4), compression
(lab 5), what the detector sees (lab 6) and thinking critically (lab 7).

Each check works its right answer out from the library (a new Meso-4's real parameter count and
feature map, the student's own scores and tables) and registers itself in ``CHECKS`` on import;
``deepfake_edu.lessons.checks`` imports this module and runs the checks.

Every sentence a student reads is in ``TEXTS`` (English) and ``exercises_detecting_fr.TEXTS``
(French), chosen by ``lessons.i18n``; the words a student answers with ("likely fake", a
detector's or a region's name, "human") stay as the library writes them.
"""

from __future__ import annotations

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import exercises_detecting_fr, i18n
from deepfake_edu.lessons.check_kit import Outcome, as_number, as_word, exercise, is_close

# Every sentence a student can see, by key ("<exercise>.<case>"); {fields} are filled in by ``text``.
TEXTS: dict[str, str] = {
    # lab 4
    "meso.parameters.whole_number": "Give one whole number.",
    "meso.parameters.right": "{right:,} trainable numbers: about 3,000 times fewer than the 82 million of the 2017 face-swap model. Small enough for a phone.",
    "meso.parameters.inception": "That is MesoInception-4, the other MesoNet. The question is about Meso-4.",
    "meso.parameters.buffers": "Count only TRAINABLE parameters (requires_grad), not the BatchNorm running statistics.",
    "meso.parameters.hint": "Use count_trainable_parameters(model) on a new Meso-4, or add up p.numel() for parameters that require a gradient.",
    "meso.feature_side.whole_number": "Give one whole number (pixels).",
    "meso.feature_side.right": "256 -> 128 -> 64 -> 32 -> {side}: each of the {positions} positions of the last map sees a patch of the face, the mesoscopic scale.",
    "meso.feature_side.pool_by_2": "Three blocks halve the picture, but the fourth pools by 4, not 2.",
    "meso.feature_side.three_blocks": "That is after three blocks; the fourth shrinks it once more (by 4).",
    "meso.feature_side.hint": "Follow the sizes: 256, then each block divides the side by its pooling (2, 2, 2, then 4).",
    "meso.balanced_accuracy.pass_confusion": 'pass the confusion matrix: check("meso.balanced_accuracy", answer, confusion=confusion)',
    "meso.balanced_accuracy.give_number": "Give a number between 0 and 1.",
    "meso.balanced_accuracy.right": "({tn}/{reals} reals right + {tp}/{fakes} fakes right) / 2 = {right:.3f}. Unlike plain accuracy, it cannot be fooled by a set with more of one kind.",
    "meso.balanced_accuracy.percentage": "Give it as a fraction, not a percentage.",
    "meso.balanced_accuracy.plain": "That is plain accuracy. Balanced accuracy averages the share of reals right and the share of fakes right.",
    "meso.balanced_accuracy.hint": "Share of real faces called real (TN / (TN + FP)), share of fakes called fake (TP / (TP + FN)), then their mean.",
    "meso.video_verdict.pass_scores": 'pass the frame scores: check("meso.video_verdict", answer, p_fake=scores)',
    "meso.video_verdict.choose": 'Answer "likely fake" or "likely real".',
    "meso.video_verdict.right": "{share:.0%} of the frames score above {threshold}, so the rule says {label}.",
    "meso.video_verdict.average": "You went by the average score; the rule counts the SHARE of frames above 0.5.",
    "meso.video_verdict.hint": "Count the frames above 0.5 and compare with half of all frames.",
    # lab 5
    "compression.bigger_drop.pass_rows": 'pass the study rows: check("compression.bigger_drop", answer, rows=rows)',
    "compression.bigger_drop.choose": "Answer with one detector's name: {detectors}.",
    "compression.bigger_drop.right": "From clean to {harsh}, {detector} loses {points:.0f} points of accuracy; {others}.",
    "compression.bigger_drop.other_loses": "{detector} loses {points:.0f}",
    "compression.bigger_drop.hint": "Compare each detector's accuracy on 'clean' with its accuracy on '{harsh}': which falls further?",
    # lab 6
    "explain.top_region.pass_rows": 'pass the occlusion rows: check("explain.top_region", answer, rows=rows)',
    "explain.top_region.choose": "Answer with one region: {regions}.",
    "explain.top_region.right": "Hiding the {region} moves P(fake) by {delta:.3f} on average, the most of all regions.",
    "explain.top_region.eyes_too": " As the MesoNet authors found, the eyes matter.",
    "explain.top_region.not_eyes": " The authors found the eyes mattered most for their detector; yours learned from other faces: why could it differ?",
    "explain.top_region.authors": "That is what the MesoNet authors found; but what does YOUR table say? Read the first row.",
    "explain.top_region.hint": "The table is sorted: the region at the top moves P(fake) the most.",
    # lab 7
    "critical.who_won.pass_accuracies": 'pass both accuracies: check("critical.who_won", answer, human=..., machine=...)',
    "critical.who_won.choose": 'Answer "human", "machine" or "tie".',
    "critical.who_won.right": "You: {human:.0%}, the detector: {machine:.0%}. On a handful of faces, luck plays a big part: pool the class's answers to know more.",
    "critical.who_won.hint": "Compare the two accuracies printed above.",
}
_TEXTS = {"en": TEXTS, "fr": exercises_detecting_fr.TEXTS}

text = i18n.translator(_TEXTS)  # text(key, **fields): in the current language


# ------------------------------------------------------------------------------------- lab 4


@exercise("meso.parameters")
def _meso_parameters(answer, **_) -> Outcome:
    from deepfake_edu.detect.mesonet import count_trainable_parameters
    from deepfake_edu.registry import create_model

    right = count_trainable_parameters(create_model("meso4"))
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("meso.parameters.whole_number"))
    if int(value) == right:
        return Outcome(True, text("meso.parameters.right", right=right))
    if int(value) == count_trainable_parameters(create_model("mesoinception4")):
        return Outcome(False, text("meso.parameters.inception"))
    everything = sum(p.numel() for p in create_model("meso4").parameters()) + sum(b.numel() for b in create_model("meso4").buffers())
    if int(value) in (everything, sum(p.numel() for p in create_model("meso4").parameters())):
        return Outcome(False, text("meso.parameters.buffers"))
    return Outcome(False, text("meso.parameters.hint"))


def meso_feature_side() -> int:
    """Side of Meso-4's last feature map for a 256 px input, measured by a forward pass."""
    import torch

    from deepfake_edu.registry import create_model

    model = create_model("meso4").eval()
    with torch.no_grad():
        features = model.blocks(torch.zeros(1, 3, 256, 256))
    return int(features.shape[-1])


@exercise("meso.feature_side")
def _meso_feature_side(answer, **_) -> Outcome:
    right = meso_feature_side()
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("meso.feature_side.whole_number"))
    if int(value) == right:
        return Outcome(True, text("meso.feature_side.right", side=right, positions=right * right))
    if int(value) == 16:
        return Outcome(False, text("meso.feature_side.pool_by_2"))
    if int(value) == 32:
        return Outcome(False, text("meso.feature_side.three_blocks"))
    return Outcome(False, text("meso.feature_side.hint"))


def balanced_accuracy(confusion) -> float:
    """From [[TN, FP], [FN, TP]] (rows: true real, true fake)."""
    (tn, fp), (fn, tp) = confusion
    return 0.5 * (tn / max(tn + fp, 1) + tp / max(tp + fn, 1))


@exercise("meso.balanced_accuracy")
def _meso_balanced_accuracy(answer, confusion=None, **_) -> Outcome:
    if confusion is None:
        raise LabError(text("meso.balanced_accuracy.pass_confusion"))
    right = balanced_accuracy(confusion)
    (tn, fp), (fn, tp) = confusion
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("meso.balanced_accuracy.give_number"))
    if is_close(value, right, 0.0, 0.005):
        return Outcome(True, text("meso.balanced_accuracy.right", tn=tn, reals=tn + fp, tp=tp, fakes=tp + fn, right=right))
    if is_close(value * 0.01, right, 0.0, 0.005):
        return Outcome(False, text("meso.balanced_accuracy.percentage"))
    if is_close(value, (tn + tp) / max(tn + fp + fn + tp, 1), 0.0, 0.005):
        return Outcome(False, text("meso.balanced_accuracy.plain"))
    return Outcome(False, text("meso.balanced_accuracy.hint"))


@exercise("meso.video_verdict")
def _meso_video_verdict(answer, p_fake=None, **_) -> Outcome:
    if p_fake is None:
        raise LabError(text("meso.video_verdict.pass_scores"))
    from deepfake_edu.detect.predict import FAKE_THRESHOLD, Score, summarize

    verdict = summarize("clip", "video", [Score(f"frame {i}", float(p)) for i, p in enumerate(p_fake)])
    given = as_word(answer)
    if given not in ("likely fake", "likely real", "fake", "real"):
        return Outcome(False, text("meso.video_verdict.choose"))
    if verdict.label.endswith(given.removeprefix("likely ")):
        return Outcome(True, text("meso.video_verdict.right", share=verdict.share_fake, threshold=FAKE_THRESHOLD, label=verdict.label))
    mean_label = "likely fake" if verdict.mean_p_fake > FAKE_THRESHOLD else "likely real"
    if mean_label != verdict.label and given.endswith(mean_label.split()[-1]):
        return Outcome(False, text("meso.video_verdict.average"))
    return Outcome(False, text("meso.video_verdict.hint"))


# ------------------------------------------------------------------------------------- lab 5


def accuracy_drop(rows: list[dict], detector: str, harsh: str) -> float:
    by_condition = {row["condition"]: row["accuracy"] for row in rows if row["detector"] == detector}
    return by_condition["clean"] - by_condition[harsh]


@exercise("compression.bigger_drop")
def _compression_bigger_drop(answer, rows=None, harsh: str | None = None, **_) -> Outcome:
    if rows is None:
        raise LabError(text("compression.bigger_drop.pass_rows"))
    detectors = list(dict.fromkeys(row["detector"] for row in rows))
    jpeg = [row["condition"] for row in rows if row["condition"].startswith("jpeg")]
    harsh = harsh or min(jpeg, key=lambda c: int(c.removeprefix("jpeg")))
    drops = {name: accuracy_drop(rows, name, harsh) for name in detectors}
    right = max(drops, key=drops.get)
    given = as_word(answer)
    matches = [name for name in detectors if given and (given in name.lower() or name.lower() in given)]
    if len(matches) != 1:
        return Outcome(False, text("compression.bigger_drop.choose", detectors=", ".join(detectors)))
    if matches[0] == right:
        others = ", ".join(text("compression.bigger_drop.other_loses", detector=n, points=100 * d) for n, d in drops.items() if n != right)
        return Outcome(True, text("compression.bigger_drop.right", harsh=harsh, detector=right, points=100 * drops[right], others=others))
    return Outcome(False, text("compression.bigger_drop.hint", harsh=harsh))


# ------------------------------------------------------------------------------------- lab 6


@exercise("explain.top_region")
def _explain_top_region(answer, rows=None, **_) -> Outcome:
    if rows is None:
        raise LabError(text("explain.top_region.pass_rows"))
    ranked = sorted(rows, key=lambda row: row["mean_abs_delta"], reverse=True)
    given = as_word(answer)
    names = [row["region"] for row in ranked]
    if given not in names:
        return Outcome(False, text("explain.top_region.choose", regions=", ".join(names)))
    if given == names[0]:
        extra = text("explain.top_region.eyes_too" if given == "eyes" else "explain.top_region.not_eyes")
        return Outcome(True, text("explain.top_region.right", region=given, delta=ranked[0]["mean_abs_delta"]) + extra)
    if given == "eyes":
        return Outcome(False, text("explain.top_region.authors"))
    return Outcome(False, text("explain.top_region.hint"))


# ------------------------------------------------------------------------------------- lab 7


@exercise("critical.who_won")
def _critical_who_won(answer, human=None, machine=None, **_) -> Outcome:
    if human is None or machine is None:
        raise LabError(text("critical.who_won.pass_accuracies"))
    right = "tie" if abs(human - machine) < 1e-9 else ("human" if human > machine else "machine")
    given = as_word(answer)
    if given in ("me", "you", "student", "person"):
        given = "human"
    if given in ("detector", "mesonet", "computer", "model"):
        given = "machine"
    if given not in ("human", "machine", "tie"):
        return Outcome(False, text("critical.who_won.choose"))
    if given == right:
        return Outcome(True, text("critical.who_won.right", human=human, machine=machine))
    return Outcome(False, text("critical.who_won.hint"))
