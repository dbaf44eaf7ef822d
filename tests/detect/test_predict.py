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


def test_the_fast_copy_is_made_once_and_remade_only_when_the_weights_change():
    from deepfake_edu.detect.predict import inference_module

    model = randomized("meso4")
    first = inference_module(model)
    assert inference_module(model) is first  # built (and timed) once, not on every call
    with torch.no_grad():
        model.head.dense2.bias.add_(1.0)
    second = inference_module(model)
    assert second is not first and inference_module(model) is second
    model.load_state_dict(randomized("meso4").state_dict())
    assert inference_module(model) is not second


def test_verdict_uses_the_authors_share_of_frames_rule():
    verdict = summarize("clip.mp4", "video", [Score("frame 0", 0.9), Score("frame 1", 0.7), Score("frame 2", 0.2), Score("frame 3", None)])
    assert verdict.faces_found == 3 and verdict.share_fake == pytest.approx(2 / 3)
    assert verdict.mean_p_fake == pytest.approx(0.6) and verdict.label == "likely fake"
    assert summarize("x", "folder", [Score("a", None)]).label == "no face found"
    assert sample_frame_indices(300) == [round(i * 299 / 29) for i in range(30)]
    assert sample_frame_indices(5) == [0, 1, 2, 3, 4]


def _twins(count: int, size: int = 256, identity: int = 0) -> list[np.ndarray]:
    """Rendered heads of one synthetic twin (square; the face cascade misses many of them, so
    they are scored as face crops as they are)."""
    from deepfake_edu.data import twins

    frames, _ = twins.render_video(twins.make_identity(identity), count, size=size)
    return list(frames)


def test_detect_path_scores_a_folder_and_refuses_bad_images(tmp_path):
    model = randomized("meso4")
    rng = np.random.default_rng(2)
    faces = _twins(3)
    for (name, side), face in zip((("a.png", 200), ("b.png", 256), ("c.jpg", 300)), faces):
        write_image(tmp_path / name, cv2.resize(face, (side, side), interpolation=cv2.INTER_AREA))
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


def _brick_wall(side: int = 256, seed: int = 0) -> np.ndarray:
    """Rows of bricks with mortar between them and a little noise: a wall, the same all over."""
    rng = np.random.default_rng(seed)
    wall = np.empty((side, side, 3), np.float32)
    wall[:] = (150, 70, 50)
    for row, top in enumerate(range(0, side, 16)):
        wall[top:top + 2] = 200  # mortar between rows
        for left in range(8 * (row % 2), side, 32):
            wall[top:top + 16, left:left + 2] = 200  # and between bricks
    return np.clip(wall + rng.normal(0, 12, wall.shape), 0, 255).astype(np.uint8)


def _glow(side: int = 256) -> np.ndarray:
    """A light patch fading into a slightly darker one: smooth, but nearly one colour."""
    y, x = np.mgrid[:side, :side] / side
    return (125 + 15 * np.exp(-((x - 0.5) ** 2 + (y - 0.5) ** 2) * 8))[..., None].repeat(3, 2).astype(np.uint8)


def _no_face_pictures() -> dict[str, tuple[np.ndarray, str]]:
    rng = np.random.default_rng(7)
    return {
        "1x1": (np.zeros((1, 1, 3), np.uint8), "only 1x1 pixels"),
        "1x1 white": (np.full((1, 1, 3), 255, np.uint8), "only 1x1 pixels"),
        "2x2": (rng.integers(0, 256, (2, 2, 3), dtype=np.uint8), "only 2x2 pixels"),
        "tiny 16": (rng.integers(0, 256, (16, 16, 3), dtype=np.uint8), "only 16x16 pixels"),
        "tiny 31 (a twin)": (cv2.resize(_twins(1)[0], (31, 31), interpolation=cv2.INTER_AREA), "only 31x31 pixels"),
        "a line": (np.full((1, 500, 3), 128, np.uint8), "only 500x1 pixels"),
        "flat grey": (np.full((256, 256, 3), 128, np.uint8), "one flat colour"),
        "flat grey 200": (np.full((200, 200, 3), 120, np.uint8), "one flat colour"),
        "flat black": (np.zeros((300, 300, 3), np.uint8), "one flat colour"),
        "flat skin tone": (np.full((256, 256, 3), (200, 160, 130), np.uint8), "one flat colour"),
        "painted wall": (np.clip(180 + rng.normal(0, 4, (256, 256, 1)).repeat(3, 2), 0, 255).astype(np.uint8), "like a wall"),
        "faint glow": (_glow(), "almost one flat colour"),
        "noise 256": (rng.integers(0, 256, (256, 256, 3), dtype=np.uint8), "the same all over"),
        "noise 64": (rng.integers(0, 256, (64, 64, 3), dtype=np.uint8), "the same all over"),
        "noise 700": (rng.integers(0, 256, (700, 700, 3), dtype=np.uint8), "the same all over"),
        "grey noise": (rng.integers(0, 256, (256, 256, 1), dtype=np.uint8).repeat(3, 2), "the same all over"),
        "brick wall": (_brick_wall(), "the same all over"),
        "brick wall 512": (_brick_wall(512, seed=1), "the same all over"),
        "landscape gradient": (np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (200, 1))[..., None].repeat(3, 2), "no face found"),
        "wide noise": (rng.integers(0, 256, (100, 300, 3), dtype=np.uint8), "no face found"),
    }


NO_FACE = _no_face_pictures()


@pytest.mark.parametrize("name", sorted(NO_FACE))
def test_a_picture_with_no_face_gets_no_verdict(tmp_path, name):
    picture, reason = NO_FACE[name]
    path = write_image(tmp_path / "picture.png", picture)
    with pytest.raises(LabError) as caught:
        detect_path(path, randomized("meso4"))
    message = str(caught.value)
    assert message.startswith(f"no face found in {path}") and reason in message and "\n" not in message, message
    assert "use a photo with a clear, frontal face" in message


@pytest.fixture(scope="module")
def detector_file(tmp_path_factory) -> str:
    """An untrained Meso-4 saved as a lab checkpoint (the command's refusals are under test)."""
    from deepfake_edu.detect.keras_import import model_tensors
    from deepfake_edu.detect.mesonet import config_dict
    from deepfake_edu.training.checkpoint import save_model_file

    model = randomized("meso4")
    return str(save_model_file(tmp_path_factory.mktemp("detector") / "m", model_tensors(model),
                               {"model": "meso4", "config": config_dict(model)}))


@pytest.mark.parametrize("name", ["1x1", "tiny 16", "flat grey", "noise 256", "brick wall", "landscape gradient"])
def test_detect_run_refuses_a_picture_with_no_face(tmp_path, capsys, detector_file, name):
    path = write_image(tmp_path / "picture.jpg", NO_FACE[name][0])
    assert main(["detect", "run", str(path), "--model", detector_file]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(f"error: no face found in {path}") and captured.err.count("\n") == 1


def test_detect_run_refuses_a_folder_or_a_video_with_no_face_anywhere(tmp_path, capsys, detector_file):
    folder = tmp_path / "walls"
    for name in ("1x1", "flat grey", "noise 64", "brick wall"):
        write_image(folder / f"{name.replace(' ', '-')}.png", NO_FACE[name][0])
    assert main(["detect", "run", str(folder), "--model", detector_file]) == 2
    assert capsys.readouterr().err.startswith(f"error: no face found in {folder}: none of its 4 images")
    rng = np.random.default_rng(4)
    static = tmp_path / "static.mp4"
    _write_video(static, [rng.integers(0, 256, (96, 96, 3), dtype=np.uint8) for _ in range(12)])
    assert main(["detect", "run", str(static), "--model", detector_file, "--frames", "5"]) == 2
    assert capsys.readouterr().err.startswith(f"error: no face found in {static}: none of its 5 sampled frames")
    faces = tmp_path / "faces"
    write_image(faces / "twin.png", _twins(1)[0])
    write_image(faces / "wall.png", NO_FACE["brick wall"][0])
    assert main(["detect", "run", str(faces), "--model", detector_file]) == 0  # one face is enough to judge
    out = capsys.readouterr().out
    assert "wall.png" in out and "no face" in out and "1 faces scored" in out


def _write_video(path, frames: list[np.ndarray], fps: float = 10.0):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, frames[0].shape[1::-1])
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()


def test_detect_path_samples_about_30_frames_of_a_video(tmp_path):
    model = randomized("meso4")
    video = tmp_path / "clip.mp4"
    _write_video(video, [cv2.resize(face, (96, 96), interpolation=cv2.INTER_AREA) for face in _twins(45, 128)])
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
