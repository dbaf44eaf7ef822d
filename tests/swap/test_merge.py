import cv2
import numpy as np
import pytest

from deepfake_edu.swap.merge import (
    OVERSHOOT,
    Grain,
    estimate_grain,
    frame_seed,
    laplacian_variance,
    make_grain,
    matching_amount,
    restore_detail,
    robust_std,
    unsharp,
)


def _smooth_picture(size=128, seed=0):
    """A picture with slopes, soft blobs and one hard edge, but no fine grain of its own."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    blobs = cv2.GaussianBlur(np.random.default_rng(seed).uniform(0, 255, (size, size, 3)).astype(np.float32), (0, 0), 8)
    picture = 0.4 * np.dstack([x, y, (x + y) / 2]) + blobs
    picture[:, size // 2 : size // 2 + 2] = 240  # a bright line: an edge the estimate must ignore
    return picture


def _with_noise(picture, std, seed=1):
    noisy = picture + np.random.default_rng(seed).normal(0, std, picture.shape)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def _fine_residual_std(image, region):
    from deepfake_edu.swap.merge import _FINE

    grey = image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return robust_std(cv2.filter2D(grey, -1, _FINE)[region])


def test_robust_std_ignores_a_minority_of_outliers():
    values = np.random.default_rng(0).normal(0, 2.0, 20_000)
    values[:2_000] = 300  # 10% wild values: edges in a residual
    assert robust_std(values) == pytest.approx(2.0, rel=0.05)
    assert robust_std(np.zeros(100)) == 0


@pytest.mark.parametrize("std", [1.5, 4.0])
def test_estimated_grain_is_the_added_noise(std):
    grain = estimate_grain(_with_noise(_smooth_picture(), std))
    assert np.allclose(grain.std, std, rtol=0.12)
    assert grain.white_share > 0.9  # white noise is read as white
    correlation = grain.covariance[0, 1] / (grain.std[0] * grain.std[1])
    assert abs(correlation) < 0.1  # independent channels


def test_noise_enlarged_2x_is_read_as_smoothed_grain():
    picture = _smooth_picture(128)
    small = cv2.resize(_with_noise(cv2.resize(picture, (64, 64), interpolation=cv2.INTER_AREA), 4.0), (128, 128), interpolation=cv2.INTER_CUBIC)
    noise = small.astype(np.float32) - cv2.resize(cv2.resize(picture, (64, 64), interpolation=cv2.INTER_AREA), (128, 128), interpolation=cv2.INTER_CUBIC)
    grain = estimate_grain(small)
    assert grain.white_share < 0.3
    assert np.allclose(grain.std, noise.reshape(-1, 3).std(axis=0), rtol=0.25)
    assert estimate_grain(small, spectrum=False).white_share == 1


def test_made_grain_has_the_asked_covariance_and_spectrum_and_is_seeded():
    covariance = np.array([[9.0, 6.0, 0.0], [6.0, 16.0, 0.0], [0.0, 0.0, 4.0]])
    for white, smooth in ((covariance, np.zeros((3, 3))), (np.zeros((3, 3)), covariance)):
        made = make_grain((256, 256), Grain(white, smooth), np.random.default_rng(3))
        assert np.allclose(np.cov(made.reshape(-1, 3).T), covariance, atol=1.0)
        read = estimate_grain(np.clip(np.rint(made + 128), 0, 255).astype(np.uint8))  # and it reads back as made
        assert np.allclose(read.std, np.sqrt(np.diag(covariance)), rtol=0.1)
        if smooth.any():
            assert read.white_share < 0.15
        else:
            assert read.white_share > 0.85
    again = make_grain((256, 256), Grain(white, smooth), np.random.default_rng(3))
    assert np.array_equal(made, again)


def _paste_setup(std=3.0, size=128):
    clean = np.clip(np.rint(_smooth_picture(size)), 0, 255).astype(np.uint8)
    frame = _with_noise(_smooth_picture(size), std)
    alpha = np.zeros((size, size), np.float32)
    cv2.ellipse(alpha, (size // 2, size // 2), (size // 3, size // 3 + 8), 0, 0, 360, 1.0, -1)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 3)
    pasted = np.clip(np.rint(frame * (1 - alpha[..., None]) + clean * alpha[..., None]), 0, 255).astype(np.uint8)
    return frame, pasted, alpha


def test_matched_grain_gives_the_pasted_face_the_frames_residual():
    frame, pasted, alpha = _paste_setup()
    inside = alpha > 0.95
    before = _fine_residual_std(pasted, inside)
    target = _fine_residual_std(frame, inside)
    restored, done = restore_detail(pasted, frame, alpha, scale=2.0, grain=1.0, sharpen=0.0, rng=np.random.default_rng(0))
    assert before < 0.5 * target  # the pasted face had lost its grain
    assert _fine_residual_std(restored, inside) == pytest.approx(target, rel=0.12)
    assert np.allclose(done.frame_grain, 3.0, rtol=0.15) and done.amount == 0
    assert np.array_equal(restored[alpha == 0], pasted[alpha == 0])  # nothing outside the face changes
    seam = (alpha > 0.3) & (alpha < 0.7)  # the feathered edge gets grain too, as much as it lacks
    assert _fine_residual_std(restored, seam) == pytest.approx(target, rel=0.2)


def test_grain_is_the_same_for_the_same_frame_and_new_for_another():
    frame, pasted, alpha = _paste_setup()
    first, _ = restore_detail(pasted, frame, alpha, 2.0, 1.0, 0.0, np.random.default_rng(frame_seed(frame)))
    again, _ = restore_detail(pasted, frame, alpha, 2.0, 1.0, 0.0, np.random.default_rng(frame_seed(frame)))
    other_frame = frame.copy()
    other_frame[0, 0] ^= 1
    other, _ = restore_detail(pasted, other_frame, alpha, 2.0, 1.0, 0.0, np.random.default_rng(frame_seed(other_frame)))
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_nothing_to_restore_leaves_the_paste_as_it_was():
    frame, pasted, alpha = _paste_setup()
    out, done = restore_detail(pasted, frame, alpha, 2.0, grain=0.0, sharpen=0.0)
    assert out is pasted and done.amount == 0 and not done.added_grain.any()


def _blurred_step(low=50.0, high=200.0, size=64):
    step = np.full((size, size, 3), low, np.float32)
    step[:, size // 2 :] = high
    return cv2.GaussianBlur(step, (0, 0), 2.0)


@pytest.mark.parametrize("amount", [0.5, 2.0, 8.0])
def test_sharpening_a_step_never_overshoots_more_than_the_bound(amount):
    step = _blurred_step()
    sharp = unsharp(step, amount, radius=1.5)
    assert sharp.max() <= 200 + OVERSHOOT + 1e-3 and sharp.min() >= 50 - OVERSHOOT - 1e-3
    assert np.abs(np.diff(sharp[32], axis=0)).max() > 1.05 * np.abs(np.diff(step[32], axis=0)).max()  # and it is sharper


def test_sharpening_amount_is_bounded_and_only_what_is_needed():
    step = _blurred_step()
    region = np.ones(step.shape[:2], bool)
    now = laplacian_variance(step, region)
    assert matching_amount(step, region, 1.5, target=0.5 * now, limit=3.0) == 0
    assert matching_amount(step, region, 1.5, target=1e9, limit=3.0) == 3.0
    amount = matching_amount(step, region, 1.5, target=2 * now, limit=100.0)
    assert 0 < amount < 100
    blurred = cv2.GaussianBlur(step, (0, 0), 1.5)
    boosted = step + amount * (step - blurred)
    assert laplacian_variance(boosted, region) == pytest.approx(2 * now, rel=0.02)


def test_restored_detail_moves_toward_the_original():
    frame, pasted, alpha = _paste_setup()
    blurred = cv2.GaussianBlur(pasted, (0, 0), 1.5)
    pasted = np.where(alpha[..., None] > 0, blurred, pasted).astype(np.uint8)
    inside = alpha > 0.95
    restored, done = restore_detail(pasted, frame, alpha, 2.0, grain=1.0, sharpen=2.0, rng=np.random.default_rng(0))
    assert done.amount > 0
    original = laplacian_variance(frame, inside)
    assert laplacian_variance(pasted, inside) < laplacian_variance(restored, inside) <= 1.3 * original
