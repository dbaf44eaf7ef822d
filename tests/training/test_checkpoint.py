"""Pruning old checkpoints can be interrupted at any point without leaving a broken pair."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from deepfake_edu.training import latest_checkpoint, load_model_file
from deepfake_edu.training.checkpoint import save_checkpoint


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs."""


def test_a_kill_between_the_two_deletions_of_an_old_pair_leaves_no_broken_checkpoint(tmp_path, monkeypatch):
    folder = tmp_path / "checkpoints"
    tensors = {"model/w": torch.arange(6.0).reshape(2, 3)}
    for step in (1, 2):
        save_checkpoint(folder, step, tensors, {"model": "tiny"}, keep=2)

    real_unlink = Path.unlink
    deletions = []

    def unlink_then_die(self, missing_ok=False):
        deletions.append(self.name)
        real_unlink(self, missing_ok=missing_ok)
        raise Killed

    monkeypatch.setattr(Path, "unlink", unlink_then_die)
    with pytest.raises(Killed):
        save_checkpoint(folder, 3, tensors, {"model": "tiny"}, keep=2)
    monkeypatch.setattr(Path, "unlink", real_unlink)

    assert deletions == ["step-00000001.json"]
    for json_path in folder.glob("step-*.json"):
        load_model_file(json_path)  # raises if a JSON points at missing tensors
    assert latest_checkpoint(folder).name == "step-00000003.json"

    # The next save sweeps the stray tensor file the kill left behind.
    save_checkpoint(folder, 4, tensors, {"model": "tiny"}, keep=2)
    assert sorted(p.name for p in folder.iterdir()) == [
        "step-00000003.json", "step-00000003.safetensors", "step-00000004.json", "step-00000004.safetensors"]
