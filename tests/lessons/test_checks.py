"""Each exercise check accepts the right answer (computed here from the library, as a student
would) and answers the usual wrong ones with a hint aimed at them."""

from __future__ import annotations

import os

import pytest

from deepfake_edu.lessons.checks import CHECKS, NOT_ANSWERED, evaluate, lost_first_from


def ok(name, answer, **context):
    outcome = evaluate(name, answer, **context)
    assert outcome.ok, f"{name}: the right answer {answer!r} was refused: {outcome.message}"
    return outcome.message


def hint(name, answer, *words, **context):
    outcome = evaluate(name, answer, **context)
    assert not outcome.ok, f"{name}: the wrong answer {answer!r} was accepted"
    for word in words:
        assert word.lower() in outcome.message.lower(), f"{name}: the hint for {answer!r} should mention {word!r}: {outcome.message}"
    return outcome.message


def test_every_check_says_fill_in_for_an_unanswered_placeholder():
    for name in CHECKS:
        assert evaluate(name, ...).message == NOT_ANSWERED


def test_unknown_exercise_is_a_one_line_error():
    from deepfake_edu.errors import LabError

    with pytest.raises(LabError, match="no exercise"):
        evaluate("funnel.nope", 1)


def test_setup_cores():
    ok("setup.cores", os.cpu_count())
    hint("setup.cores", (os.cpu_count() or 1) + 7, "CPU cores")
    hint("setup.cores", "many", "whole number")


def test_setup_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path))
    ok("setup.data_folder", str(tmp_path / "datasets"))
    hint("setup.data_folder", str(tmp_path), "home")
    hint("setup.data_folder", str(tmp_path / "runs"), "trained models")


@pytest.fixture(scope="module")
def classroom():
    from deepfake_edu.swap.model import faceswap

    return faceswap("classroom")


def test_funnel_numbers(classroom):
    side = classroom.config.input_size
    ok("funnel.input_numbers", side * side * 3, model=classroom)
    hint("funnel.input_numbers", side * side, "colours", model=classroom)
    code = classroom.config.bottleneck
    ok("funnel.compression", side * side * 3 / code, model=classroom)
    hint("funnel.compression", code / (side * side * 3), "turn the fraction over", model=classroom)
    hint("funnel.compression", side * side * 3 / 1024, "2017", model=classroom)
    hint("funnel.compression", side * side / code, "3 colour", model=classroom)


def test_funnel_numbers_follow_the_model():
    from deepfake_edu.swap.model import faceswap

    wide = faceswap("classroom", bottleneck=64)
    ok("funnel.compression", 64 * 64 * 3 / 64, model=wide)
    hint("funnel.compression", 64 * 64 * 3 / 256, model=wide)


def test_funnel_lost_first():
    errors = {4: {"eyes": 30.0, "background": 40.0, "mouth": 12.0}, 256: {"eyes": 10.0, "background": 35.0, "mouth": 10.0}}
    assert lost_first_from(errors) == "eyes"  # grows x3, while the background is hardest everywhere
    ok("funnel.lost_first", "eyes", errors=errors)
    hint("funnel.lost_first", "background", "every width", errors=errors)
    hint("funnel.lost_first", "ears", "one of the regions", errors=errors)
    assert "not learned" not in evaluate("funnel.lost_first", "eyes", errors=errors).message


def test_funnel_lost_first_warns_when_the_wide_funnel_is_undertrained():
    errors = {4: {"eyes": 21.3, "background": 24.1}, 256: {"eyes": 26.5, "background": 25.8}}  # a run cut short
    outcome = evaluate("funnel.lost_first", "background", errors=errors)
    assert outcome.ok and "not learned enough" in outcome.message and "more steps" in outcome.message


def test_swap_decoder_and_shared_fraction(classroom):
    from deepfake_edu.lessons.checks import shared_fraction

    ok("swap.decoder_for", "twin-01")
    ok("swap.decoder_for", 1)
    hint("swap.decoder_for", "A", "rebuild")
    hint("swap.decoder_for", "the encoder", "one encoder")
    right = shared_fraction(classroom)
    assert 0 < right < 1
    ok("swap.shared_fraction", right, model=classroom)
    hint("swap.shared_fraction", right * 100, "percentage", model=classroom)
    hint("swap.shared_fraction", 1 - right, "decoders together", model=classroom)


def test_swap_closer_and_code_closer():
    ok("swap.closer", "swap", scores={"swap": 0.7, "source": 0.4})
    ok("swap.closer", "source", scores={"swap": 0.3, "source": 0.4})
    hint("swap.closer", "source", "bigger", scores={"swap": 0.7, "source": 0.4})
    ok("swap.code_closer", True, similarity={"same_expression": 0.6, "random_pairs": 0.1})
    hint("swap.code_closer", False, "compare", similarity={"same_expression": 0.6, "random_pairs": 0.1})
    hint("swap.code_closer", "yes", "True or False", similarity={"same_expression": 0.6, "random_pairs": 0.1})


def test_ownfaces_checks():
    from types import SimpleNamespace

    ok("ownfaces.consent_note", "Sam Martin, 2025-03-02, class face-swap lab only")
    hint("ownfaces.consent_note", "yes", "too short")
    hint("ownfaces.consent_note", "Sam Martin agreed for the lab", "when")
    hint("ownfaces.consent_note", "Sam Martin on 2025-03-02", "what use")
    extraction = SimpleNamespace(crops=[0] * 23, counts={"frames_read": 90, "faces_seen": 114, "dropped_blurred": 13})
    assert "13 blurred" in ok("ownfaces.faces_kept", 23, extraction=extraction)
    hint("ownfaces.faces_kept", 90, "frames read", extraction=extraction)
    hint("ownfaces.faces_kept", 114, "seen", extraction=extraction)


def test_meso_checks():
    from deepfake_edu.detect.mesonet import count_trainable_parameters
    from deepfake_edu.lessons.checks import meso_feature_side
    from deepfake_edu.registry import create_model

    ok("meso.parameters", count_trainable_parameters(create_model("meso4")))
    hint("meso.parameters", count_trainable_parameters(create_model("mesoinception4")), "MesoInception")
    ok("meso.feature_side", meso_feature_side())
    hint("meso.feature_side", 16, "by 4")
    confusion = [[40, 10], [30, 20]]  # reals 80% right, fakes 40% right
    ok("meso.balanced_accuracy", 0.6, confusion=confusion)
    hint("meso.balanced_accuracy", 0.6 * 100, "percentage", confusion=confusion)
    other = [[45, 5], [5, 5]]  # plain accuracy 0.833, balanced 0.70
    hint("meso.balanced_accuracy", 50 / 60, "plain accuracy", confusion=other)


def test_meso_video_verdict():
    scores = [0.9, 0.8, 0.7, 0.2, 0.1]  # 3 of 5 above 0.5
    ok("meso.video_verdict", "likely fake", p_fake=scores)
    hint("meso.video_verdict", "likely real", p_fake=scores)
    mostly_real = [0.99, 0.98, 0.97, 0.1, 0.1, 0.1, 0.1]  # mean 0.48... share 3/7
    ok("meso.video_verdict", "likely real", p_fake=mostly_real)
    spiky = [0.99, 0.99, 0.99, 0.2, 0.2, 0.2, 0.2]  # mean 0.54 > 0.5 but share 3/7 < 1/2
    hint("meso.video_verdict", "likely fake", "average", p_fake=spiky)


def test_compression_bigger_drop():
    rows = [
        {"detector": "noise residuals", "condition": "clean", "accuracy": 0.95},
        {"detector": "noise residuals", "condition": "jpeg90", "accuracy": 0.7},
        {"detector": "noise residuals", "condition": "jpeg30", "accuracy": 0.5},
        {"detector": "Meso-4", "condition": "clean", "accuracy": 0.9},
        {"detector": "Meso-4", "condition": "jpeg90", "accuracy": 0.88},
        {"detector": "Meso-4", "condition": "jpeg30", "accuracy": 0.8},
    ]
    ok("compression.bigger_drop", "noise residuals", rows=rows)
    ok("compression.bigger_drop", "noise", rows=rows)
    hint("compression.bigger_drop", "Meso-4", "jpeg30", rows=rows)
    hint("compression.bigger_drop", "the other one", "one detector", rows=rows)


def test_explain_top_region():
    rows = [{"region": "mouth", "mean_abs_delta": 0.2}, {"region": "eyes", "mean_abs_delta": 0.1}, {"region": "nose", "mean_abs_delta": 0.05}]
    ok("explain.top_region", "mouth", rows=rows)
    hint("explain.top_region", "eyes", "your table", rows=rows)
    hint("explain.top_region", "nose", "top", rows=rows)


def test_critical_who_won():
    ok("critical.who_won", "machine", human=0.5, machine=0.75)
    ok("critical.who_won", "me", human=0.8, machine=0.75)
    ok("critical.who_won", "tie", human=0.5, machine=0.5)
    hint("critical.who_won", "human", "compare", human=0.5, machine=0.75)


def test_check_prints_tick_or_cross(capsys):
    from deepfake_edu.lessons import check

    assert check("swap.decoder_for", 1) is True
    assert capsys.readouterr().out.startswith("✓")
    assert check("swap.decoder_for", 0) is False
    assert capsys.readouterr().out.startswith("✗")
