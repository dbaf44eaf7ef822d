"""Fakes made for people: a twins photo or clip, labelled, marked, in the ledger, with its true answer."""

from __future__ import annotations

import pytest

from deepfake_edu.errors import LabError


@pytest.fixture(scope="module")
def run(tiny_swap_run):
    """(model, info, its training faces) of the tiny twins run, as the demo holds them."""
    from deepfake_edu.swap.fakes import training_faces
    from deepfake_edu.swap.train import load_swap_model

    model, info = load_swap_model(tiny_swap_run)
    return model, info, training_faces(model, info, limit=4)


def test_directions_name_both_ways_and_refuse_anything_else(run):
    from deepfake_edu.swap.fakes import directions, parse_direction

    _, info, _ = run
    assert directions(info) == ["twin-00 -> twin-01", "twin-01 -> twin-00"]
    assert parse_direction(info, "twin-01 -> twin-00") == (1, 0)
    for wrong in ("twin-00 -> twin-00", "twin-00", "twin-00 -> nobody -> twin-01", "/etc/passwd"):
        with pytest.raises(LabError, match="unknown direction"):
            parse_direction(info, wrong)


def test_a_fake_photo_is_marked_recorded_and_scored_against_its_true_answer(run, tmp_path):
    from deepfake_edu.data.forget import read_ledger
    from deepfake_edu.provenance.check import check_file
    from deepfake_edu.swap.fakes import FAKE_SIDE, make_fake_photo

    model, info, faces = run
    photo = make_fake_photo(model, info, faces, "twin-00 -> twin-01", 2, tmp_path / "fake.png", {"tool": "test"})
    size = model.config.input_size
    assert photo.path == tmp_path / "fake.png" and photo.names == ("twin-00", "twin-01")
    assert photo.source.shape == photo.truth.shape == (size, size, 3) and photo.fake.shape == (FAKE_SIDE, FAKE_SIDE, 3)
    report = check_file(photo.path)
    assert report.label_found and report.mark_found
    entries = [entry for entry in read_ledger() if entry.get("path") == str(photo.path.resolve())]
    assert entries and entries[0]["datasets"] == sorted(info["datasets"])
    assert -1 <= photo.ssim <= 1 and "SSIM against the true answer" in photo.summary()
    assert photo.identity is None and photo.identity_note is None and "Whose face" not in photo.summary()  # twins: the truth says it
    with pytest.raises(LabError, match="face 4 does not exist: choose 0 to 3"):
        make_fake_photo(model, info, faces, "twin-00 -> twin-01", 4, tmp_path / "none.png")
    assert not (tmp_path / "none.png").exists()


def test_a_fake_in_its_picture_keeps_the_hair_and_background_and_is_marked(run, tmp_path):
    import numpy as np

    from deepfake_edu.data.forget import read_ledger
    from deepfake_edu.provenance.check import check_file
    from deepfake_edu.swap.fakes import FAKE_SIDE, make_fake_in_frame

    model, info, faces = run
    made = make_fake_in_frame(model, info, faces, "twin-00 -> twin-01", 1, tmp_path / "face.png", tmp_path / "fake.png", {"tool": "test"})
    assert made.photo.path == tmp_path / "face.png" and made.path == tmp_path / "fake.png"
    assert made.source.shape == made.fake.shape == (FAKE_SIDE, FAKE_SIDE, 3)
    changed = np.abs(made.fake.astype(int) - made.source).sum(-1) > 40
    corners = np.zeros_like(changed)
    corners[:32, :32] = corners[:32, -32:] = True  # background and hair at the top of the picture: A's own
    assert changed[96:192, 80:176].mean() > 0.2 and changed[corners].mean() < 0.05
    for path in (made.photo.path, made.path):
        assert check_file(path).label_found and check_file(path).mark_found
        assert any(entry.get("path") == str(path.resolve()) for entry in read_ledger())
    assert made.ssim == made.photo.ssim and "pasted into twin-00's picture" in made.summary()


def test_a_fake_clip_is_marked_in_every_frame_with_a_preview(run, tmp_path):
    from deepfake_edu.data.forget import read_ledger
    from deepfake_edu.data.video import VideoReader
    from deepfake_edu.provenance.check import check_file
    from deepfake_edu.swap.fakes import make_fake_clip

    model, info, faces = run
    clip = make_fake_clip(model, info, faces, "twin-01 -> twin-00", tmp_path / "clip.mp4", frames=4, seed=3)
    assert clip.frames == 4 and clip.video.is_file() and clip.preview == tmp_path / "clip.gif" and clip.preview.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.gif", "clip.mp4"]  # the rendered source is gone
    assert len(list(VideoReader(clip.video))) == 4 and check_file(clip.video).mark_found
    recorded = {entry.get("path") for entry in read_ledger()}
    assert {str(clip.video.resolve()), str(clip.preview.resolve())} <= recorded
    assert "4 frames of twin-01 as twin-00" in clip.summary()
    with pytest.raises(LabError, match="synthetic twins only"):
        make_fake_clip(model, {**info, "face_kind": "faces"}, faces, "twin-01 -> twin-00", tmp_path / "real.mp4", frames=2)


def test_a_run_that_does_not_name_its_faces_is_refused(run):
    from deepfake_edu.swap.fakes import training_faces

    model, info, _ = run
    with pytest.raises(LabError, match="runs/old does not say which faces it learned from"):
        training_faces(model, {**info, "train_options": {}}, name="runs/old")
