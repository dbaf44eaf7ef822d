"""The exercise checks of labs 0-3, where the students make fakes: the set-up (lab 0), the funnel
(lab 1), the swap (lab 2) and their own faces (lab 3).

Each check works its right answer out from the library (the classroom model's own layer sizes
and parameters, the student's own results) and registers itself in ``CHECKS`` on import;
``deepfake_edu.lessons.checks`` imports this module and runs the checks.

Every sentence a student reads is in ``TEXTS`` (English) and ``exercises_making_fr.TEXTS``
(French), chosen by ``lessons.i18n``; the words a student answers with (True, a decoder's number,
"swap") stay as code is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import exercises_making_fr, i18n
from deepfake_edu.lessons.check_kit import Outcome, as_number, as_word, exercise, is_close

# Every sentence a student can see, by key ("<exercise>.<case>"); {fields} are filled in by ``text``.
TEXTS: dict[str, str] = {
    # lab 0
    "setup.cores.give_number": "Give a whole number, such as 4: read the 'CPU cores' line of the report above.",
    "setup.cores.right": "This computer has {cores} cores: training runs on them, one step after another. That is why the lab keeps its models small.",
    "setup.cores.threads": "That is the number of threads PyTorch uses, which can differ from the cores: read the 'CPU cores' line.",
    "setup.cores.hint": "Not this computer's count: read the 'CPU cores' line of the report above.",
    "setup.data_folder.right": "Faces and other data sets live in {folder}; delete a person's data with `deepfake-edu forget NAME`, never by hand.",
    "setup.data_folder.home": "That is the lab's home folder; the data sets are in a folder inside it.",
    "setup.data_folder.runs": "That folder holds trained models or training runs, not the data sets.",
    "setup.data_folder.hint": "Look at the 'data sets' line of the report and copy that folder.",
    # lab 1
    "funnel.input_numbers.give_number": "Give one number: how many numbers describe the input picture?",
    "funnel.input_numbers.right": "{side} x {side} pixels x 3 colours (red, green, blue) = {numbers:,} numbers.",
    "funnel.input_numbers.pixels": "{side} x {side} counts the pixels; each pixel holds how many numbers? (think of colours)",
    "funnel.input_numbers.perimeter": "A square has side x side pixels, not 4 x side.",
    "funnel.input_numbers.hint": "Count side x side pixels, then numbers per pixel. The picture is {side} pixels wide.",
    "funnel.compression.give_number": "Give one number: how many times fewer numbers are in the code than in the picture?",
    "funnel.compression.right": "{numbers:,} / {code:,} = {ratio:.0f}: the code is {ratio:.0f} times smaller than the picture. It cannot copy it; it must summarise.",
    "funnel.compression.inverse": "You divided the code by the picture; turn the fraction over (the answer is bigger than 1).",
    "funnel.compression.model_2017": "1024 is the 2017 model's bottleneck; this model's code is narrower. Read the 'encoder bottleneck' line of the table.",
    "funnel.compression.pixels": "You counted pixels, not numbers: each pixel has 3 colour values.",
    "funnel.compression.hint": "Divide the numbers in the input picture by the numbers in the code (the 'encoder bottleneck' line).",
    "funnel.lost_first.pass_errors": 'pass your results: check("funnel.lost_first", answer, errors=errors)',
    "funnel.lost_first.right": "In your run the error of the {region} grows {growth:.2f} times from width {wide} to width {narrow}, more than any other region.",
    "funnel.lost_first.undertrained": (
        " But nothing grows: your widest funnel is no better than the narrowest, so it has not learned"
        " enough yet (a wide code needs more training steps to pay off). Compare the steps each model"
        " trained, then train again with more steps before you draw a conclusion."
    ),
    "funnel.lost_first.unknown": "Answer with one of the regions in the table: {regions}.",
    "funnel.lost_first.hardest": "That region is the hardest at EVERY width. The question is which one gets worse the fastest: compare each region's narrow error with its wide error (a ratio).",
    "funnel.lost_first.hint": "Compare, region by region, the error at the narrowest width with the error at the widest: which grows by the biggest factor?",
    # lab 2
    "swap.decoder_for.right": "Decoder {target} ({name}) paints {name}; fed the code of the other person's face, it paints {name} with that face's pose and expression.",
    "swap.decoder_for.other": "That decoder paints {other}: you would just rebuild the face you started from.",
    "swap.decoder_for.encoder": "There is only one encoder, shared by everyone; the question is which DECODER.",
    "swap.decoder_for.hint": "Answer with the decoder's number (0 or 1) or its person's name ({first} or {second}).",
    "swap.shared_fraction.give_fraction": "Give a fraction between 0 and 1, such as 0.25.",
    "swap.shared_fraction.right": "{right:.0%} of the parameters are shared: every training picture of EITHER person trains them.",
    "swap.shared_fraction.percentage": "That is a percentage; give it as a fraction ({value:.0f}% = {fraction:.2f}).",
    "swap.shared_fraction.one_decoder": "That is the share of ONE decoder. Count the encoder's parameters instead.",
    "swap.shared_fraction.decoders": "That is the share of the decoders together; the question asks about the shared encoder.",
    "swap.shared_fraction.hint": "Divide the encoder's parameter count by the whole model's (both printed above).",
    "swap.closer.pass_scores": 'pass the scores: check("swap.closer", answer, scores=scores)',
    "swap.closer.choose": 'Answer "swap" or "source".',
    "swap.closer.right_swap": "SSIM {swap:.3f} against {source:.3f}: the swap really painted the other person, not just copied the face it was given.",
    "swap.closer.right_source": "SSIM {source:.3f} against {swap:.3f}: this model has not learned enough yet; the untouched face is closer. Train longer (or use the prepared model) and measure again.",
    "swap.closer.hint": "Look at the two SSIM numbers printed above: the bigger one is closer to the true answer (1 would be identical).",
    "swap.code_closer.pass_similarity": 'pass the result: check("swap.code_closer", answer, similarity=similarity)',
    "swap.code_closer.true_or_false": "Answer True or False (without quotes).",
    "swap.code_closer.right_closer": "Codes of two different people with the same pose and expression are closer ({same:.2f}) than codes of random pairs ({random:.2f}): the shared code describes the expression more than the person.",
    "swap.code_closer.right_not_closer": "In this run they are not closer: the code still mixes in who the person is. A longer-trained model usually separates them better.",
    "swap.code_closer.hint": "Compare the two similarity numbers printed above: is 'same expression' bigger than 'random pairs'?",
    # lab 3
    "ownfaces.consent_note.too_short": "Too short: 'yes' or 'ok' is not a record. Say who agreed, when, and to what.",
    "ownfaces.consent_note.when": "Say WHEN they agreed (a date), so that anyone can tell later.",
    "ownfaces.consent_note.what_use": "Say to WHAT use they agreed, e.g. 'class face-swap lab only'.",
    "ownfaces.consent_note.right": "A good note: who, when, and for what. The lab stores it in consent.json beside the faces.",
    "ownfaces.faces_kept.pass_extraction": 'pass the extraction: check("ownfaces.faces_kept", answer, extraction=extraction)',
    "ownfaces.faces_kept.whole_number": "Give a whole number.",
    "ownfaces.faces_kept.right": "{kept} faces kept. Dropped: {dropped}.",
    "ownfaces.faces_kept.none_dropped": "none",
    "ownfaces.faces_kept.frames": "That is the number of frames read; not every frame gives a usable face. Look at the 'dropped' counts.",
    "ownfaces.faces_kept.seen": "That is every face SEEN; some were dropped (blurred, duplicates, other people). How many were kept?",
    "ownfaces.faces_kept.hint": "Count the crops the extraction kept (the pictures shown above, or len(extraction.crops)).",
    # why the extraction dropped faces (its counts "dropped_<reason>"); a reason missing here is shown as it is written
    "ownfaces.dropped.tiny": "tiny",
    "ownfaces.dropped.edge": "edge",
    "ownfaces.dropped.profile": "profile",
    "ownfaces.dropped.blurred": "blurred",
    "ownfaces.dropped.duplicate": "duplicate",
    "ownfaces.dropped.similar": "similar",
    "ownfaces.dropped.other_people": "other people",
}
_TEXTS = {"en": TEXTS, "fr": exercises_making_fr.TEXTS}

text = i18n.translator(_TEXTS)  # text(key, **fields): in the current language


def _classroom_model(model=None):
    if model is not None:
        return model
    from deepfake_edu.swap.model import faceswap

    return faceswap("classroom")


def _funnel_numbers(model) -> tuple[int, int]:
    """(numbers in the input picture, numbers in the code), from the model's own layer sizes."""
    rows = model.layer_sizes()
    code = next(row["values"] for row in rows if row["name"] == "encoder bottleneck")
    return rows[0]["values"], code


# ------------------------------------------------------------------------------------- lab 0


@exercise("setup.cores")
def _setup_cores(answer, **_) -> Outcome:
    cores = os.cpu_count() or 1
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("setup.cores.give_number"))
    if int(value) == cores:
        return Outcome(True, text("setup.cores.right", cores=cores))
    import torch

    if int(value) == torch.get_num_threads():
        return Outcome(False, text("setup.cores.threads"))
    return Outcome(False, text("setup.cores.hint"))


@exercise("setup.data_folder")
def _setup_data_folder(answer, **_) -> Outcome:
    from deepfake_edu import paths

    given = Path(str(answer)).expanduser().resolve()
    if given == paths.datasets_dir():
        return Outcome(True, text("setup.data_folder.right", folder=paths.datasets_dir()))
    if given == paths.lab_home():
        return Outcome(False, text("setup.data_folder.home"))
    if given in (paths.runs_dir(), paths.models_dir()):
        return Outcome(False, text("setup.data_folder.runs"))
    return Outcome(False, text("setup.data_folder.hint"))


# ------------------------------------------------------------------------------------- lab 1


@exercise("funnel.input_numbers")
def _funnel_input_numbers(answer, model=None, **_) -> Outcome:
    model = _classroom_model(model)
    numbers, _ = _funnel_numbers(model)
    side = model.config.input_size
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("funnel.input_numbers.give_number"))
    if int(value) == numbers:
        return Outcome(True, text("funnel.input_numbers.right", side=side, numbers=numbers))
    if int(value) == side * side:
        return Outcome(False, text("funnel.input_numbers.pixels", side=side))
    if int(value) == side * 4:
        return Outcome(False, text("funnel.input_numbers.perimeter"))
    return Outcome(False, text("funnel.input_numbers.hint", side=side))


@exercise("funnel.compression")
def _funnel_compression(answer, model=None, **_) -> Outcome:
    model = _classroom_model(model)
    numbers, code = _funnel_numbers(model)
    ratio = numbers / code
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("funnel.compression.give_number"))
    if is_close(value, ratio, 0.02):
        return Outcome(True, text("funnel.compression.right", numbers=numbers, code=code, ratio=ratio))
    if is_close(value, code / numbers, 0.02):
        return Outcome(False, text("funnel.compression.inverse"))
    if is_close(value, numbers / 1024, 0.02):
        return Outcome(False, text("funnel.compression.model_2017"))
    if is_close(value, numbers / 3 / code, 0.02):
        return Outcome(False, text("funnel.compression.pixels"))
    return Outcome(False, text("funnel.compression.hint"))


def lost_first_from(errors: dict) -> str:
    """The region whose error grows the most (as a ratio) from the widest to the narrowest funnel.

    errors: {width: {region: mean absolute error}} as ``funnel.region_errors`` gives per width.
    """
    widths = sorted(errors)
    narrow, wide = errors[widths[0]], errors[widths[-1]]
    return max(narrow, key=lambda region: narrow[region] / max(wide[region], 1e-9))


@exercise("funnel.lost_first")
def _funnel_lost_first(answer, errors=None, **_) -> Outcome:
    if errors is None:
        raise LabError(text("funnel.lost_first.pass_errors"))
    right = lost_first_from(errors)
    given = as_word(answer)
    if given == right.replace("_", " "):
        widths = sorted(errors)
        growth = errors[widths[0]][right] / max(errors[widths[-1]][right], 1e-9)
        message = text("funnel.lost_first.right", region=right, growth=growth, wide=widths[-1], narrow=widths[0])
        if growth <= 1:
            message += text("funnel.lost_first.undertrained")
        return Outcome(True, message)
    known = [r.replace("_", " ") for r in errors[sorted(errors)[0]]]
    if given not in known:
        return Outcome(False, text("funnel.lost_first.unknown", regions=", ".join(known)))
    widest = errors[sorted(errors)[-1]]
    if given == max(widest, key=widest.get).replace("_", " "):
        return Outcome(False, text("funnel.lost_first.hardest"))
    return Outcome(False, text("funnel.lost_first.hint"))


# ------------------------------------------------------------------------------------- lab 2


@exercise("swap.decoder_for")
def _swap_decoder_for(answer, names=("twin-00", "twin-01"), target=1, **_) -> Outcome:
    names = list(names)
    given = as_word(answer)
    aliases = {str(target), names[target].lower(), "abcdefgh"[target], f"decoder {target}"}
    if given in aliases:
        return Outcome(True, text("swap.decoder_for.right", target=target, name=names[target]))
    other = 1 - target
    if given in {str(other), names[other].lower(), "abcdefgh"[other], f"decoder {other}"}:
        return Outcome(False, text("swap.decoder_for.other", other=names[other]))
    if "encoder" in given:
        return Outcome(False, text("swap.decoder_for.encoder"))
    return Outcome(False, text("swap.decoder_for.hint", first=names[0], second=names[1]))


def shared_fraction(model) -> float:
    """Share of the face-swap model's parameters that sit in the shared encoder."""
    encoder = sum(p.numel() for p in model.encoder.parameters())
    return encoder / sum(p.numel() for p in model.parameters())


@exercise("swap.shared_fraction")
def _swap_shared_fraction(answer, model=None, **_) -> Outcome:
    model = _classroom_model(model)
    right = shared_fraction(model)
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("swap.shared_fraction.give_fraction"))
    if is_close(value, right, 0.03, 0.01):
        return Outcome(True, text("swap.shared_fraction.right", right=right))
    if is_close(value / 100, right, 0.03, 0.01):
        return Outcome(False, text("swap.shared_fraction.percentage", value=value, fraction=value / 100))
    decoder = sum(p.numel() for p in model.decoders[0].parameters()) / sum(p.numel() for p in model.parameters())
    if is_close(value, decoder, 0.03, 0.01):
        return Outcome(False, text("swap.shared_fraction.one_decoder"))
    if is_close(value, 1 - right, 0.03, 0.01):
        return Outcome(False, text("swap.shared_fraction.decoders"))
    return Outcome(False, text("swap.shared_fraction.hint"))


@exercise("swap.closer")
def _swap_closer(answer, scores=None, **_) -> Outcome:
    """scores: {"swap": SSIM of the swap vs the true answer, "source": SSIM of A's own face vs it}."""
    if scores is None:
        raise LabError(text("swap.closer.pass_scores"))
    right = "swap" if scores["swap"] > scores["source"] else "source"
    given = as_word(answer)
    if given not in ("swap", "source"):
        return Outcome(False, text("swap.closer.choose"))
    if given == right:
        if right == "swap":
            return Outcome(True, text("swap.closer.right_swap", swap=scores["swap"], source=scores["source"]))
        return Outcome(True, text("swap.closer.right_source", swap=scores["swap"], source=scores["source"]))
    return Outcome(False, text("swap.closer.hint"))


@exercise("swap.code_closer")
def _swap_code_closer(answer, similarity=None, **_) -> Outcome:
    """similarity: ``swaplab.code_similarity`` output."""
    if similarity is None:
        raise LabError(text("swap.code_closer.pass_similarity"))
    right = similarity["same_expression"] > similarity["random_pairs"]
    if not isinstance(answer, bool):
        return Outcome(False, text("swap.code_closer.true_or_false"))
    if answer == right:
        if right:
            return Outcome(True, text("swap.code_closer.right_closer", same=similarity["same_expression"], random=similarity["random_pairs"]))
        return Outcome(True, text("swap.code_closer.right_not_closer"))
    return Outcome(False, text("swap.code_closer.hint"))


# ------------------------------------------------------------------------------------- lab 3


# what a consent note may name as its use, in English or in French (a part of a word is enough:
# "class" finds "classe", "lab" finds "labo")
_USE_WORDS = ("lab", "class", "lesson", "only", "school", "course", "cours", "école", "ecole", "uniquement", "seulement")


@exercise("ownfaces.consent_note")
def _ownfaces_consent_note(answer, **_) -> Outcome:
    from deepfake_edu.faces.extract import MIN_CONSENT_CHARS

    note = str(answer).strip()
    if len(note) < MIN_CONSENT_CHARS:
        return Outcome(False, text("ownfaces.consent_note.too_short"))
    if not any(ch.isdigit() for ch in note):
        return Outcome(False, text("ownfaces.consent_note.when"))
    if not any(word in note.lower() for word in _USE_WORDS):
        return Outcome(False, text("ownfaces.consent_note.what_use"))
    return Outcome(True, text("ownfaces.consent_note.right"))


def _drop_reason(count_key: str) -> str:
    """The words for why faces were dropped, from an extraction count "dropped_<reason>"."""
    reason = count_key.removeprefix("dropped_")
    key = f"ownfaces.dropped.{reason}"
    return text(key) if key in TEXTS else reason.replace("_", " ")


@exercise("ownfaces.faces_kept")
def _ownfaces_faces_kept(answer, extraction=None, **_) -> Outcome:
    if extraction is None:
        raise LabError(text("ownfaces.faces_kept.pass_extraction"))
    kept = len(extraction.crops)
    counts = extraction.counts
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("ownfaces.faces_kept.whole_number"))
    if int(value) == kept:
        dropped = {k: v for k, v in counts.items() if k.startswith("dropped") and v}
        dropped_text = ", ".join(f"{v} {_drop_reason(k)}" for k, v in dropped.items()) or text("ownfaces.faces_kept.none_dropped")
        return Outcome(True, text("ownfaces.faces_kept.right", kept=kept, dropped=dropped_text))
    if int(value) == counts.get("frames_read"):
        return Outcome(False, text("ownfaces.faces_kept.frames"))
    if int(value) == counts.get("faces_seen"):
        return Outcome(False, text("ownfaces.faces_kept.seen"))
    return Outcome(False, text("ownfaces.faces_kept.hint"))
