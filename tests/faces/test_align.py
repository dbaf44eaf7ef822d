import numpy as np
import pytest

from deepfake_edu.faces.align import CROPS, MEAN_FACE_68, align_face, apply_affine, paste_back, umeyama
from deepfake_edu.faces.backends.base import Face


def test_umeyama_recovers_a_known_similarity_from_noisy_points():
    rng = np.random.default_rng(0)
    source = rng.uniform(0, 200, size=(68, 2))
    angle, scale, shift = np.deg2rad(17.0), 0.63, np.array([12.0, -40.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    target = source @ (scale * rotation).T + shift + rng.normal(0, 0.2, size=source.shape)
    matrix = umeyama(source, target)
    assert np.allclose(matrix[:, :2], scale * rotation, atol=2e-3)
    assert np.allclose(matrix[:, 2], shift, atol=0.2)


def test_umeyama_never_returns_a_mirror_image():
    source = MEAN_FACE_68
    mirrored = source * np.array([-1.0, 1.0])  # a left-right flip has no rotation that fits it
    matrix = umeyama(source, mirrored)
    assert np.linalg.det(matrix[:, :2]) > 0


def test_mean_face_eye_centres_sit_where_both_backends_aim():
    assert np.allclose(MEAN_FACE_68[36:42].mean(axis=0), [-0.5, 0.0])
    assert np.allclose(MEAN_FACE_68[42:48].mean(axis=0), [0.5, 0.0])


def _tilted_face(angle_degrees: float) -> Face:
    centre, half_gap = np.array([300.0, 200.0]), 40.0
    angle = np.deg2rad(angle_degrees)
    offset = half_gap * np.array([np.cos(angle), np.sin(angle)])
    return Face(box=(230, 140, 140, 140), left_eye=tuple(centre - offset), right_eye=tuple(centre + offset), eyes="cascade", backend="test")


@pytest.mark.parametrize("kind", ["swap", "mesonet"])
def test_tilted_eyes_come_out_level_at_the_crop_targets(astronaut, kind):
    face = _tilted_face(20.0)
    crop = align_face(astronaut, face, kind)
    spec = CROPS[kind]
    assert crop.image.shape == (spec.default_size, spec.default_size, 3)
    assert np.allclose(crop.eye_positions(), spec.eye_targets(crop.size), atol=1e-6)


def test_landmarks_are_used_when_a_backend_gives_68_of_them(astronaut):
    matrix = np.array([[1.7, -0.4, 250.0], [0.4, 1.7, 180.0]])  # a known pose of the mean face in the frame
    landmarks = apply_affine(matrix, MEAN_FACE_68 * 40)
    face = Face(box=(0, 0, 1, 1), left_eye=(0, 0), right_eye=(1, 0), eyes="landmarks", backend="test", landmarks=landmarks)
    crop = align_face(astronaut, face, "swap", 128)
    in_crop = apply_affine(crop.transform, landmarks)
    eyes = np.array([in_crop[36:42].mean(axis=0), in_crop[42:48].mean(axis=0)])
    assert np.allclose(eyes, CROPS["swap"].eye_targets(128), atol=1e-6)


def test_pasting_a_crop_back_unchanged_restores_the_frame(astronaut, backend):
    face = backend.detect(astronaut)[0]
    crop = align_face(astronaut, face, "swap", 256)
    restored = paste_back(astronaut, crop.image, crop.transform, crop.mask())
    mask_in_frame = paste_back(np.zeros_like(astronaut), np.full_like(crop.image, 255), crop.transform, crop.mask())[..., 0] > 250
    assert mask_in_frame.sum() > 0.5 * face.area  # the mask covers the face
    difference = np.abs(restored.astype(int) - astronaut.astype(int))
    assert difference[mask_in_frame].mean() < 4  # resampling twice, nothing more
    assert difference[~mask_in_frame].max() <= 2 or difference[~mask_in_frame].mean() < 0.5


def test_a_swapped_face_lands_on_the_face_and_nowhere_else(astronaut, backend):
    face = backend.detect(astronaut)[0]
    crop = align_face(astronaut, face, "swap", 128)
    red = np.zeros_like(crop.image)
    red[..., 0] = 255
    pasted = paste_back(astronaut, red, crop.transform, crop.mask())
    changed = np.abs(pasted.astype(int) - astronaut.astype(int)).sum(axis=2) > 30
    ys, xs = np.nonzero(changed)
    x, y, w, h = face.box
    assert x - 0.3 * w < xs.mean() < x + 1.3 * w and y - 0.3 * h < ys.mean() < y + 1.3 * h
    assert xs.min() > x - 0.5 * w and xs.max() < x + 1.5 * w  # nothing far from the face changed
    assert ys.min() > y - 0.5 * h and ys.max() < y + 1.5 * h


def test_crop_sizes_outside_the_allowed_range_are_refused(astronaut):
    from deepfake_edu.errors import LabError

    with pytest.raises(LabError, match="64-256"):
        align_face(astronaut, _tilted_face(0), "swap", 32)
