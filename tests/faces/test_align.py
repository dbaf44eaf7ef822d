import cv2
import numpy as np
import pytest

from deepfake_edu.faces.align import CROPS, MEAN_FACE_68, align_by_eyes, align_face, apply_affine, fit_similarity, paste_back, twins_transform, warp_crop
from deepfake_edu.faces.backends.base import Face


def test_fit_similarity_recovers_a_known_similarity_from_noisy_points():
    rng = np.random.default_rng(0)
    source = rng.uniform(0, 200, size=(68, 2))
    angle, scale, shift = np.deg2rad(17.0), 0.63, np.array([12.0, -40.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    target = source @ (scale * rotation).T + shift + rng.normal(0, 0.2, size=source.shape)
    matrix = fit_similarity(source, target)
    assert np.allclose(matrix[:, :2], scale * rotation, atol=2e-3)
    assert np.allclose(matrix[:, 2], shift, atol=0.2)


def test_fit_similarity_ignores_a_few_landmarks_on_the_wrong_feature():
    rng = np.random.default_rng(1)
    truth = np.array([[0.8, -0.3, 40.0], [0.3, 0.8, -12.0]])
    source = MEAN_FACE_68 * 60 + 100
    target = apply_affine(truth, source)
    target[[5, 17, 40, 55, 63]] += rng.uniform(-30, 30, (5, 2))  # five landmarks far off (eye gap: 60 px)
    matrix = fit_similarity(source, target)
    assert np.abs(apply_affine(matrix, source[[39, 42]]) - apply_affine(truth, source[[39, 42]])).max() < 0.5
    assert np.array_equal(matrix, fit_similarity(source, target))  # the same fit every time


def test_fit_similarity_never_returns_a_mirror_image():
    source = MEAN_FACE_68
    mirrored = source * np.array([-1.0, 1.0])  # a left-right flip has no rotation that fits it
    matrix = fit_similarity(source, mirrored)
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


def test_paste_back_inverts_the_alignment():
    frame = np.random.default_rng(0).integers(0, 255, (100, 140, 3), dtype=np.uint8)
    frame = cv2.GaussianBlur(frame, (0, 0), 3)
    crop, transform = align_by_eyes(frame, (50, 40), (80, 45), 64)
    back = paste_back(np.zeros_like(frame), crop, transform, np.ones((64, 64), np.float32))
    inside = back.sum(axis=2) > 0
    assert inside.sum() > 1000
    assert np.abs(back[inside].astype(int) - frame[inside]).mean() < 6


def test_a_shrinking_crop_averages_pixels_and_lands_where_the_transform_says():
    transform = twins_transform(256, 64)  # a 256 px twins picture to its 64 px swap crop
    stripes = np.zeros((256, 256, 3), np.uint8)
    stripes[:, ::2] = 255  # 1-pixel stripes: a bare bilinear warp would alias them
    assert warp_crop(stripes, transform, 64).std() < 12
    y, x = np.mgrid[0:256, 0:256]
    ramp = np.dstack([x, y, (x + y) // 2]).astype(np.uint8)  # smooth: every way of warping agrees
    direct = cv2.warpAffine(ramp, transform, (64, 64), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    assert np.abs(warp_crop(ramp, transform, 64).astype(int) - direct)[4:-4, 4:-4].max() <= 2


def test_paste_back_blends_by_poisson_cloning_or_refuses_an_unknown_blend():
    from deepfake_edu.errors import LabError

    frame = cv2.GaussianBlur(np.random.default_rng(1).integers(0, 255, (120, 160, 3), dtype=np.uint8), (0, 0), 2)
    crop, transform = align_by_eyes(frame, (60, 50), (100, 50), 64)
    mask = np.zeros((64, 64), np.float32)
    mask[16:48, 16:48] = 1
    red = np.zeros_like(crop)
    red[..., 0] = 255
    feathered = paste_back(frame, red, transform, mask)
    assert feathered[45:55, 75:85, 0].min() == 255  # alpha blending copies the crop's colours
    cloned = paste_back(frame, red, transform, mask, blend="seamless")
    assert cloned.shape == frame.shape and np.array_equal(cloned[:5, :5], frame[:5, :5])  # far from the face: untouched
    # Poisson cloning copies the crop's gradients, not its colours: a flat crop leaves a smooth
    # patch that joins the frame at its edge.
    assert cloned[45:55, 75:85].std(axis=(0, 1)).mean() < 0.5 * frame[45:55, 75:85].std(axis=(0, 1)).mean()
    with pytest.raises(LabError, match="unknown blend"):
        paste_back(frame, red, transform, mask, blend="smudge")


def test_frame_alpha_is_what_paste_back_blends_with_and_paste_scale_its_stretch():
    from deepfake_edu.faces.align import frame_alpha, paste_scale

    transform = twins_transform(256, 64)
    mask = np.zeros((64, 64), np.float32)
    mask[10:54, 12:52] = 1
    mask = cv2.GaussianBlur(mask, (0, 0), 2)
    white = paste_back(np.zeros((256, 256, 3), np.uint8), np.full((64, 64, 3), 255, np.uint8), transform, mask)
    alpha = frame_alpha(mask, transform, (256, 256, 3))
    assert alpha.shape == (256, 256) and np.abs(white[..., 0] / 255 - alpha).max() < 0.01
    assert paste_scale(transform) == pytest.approx(256 * 0.30 / (64 * 0.42), rel=1e-6)  # eye gaps: 30% of the frame, 42% of the crop
