"""Fixtures shared across the test packages: a tiny prepared lab on the synthetic twins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.variation import QUALITY_LOG, TEST_SEED, TEST_THREADS


def pytest_configure(config):
    if TEST_THREADS:
        import torch

        torch.set_num_threads(TEST_THREADS)


@pytest.fixture(scope="session")
def test_seed() -> int:
    """The seed offset of this run (0 unless LAB_TEST_SEED says otherwise)."""
    return TEST_SEED


@pytest.fixture
def learned(request):
    """``learned(name, value, ">=", bound)``: assert a learned quality and record it.

    The record (test, name, value, bound, seed, threads) goes to $LAB_QUALITY_LOG when set, so
    scripts/learned_bounds.py can report the worst value of each bound across seeds and threads.
    """
    import json
    import operator

    import torch

    compare = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}

    def check(name: str, value: float, op: str, bound: float) -> None:
        value = float(value)
        if QUALITY_LOG:
            row = {"test": request.node.nodeid, "name": name, "value": value, "op": op, "bound": float(bound),
                   "seed": TEST_SEED, "threads": torch.get_num_threads()}
            with open(QUALITY_LOG, "a", encoding="utf-8") as log:
                log.write(json.dumps(row) + "\n")
        assert compare[op](value, bound), f"{name} = {value:.4f}, expected {op} {bound}"

    return check


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
    options = SwapTrainOptions(data=[str(root / "twins")], preset="classroom", steps=6, batch_size=8, seed=TEST_SEED,
                               run=str(root / "swap"), progress=False, preview_every=0, timelapse_every=0,
                               metrics_every=0, checkpoint_every=6)
    train_swap(options)
    return root / "swap"


@pytest.fixture(scope="session")
def tiny_realfake(tiny_swap_run) -> Path:
    """Real and swapped twins, 256 px, twins 00-03, 16 frames each (128 faces; 32 of twin-03)."""
    from deepfake_edu.detect.twins_set import build_twins_realfake

    out = tiny_swap_run.parent / "realfake"
    build_twins_realfake(out, tiny_swap_run, identities=(0, 1, 2, 3), per_identity=16, seed=1 + TEST_SEED)
    return out
