"""The blind sheet: shuffled real and fake twins, the answers apart, the sheet labelled and marked."""

from __future__ import annotations

import json

import pytest

from deepfake_edu import zoo
from deepfake_edu.cli import main
from deepfake_edu.swap.sheet import write_blind_sheet


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    run = tmp_path_factory.mktemp("pair")
    zoo.install("swap-twins", run / "checkpoints" / "step-00000001")
    return run


def test_sheet_holds_as_many_fakes_as_real_faces_and_says_which(pair, tmp_path):
    from deepfake_edu.data.images import read_image
    from deepfake_edu.provenance.check import check_file

    sheet, answers_path = write_blind_sheet(pair, tmp_path, count=20, size=128)
    answers = json.loads(answers_path.read_text())["answers"]
    labels = [record["label"] for record in answers.values()]
    assert sorted(answers, key=int) == [str(n) for n in range(1, 41)] and labels.count("fake") == labels.count("real") == 20
    assert labels != ["real"] * 20 + ["fake"] * 20, "the sheet is shuffled"
    assert all(r["made_from"] != r["shows"] for r in answers.values() if r["label"] == "fake")
    report = check_file(sheet)
    assert report.label_found and report.mark_found
    assert read_image(sheet).shape[1] == 8 * 128


def test_sheet_command_refuses_a_run_that_is_not_a_twins_pair(tmp_path, capsys):
    assert main(["swap", "sheet", "--run", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]) != 0
    assert capsys.readouterr().err.count("\n") == 1
