"""The arms race: a swap run's snapshots, each judged by detectors, beside the swap's quality."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from deepfake_edu.cli import main
from deepfake_edu.detect import armsrace
from deepfake_edu.errors import LabError
from tests.variation import TEST_SEED

PROBE = 2  # frames per probe person: 4 fakes and 4 real frames per snapshot


@pytest.fixture(scope="module")
def snapshot_run(tmp_path_factory) -> Path:
    """A classroom swap of twin-00 and twin-01 trained 6 steps, a snapshot every 2, swap SSIM logged every 2."""
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap

    root = tmp_path_factory.mktemp("race")
    generate_twins_dataset(root / "twins", identities=2, per_identity=12, size=128)
    options = SwapTrainOptions(data=[str(root / "twins")], preset="classroom", steps=6, batch_size=4, seed=TEST_SEED,
                               run=str(root / "swap"), progress=False, preview_every=0, timelapse_every=0,
                               metrics_every=2, metrics_faces=8, checkpoint_every=6, snapshot_every=2)
    train_swap(options)
    return root / "swap"


@pytest.fixture(scope="module")
def detector_file(tmp_path_factory) -> str:
    """An untrained Meso-4 exported as a checkpoint: the race only needs scores, not good ones."""
    from deepfake_edu.detect.train import export_detector
    from deepfake_edu.registry import create_model

    torch.manual_seed(0)
    return str(export_detector(create_model("meso4").eval(), tmp_path_factory.mktemp("det") / "meso", datasets=[]))


def test_swap_train_keeps_a_snapshot_every_n_steps(snapshot_run):
    from deepfake_edu.training import list_snapshots

    assert [step for step, _ in list_snapshots(snapshot_run)] == [2, 4, 6]
    assert [step for step, _ in armsrace.race_points(snapshot_run)] == [2, 4, 6]  # the newest checkpoint is step 6's snapshot


def test_the_table_has_a_row_per_snapshot_and_its_numbers_come_from_the_owners(snapshot_run, detector_file):
    from deepfake_edu.detect.protocol import frame_auc
    from deepfake_edu.training import load_model_file

    race = armsrace.arms_race(snapshot_run, {"random meso": detector_file}, per_identity=PROBE, metrics_faces=8)
    assert race.steps == [2, 4, 6]
    assert race.probe["faces"] == 2 * PROBE and race.probe["identities"] == [6, 7]
    # the swap SSIM is the one `swap train` logged at that step (the same faces, the same true answers)
    _, info = load_model_file(armsrace.race_points(snapshot_run)[-1][1])
    logged = {row["step"]: row["swap_ssim"] for row in info["history"] if "swap_ssim" in row}
    for row in race.rows:
        assert row["swap_ssim"] == pytest.approx(logged[row["step"]], abs=1e-4)
        assert 0 < row["detail_kept"] < 5 and row["swap_psnr"] > 0
    # P(fake) and the AUC, recomputed here from the detector's own scores of the same frames
    judge = armsrace.load_judge(detector_file)
    real, fake, _ = armsrace.snapshot_faces(race.rows[-1]["checkpoint"], (6, 7), PROBE, armsrace.PROBE_SEED)
    p_real, p_fake = judge.p_fake(real), judge.p_fake(fake)
    last = race.rows[-1]["detectors"]["random meso"]
    assert last["mean_p_fake"] == pytest.approx(p_fake.mean(), abs=1e-4)
    assert last["caught"] == pytest.approx((p_fake > 0.5).mean(), abs=1e-4)
    assert last["auc"] == pytest.approx(frame_auc(np.r_[np.zeros(len(real)), np.ones(len(fake))], np.r_[p_real, p_fake]), abs=1e-4)
    assert race.detectors["random meso"]["real_mean_p_fake"] == pytest.approx(p_real.mean(), abs=1e-4)
    assert race.series("random meso") == [row["detectors"]["random meso"]["mean_p_fake"] for row in race.rows]
    with pytest.raises(LabError, match="no detector 'nobody'"):
        race.series("nobody")


def test_the_fakes_change_with_the_snapshot_and_the_real_frames_do_not(snapshot_run):
    points = armsrace.race_points(snapshot_run)
    real_a, fake_a, _ = armsrace.snapshot_faces(points[0][1], (6,), 1, armsrace.PROBE_SEED)
    real_b, fake_b, _ = armsrace.snapshot_faces(points[-1][1], (6,), 1, armsrace.PROBE_SEED)
    assert np.array_equal(real_a, real_b)
    assert not np.array_equal(fake_a, fake_b)
    assert fake_a.shape == (1, 256, 256, 3) and fake_a.dtype == np.uint8
    region = armsrace.pasted_region(64)
    assert region.shape == (256, 256) and 0.05 < region.mean() < 0.6
    assert not np.array_equal(fake_a[0][region], real_a[0][region])  # the face was pasted there


def test_an_early_detector_trains_on_the_first_snapshots_fakes_and_is_reused(snapshot_run, detector_file):
    options = {"train_early": 2, "early_batch": 4, "early_per_identity": 1, "per_identity": 1, "metrics_faces": 8}
    race = armsrace.arms_race(snapshot_run, [detector_file], **options)
    early = race.detectors[armsrace.EARLY_NAME]
    assert early["trained_on_step"] == 2 and early["steps"] == 2 and early["faces"] == 12
    work = Path(early["source"])
    assert work.parent == snapshot_run / "arms-race" and any((work / "checkpoints").glob("step-00000002.json"))
    again = armsrace.arms_race(snapshot_run, [detector_file], **options)  # the finished run is loaded, not trained again
    assert again.series(armsrace.EARLY_NAME) == race.series(armsrace.EARLY_NAME)
    assert list(race.detectors) == ["meso", armsrace.EARLY_NAME]


def test_the_plot_the_json_and_the_text(snapshot_run, detector_file, tmp_path):
    race = armsrace.arms_race(snapshot_run, {"random meso": detector_file}, per_identity=1, metrics_faces=8)
    png = armsrace.plot_arms_race(race, tmp_path / "race.png")
    assert png is not None and (tmp_path / "race.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "race.png").stat().st_size < 200_000
    saved = armsrace.save_arms_race(race, tmp_path / "race.json")
    back = armsrace.load_arms_race(saved)
    assert back.rows == race.rows and back.detectors == race.detectors
    table = race.format_table()
    assert table.splitlines()[0].split()[:3] == ["step", "SSIM", "detail"] and "random meso" in table
    assert all(f"| {step} |" in race.markdown() for step in race.steps)
    figure, markdown = armsrace.arms_race_view(saved)  # the demo's view of a saved table
    assert markdown == race.markdown() and len(figure.axes) == 2
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(LabError, match="not an arms-race table"):
        armsrace.load_arms_race(tmp_path / "bad.json")
    with pytest.raises(LabError, match="not an arms-race table"):
        armsrace.ArmsRace.from_dict({"rows": []})
    with pytest.raises(LabError, match="no arms-race table"):
        armsrace.load_arms_race(tmp_path / "missing.json")


def test_bad_runs_and_detectors_are_one_line_refusals(snapshot_run, tiny_swap_run, detector_file, tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "fresh-home"))  # a lab home nobody prepared (other tests may prepare the session's)
    with pytest.raises(LabError, match="no swap run at") as missing:
        armsrace.race_points(tmp_path / "nowhere")
    assert "--snapshot-every" in str(missing.value) and "\n" not in str(missing.value)
    with pytest.raises(LabError, match="keeps no snapshots"):
        armsrace.race_points(tiny_swap_run)  # trained without snapshot_every
    with pytest.raises(LabError, match="holds no checkpoint"):
        (tmp_path / "empty").mkdir()
        armsrace.race_points(tmp_path / "empty")
    with pytest.raises(LabError, match="is a file"):
        armsrace.race_points(detector_file)
    with pytest.raises(LabError, match="not a MesoNet detector"):
        armsrace.arms_race(snapshot_run, [str(armsrace.race_points(snapshot_run)[0][1])], per_identity=1)
    with pytest.raises(LabError, match="`deepfake-edu prepare`"):  # the lab's detector, not installed in this lab home
        armsrace.arms_race(snapshot_run, ["meso4-twins"], per_identity=1)
    with pytest.raises(LabError, match="no detector 'no-such-detector'"):
        armsrace.arms_race(snapshot_run, ["no-such-detector"], per_identity=1)
    with pytest.raises(LabError, match="no detector to race"):
        armsrace.arms_race(snapshot_run, [], per_identity=1)
    with pytest.raises(LabError, match="--faces must be"):
        armsrace.arms_race(snapshot_run, [detector_file], per_identity=0)
    with pytest.raises(LabError, match="share a name"):
        armsrace.arms_race(snapshot_run, [detector_file, detector_file], per_identity=1)


def test_the_command(snapshot_run, detector_file, tmp_path, capsys):
    plot, table = tmp_path / "out" / "race.png", tmp_path / "out" / "race.json"
    assert main(["detect", "arms-race", "--run", str(snapshot_run), "--detector", detector_file, "--faces", "1",
                 "--plot", str(plot), "--json", str(table)]) == 0
    out = capsys.readouterr().out
    assert "step" in out and f"plot: {plot}" in out and f"json: {table}" in out
    assert [row["step"] for row in json.loads(table.read_text())["rows"]] == [2, 4, 6]
    assert plot.read_bytes()[:4] == b"\x89PNG"
    kept = Path(os.environ["DEEPFAKE_EDU_HOME"]) / "outputs" / armsrace.RACES_FOLDER / f"{Path(snapshot_run).resolve().name}.json"
    assert f"kept for the demo's arms-race view: {kept}" in out and armsrace.load_arms_race(kept).rows == json.loads(table.read_text())["rows"]


def test_kept_races_are_listed_newest_first_beside_the_measured_one(snapshot_run, detector_file, tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path))
    race = armsrace.arms_race(snapshot_run, {"random meso": detector_file}, per_identity=1, metrics_faces=8)
    older = armsrace.keep_arms_race(race, "class/../one")  # a run's name never leaves the folder
    newer = armsrace.keep_arms_race(race, "two")
    os.utime(older, ns=(1, 1))
    assert older.parent == newer.parent == tmp_path / "outputs" / armsrace.RACES_FOLDER and older.name == "class-..-one.json"
    (newer.parent / "junk.json").write_text('{"rows": []}')  # not a race: left out
    races = armsrace.saved_races(tmp_path)
    assert list(races)[:2] == ["your lab's: two", "your lab's: class-..-one"]
    assert (armsrace.MEASURED_LABEL in races) == armsrace.MEASURED_RACE.is_file()
    assert all(label.startswith("your lab's") or label == armsrace.MEASURED_LABEL for label in races)


@pytest.mark.parametrize("extra, says", [
    (["--run", "{missing}"], "no swap run at"),
    (["--run", "{tiny}"], "keeps no snapshots"),
    (["--run", "{run}", "--detector", "no-such-detector"], "no detector 'no-such-detector'"),
    (["--run", "{run}", "--json", "{snapshot}"], "is the input itself"),
    (["--run", "{run}", "--plot", "{detector}"], "name it"),
    (["--run", "{run}", "--json", "{out}/same.json", "--plot", "{out}/same.json"], "name it"),
    (["--run", "{run}", "--json", "{out}/a.png"], "name it .json"),
    (["--run", "{run}", "--plot", "{out}/same.png", "--json", "{out}/same.png"], "name it .json"),
    (["--run", "{run}", "--plot", "{out}/folder.png"], "it is a folder"),
    (["--run", "{run}", "--faces", "0"], "--faces"),
    (["--run", "{run}", "--train-early", "-3"], "--train-early"),
])
def test_the_command_refuses_bad_input_in_one_line(extra, says, snapshot_run, tiny_swap_run, detector_file, tmp_path, capsys):
    snapshot = armsrace.race_points(snapshot_run)[0][1]
    (tmp_path / "folder.png").mkdir()
    before = snapshot.read_bytes()
    fill = {"missing": tmp_path / "nowhere", "tiny": tiny_swap_run, "run": snapshot_run, "snapshot": snapshot,
            "detector": detector_file, "out": tmp_path}
    argv = ["detect", "arms-race", *[part.format(**fill) for part in extra]]
    if "--detector" not in extra:
        argv += ["--detector", detector_file]
    assert main(argv + ([] if "--faces" in extra else ["--faces", "1"])) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and says in err, err
    assert snapshot.read_bytes() == before


def test_the_same_file_for_plot_and_json_is_refused(snapshot_run, detector_file, tmp_path):
    # (a .json plot is refused by its suffix first; a plot and a table with one name can only meet through a link)
    (tmp_path / "race.json").write_text("{}")
    (tmp_path / "race.png").symlink_to(tmp_path / "race.json")
    assert main(["detect", "arms-race", "--run", str(snapshot_run), "--detector", detector_file,
                 "--plot", str(tmp_path / "race.png"), "--json", str(tmp_path / "race.json")]) == 2
    assert (tmp_path / "race.json").read_text() == "{}"
