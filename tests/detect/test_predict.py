import json

import cv2
import numpy as np
import pytest
import torch

from deepfake_edu.cli import main
from deepfake_edu.data.images import write_image
from deepfake_edu.detect.keras_import import load_detector
from deepfake_edu.detect.predict import Score, detect_path, plot_verdict, predict_proba, sample_frame_indices, summarize
from deepfake_edu.errors import LabError
from tests.detect.shared_files import original_or_skip
from tests.detect.test_mesonet import randomized


def test_predict_proba_takes_uint8_images_or_float_tensors_and_the_fast_path_agrees():
    model = randomized("meso4")
    faces = np.random.default_rng(0).integers(0, 256, (3, 256, 256, 3), dtype=np.uint8)
    from_uint8 = predict_proba(model, faces)
    assert from_uint8.shape == (3,) and ((from_uint8 >= 0) & (from_uint8 <= 1)).all()
    tensor = torch.from_numpy(faces).permute(0, 3, 1, 2).float() / 255
    np.testing.assert_allclose(predict_proba(model, tensor, fast=False), from_uint8, atol=1e-6)
    np.testing.assert_allclose(predict_proba(model, faces[0]), from_uint8[:1], atol=1e-6)
    with torch.no_grad():
        expected = torch.sigmoid(model(tensor)).numpy()
    np.testing.assert_allclose(from_uint8, expected, atol=1e-6)


def test_predict_proba_follows_weight_changes():
    model = randomized("meso4")
    faces = np.random.default_rng(1).integers(0, 256, (2, 256, 256, 3), dtype=np.uint8)
    before = predict_proba(model, faces)
    with torch.no_grad():
        model.head.dense2.bias.add_(3.0)  # in place, as an optimizer step would
    after = predict_proba(model, faces)
    assert (after < before).all()  # a larger authors' logit (P(real)) means a lower P(fake)


def test_verdict_uses_the_authors_share_of_frames_rule():
    verdict = summarize("clip.mp4", "video", [Score("frame 0", 0.9), Score("frame 1", 0.7), Score("frame 2", 0.2), Score("frame 3", None)])
    assert verdict.faces_found == 3 and verdict.share_fake == pytest.approx(2 / 3)
    assert verdict.mean_p_fake == pytest.approx(0.6) and verdict.label == "likely fake"
    assert summarize("x", "folder", [Score("a", None)]).label == "no face found"
    assert sample_frame_indices(300) == [round(i * 299 / 29) for i in range(30)]
    assert sample_frame_indices(5) == [0, 1, 2, 3, 4]


def test_detect_path_scores_a_folder_and_refuses_bad_images(tmp_path):
    model = randomized("meso4")
    rng = np.random.default_rng(2)
    for name, side in (("a.png", 200), ("b.png", 256), ("c.jpg", 300)):
        write_image(tmp_path / name, rng.integers(0, 256, (side, side, 3), dtype=np.uint8))
    verdict = detect_path(tmp_path, model)
    assert [s.source for s in verdict.scores] == ["a.png", "b.png", "c.jpg"] and verdict.kind == "folder"
    assert all(0 <= s.p_fake <= 1 for s in verdict.scores)
    wide = tmp_path / "wide" / "frame.png"
    write_image(wide, rng.integers(0, 256, (100, 300, 3), dtype=np.uint8))
    corrupt = tmp_path / "broken" / "face.jpg"
    corrupt.parent.mkdir()
    corrupt.write_bytes(b"\xff\xd8 not really a jpeg")
    for bad in (wide, corrupt, tmp_path / "missing.png", tmp_path / "notes.txt"):
        if bad.suffix == ".txt":
            bad.write_text("hello")
        with pytest.raises(LabError) as caught:
            detect_path(bad, model)
        assert "\n" not in str(caught.value)
    with pytest.raises(LabError, match="no face found"):
        detect_path(tmp_path / "b.png", model, crop_fn=lambda rgb: None)
    nobody = detect_path(tmp_path, model, crop_fn=lambda rgb: None)
    assert nobody.label == "no face found" and all(s.p_fake is None for s in nobody.scores)


def _write_video(path, frames: list[np.ndarray], fps: float = 10.0):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, frames[0].shape[1::-1])
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()


def test_detect_path_samples_about_30_frames_of_a_video(tmp_path):
    model = randomized("meso4")
    rng = np.random.default_rng(3)
    video = tmp_path / "clip.mp4"
    _write_video(video, [rng.integers(0, 256, (96, 96, 3), dtype=np.uint8) for _ in range(45)])
    verdict = detect_path(video, model, frames=30)
    assert verdict.kind == "video" and len(verdict.scores) == 30 and verdict.faces_found == 30
    times = [s.time_s for s in verdict.scores]
    assert times[0] == 0 and times == sorted(times) and times[-1] == pytest.approx(4.4)
    assert verdict.label in ("likely fake", "likely real")
    plot = plot_verdict(verdict, tmp_path / "plot.png")
    assert cv2.imread(str(plot)) is not None


def test_detect_run_command_prints_a_table_json_and_a_plot(tmp_path, capsys):
    original = original_or_skip()
    folder = original / "test_images" / "df"
    model = str(original / "weights" / "Meso4_DF.h5")
    assert main(["detect", "run", str(folder), "--model", model, "--plot", str(tmp_path / "scores.png")]) == 0
    out = capsys.readouterr().out
    assert "df00204.jpg" in out and "likely fake" in out and (tmp_path / "scores.png").exists()
    assert main(["detect", "run", str(original / "test_images" / "real"), "--model", model, "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["label"] == "likely real" and verdict["share_fake"] == 0 and len(verdict["scores"]) == 2


def test_authors_test_faces_through_the_lab_pipeline(tmp_path):
    original = original_or_skip()
    model = load_detector(original / "weights" / "Meso4_DF.h5")
    assert detect_path(original / "test_images" / "df", model).label == "likely fake"
    assert detect_path(original / "test_images" / "real", model).label == "likely real"
