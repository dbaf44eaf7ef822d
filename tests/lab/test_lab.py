"""The lab's preparation and the tour: the README's main job, end to end, at a tiny size."""

from __future__ import annotations

import pytest

from deepfake_edu.cli import main
from deepfake_edu.errors import LabError


@pytest.fixture(scope="module")
def lab_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEEPFAKE_EDU_HOME", str(home))
        from deepfake_edu.lab import prepare_lab

        assets = prepare_lab(minutes=0.5, progress=False, per_identity=16, realfake_per_identity=4, train=True)
        yield home, assets


def test_prepare_installs_the_shipped_models_and_trains_nothing(tmp_path, monkeypatch):
    from deepfake_edu import zoo
    from deepfake_edu.lab import prepare_lab
    from deepfake_edu.swap import train as swap_train
    from deepfake_edu.training.checkpoint import latest_checkpoint

    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path))
    monkeypatch.setattr(swap_train, "train_swap", lambda *a, **k: pytest.fail("prepare trained a swap model"))
    assets = prepare_lab(progress=False, per_identity=16, realfake_per_identity=4)
    card = zoo.card("swap-twins")
    assert assets.report["swap_source"] == "shipped" and assets.report["swap_steps"] == card["steps"]
    assert assets.report["detector_source"] == "shipped"
    assert latest_checkpoint(assets.swap_run).name == f"step-{card['steps']:08d}.json"
    assert zoo.verify("meso4-twins")["sha256"] == __import__("json").loads(assets.detector.read_text())["sha256"]


def test_load_lab_says_what_to_run_before_preparing(tmp_path, monkeypatch):
    from deepfake_edu.lab import load_lab

    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path))
    with pytest.raises(LabError, match="deepfake-edu prepare"):
        load_lab()


def test_prepare_makes_the_four_assets_and_reports_measurements(lab_home, monkeypatch):
    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.lab import load_lab, prepare_lab

    home, assets = lab_home
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(home))
    assert load_dataset(assets.twins).identities() == [f"twin-{i:02d}" for i in range(8)]
    assert {r["label"] for r in load_dataset(assets.realfake).records} == {"real", "fake"}
    assert assets.detector.exists()
    report = load_lab().report
    assert report["swap_source"] == report["detector_source"] == "trained here"
    assert report["swap_steps"] > 0 and 0 <= report["detector_balanced_accuracy_held_out"] <= 1
    # a second call reuses everything: nothing is trained again
    stamp = assets.detector.stat().st_mtime_ns
    again = prepare_lab(minutes=0.5, progress=False, train=True)
    assert assets.detector.stat().st_mtime_ns == stamp and again.report == report


def test_tour_makes_a_marked_fake_and_judges_both_clips(lab_home, monkeypatch, capsys):
    home, _ = lab_home
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(home))
    from deepfake_edu.lab.tour import describe, run_tour

    result = run_tour(minutes=0.5, frames=8, progress=False)
    assert result.fake_clip.exists() and result.real_clip.exists()
    assert result.provenance.label_found and result.provenance.mark_found
    assert len(result.fake_verdict.scores) == 8
    text = describe(result)
    assert "fake clip" in text and "visible label" in text


def test_prepare_refuses_a_silly_budget(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path))
    assert main(["prepare", "--minutes", "0"]) == 2
    assert "--minutes" in capsys.readouterr().err
