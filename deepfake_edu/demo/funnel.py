"""Autoencoders of several bottleneck widths, for the "inside the autoencoder" tab.

Rebuilding a face through a narrower funnel needs a model that was TRAINED with that funnel:
cutting numbers out of a wider model's code would show damage the model never learned to
live with. So each width gets its own classroom face-swap model (``swap.train``), trained on
the same two twins, for the same number of steps, and kept in ``<home>/models/funnel-<width>/``.
Widths already trained are reused; a fresh lab trains them once, with a progress bar.

The comparison is fair between widths (same data, steps, seed) but every model is short-trained:
more training sharpens every width, and the gap between widths is what the tab is about.
"""

from __future__ import annotations

import time
from pathlib import Path

DEFAULT_WIDTHS = (8, 32, 128)  # the funnel slider's stops; the lab's swap model adds its own width
DEFAULT_STEPS = 150  # optimizer steps per width (about 20 s each on 2 quiet cores)
TRAIN_IDENTITIES = ("twin-00", "twin-01")  # the faces the tab rebuilds


def funnel_dir(home: str | Path, width: int) -> Path:
    return Path(home) / "models" / f"funnel-{int(width)}"


def trained_widths(home: str | Path) -> dict[int, Path]:
    """{width: run folder} of the funnel models already trained under ``home``."""
    from deepfake_edu.training.checkpoint import latest_checkpoint

    found = {}
    models = Path(home) / "models"
    if models.is_dir():
        for folder in sorted(models.glob("funnel-*")):
            width = folder.name.removeprefix("funnel-")
            if width.isdigit() and latest_checkpoint(folder) is not None:
                found[int(width)] = folder
    return dict(sorted(found.items()))


def funnel_models(
    widths: tuple[int, ...] | list[int] = DEFAULT_WIDTHS,
    twins: str | Path = "datasets/twins",
    home: str | Path = ".",
    steps: int = DEFAULT_STEPS,
    minutes: float | None = None,
    batch_size: int = 8,
    progress: bool = True,
) -> dict[int, Path]:
    """Train (once) one classroom autoencoder per width on twin-00 and twin-01; {width: run folder}.

    ``minutes`` caps the whole call: the remaining time is shared by the widths still to train
    (a width cut short by the cap keeps what it learned and says so in its checkpoint history).
    """
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap

    start = time.monotonic()
    todo = [int(w) for w in widths if int(w) not in trained_widths(home)]
    for position, width in enumerate(todo):
        budget = None
        if minutes is not None:
            left = minutes * 60 - (time.monotonic() - start)
            budget = max(left / (len(todo) - position), 1.0) / 60
        options = SwapTrainOptions(
            data=[str(twins)],
            identities=list(TRAIN_IDENTITIES),
            preset="classroom",
            bottleneck=width,
            steps=steps,
            minutes=budget,
            batch_size=batch_size,
            run=str(funnel_dir(home, width)),
            checkpoint_every=max(steps, 1),
            preview_every=0,
            timelapse_every=0,
            metrics_every=0,
            progress=progress,
        )
        train_swap(options)
    return trained_widths(home)
