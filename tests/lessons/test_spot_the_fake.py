"""Spot the fake: lab 7's dozen faces, the demo's one-at-a-time game and the class's tally file."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
import torch

from deepfake_edu.errors import LabError
from deepfake_edu.lessons.spot_the_fake import SpotTheFake, SpotTheFakeTally, describe_tally, tally_accuracy


def test_spot_the_fake_set_and_guesses():
    from deepfake_edu.data.realfake import RealFakeSet
    from deepfake_edu.lessons.spot_the_fake import accuracy, guesses_to_labels, spot_the_fake_set

    images = np.arange(20)[:, None, None, None] * np.ones((1, 4, 4, 3), np.uint8)
    labels = np.array([0] * 10 + [1] * 10)
    chosen, chosen_labels = spot_the_fake_set(RealFakeSet(images, labels, [{}] * 20), count=6, seed=1)
    assert chosen_labels.sum() == 3 and len(chosen) == 6
    assert np.array_equal(chosen_labels, (chosen[:, 0, 0, 0] >= 10).astype(int))  # labels follow their faces
    guessed = guesses_to_labels([1, 3], 6)
    assert guessed.tolist() == [1, 0, 1, 0, 0, 0] and accuracy(guessed, guessed) == 1.0
    with pytest.raises(LabError, match="numbers shown"):
        guesses_to_labels([0], 6)
    with pytest.raises(LabError, match="write your guesses"):
        guesses_to_labels(..., 6)


def test_tally_counts_answers_and_resets(tmp_path):
    tally = SpotTheFakeTally(tmp_path / "tally.json")
    assert describe_tally(tally.read()).count("| - |") == 3  # no answers yet: no accuracy (first, machine, revised)
    tally.record(True, False)
    tally.record(False, False)
    counts = SpotTheFakeTally(tmp_path / "tally.json").read()  # read back from disk
    assert counts["human"] == {"right": 1, "answered": 2} and counts["machine"] == {"right": 0, "answered": 2}
    assert tally_accuracy(counts["human"]) == 0.5 and "50%" in describe_tally(counts)
    assert tally.reset()["human"]["answered"] == 0
    assert json.loads((tmp_path / "tally.json").read_text())["human"]["answered"] == 0


def test_concurrent_answers_are_all_counted_and_a_damaged_file_starts_over(tmp_path):
    tally = SpotTheFakeTally(tmp_path / "tally.json")
    threads = [threading.Thread(target=lambda: [tally.record(True, True) for _ in range(10)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tally.read()["human"]["answered"] == 80
    assert not list(tmp_path.glob(".*partial*"))  # no half-written temporary left behind
    (tmp_path / "tally.json").write_text("{not json")
    assert tally.read()["machine"]["answered"] == 0


class Constant(torch.nn.Module):
    """A 'detector' whose logit is fixed: the same P(fake) for every face."""

    def __init__(self, logit: float):
        super().__init__()
        self.logit = float(logit)

    def forward(self, x):
        return torch.full((x.shape[0],), self.logit)


@pytest.fixture
def realfake(tmp_path):
    """Four 256 px grey faces labelled real, fake, real, fake (and one unlabelled), as a dataset."""
    from deepfake_edu.data.dataset import write_dataset

    items = [(np.full((256, 256, 3), 40 * i, np.uint8), {"identity": f"twin-0{i}", "label": label})
             for i, label in enumerate(["real", "fake", "real", "fake", None])]
    return write_dataset(tmp_path / "realfake", {"name": "realfake", "kind": "realfake", "size": 256}, items).root


def test_the_game_asks_marks_and_counts_both_players(realfake, tmp_path):
    loads = []
    game = SpotTheFake(realfake, tmp_path / "tally.json", lambda: loads.append(1) or Constant(3.0))  # the machine always says fake
    _, records = game.faces()
    assert [r["label"] for r in records] == ["real", "fake", "real", "fake"]  # the unlabelled face is left out
    for _ in range(20):
        assert game.question(previous=1) in (0, 2, 3)
    assert game.image(2).shape == (256, 256, 3) and game.picture_file(2).is_file()
    answer = game.answer(0, "real")
    assert (answer.truth, answer.machine) == ("real", "fake") and answer.p_fake > 0.9
    assert "This face is **real**" in answer.reveal() and "You said real: **right**" in answer.reveal()
    assert "The machine said fake (P(fake) = 0.95): **wrong**" in answer.reveal()
    assert answer.tally["human"] == {"right": 1, "answered": 1} and answer.tally["machine"] == {"right": 0, "answered": 1}
    game.answer(0, "fake")
    assert game.tally.read()["human"] == {"right": 1, "answered": 2} and loads == [1]  # one score per face, detector loaded once
    with pytest.raises(LabError, match="next face"):
        game.answer(None, "real")
    with pytest.raises(LabError, match="next face"):
        game.answer(4, "real")
    with pytest.raises(LabError, match="answer 'real' or 'fake'"):
        game.answer(1, "maybe")


def test_a_set_without_labels_says_what_to_run(tmp_path):
    from deepfake_edu.data.dataset import write_dataset

    folder = write_dataset(tmp_path / "plain", {"name": "plain", "kind": "faces", "size": 256},
                           [(np.zeros((256, 256, 3), np.uint8), {"identity": "someone"})]).root
    with pytest.raises(LabError, match="deepfake-edu prepare --force"):
        SpotTheFake(folder, tmp_path / "tally.json", lambda: Constant(0.0)).faces()
