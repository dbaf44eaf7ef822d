"""The exercise checks of labs 0-3, where the students make fakes: the set-up (lab 0), the funnel
(lab 1), the swap (lab 2) and their own faces (lab 3).

Each check works its right answer out from the library (the classroom model's own layer sizes
and parameters, the student's own results) and registers itself in ``CHECKS`` on import;
``deepfake_edu.lessons.checks`` imports this module and runs the checks.
"""

from __future__ import annotations

import os
from pathlib import Path

from deepfake_edu.errors import LabError
from deepfake_edu.lessons.check_kit import Outcome, as_number, as_word, exercise, is_close


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
        return Outcome(False, "Give a whole number, such as 4: read the 'CPU cores' line of the report above.")
    if int(value) == cores:
        return Outcome(True, f"This computer has {cores} cores: training runs on them, one step after another. That is why the lab keeps its models small.")
    import torch

    if int(value) == torch.get_num_threads():
        return Outcome(False, "That is the number of threads PyTorch uses, which can differ from the cores: read the 'CPU cores' line.")
    return Outcome(False, "Not this computer's count: read the 'CPU cores' line of the report above.")


@exercise("setup.data_folder")
def _setup_data_folder(answer, **_) -> Outcome:
    from deepfake_edu import paths

    given = Path(str(answer)).expanduser().resolve()
    if given == paths.datasets_dir():
        return Outcome(True, f"Faces and other data sets live in {paths.datasets_dir()}; delete a person's data with `deepfake-edu forget NAME`, never by hand.")
    if given == paths.lab_home():
        return Outcome(False, "That is the lab's home folder; the data sets are in a folder inside it.")
    if given in (paths.runs_dir(), paths.models_dir()):
        return Outcome(False, "That folder holds trained models or training runs, not the data sets.")
    return Outcome(False, "Look at the 'data sets' line of the report and copy that folder.")


# ------------------------------------------------------------------------------------- lab 1


@exercise("funnel.input_numbers")
def _funnel_input_numbers(answer, model=None, **_) -> Outcome:
    model = _classroom_model(model)
    numbers, _ = _funnel_numbers(model)
    side = model.config.input_size
    value = as_number(answer)
    if value is None:
        return Outcome(False, "Give one number: how many numbers describe the input picture?")
    if int(value) == numbers:
        return Outcome(True, f"{side} x {side} pixels x 3 colours (red, green, blue) = {numbers:,} numbers.")
    if int(value) == side * side:
        return Outcome(False, f"{side} x {side} counts the pixels; each pixel holds how many numbers? (think of colours)")
    if int(value) == side * 4:
        return Outcome(False, "A square has side x side pixels, not 4 x side.")
    return Outcome(False, f"Count side x side pixels, then numbers per pixel. The picture is {side} pixels wide.")


@exercise("funnel.compression")
def _funnel_compression(answer, model=None, **_) -> Outcome:
    model = _classroom_model(model)
    numbers, code = _funnel_numbers(model)
    ratio = numbers / code
    value = as_number(answer)
    if value is None:
        return Outcome(False, "Give one number: how many times fewer numbers are in the code than in the picture?")
    if is_close(value, ratio, 0.02):
        return Outcome(True, f"{numbers:,} / {code:,} = {ratio:.0f}: the code is {ratio:.0f} times smaller than the picture. It cannot copy it; it must summarise.")
    if is_close(value, code / numbers, 0.02):
        return Outcome(False, "You divided the code by the picture; turn the fraction over (the answer is bigger than 1).")
    if is_close(value, numbers / 1024, 0.02):
        return Outcome(False, "1024 is the 2017 model's bottleneck; this model's code is narrower. Read the 'encoder bottleneck' line of the table.")
    if is_close(value, numbers / 3 / code, 0.02):
        return Outcome(False, "You counted pixels, not numbers: each pixel has 3 colour values.")
    return Outcome(False, "Divide the numbers in the input picture by the numbers in the code (the 'encoder bottleneck' line).")


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
        raise LabError('pass your results: check("funnel.lost_first", answer, errors=errors)')
    right = lost_first_from(errors)
    given = as_word(answer)
    if given == right.replace("_", " "):
        widths = sorted(errors)
        growth = errors[widths[0]][right] / max(errors[widths[-1]][right], 1e-9)
        message = f"In your run the error of the {right} grows {growth:.2f} times from width {widths[-1]} to width {widths[0]}, more than any other region."
        if growth <= 1:
            message += (" But nothing grows: your widest funnel is no better than the narrowest, so it has not learned"
                        " enough yet (a wide code needs more training steps to pay off). Compare the steps each model"
                        " trained, then train again with more steps before you draw a conclusion.")
        return Outcome(True, message)
    known = [r.replace("_", " ") for r in errors[sorted(errors)[0]]]
    if given not in known:
        return Outcome(False, f"Answer with one of the regions in the table: {', '.join(known)}.")
    widest = errors[sorted(errors)[-1]]
    if given == max(widest, key=widest.get).replace("_", " "):
        return Outcome(False, "That region is the hardest at EVERY width. The question is which one gets worse the fastest: compare each region's narrow error with its wide error (a ratio).")
    return Outcome(False, "Compare, region by region, the error at the narrowest width with the error at the widest: which grows by the biggest factor?")


# ------------------------------------------------------------------------------------- lab 2


@exercise("swap.decoder_for")
def _swap_decoder_for(answer, names=("twin-00", "twin-01"), target=1, **_) -> Outcome:
    names = list(names)
    given = as_word(answer)
    aliases = {str(target), names[target].lower(), "abcdefgh"[target], f"decoder {target}"}
    if given in aliases:
        return Outcome(True, f"Decoder {target} ({names[target]}) paints {names[target]}; fed the code of the other person's face, it paints {names[target]} with that face's pose and expression.")
    other = 1 - target
    if given in {str(other), names[other].lower(), "abcdefgh"[other], f"decoder {other}"}:
        return Outcome(False, f"That decoder paints {names[other]}: you would just rebuild the face you started from.")
    if "encoder" in given:
        return Outcome(False, "There is only one encoder, shared by everyone; the question is which DECODER.")
    return Outcome(False, f"Answer with the decoder's number (0 or 1) or its person's name ({names[0]} or {names[1]}).")


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
        return Outcome(False, "Give a fraction between 0 and 1, such as 0.25.")
    if is_close(value, right, 0.03, 0.01):
        return Outcome(True, f"{right:.0%} of the parameters are shared: every training picture of EITHER person trains them.")
    if is_close(value / 100, right, 0.03, 0.01):
        return Outcome(False, f"That is a percentage; give it as a fraction ({value:.0f}% = {value / 100:.2f}).")
    decoder = sum(p.numel() for p in model.decoders[0].parameters()) / sum(p.numel() for p in model.parameters())
    if is_close(value, decoder, 0.03, 0.01):
        return Outcome(False, "That is the share of ONE decoder. Count the encoder's parameters instead.")
    if is_close(value, 1 - right, 0.03, 0.01):
        return Outcome(False, "That is the share of the decoders together; the question asks about the shared encoder.")
    return Outcome(False, "Divide the encoder's parameter count by the whole model's (both printed above).")


@exercise("swap.closer")
def _swap_closer(answer, scores=None, **_) -> Outcome:
    """scores: {"swap": SSIM of the swap vs the true answer, "source": SSIM of A's own face vs it}."""
    if scores is None:
        raise LabError('pass the scores: check("swap.closer", answer, scores=scores)')
    right = "swap" if scores["swap"] > scores["source"] else "source"
    given = as_word(answer)
    if given not in ("swap", "source"):
        return Outcome(False, 'Answer "swap" or "source".')
    if given == right:
        if right == "swap":
            return Outcome(True, f"SSIM {scores['swap']:.3f} against {scores['source']:.3f}: the swap really painted the other person, not just copied the face it was given.")
        return Outcome(True, f"SSIM {scores['source']:.3f} against {scores['swap']:.3f}: this model has not learned enough yet; the untouched face is closer. Train longer (or use the prepared model) and measure again.")
    return Outcome(False, "Look at the two SSIM numbers printed above: the bigger one is closer to the true answer (1 would be identical).")


@exercise("swap.code_closer")
def _swap_code_closer(answer, similarity=None, **_) -> Outcome:
    """similarity: ``swaplab.code_similarity`` output."""
    if similarity is None:
        raise LabError('pass the result: check("swap.code_closer", answer, similarity=similarity)')
    right = similarity["same_expression"] > similarity["random_pairs"]
    if not isinstance(answer, bool):
        return Outcome(False, "Answer True or False (without quotes).")
    if answer == right:
        if right:
            return Outcome(True, f"Codes of two different people with the same pose and expression are closer ({similarity['same_expression']:.2f}) than codes of random pairs ({similarity['random_pairs']:.2f}): the shared code describes the expression more than the person.")
        return Outcome(True, "In this run they are not closer: the code still mixes in who the person is. A longer-trained model usually separates them better.")
    return Outcome(False, "Compare the two similarity numbers printed above: is 'same expression' bigger than 'random pairs'?")


# ------------------------------------------------------------------------------------- lab 3


@exercise("ownfaces.consent_note")
def _ownfaces_consent_note(answer, **_) -> Outcome:
    from deepfake_edu.faces.extract import MIN_CONSENT_CHARS

    note = str(answer).strip()
    if len(note) < MIN_CONSENT_CHARS:
        return Outcome(False, "Too short: 'yes' or 'ok' is not a record. Say who agreed, when, and to what.")
    if not any(ch.isdigit() for ch in note):
        return Outcome(False, "Say WHEN they agreed (a date), so that anyone can tell later.")
    if not any(word in note.lower() for word in ("lab", "class", "lesson", "only", "school", "course")):
        return Outcome(False, "Say to WHAT use they agreed, e.g. 'class face-swap lab only'.")
    return Outcome(True, "A good note: who, when, and for what. The lab stores it in consent.json beside the faces.")


@exercise("ownfaces.faces_kept")
def _ownfaces_faces_kept(answer, extraction=None, **_) -> Outcome:
    if extraction is None:
        raise LabError('pass the extraction: check("ownfaces.faces_kept", answer, extraction=extraction)')
    kept = len(extraction.crops)
    counts = extraction.counts
    value = as_number(answer)
    if value is None:
        return Outcome(False, "Give a whole number.")
    if int(value) == kept:
        dropped = {k: v for k, v in counts.items() if k.startswith("dropped") and v}
        dropped_text = ", ".join(f"{v} {k.removeprefix('dropped_').replace('_', ' ')}" for k, v in dropped.items()) or "none"
        return Outcome(True, f"{kept} faces kept. Dropped: {dropped_text}.")
    if int(value) == counts.get("frames_read"):
        return Outcome(False, "That is the number of frames read; not every frame gives a usable face. Look at the 'dropped' counts.")
    if int(value) == counts.get("faces_seen"):
        return Outcome(False, "That is every face SEEN; some were dropped (blurred, duplicates, other people). How many were kept?")
    return Outcome(False, "Count the crops the extraction kept (the pictures shown above, or len(extraction.crops)).")
