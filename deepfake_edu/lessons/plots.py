"""Small plotting helpers the notebooks call: rows of faces, bars and curves, saved PNGs.

Every function draws with matplotlib and returns the Figure (shown inline by Jupyter).
Images are uint8 RGB (H, W, 3) or (N, H, W, 3), or float tensors (N, 3, H, W) in [0, 1].
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np


def as_uint8_images(images) -> np.ndarray:
    """uint8 (N, H, W, 3) from uint8 arrays or float tensors (N, 3, H, W) in [0, 1]."""
    import torch

    if isinstance(images, torch.Tensor):
        from deepfake_edu.data.images import to_uint8

        images = to_uint8(images.detach().float().cpu() if images.ndim == 4 else images[None].detach().float().cpu())
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[None]
    if images.dtype != np.uint8:
        images = np.clip(np.rint(images * 255 if images.max() <= 1.0 else images), 0, 255).astype(np.uint8)
    return images


def show_images(images, titles: Sequence[str] | None = None, columns: int | None = None, size: float = 1.8, title: str | None = None):
    """A grid of pictures (of any sizes) with optional titles above each."""
    import matplotlib.pyplot as plt

    if isinstance(images, (list, tuple)) and len({np.shape(i) for i in images}) > 1:
        images = [as_uint8_images(image)[0] for image in images]  # pictures of different sizes
    else:
        images = as_uint8_images(images)
    count = len(images)
    columns = columns or min(count, 8)
    rows = (count + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(size * columns, size * rows + (0.4 if title else 0)), squeeze=False)
    for index, axis in enumerate(axes.ravel()):
        axis.axis("off")
        if index < count:
            axis.imshow(images[index])
            if titles is not None and index < len(titles):
                axis.set_title(str(titles[index]), fontsize=8)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def show_rows(rows: Mapping[str, object], size: float = 1.6, title: str | None = None, column_titles: Sequence[str] | None = None):
    """One row per entry of ``rows`` (name -> images), the name written at the row's left."""
    import matplotlib.pyplot as plt

    named = [(name, as_uint8_images(images)) for name, images in rows.items()]
    columns = max(len(images) for _, images in named)
    figure, axes = plt.subplots(len(named), columns, figsize=(size * columns + 1.2, size * len(named) + (0.4 if title else 0)), squeeze=False)
    for r, (name, images) in enumerate(named):
        for c in range(columns):
            axis = axes[r, c]
            axis.set_xticks([])
            axis.set_yticks([])
            for spine in axis.spines.values():
                spine.set_visible(False)
            if c < len(images):
                axis.imshow(images[c])
            if c == 0:
                axis.set_ylabel(name, fontsize=8, rotation=0, ha="right", va="center")
            if r == 0 and column_titles is not None and c < len(column_titles):
                axis.set_title(column_titles[c], fontsize=8)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def bar_chart(values: Mapping[str, float], ylabel: str, title: str | None = None, reference: float | None = None):
    """Bars for name -> value; an optional dashed reference line (chance, a threshold)."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(max(4.0, 0.9 * len(values) + 1.5), 3.2))
    axis.bar(list(values), [float(v) for v in values.values()], color="#4c72b0")
    if reference is not None:
        axis.axhline(reference, color="grey", linestyle="--", linewidth=1)
    axis.set_ylabel(ylabel)
    if title:
        axis.set_title(title, fontsize=10)
    axis.tick_params(axis="x", labelrotation=20)
    figure.tight_layout()
    return figure


def line_chart(x: Sequence[float], series: Mapping[str, Sequence[float]], xlabel: str, ylabel: str, title: str | None = None, log_x: bool = False):
    """One line per entry of ``series`` (name -> y values along ``x``)."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3.4))
    for name, ys in series.items():
        axis.plot(list(x), [float(y) for y in ys], marker="o", label=name)
    if log_x:
        axis.set_xscale("log", base=2)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.grid(alpha=0.3)
    if len(series) > 1:
        axis.legend(fontsize=8)
    if title:
        axis.set_title(title, fontsize=10)
    figure.tight_layout()
    return figure


def show_png(path: str | os.PathLike, width: float = 7.0):
    """Show a PNG a library function wrote (a plot, a preview grid)."""
    import matplotlib.pyplot as plt

    from deepfake_edu.data.images import read_image

    picture = read_image(Path(path))
    height = width * picture.shape[0] / picture.shape[1]
    figure, axis = plt.subplots(figsize=(width, height))
    axis.imshow(picture)
    axis.axis("off")
    figure.tight_layout(pad=0)
    return figure
