"""The field's evaluation protocol (detect.protocol), the real/fake folder layouts it reads, and `detect eval`."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.data.realfake import load_real_fake
from deepfake_edu.detect import protocol
from deepfake_edu.errors import LabError
from tests.detect.shared_files import ORIGINAL

# ------------------------------------------------------------------------------------ metrics by hand


def test_a_perfect_detector_has_auc_1_and_eer_0():
    labels, scores = [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]
    assert protocol.frame_auc(labels, scores) == 1.0
    assert protocol.equal_error_rate(labels, scores) == (0.0, 0.8)  # every fake >= 0.8, every real below
    assert protocol.average_precision(labels, scores) == 1.0
    report = protocol.evaluate(labels, scores)
    assert report["accuracy"] == report["balanced_accuracy"] == 1.0
    assert report["confusion"] == [[2, 0], [0, 2]]
    assert report["polarity_note"] is None


def test_a_reversed_detector_has_auc_0_and_the_polarity_message():
    labels, scores = [0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]
    assert protocol.frame_auc(labels, scores) == 0.0
    assert protocol.equal_error_rate(labels, scores)[0] == 1.0
    report = protocol.evaluate(labels, scores)
    note = report["polarity_note"]
    assert "below 0.5" in note and "would give AUC 1.000" in note and "label-polarity" in note and "\n" not in note
    assert "warning: AUC 0.000 is below 0.5" in protocol.format_report(report)
    assert protocol.polarity_note(0.5) is None and protocol.polarity_note(0.7) is None
    assert "would give AUC 0.700" in protocol.polarity_note(0.3)


def test_a_mixed_case_computed_by_hand():
    # fakes 0.4 and 0.9, reals 0.1 and 0.6: 3 of the 4 (fake, real) pairs are ordered right
    labels, scores = [0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]
    assert protocol.frame_auc(labels, scores) == pytest.approx(0.75)
    # at 0.6: reals called fake 1/2, fakes missed 1/2
    assert protocol.equal_error_rate(labels, scores) == (pytest.approx(0.5), pytest.approx(0.6))
    # ranked 0.9 (fake: precision 1 at recall 1/2), 0.6 (real), 0.4 (fake: precision 2/3 at recall 1)
    assert protocol.average_precision(labels, scores) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    report = protocol.evaluate(labels, scores)
    assert report["accuracy"] == 0.5 and report["confusion"] == [[1, 1], [1, 1]]


def test_ties_count_half():
    assert protocol.frame_auc([0, 1], [0.5, 0.5]) == 0.5
    assert protocol.equal_error_rate([0, 1], [0.5, 0.5])[0] == pytest.approx(0.5)
    # fake 0.7 beats real 0.3 and ties real 0.7; fake 0.9 beats both: (1 + 0.5 + 1 + 1) / 4
    assert protocol.frame_auc([0, 0, 1, 1], [0.3, 0.7, 0.7, 0.9]) == pytest.approx(0.875)


def test_video_auc_is_the_frame_auc_when_each_video_has_one_frame():
    rng = np.random.default_rng(0)
    labels, scores = np.arange(20) % 2, rng.random(20)
    videos = [f"v{i}" for i in range(20)]
    assert protocol.video_auc(labels, scores, videos) == pytest.approx(protocol.frame_auc(labels, scores))


def test_video_auc_scores_each_video_by_its_mean_frame():
    # real A: 0.1, 0.9 (mean 0.5); real B: 0.2; fake C: 0.6, 0.6 (mean 0.6); fake D: 0.3
    labels = [0, 0, 0, 1, 1, 1]
    scores = [0.1, 0.9, 0.2, 0.6, 0.6, 0.3]
    videos = ["A", "A", "B", "C", "C", "D"]
    # frames: each 0.6 beats 0.1 and 0.2 (4), 0.3 beats 0.1 and 0.2 (2): 6 of 9 pairs
    assert protocol.frame_auc(labels, scores) == pytest.approx(6 / 9)
    # videos: fakes 0.6, 0.3 against reals 0.5, 0.2: 0.6 > 0.5, 0.6 > 0.2, 0.3 > 0.2: 3 of 4
    assert protocol.video_auc(labels, scores, videos) == pytest.approx(0.75)
    video_labels, means, names = protocol.video_scores(labels, scores, videos)
    assert names == ["A", "B", "C", "D"] and video_labels.tolist() == [0, 0, 1, 1]
    np.testing.assert_allclose(means, [0.5, 0.2, 0.6, 0.3])
    report = protocol.evaluate(labels, scores, videos)
    assert report["videos"] == 4 and report["video_auc"] == pytest.approx(0.75) and report["frame_auc"] == pytest.approx(6 / 9)
    assert protocol.evaluate(labels, scores)["video_auc"] is None  # no ids: not invented


def test_a_video_with_real_and_fake_frames_is_refused():
    with pytest.raises(LabError, match="holds both real and fake frames"):
        protocol.video_auc([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8], ["A", "A", "B", "B"])


def test_the_reliability_table_and_ece():
    labels, scores = [0, 1, 1, 1], [0.1, 0.1, 0.9, 0.9]
    table = protocol.reliability_table(labels, scores, bins=10)
    assert len(table) == 10 and sum(row["count"] for row in table) == 4
    assert table[1] == {"low": 0.1, "high": 0.2, "count": 2, "mean_p_fake": pytest.approx(0.1), "share_fake": 0.5}
    assert table[9]["count"] == 2 and table[9]["share_fake"] == 1.0
    assert table[0]["count"] == 0 and table[0]["mean_p_fake"] is None and table[0]["share_fake"] is None
    # half the faces claim 0.1 where half are fake (0.4 off), half claim 0.9 where all are (0.1 off)
    assert protocol.expected_calibration_error(table) == pytest.approx(0.5 * 0.4 + 0.5 * 0.1)
    edges = protocol.reliability_table([0, 1, 1], [0.0, 0.5, 1.0], bins=2)
    assert [row["count"] for row in edges] == [1, 2]  # 0.5 opens the upper bin, 1.0 stays in the last
    many = protocol.reliability_table(np.arange(100) % 2, np.linspace(0, 1, 100), bins=7)
    assert sum(row["count"] for row in many) == 100


def test_the_training_summary_is_the_protocols():
    from deepfake_edu.detect.train import classification_metrics

    labels, scores = np.array([0, 0, 1, 1]), np.array([0.1, 0.6, 0.4, 0.9])
    assert classification_metrics(labels, scores) == protocol.classification_metrics(labels, scores)
    assert set(classification_metrics(labels, scores)) == {"accuracy", "balanced_accuracy", "auc", "confusion", "count"}
    one_class = classification_metrics(np.array([1, 1]), np.array([0.7, 0.2]))  # defined: NaN where nothing ranks
    assert np.isnan(one_class["auc"]) and np.isnan(one_class["balanced_accuracy"]) and one_class["accuracy"] == 0.5


@pytest.mark.parametrize("labels, scores, message", [
    ([], [], "no faces to measure"),
    ([0, 1, 1], [0.2, float("nan"), 0.9], "1 of the 3 scores are not numbers"),
    ([0, 1], [0.2, float("inf")], "not numbers"),
    ([0, 1], [0.2], "2 labels but 1 scores"),
    ([0, 2], [0.2, 0.3], "labels must be 0 (real) or 1 (fake)"),
    ([0, 1], [-3.0, 2.5], "pass probabilities"),
    ([0, 1], ["high", 0.5], "must be numbers"),
    (["real", "fake"], [0.2, 0.5], "labels must be 0 (real) or 1 (fake)"),
    ([1, 1, 1], [0.2, 0.5, 0.9], "all 3 faces are fake: add real faces"),
    ([0, 0], [0.2, 0.5], "all 2 faces are real: add fake faces"),
])
def test_degenerate_inputs_give_one_line_that_says_what_to_do(labels, scores, message):
    for metric in (protocol.frame_auc, protocol.equal_error_rate, protocol.average_precision, protocol.evaluate):
        with pytest.raises(LabError) as raised:
            metric(labels, scores)
        assert message in str(raised.value) and "\n" not in str(raised.value)


# ------------------------------------------------------------------------------------ folders


def _face(value: int, size: int = 64) -> np.ndarray:
    face = np.full((size, size, 3), value, np.uint8)
    cv2.circle(face, (size // 2, size // 2), size // 4, (255 - value, 90, 30), -1)
    return face


def _folder(root, layout: dict[str, int], size: int = 64):
    """root/<sub>/<i>.png for each (sub, count) of ``layout``."""
    for sub, count in layout.items():
        (root / sub).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            assert cv2.imwrite(str(root / sub / f"{sub}{i:02d}.png"), _face(30 * i + (0 if sub == "real" else 120), size))
    return root


@pytest.mark.parametrize("fakes", [["fake"], ["df"], ["f2f"], ["df", "f2f"]])
def test_both_folder_layouts_are_read_resized_as_they_come(tmp_path, fakes):
    root = _folder(tmp_path / "set", {"real": 3, **{name: 2 for name in fakes}}, size=300)
    data = load_real_fake(root)
    assert data.images.shape == (3 + 2 * len(fakes), 256, 256, 3) and data.images.dtype == np.uint8
    assert data.labels.tolist() == [0, 0, 0] + [1] * 2 * len(fakes)
    assert [r["label_folder"] for r in data.records] == ["real"] * 3 + [n for n in fakes for _ in range(2)]
    assert ("MesoNet authors'" in data.layout) == (fakes != ["fake"])
    assert data.skipped == []
    ids, how = data.video_ids()
    assert ids is None and how.startswith("not available")


def test_unreadable_images_are_skipped_and_counted(tmp_path):
    root = _folder(tmp_path / "set", {"real": 2, "df": 2})
    (root / "df" / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (root / "real" / "empty.png").write_bytes(b"")
    (root / "real" / "notes.txt").write_text("not an image: not even looked at")
    data = load_real_fake(root)
    assert len(data.labels) == 4
    assert sorted(file.rsplit("/", 1)[-1] for file, _ in data.skipped) == ["broken.jpg", "empty.png"]


def test_a_folder_with_one_class_names_the_missing_folder(tmp_path):
    with pytest.raises(LabError, match=r"has df/ but no real/ folder: add real/"):
        load_real_fake(_folder(tmp_path / "only-df", {"df": 2}))
    with pytest.raises(LabError, match=r"has real/ but no fake/ folder \(nor the MesoNet authors' df/ or f2f/\)"):
        load_real_fake(_folder(tmp_path / "only-real", {"real": 2}))
    broken = _folder(tmp_path / "broken", {"real": 2})
    (broken / "fake").mkdir()
    (broken / "fake" / "a.png").write_bytes(b"garbage")
    with pytest.raises(LabError, match=r"fake holds no readable images \(1 image file could not be read\)"):
        load_real_fake(broken)


def _lab_dataset(root, clips: bool = False):
    """Two twins, 3 real and 3 fake frames each, as a lab dataset (records with identity and image_index)."""
    from deepfake_edu.data.dataset import write_dataset

    items = []
    for person in range(2):
        for index in range(3):
            for label in ("real", "fake"):
                record = {"identity": f"twin-0{person}", "image_index": index, "label": label}
                if clips:
                    record["clip"] = f"clip-{person}-{index % 2}"
                items.append((_face(40 * index + (100 if label == "fake" else 0), 256), record))
    return write_dataset(root, {"name": root.name, "kind": "realfake", "size": 256}, items).root


def test_lab_datasets_group_frames_into_videos(tmp_path):
    data = load_real_fake(_lab_dataset(tmp_path / "twins"))
    ids, how = data.video_ids()
    assert sorted(set(ids)) == ["twin-00/fake", "twin-00/real", "twin-01/fake", "twin-01/real"]
    assert "one identity and one label" in how
    ids, how = load_real_fake(_lab_dataset(tmp_path / "clips", clips=True)).video_ids()
    assert len(set(ids)) == 8 and "'clip'" in how  # 2 twins x 2 clips x real/fake


# ------------------------------------------------------------------------------------ detect eval


@pytest.fixture(scope="module")
def detector(tmp_path_factory):
    """An untrained Meso-4 saved as a lab checkpoint (its numbers do not matter here)."""
    import torch

    from deepfake_edu.detect.train import export_detector
    from deepfake_edu.registry import create_model

    torch.manual_seed(0)
    return str(export_detector(create_model("meso4").eval(), tmp_path_factory.mktemp("det") / "meso", []))


REPORT_KEYS = {"data", "layout", "model", "scores", "skipped", "count", "real", "fake", "auc", "frame_auc", "video_auc", "videos",
               "video_note", "eer", "eer_threshold", "average_precision", "threshold", "accuracy", "balanced_accuracy",
               "confusion", "reliability", "ece", "polarity_note", "plots"}


def test_eval_reports_the_protocol_on_a_real_fake_folder(tmp_path, detector, capsys):
    root = _folder(tmp_path / "set", {"real": 3, "fake": 3})
    assert main(["detect", "eval", "--model", detector, "--data", str(root)]) == 0
    out = capsys.readouterr().out
    for text in ("(real/ and fake/)", "scores: P(fake) (1 = fake), the lab's convention", "6 faces: 3 real, 3 fake", "frame AUC",
                 "video AUC           n/a   (not available", "EER", "average precision", "balanced accuracy",
                 "expected calibration error", "P(fake) bin"):
        assert text in out, text


def test_eval_json_has_every_key_and_draws_both_plots(tmp_path, detector, capsys):
    root = _folder(tmp_path / "set", {"real": 3, "df": 3})
    (root / "df" / "broken.png").write_bytes(b"\x89PNG broken")
    reliability, roc = tmp_path / "plots" / "reliability.png", tmp_path / "plots" / "roc.png"
    assert main(["detect", "eval", "--model", detector, "--data", str(root), "--json",
                 "--reliability", str(reliability), "--roc", str(roc), "--bins", "5"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == REPORT_KEYS
    assert report["count"] == 6 and report["video_auc"] is None and len(report["reliability"]) == 5
    assert "MesoNet authors'" in report["layout"] and [s["file"].rsplit("/", 1)[-1] for s in report["skipped"]] == ["broken.png"]
    assert report["plots"] == {"roc": str(roc), "reliability": str(reliability)}
    for plot in (reliability, roc):
        assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == ["reliability.png", "roc.png"]  # atomic: no leftovers


def test_eval_text_counts_skipped_files_and_names_the_plot(tmp_path, detector, capsys):
    root = _folder(tmp_path / "set", {"real": 2, "fake": 2})
    (root / "fake" / "x.jpg").write_bytes(b"")
    out_png = tmp_path / "rel.png"
    assert main(["detect", "eval", "--model", detector, "--data", str(root), "--reliability", str(out_png)]) == 0
    out = capsys.readouterr().out
    assert "skipped 1 unreadable image file: x.jpg" in out and f"reliability: {out_png}" in out and out_png.exists()


def test_eval_on_a_lab_dataset_reports_a_video_auc(tmp_path, detector, capsys):
    assert main(["detect", "eval", "--model", detector, "--data", str(_lab_dataset(tmp_path / "twins")), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["videos"] == 4 and 0 <= report["video_auc"] <= 1 and "one identity and one label" in report["video_note"]


def test_eval_on_the_twins_clips_makes_them_once_and_scores_real_clips(tiny_swap_run, detector, capsys, monkeypatch, tmp_path):
    import shutil

    from deepfake_edu.detect import twins_set

    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path))
    assert main(["detect", "eval", "--model", detector, "--data", "twins-clips"]) == 2  # no swap model installed yet
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "run `deepfake-edu prepare` first" in err
    shutil.copytree(tiny_swap_run, tmp_path / "runs" / "swap-lab")
    monkeypatch.setattr(twins_set, "CLIPS_PER_IDENTITY", 2)
    monkeypatch.setattr(twins_set, "CLIP_FRAMES_EACH", 3)
    assert main(["detect", "eval", "--model", detector, "--data", "twins-clips", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)  # the note about making the clips goes to stderr, never into the JSON
    assert "making" in captured.err and report["videos"] == 8 and "'clip' ids" in report["video_note"] and report["count"] == 24
    made = (tmp_path / "datasets" / "twins-clips" / "dataset.json").stat().st_mtime_ns
    assert main(["detect", "eval", "--model", detector, "--data", "twins-clips", "--json"]) == 0
    assert "making" not in capsys.readouterr().err and (tmp_path / "datasets" / "twins-clips" / "dataset.json").stat().st_mtime_ns == made


def test_eval_refusals_are_one_line(tmp_path, detector, capsys):
    one_class = _folder(tmp_path / "one", {"real": 2})
    face = one_class / "real" / "real00.png"
    before = face.read_bytes()
    cases = [
        (["--data", str(one_class)], "no fake/ folder"),
        (["--data", str(_folder(tmp_path / "two", {"real": 1, "fake": 1})), "--reliability", str(tmp_path / "x.txt")], "name it .png"),
        (["--data", str(tmp_path / "two"), "--reliability", str(tmp_path / "p.png"), "--roc", str(tmp_path / "p.png")], "the same file"),
        (["--data", str(tmp_path / "two"), "--reliability", str(tmp_path / "two" / "real" / "real00.png")], "the input itself"),
    ]
    for extra, message in cases:
        assert main(["detect", "eval", "--model", detector, *extra]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and message in err, err
    assert face.read_bytes() == before


def test_eval_shows_the_polarity_trap(tmp_path, detector, capsys, monkeypatch):
    from deepfake_edu.detect import train

    root = _folder(tmp_path / "set", {"real": 2, "fake": 2})
    # scores the wrong way round: P(real) passed off as P(fake)
    monkeypatch.setattr(train, "score", lambda model, images: np.array([0.9, 0.8, 0.2, 0.1]))
    assert main(["detect", "eval", "--model", detector, "--data", str(root)]) == 0
    out = capsys.readouterr().out
    assert "warning: AUC 0.000 is below 0.5" in out and "would give AUC 1.000" in out and "label-polarity" in out


def test_eval_turns_round_a_model_that_outputs_p_real(tmp_path, capsys, monkeypatch):
    import torch

    from deepfake_edu.detect import train
    from deepfake_edu.detect.train import export_detector
    from deepfake_edu.registry import create_model

    torch.manual_seed(0)
    p_real = str(export_detector(create_model("meso4", output="p_real").eval(), tmp_path / "authors-way", []))
    root = _folder(tmp_path / "set", {"real": 2, "fake": 2})
    monkeypatch.setattr(train, "score", lambda model, images: np.array([0.9, 0.8, 0.2, 0.1]))  # P(real): high for the reals
    assert main(["detect", "eval", "--model", p_real, "--data", str(root), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "outputs P(real)" in report["scores"] and "1 - P(real)" in report["scores"]
    assert report["auc"] == 1.0 and report["polarity_note"] is None


# ------------------------------------------------------------------------------------ the authors' crops


def test_the_authors_test_images_are_read_in_their_layout(capsys):
    folder = ORIGINAL / "test_images"
    if not (folder / "df").is_dir() or not (folder / "real").is_dir():
        pytest.skip(f"the authors' test images are not at {folder.resolve()} (../shared/mesonet-original beside the repo)")
    data = load_real_fake(folder)
    assert data.labels.tolist() == [0, 0, 1, 1] and data.images.shape == (4, 256, 256, 3)
    assert data.layout == "the MesoNet authors' real/ and df/" and data.skipped == []
    from importlib.resources import files

    shipped = files("deepfake_edu.zoo") / "models" / "meso4-twins.json"
    assert main(["detect", "eval", "--model", str(shipped), "--data", str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["count"] == 4 and report["video_auc"] is None and 0 <= report["auc"] <= 1
