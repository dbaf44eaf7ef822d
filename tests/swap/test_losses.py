import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity

from deepfake_edu.swap.losses import psnr, reconstruction_loss, ssim
from tests.swap.conftest import blob_faces


def _as_tensor(images):
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255


def test_ssim_is_one_for_identical_images_and_drops_with_noise():
    faces = _as_tensor(blob_faces(0, 3))
    assert float(ssim(faces, faces)) == pytest.approx(1.0, abs=1e-5)
    generator = torch.Generator().manual_seed(0)
    slightly = (faces + 0.05 * torch.randn(faces.shape, generator=generator)).clamp(0, 1)
    very = (faces + 0.3 * torch.randn(faces.shape, generator=generator)).clamp(0, 1)
    assert 1.0 > float(ssim(faces, slightly)) > float(ssim(faces, very))


@pytest.mark.parametrize("noise", [0.02, 0.1, 0.3])
def test_ssim_matches_scikit_image(noise):
    rng = np.random.default_rng(1)
    clean = blob_faces(1, 2).astype(np.float64) / 255
    noisy = np.clip(clean + rng.normal(0, noise, clean.shape), 0, 1)
    ours = ssim(_as_tensor((clean * 255).round().astype(np.uint8)), _as_tensor((noisy * 255).round().astype(np.uint8)), reduction="none")
    for i in range(2):
        reference = structural_similarity(
            (clean[i] * 255).round() / 255, (noisy[i] * 255).round() / 255,
            gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.0, channel_axis=-1,
        )
        assert float(ours[i]) == pytest.approx(reference, abs=2e-4)


def test_psnr_of_known_error():
    x = torch.zeros(1, 3, 16, 16)
    assert float(psnr(x, x + 0.1)) == pytest.approx(20.0, abs=1e-3)


def test_loss_is_differentiable_and_weights_matter():
    target = _as_tensor(blob_faces(0, 2))
    rebuilt = torch.full_like(target, 0.5, requires_grad=True)
    loss, parts = reconstruction_loss(rebuilt, target)
    loss.backward()
    assert rebuilt.grad.abs().sum() > 0 and set(parts) == {"pixel", "ssim"}
    weights = torch.ones(2, 1, 64, 64)
    weights[..., :32, :] = 5.0
    weighted, _ = reconstruction_loss(rebuilt.detach(), target, weights)
    assert float(weighted) != pytest.approx(float(loss.detach()))


def test_ssim_keeps_float32_precision_under_bf16_autocast():
    faces = _as_tensor(blob_faces(0, 2))
    noisy = (faces + 0.02 * torch.randn(faces.shape, generator=torch.Generator().manual_seed(1))).clamp(0, 1)
    plain = float(ssim(faces, noisy))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        mixed = float(ssim(faces, noisy))
    assert mixed == pytest.approx(plain, abs=1e-4)
