"""Seeding, and the rule that makes training reproducible, resumable and parallel.

Every batch is a pure function of (seed, step): which samples it holds and how each one is
augmented. So a resumed run sees exactly the batches it would have seen, and under torchrun
each process takes its own slice of the same global batch that one process would have used.
"""

from __future__ import annotations

import random

import numpy as np
import torch


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (for model initialisation)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def batch_indices(seed: int, step: int, n_items: int, batch_size: int, stream: int = 0) -> np.ndarray:
    """Indices (batch_size,) into a set of n_items for the global batch of ``step``.

    Drawn without replacement inside a batch when possible; ``stream`` separates independent
    draws made at the same step (one per identity, say).
    """
    rng = np.random.default_rng([seed, step, stream, 0x5EED])
    return rng.choice(n_items, size=batch_size, replace=batch_size > n_items)


def sample_rng(seed: int, step: int, position: int, stream: int = 0) -> np.random.Generator:
    """The generator for the augmentation of one sample at ``position`` in the global batch."""
    return np.random.default_rng([seed, step, stream, position])
