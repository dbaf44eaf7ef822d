"""Training augmentation as batched torch ops on the training device.

The face-swap trick needs a *warped input with a clean target*: the model sees a face bent by a
random smooth distortion and must rebuild the unbent face, so it cannot just copy pixels; it
has to learn what a face of this person looks like. Around that: a random affine move (rotate,
zoom, shift) and a mirror flip, applied identically to input and target, and colour jitter on
the input only: the target keeps the person's true colours, so a decoder learns to paint its
own person's skin whatever the colours of the face it is given (in a swap, someone else's).

The random numbers for a whole global batch are drawn on the CPU from (seed, step, stream)
(:func:`draw_params`, a few hundred floats); the pixel work happens on the device in one
``grid_sample`` (:func:`augment`), so a GPU at tens of thousands of images per second is not
starved by CPU-side image processing, and every process under torchrun takes its own slice of
the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F


@dataclass
class AugmentConfig:
    """How strongly training faces are moved, bent and recoloured (0 turns a part off)."""

    rotation_deg: float = 10.0  # largest rotation, degrees either way
    zoom: float = 0.05  # largest scale change, as a fraction (0.05: 95%..105%)
    shift: float = 0.05  # largest translation, as a fraction of the side
    flip: bool = True  # mirror half of the faces left-right
    warp: float = 0.02  # standard deviation of the random warp's control-point moves, fraction of the side
    warp_points: int = 5  # the warp's control grid is warp_points x warp_points, smoothly interpolated
    brightness: float = 0.06  # largest brightness shift (added, in [0, 1] units)
    contrast: float = 0.10  # largest contrast change, as a fraction
    saturation: float = 0.10  # largest saturation change, as a fraction


@dataclass
class AugmentParams:
    """The random draws for n faces; slice with ``params[start:stop]``."""

    theta: torch.Tensor  # (n, 2, 3) affine matrices in normalised [-1, 1] coordinates (flip folded in)
    displacement: torch.Tensor  # (n, 2, P, P) warp moves of the control points, normalised coordinates
    colour: torch.Tensor  # (n, 3) brightness shift, contrast factor, saturation factor

    def __getitem__(self, index: slice) -> "AugmentParams":
        return AugmentParams(self.theta[index], self.displacement[index], self.colour[index])

    def __len__(self) -> int:
        return self.theta.shape[0]

    def to(self, device: torch.device | str) -> "AugmentParams":
        return AugmentParams(*(t.to(device, non_blocking=True) for t in (self.theta, self.displacement, self.colour)))

    def as_tuple(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.theta, self.displacement, self.colour


def draw_params(seed: int, step: int, stream: int, n: int, config: AugmentConfig) -> AugmentParams:
    """Random augmentation for the n faces of one global batch; a pure function of its arguments."""
    rng = np.random.default_rng([seed, step, stream, 0xA116])
    angle = np.deg2rad(rng.uniform(-config.rotation_deg, config.rotation_deg, n))
    scale = 1.0 + rng.uniform(-config.zoom, config.zoom, n)
    shift = rng.uniform(-config.shift, config.shift, (n, 2)) * 2  # normalised coordinates span 2
    mirror = np.where(rng.random(n) < 0.5, -1.0, 1.0) if config.flip else np.ones(n)
    # grid = theta @ (x, y, 1): sampling coordinates; dividing by scale zooms in for scale > 1.
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    theta = np.zeros((n, 2, 3))
    theta[:, 0, 0], theta[:, 0, 1], theta[:, 0, 2] = cos * mirror, -sin, shift[:, 0]
    theta[:, 1, 0], theta[:, 1, 1], theta[:, 1, 2] = sin * mirror, cos, shift[:, 1]
    points = config.warp_points
    displacement = rng.normal(0.0, config.warp * 2, (n, 2, points, points))
    displacement[:, :, [0, -1], :] = 0  # keep the border still so the face does not slide off
    displacement[:, :, :, [0, -1]] = 0
    colour = np.stack(
        [
            rng.uniform(-config.brightness, config.brightness, n),
            1.0 + rng.uniform(-config.contrast, config.contrast, n),
            1.0 + rng.uniform(-config.saturation, config.saturation, n),
        ],
        axis=1,
    )
    as_tensor = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))  # noqa: E731
    return AugmentParams(as_tensor(theta), as_tensor(displacement), as_tensor(colour))


def to_float_images(images: torch.Tensor) -> torch.Tensor:
    """uint8 (B, H, W, 3) or float (B, 3, H, W) -> float32 (B, 3, H, W) in [0, 1]."""
    if images.dtype == torch.uint8:
        return images.permute(0, 3, 1, 2).float().div_(255)
    return images.float()


def _jitter_colour(images: torch.Tensor, colour: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) with per-image (brightness, contrast, saturation) from colour (B, 3)."""
    brightness, contrast, saturation = (c.view(-1, 1, 1, 1) for c in colour.unbind(1))
    grey = images.mean(dim=1, keepdim=True)
    images = grey + (images - grey) * saturation
    mean = images.mean(dim=(1, 2, 3), keepdim=True)
    return ((images - mean) * contrast + mean + brightness).clamp_(0, 1)


def augment(
    images: torch.Tensor, params: AugmentParams, masks: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Warped, recoloured inputs and clean targets for one batch, on the images' device.

    images: uint8 (B, H, W, 3) or float (B, 3, H, W); params: B draws; masks: optional
    (B, 1, H, W) float region masks moved like the target.
    Returns (inputs (B, 3, H, W), targets (B, 3, H, W), target masks (B, 1, H, W) or None).
    """
    faces = to_float_images(images)
    batch, _, height, width = faces.shape
    params = params.to(faces.device)
    if masks is not None:
        faces = torch.cat([faces, masks.to(faces.dtype)], dim=1)
    moved = F.affine_grid(params.theta, [batch, 1, height, width], align_corners=False)  # (B, H, W, 2)
    bend = F.interpolate(params.displacement, size=(height, width), mode="bicubic", align_corners=True)
    bent = moved + bend.permute(0, 2, 3, 1)
    # One sampling pass makes both: targets from the moved grid, inputs from the moved+bent grid.
    sampled = F.grid_sample(torch.cat([faces, faces]), torch.cat([moved, bent]), mode="bilinear", padding_mode="border", align_corners=False)
    targets, inputs = sampled[:batch], sampled[batch:]
    target_masks = targets[:, 3:] if masks is not None else None
    return _jitter_colour(inputs[:, :3], params.colour), targets[:, :3].contiguous(), target_masks

