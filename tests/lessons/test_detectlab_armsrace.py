"""Lab 4's arms race: the lesson's swap run keeps snapshots, and a prediction is set beside what happened."""

from __future__ import annotations

import pytest

from deepfake_edu.detect.armsrace import EARLY_NAME, ArmsRace
from deepfake_edu.lessons.detectlab import (
    PREPARED_NAME,
    arms_race_outcome,
    early_detector_outcome,
    train_arms_race_swap,
)


def _race(early_caught: list[float], prepared_caught: float = 1.0) -> ArmsRace:
    """A table in ArmsRace's shape (as ``arms_race`` returns it) with the early detector's shares given."""
    rows = []
    for index, caught in enumerate(early_caught):
        rows.append({"step": 100 * (index + 1), "checkpoint": f"step-{index}", "swap_ssim": 0.5 + 0.05 * index, "swap_psnr": 15.0,
                     "swap_face_ssim": 0.5, "detail_kept": 0.2,
                     "detectors": {EARLY_NAME: {"mean_p_fake": caught * 0.9, "caught": caught, "auc": 0.5 + caught / 2},
                                   PREPARED_NAME: {"mean_p_fake": 0.9, "caught": prepared_caught, "auc": 1.0}}})
    detectors = {EARLY_NAME: {"source": "x", "real_mean_p_fake": 0.1, "false_alarms": 0.0, "trained_on_step": 100, "steps": 5},
                 PREPARED_NAME: {"source": "y", "real_mean_p_fake": 0.05, "false_alarms": 0.25}}
    return ArmsRace("run", rows, detectors, {"identities": [6, 7], "per_identity": 2, "seed": 3, "qualities": [95], "faces": 4})


def test_the_outcome_is_read_from_the_last_snapshot():
    seen = early_detector_outcome(_race([1.0, 0.75, 0.25]))
    assert (seen["first_step"], seen["last_step"], seen["caught_first"], seen["caught_last"]) == (100, 300, 1.0, 0.25)
    assert seen["outcome"] == "missed" and seen["auc_last"] == pytest.approx(0.625)
    assert early_detector_outcome(_race([1.0, 0.5, 0.75]))["outcome"] == "caught"
    assert early_detector_outcome(_race([1.0, 0.5]))["outcome"] == "missed"  # half is not more than half


def test_a_prediction_is_set_beside_what_happened(capsys):
    race = _race([1.0, 0.9, 0.2], prepared_caught=0.95)
    said = arms_race_outcome("missed", race)
    assert "You predicted: missed" in said and "it missed them" in said and "As you predicted." in said
    assert "20% of the step-300 fakes" in said and "95% of the step-300 fakes" in said and "25% of the real faces" in said
    assert capsys.readouterr().out.strip() == said
    other = arms_race_outcome(" Caught ", race)
    assert "You predicted: caught" in other and "Not what you predicted" in other
    assert "✗" not in said + other  # a prediction is not marked wrong: it is where the explanation starts


@pytest.mark.parametrize("prediction", [..., None, "maybe", 3])
def test_no_prediction_yet_asks_for_one(prediction):
    assert arms_race_outcome(prediction, _race([1.0, 0.2])).startswith("Write your prediction first")


def test_the_lesson_swap_run_keeps_snapshots_and_resumes(tmp_path):
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.detect.armsrace import race_points

    generate_twins_dataset(tmp_path / "twins", identities=2, per_identity=6, size=128)
    run = train_arms_race_swap(tmp_path / "twins", tmp_path / "race", steps=4, snapshot_every=2, batch_size=2, progress=False)
    assert [step for step, _ in race_points(run)] == [2, 4]
    run = train_arms_race_swap(tmp_path / "twins", tmp_path / "race", steps=6, snapshot_every=2, batch_size=2, progress=False)
    assert [step for step, _ in race_points(run)] == [2, 4, 6]
