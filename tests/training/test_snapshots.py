"""Snapshots: the model at chosen steps of a run, kept for good beside the rolling checkpoints."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from deepfake_edu.training import (
    TrainConfig,
    Trainer,
    latest_checkpoint,
    list_snapshots,
    load_model_file,
)


def _fit(run, steps: int, snapshot_every: int, resume: bool = True) -> Trainer:
    torch.manual_seed(0)
    model = nn.Linear(4, 4)
    target = torch.arange(8.0).reshape(2, 4)

    def loss_fn(net, batch):
        return F.mse_loss(net(batch), target), {}

    config = TrainConfig(steps=steps, batch_size=2, device="cpu", checkpoint_every=3, keep_checkpoints=1,
                         snapshot_every=snapshot_every, log_every=1, progress=False, prefetch=False)
    trainer = Trainer(model, lambda p: torch.optim.SGD(p, lr=0.01), lambda s, r, w: torch.ones(2, 4), loss_fn, run, config,
                      info={"model": "tiny", "config": {"in": 4}, "datasets": []})
    trainer.fit(resume=resume)
    return trainer


def test_snapshots_are_kept_while_checkpoints_roll(tmp_path):
    trainer = _fit(tmp_path / "run", steps=10, snapshot_every=4)
    assert [step for step, _ in list_snapshots(tmp_path / "run")] == [4, 8]
    assert len(list((tmp_path / "run" / "checkpoints").glob("step-*.json"))) == 1  # keep_checkpoints=1
    assert latest_checkpoint(tmp_path / "run").name == "step-00000010.json"  # snapshots never stand for the newest checkpoint
    tensors, info = load_model_file(list_snapshots(tmp_path / "run")[0][1])
    assert info["step"] == 4 and info["snapshot"] is True and info["progress"]["step"] == 4
    assert all(key.startswith("model/") for key in tensors)  # the weights only: no optimizer state
    final, _ = load_model_file(latest_checkpoint(tmp_path / "run"))
    assert not torch.equal(tensors["model/weight"], final["model/weight"])  # step 4's weights, not the last ones
    assert torch.equal(final["model/weight"], trainer.model.state_dict()["weight"])


def test_a_resumed_run_goes_on_taking_snapshots(tmp_path):
    _fit(tmp_path / "run", steps=5, snapshot_every=2)
    _fit(tmp_path / "run", steps=9, snapshot_every=2)
    assert [step for step, _ in list_snapshots(tmp_path / "run")] == [2, 4, 6, 8]


def test_no_snapshots_by_default(tmp_path):
    _fit(tmp_path / "run", steps=4, snapshot_every=0)
    assert list_snapshots(tmp_path / "run") == []
    assert not (tmp_path / "run" / "snapshots").exists()


def test_a_snapshot_without_its_tensor_file_is_not_listed(tmp_path):
    _fit(tmp_path / "run", steps=4, snapshot_every=2)
    (tmp_path / "run" / "snapshots" / "step-00000002.safetensors").unlink()
    assert [step for step, _ in list_snapshots(tmp_path / "run")] == [4]
