"""Judging a photo (every face, its score and heatmap) or a video (sampled frames and their curve)."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.errors import LabError


@pytest.fixture(scope="module")
def meso4():
    """An untrained Meso-4: the judging is under test, not the detector's skill."""
    import torch

    from deepfake_edu.registry import create_model

    torch.manual_seed(0)
    return create_model("meso4").eval()


def test_every_face_of_a_photo_gets_a_score_and_a_heatmap(meso4):
    from skimage import data

    from deepfake_edu.forensics.judge import judge_photo

    judged = judge_photo(meso4, data.astronaut())
    assert judged.kind == "image" and len(judged.faces) == len(judged.scores) >= 1
    face = judged.faces[0]
    assert face.picture.shape == (256, 256, 3) and face.picture.dtype == np.uint8
    assert all(0 <= p <= 1 for p in judged.scores) and face.p_fake == judged.scores[0]
    assert face.caption(1).startswith(f"face 1: P(fake) = {face.p_fake:.2f} (")
    summary = judged.summary("my detector")
    assert "scored by my detector" in summary and "Grad-CAM" in summary and "not a proof" in summary
    assert not any(module._forward_hooks for module in meso4.modules())  # Grad-CAM left no hook behind


def test_a_square_crop_is_a_face_already_and_a_faceless_photo_is_refused():
    import cv2

    from deepfake_edu.data import twins
    from deepfake_edu.forensics.judge import face_crops

    frames, _ = twins.render_video(twins.make_identity(0), 1, size=256)
    crop = cv2.resize(frames[0], (200, 200), interpolation=cv2.INTER_AREA)
    crops = face_crops(crop)
    assert len(crops) == 1 and crops[0].shape == (256, 256, 3)
    landscape = np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (200, 1))[..., None].repeat(3, 2)
    with pytest.raises(LabError, match="no face found"):
        face_crops(landscape)
    rng = np.random.default_rng(0)
    for square, reason in ((np.full((200, 200, 3), 120, np.uint8), "one flat colour"), (np.zeros((1, 1, 3), np.uint8), "only 1x1 pixels"),
                           (rng.integers(0, 256, (200, 200, 3), dtype=np.uint8), "the same all over")):
        with pytest.raises(LabError, match=f"no face found: the picture .*{reason}"):
            face_crops(square)


def test_a_video_gets_its_frames_scored_and_its_curve(meso4, tmp_path):
    from deepfake_edu.data import twins
    from deepfake_edu.forensics.judge import judge_video

    frames, _ = twins.render_video(twins.make_identity(0), 6, size=256)
    video = twins.write_video(tmp_path / "clip.avi", frames)
    judged = judge_video(meso4, video, tmp_path / "curve.png")
    assert judged.kind == "video" and len(judged.scores) == 6 and judged.curve.is_file()
    assert "6 sampled frames" in judged.summary("my detector") and judged.verdict.faces_found == 6
