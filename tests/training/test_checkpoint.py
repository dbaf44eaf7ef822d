"""Checkpoint pairs: round trip, shape checks, damage detected, nothing unpickled, and pruning
that a kill at any point leaves without a broken pair."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from deepfake_edu.errors import LabError
from deepfake_edu.training import load_model_file, load_state_into, save_checkpoint, save_model_file
from deepfake_edu.training.checkpoint import latest_checkpoint


def test_round_trip_keeps_tensors_and_info(tmp_path):
    model = torch.nn.Linear(3, 2)
    save_model_file(tmp_path / "m", {f"model/{k}": v for k, v in model.state_dict().items()}, {"model": "linear", "datasets": ["twins"]})
    tensors, info = load_model_file(tmp_path / "m.json")
    other = torch.nn.Linear(3, 2)
    load_state_into(other, tensors)
    assert torch.equal(other.weight, model.weight)
    assert info["datasets"] == ["twins"]


def test_wrong_shapes_are_refused_with_a_clear_message(tmp_path):
    save_model_file(tmp_path / "m", {f"model/{k}": v for k, v in torch.nn.Linear(3, 2).state_dict().items()}, {})
    tensors, _ = load_model_file(tmp_path / "m.safetensors")
    with pytest.raises(LabError, match="weight is"):
        load_state_into(torch.nn.Linear(4, 2), tensors)


def test_damaged_tensor_file_is_detected(tmp_path):
    save_model_file(tmp_path / "m", {"model/w": torch.ones(10)}, {})
    data = bytearray((tmp_path / "m.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (tmp_path / "m.safetensors").write_bytes(bytes(data))
    with pytest.raises(LabError, match="does not match"):
        load_model_file(tmp_path / "m")


def test_missing_checkpoint_names_the_path(tmp_path):
    with pytest.raises(LabError, match="no checkpoint"):
        load_model_file(tmp_path / "nothing.json")


def test_only_the_newest_checkpoints_are_kept_and_latest_skips_incomplete(tmp_path):
    for step in (1, 2, 3):
        save_checkpoint(tmp_path, step, {"model/w": torch.full((2,), float(step))}, {}, keep=2)
    assert sorted(p.name for p in tmp_path.glob("step-*.json")) == ["step-00000002.json", "step-00000003.json"]
    (tmp_path / "step-00000003.safetensors").unlink()  # as if the newest were incomplete
    assert latest_checkpoint(tmp_path).name == "step-00000002.json"


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
