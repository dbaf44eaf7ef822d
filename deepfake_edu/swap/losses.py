"""How far a rebuilt face is from its target: L1 or MSE plus SSIM, with extra weight on eyes and mouth.

SSIM (structural similarity, Wang et al. 2004) compares local means, contrasts and correlations
in an 11x11 Gaussian window (sigma 1.5), per colour channel; 1 means identical. It is written
here in torch so that training can minimise ``1 - SSIM`` and the metrics can report it. The
settings match scikit-image's ``structural_similarity(..., gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=1)``: the border where the window does not fit is left
out of the mean.
"""

from __future__ import annotations

from functools import lru_cache

import torch
import torch.nn.functional as F

SSIM_K1 = 0.01
SSIM_K2 = 0.03


@lru_cache(maxsize=8)
def _gaussian_window_cpu(size: int, sigma: float) -> torch.Tensor:
    coords = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    g = torch.exp(-(coords**2) / (2 * sigma**2))
    return (g / g.sum()).float()


def _blur(images: torch.Tensor, size: int, sigma: float) -> torch.Tensor:
    """Separable Gaussian 'valid' filter per channel: (B, C, H, W) -> (B, C, H-size+1, W-size+1)."""
    channels = images.shape[1]
    g = _gaussian_window_cpu(size, sigma).to(images.device, images.dtype)
    horizontal = g.view(1, 1, 1, size).expand(channels, 1, 1, size)
    vertical = g.view(1, 1, size, 1).expand(channels, 1, size, 1)
    return F.conv2d(F.conv2d(images, horizontal, groups=channels), vertical, groups=channels)


def ssim_map(x: torch.Tensor, y: torch.Tensor, window: int = 11, sigma: float = 1.5, data_range: float = 1.0) -> torch.Tensor:
    """Local SSIM of (B, C, H, W) pairs -> (B, C, H-window+1, W-window+1); differentiable."""
    if x.shape != y.shape:
        raise ValueError(f"SSIM needs equal shapes, got {tuple(x.shape)} and {tuple(y.shape)}")
    if min(x.shape[-2:]) < window:
        raise ValueError(f"images of {tuple(x.shape[-2:])} are smaller than the {window}-pixel SSIM window")
    x = x.float()
    y = y.float()
    c1 = (SSIM_K1 * data_range) ** 2
    c2 = (SSIM_K2 * data_range) ** 2
    # One blur over all five moments at once, in float32 even under bf16 autocast: the variances
    # are differences of nearly equal numbers, which bf16's 8-bit mantissa would wipe out.
    with torch.autocast(x.device.type, enabled=False):
        moments = _blur(torch.cat([x, y, x * x, y * y, x * y], dim=1), window, sigma)
    mu_x, mu_y, xx, yy, xy = moments.chunk(5, dim=1)
    var_x = xx - mu_x * mu_x
    var_y = yy - mu_y * mu_y
    cov = xy - mu_x * mu_y
    return ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2))


def ssim(x: torch.Tensor, y: torch.Tensor, reduction: str = "mean", **kwargs) -> torch.Tensor:
    """SSIM of (B, C, H, W) images in [0, 1]: a scalar ("mean") or one per image ("none", (B,))."""
    per_image = ssim_map(x, y, **kwargs).mean(dim=(1, 2, 3))
    return per_image.mean() if reduction == "mean" else per_image


def psnr(x: torch.Tensor, y: torch.Tensor, reduction: str = "mean", data_range: float = 1.0) -> torch.Tensor:
    """Peak signal-to-noise ratio in dB of (B, C, H, W) pairs; capped at 100 dB for identical images."""
    mse = (x.float() - y.float()).pow(2).mean(dim=(1, 2, 3))
    per_image = (10 * torch.log10(data_range**2 / mse.clamp_min(1e-10))).clamp_max(100.0)
    return per_image.mean() if reduction == "mean" else per_image


def reconstruction_loss(
    rebuilt: torch.Tensor,
    target: torch.Tensor,
    weights: torch.Tensor | None = None,
    pixel: str = "l1",
    ssim_weight: float = 1.0,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Pixel loss + ssim_weight * (1 - SSIM), both weighted per pixel by ``weights`` (B, 1, H, W).

    Returns (loss, parts) where parts holds the detached pixel and SSIM terms for logging.
    """
    rebuilt = rebuilt.float()
    target = target.float()
    difference = (rebuilt - target).abs() if pixel == "l1" else (rebuilt - target).pow(2)
    if pixel not in ("l1", "mse"):
        raise ValueError(f"pixel loss must be 'l1' or 'mse', not {pixel!r}")
    if weights is None:
        pixel_term = difference.mean()
    else:
        pixel_term = (difference * weights).sum() / (weights.sum() * difference.shape[1])
    loss = pixel_term
    parts = {"pixel": pixel_term.detach()}
    if ssim_weight > 0:
        similarity = ssim_map(rebuilt, target)
        if weights is None:
            ssim_term = similarity.mean()
        else:
            crop = (weights.shape[-1] - similarity.shape[-1]) // 2
            inner = weights[..., crop : crop + similarity.shape[-2], crop : crop + similarity.shape[-1]]
            ssim_term = (similarity * inner).sum() / (inner.sum() * similarity.shape[1])
        loss = loss + ssim_weight * (1 - ssim_term)
        parts["ssim"] = ssim_term.detach()
    return loss, parts


def region_weights(masks: torch.Tensor, extra: float) -> torch.Tensor:
    """Per-pixel loss weights 1 + extra * mask: (B, 1, H, W)."""
    return 1.0 + extra * masks
