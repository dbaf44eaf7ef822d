"""The exercise checks of lab 8, predict, run, explain (``lessons.experiments``).

Three kinds, none with its answer printed above it: a number the student works out from their
own run's table (right within a tolerance, with hints for the usual slips: the sign, the other
row, a fraction for points), the statements of a run that hold (choose all that apply: 63
possible answers, judged from the run's own numbers) and one sentence of explanation, read by
the experiment's rubric of key ideas. Every sentence comes from ``experiments.TEXTS`` (and its
French beside it). ``deepfake_edu.lessons.checks`` imports this module and runs the checks.
"""

from __future__ import annotations

import re

from deepfake_edu.errors import LabError
from deepfake_edu.lessons.check_kit import Outcome, as_number, exercise, is_close
from deepfake_edu.lessons.experiments import NOISE_CHOICES, RunResult, explain, text


def _values(name: str, result, key: str) -> dict:
    if not isinstance(result, RunResult) or result.key != key:
        raise LabError(text("pass_result", name=name))
    return result.values


# ------------------------------------------------------------------------ a. shared encoder


@exercise("experiments.shared_encoder.gap")
def _shared_gap(answer, result=None, **_) -> Outcome:
    v = _values("experiments.shared_encoder.gap", result, "shared_encoder")
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("give_number"))
    if is_close(value, v["gap"], 0.0, 0.003):
        return Outcome(True, text("check.shared_gap.right" if v["gap"] > 0 else "check.shared_gap.right_negative", gap=v["gap"]))
    if is_close(value, -v["gap"], 0.0, 0.003):
        return Outcome(False, text("check.shared_gap.sign"))
    if any(is_close(value, sign * (v["shared_rebuild"] - v["separate_rebuild"]), 0.0, 0.003) for sign in (1, -1)):
        return Outcome(False, text("check.shared_gap.rebuild"))
    return Outcome(False, text("check.shared_gap.hint"))


@exercise("experiments.shared_encoder.rebuild_gap")
def _shared_rebuild_gap(answer, result=None, **_) -> Outcome:
    v = _values("experiments.shared_encoder.rebuild_gap", result, "shared_encoder")
    right = v["separate_rebuild"] - v["shared_rebuild"]
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("give_number"))
    if is_close(value, right, 0.0, 0.003):
        return Outcome(True, text("check.shared_rebuild_gap.right", gap=right, own=v["separate_rebuild"], shared=v["shared_rebuild"]))
    if is_close(value, -right, 0.0, 0.003):
        return Outcome(False, text("check.shared_gap.sign"))
    return Outcome(False, text("check.shared_rebuild_gap.hint"))


@exercise("experiments.shared_encoder.explain")
def _shared_explain(answer, **_) -> Outcome:
    return explain("shared_encoder", answer)


# ------------------------------------------------------------------------ b. depth


@exercise("experiments.depth.step_ratio")
def _depth_step_ratio(answer, result=None, **_) -> Outcome:
    v = _values("experiments.depth.step_ratio", result, "depth")
    right = v["step_ratio"]
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("give_number"))
    if is_close(value, right, 0.08):
        return Outcome(True, text("check.depth_step_ratio.right", ratio=right))
    if right > 0 and is_close(value, 1 / right, 0.08):
        return Outcome(False, text("check.depth_step_ratio.inverse"))
    return Outcome(False, text("check.depth_step_ratio.hint"))


@exercise("experiments.depth.auc_gap")
def _depth_auc_gap(answer, result=None, **_) -> Outcome:
    v = _values("experiments.depth.auc_gap", result, "depth")
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("give_number"))
    if is_close(value, v["auc_gap"], 0.0, 0.003):
        return Outcome(True, text("check.depth_auc_gap.right", gap=v["auc_gap"]))
    if is_close(value, -v["auc_gap"], 0.0, 0.003):
        return Outcome(False, text("check.depth_auc_gap.sign"))
    return Outcome(False, text("check.depth_auc_gap.hint"))


@exercise("experiments.depth.explain")
def _depth_explain(answer, **_) -> Outcome:
    return explain("depth", answer)


# ------------------------------------------------------------------------ c. variety


@exercise("experiments.variety.uniform_loss")
def _variety_uniform_loss(answer, result=None, **_) -> Outcome:
    v = _values("experiments.variety.uniform_loss", result, "variety")
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("give_number"))
    if is_close(value, v["uniform_loss"], 0.0, 0.003):
        return Outcome(True, text("check.variety_loss.right", loss=v["uniform_loss"], other=v["varied_on_uniform"] - v["varied_on_varied"]))
    if is_close(value, -v["uniform_loss"], 0.0, 0.003):
        return Outcome(False, text("check.variety_loss.sign"))
    if any(is_close(value, sign * (v["varied_on_uniform"] - v["varied_on_varied"]), 0.0, 0.003) for sign in (1, -1)):
        return Outcome(False, text("check.variety_loss.other"))
    return Outcome(False, text("check.variety_loss.hint"))


@exercise("experiments.variety.explain")
def _variety_explain(answer, **_) -> Outcome:
    return explain("variety", answer)


# ------------------------------------------------------------------------ d. noise


@exercise("experiments.noise.recovered_points")
def _noise_recovered(answer, result=None, **_) -> Outcome:
    v = _values("experiments.noise.recovered_points", result, "noise")
    right = v["recovered_points"]
    value = as_number(answer)
    if value is None:
        return Outcome(False, text("give_number"))
    if is_close(value, right, 0.0, 0.6):
        return Outcome(True, text("check.noise_recovered.right", points=right, quality=v["quality"], before=v["clean_on_jpeg"], after=v["jpeg_on_jpeg"]))
    if abs(right) >= 2 and is_close(100 * value, right, 0.0, 0.6):
        return Outcome(False, text("check.noise_recovered.fraction", value=f"{value:g}", points=f"{100 * value:g}"))
    if abs(right - v["lost_points"]) >= 1 and is_close(value, v["lost_points"], 0.0, 0.6):
        return Outcome(False, text("check.noise_recovered.lost"))
    return Outcome(False, text("check.noise_recovered.hint"))


def _letters(answer) -> list[str] | None:
    """"a, c" / "ac" / ["a", "c"] -> ["a", "c"]; None when something is not a known letter."""
    parts = answer if isinstance(answer, (list, tuple, set)) else re.findall(r"[^\s,;()]+", str(answer).lower())
    letters = []
    for part in parts:
        part = str(part).strip().lower()
        chunk = list(part) if part.isalpha() and all(ch in NOISE_CHOICES for ch in part) else [part]
        letters += chunk
    if not letters or any(letter not in NOISE_CHOICES for letter in letters):
        return None
    return sorted(set(letters))


@exercise("experiments.noise.supported")
def _noise_supported(answer, result=None, **_) -> Outcome:
    v = _values("experiments.noise.supported", result, "noise")
    right = [letter for letter, holds in NOISE_CHOICES.items() if holds(v)]
    chosen = [] if not right and str(answer).strip().lower() in ("none", "-", "aucune") else _letters(answer)
    if chosen is None:
        return Outcome(False, text("check.noise_choice.unknown", letters=", ".join(NOISE_CHOICES)))
    if chosen == right:
        return Outcome(True, text("check.noise_choice.right", letters=", ".join(right) or "-"))
    lines = [text("check.noise_choice.wrong")]
    for letter in NOISE_CHOICES:
        why = text(f"noise.choice.{letter}.why")
        if letter in chosen and letter in right:
            lines.append(text("check.choice.chosen_right", letter=letter, why=why))
        elif letter in chosen:
            lines.append(text("check.choice.chosen_wrong", letter=letter, why=why))
        elif letter in right:
            lines.append(text("check.choice.missed", letter=letter, why=why))
    return Outcome(False, "\n".join(lines))


@exercise("experiments.noise.explain")
def _noise_explain(answer, **_) -> Outcome:
    return explain("noise", answer)
