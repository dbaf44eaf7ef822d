"""Eye centres to the pupil: Timm & Barth's gradient idea, written here from the idea alone.

The eye cascade says roughly where an eye is (its box centre can be a quarter of an eye width
off the pupil). Inside a small window round that guess, the iris is a dark disc on a brighter
surround, so the image gradients on its rim all point away from its centre. For each candidate
centre c the score is the mean of (d . g)^2 over strong gradients g, with d the unit vector from
c to the gradient's pixel (only gradients pointing away count), weighted by how dark the smoothed
image is at c. The best c is the centre of the most circular dark thing: the iris, not the brow
(long, not round) nor a glasses frame (bright inside).
"""

from __future__ import annotations

import cv2
import numpy as np

PATCH = 32  # pixels: every eye window is resized to this side before scoring


def iris_centre(
    grey: np.ndarray, centre: tuple[float, float], half_width: float, half_height: float | None = None, dark_weight: float = 1.0
) -> tuple[tuple[float, float], float] | None:
    """The iris centre near ``centre`` in uint8 ``grey`` (frame pixels), and its score.

    Looks within a window ``2 * half_width`` by ``2 * half_height`` pixels round ``centre`` (an eye
    is wider than tall; a low window keeps the brow out). Returns None when the window leaves the
    frame or is too flat to hold an eye.
    """
    half_height = half_width if half_height is None else half_height
    x0, y0 = int(round(centre[0] - half_width)), int(round(centre[1] - half_height))
    width, height = max(4, int(round(2 * half_width))), max(3, int(round(2 * half_height)))
    if x0 < 0 or y0 < 0 or x0 + width > grey.shape[1] or y0 + height > grey.shape[0]:
        return None
    window = grey[y0 : y0 + height, x0 : x0 + width]
    zoom = PATCH / width
    rows = max(8, int(round(height * zoom)))
    patch = cv2.resize(window, (PATCH, rows), interpolation=cv2.INTER_AREA if zoom < 1 else cv2.INTER_CUBIC).astype(np.float32)
    zoom_y = rows / height
    grid_y, grid_x = (v.ravel() for v in np.mgrid[0:rows, 0:PATCH].astype(np.float32))
    patch = cv2.GaussianBlur(patch, (0, 0), 1.0)
    gx = cv2.Sobel(patch, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(patch, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = np.hypot(gx, gy).ravel()
    if magnitude.max() < 1e-3:
        return None
    strong = magnitude > magnitude.mean() + 0.3 * magnitude.std()
    ux, uy = gx.ravel()[strong] / magnitude[strong], gy.ravel()[strong] / magnitude[strong]
    px, py = grid_x[strong], grid_y[strong]
    # (candidates, gradients): unit displacement from each candidate centre to each rim pixel
    dx = px[None, :] - grid_x[:, None]
    dy = py[None, :] - grid_y[:, None]
    length = np.hypot(dx, dy)
    length[length == 0] = 1.0
    dot = np.maximum((dx * ux[None, :] + dy * uy[None, :]) / length, 0.0)
    score = (dot**2).mean(axis=1)
    darkness = cv2.GaussianBlur(patch, (0, 0), 2.0).ravel()
    darkness = (darkness.max() - darkness) / max(1.0, darkness.max() - darkness.min())
    score = (score * darkness**dark_weight).reshape(rows, PATCH)
    margin = 2  # a centre on the window's edge is a rim seen from outside, not an iris
    inner = score[margin:-margin, margin:-margin]
    best = np.unravel_index(np.argmax(inner), inner.shape)
    by, bx = best[0] + margin, best[1] + margin
    # Sub-pixel: the score-weighted mean of the 3x3 neighbourhood of the best candidate.
    neighbourhood = score[by - 1 : by + 2, bx - 1 : bx + 2]
    weights = neighbourhood - neighbourhood.min()
    if weights.sum() > 0:
        oy, ox = np.mgrid[-1:2, -1:2]
        bx, by = bx + (weights * ox).sum() / weights.sum(), by + (weights * oy).sum() / weights.sum()
    # Patch pixel centres -> frame pixel centres.
    frame_x = x0 + (bx + 0.5) / zoom - 0.5
    frame_y = y0 + (by + 0.5) / zoom_y - 0.5
    return (float(frame_x), float(frame_y)), float(inner.max())
