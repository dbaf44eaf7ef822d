"""Fixtures shared across the test packages: a tiny prepared lab on the synthetic twins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session", autouse=True)
def lab_home_outside_the_clone(tmp_path_factory):
    """A temporary lab home for tests that do not choose one.

    The lab writes its ledger (outputs.jsonl), models/ and datasets/ into the home, and without
    $DEEPFAKE_EDU_HOME the home is the current folder: the clone itself.
    """
    previous = os.environ.get("DEEPFAKE_EDU_HOME")
    home = tmp_path_factory.mktemp("lab-home")
    os.environ["DEEPFAKE_EDU_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("DEEPFAKE_EDU_HOME", None)
    else:
        os.environ["DEEPFAKE_EDU_HOME"] = previous


@pytest.fixture(scope="session")
def tiny_swap_run(tmp_path_factory) -> Path:
    """A classroom face-swap run on twin-00 and twin-01 (128 px pictures, 64 px crops), trained for a few steps."""
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap

    root = tmp_path_factory.mktemp("tiny-lab")
    generate_twins_dataset(root / "twins", identities=2, per_identity=24, size=128)
    options = SwapTrainOptions(data=[str(root / "twins")], preset="classroom", steps=6, batch_size=8,
                               run=str(root / "swap"), progress=False, preview_every=0, timelapse_every=0,
                               metrics_every=0, checkpoint_every=6)
    train_swap(options)
    return root / "swap"


@pytest.fixture(scope="session")
def tiny_realfake(tiny_swap_run) -> Path:
    """Real and swapped twins, 256 px, twins 00-03, 6 frames each (48 faces)."""
    from deepfake_edu.detect.twins_set import build_twins_realfake

    out = tiny_swap_run.parent / "realfake"
    build_twins_realfake(out, tiny_swap_run, identities=(0, 1, 2, 3), per_identity=6)
    return out
