"""Shared toys for the forensics tests: a tiny CNN trained to find a bright square, and landmarks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn


class SquareFinder(nn.Module):
    """float (B, 3, 32, 32) -> logits (B,): is there a bright square somewhere?"""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1),  # (B, 8, 32, 32)
            nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding=1),  # (B, 8, 32, 32)
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, 8, 16, 16)
            nn.Conv2d(8, 8, 3, padding=1),  # (B, 8, 16, 16)
            nn.ReLU(),
        )
        self.head = nn.Linear(8, 1)

    def forward(self, x):
        return self.head(self.features(x).amax(dim=(2, 3))).reshape(-1)


def square_images(count: int, rng: np.random.Generator, size: int = 32, side: int = 6):
    """(images float (N, 3, size, size), labels (N,), boxes (N, 4) x0, y0, x1, y1 exclusive; half have a square)."""
    images = rng.uniform(0.0, 0.35, (count, 3, size, size)).astype(np.float32)
    labels = np.arange(count) % 2
    boxes = np.zeros((count, 4), int)
    for i in range(count):
        if labels[i]:
            x0, y0 = rng.integers(0, size - side, 2)
            images[i, :, y0 : y0 + side, x0 : x0 + side] = rng.uniform(0.8, 1.0)
            boxes[i] = (x0, y0, x0 + side, y0 + side)
    return torch.from_numpy(images), torch.from_numpy(labels).float(), boxes


@pytest.fixture(scope="session")
def square_finder():
    from tests.variation import TEST_SEED, TEST_THREADS

    threads = torch.get_num_threads()
    torch.set_num_threads(TEST_THREADS or 1)  # tiny tensors: one thread is many times faster on a busy 2-core machine
    try:
        torch.manual_seed(TEST_SEED)
        rng = np.random.default_rng(TEST_SEED)
        model = SquareFinder()
        optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(150):  # 60 steps left one seed in eight at chance (scripts/learned_bounds.py)
            images, labels, _ = square_images(32, rng)
            loss = nn.functional.binary_cross_entropy_with_logits(model(images), labels)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    finally:
        torch.set_num_threads(threads)
    return model.eval()


def face_landmarks(size: int = 64, dx: float = 0.0, dy: float = 0.0) -> dict:
    """Plausible landmarks of a frontal face filling a square crop of ``size`` pixels."""
    s = size / 64
    return {
        "eye_left": (22 * s + dx, 26 * s + dy),
        "eye_right": (42 * s + dx, 26 * s + dy),
        "nose_tip": (32 * s + dx, 37 * s + dy),
        "mouth_left": (24 * s + dx, 46 * s + dy),
        "mouth_right": (40 * s + dx, 46 * s + dy),
        "chin": (32 * s + dx, 58 * s + dy),
    }
