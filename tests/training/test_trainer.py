"""The training core: checkpoints are atomic, a killed run resumes to the same weights,
and two torchrun processes train like one."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from deepfake_edu.errors import LabError
from deepfake_edu.training import TrainConfig, Trainer, latest_checkpoint, load_model_file

TASK = Path(__file__).with_name("tiny_task.py")
from tests.variation import TEST_THREADS

ENV = {**os.environ, "OMP_NUM_THREADS": str(TEST_THREADS or 1), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def run_task(run: Path, *extra: str, timeout: float = 120) -> None:
    subprocess.run([sys.executable, str(TASK), "--run-dir", str(run), *extra], check=True, env=ENV, timeout=timeout)


def final_weights(run: Path) -> dict[str, torch.Tensor]:
    tensors, info = load_model_file(run)
    return {k: v for k, v in tensors.items() if k.startswith("model/")}, info


@pytest.mark.learned
def test_training_lowers_the_loss_and_records_history(tmp_path, test_seed, learned):
    run_task(tmp_path / "run", "--steps", "30", "--seed", str(test_seed))
    _, info = final_weights(tmp_path / "run")
    losses = [entry["loss"] for entry in info["history"]]
    assert info["progress"]["step"] == 30
    assert len(losses) == 30
    learned("loss of the last 5 steps / first 5", (sum(losses[-5:]) / 5) / (sum(losses[:5]) / 5), "<", 0.7)


def test_identical_cpu_runs_give_identical_weights(tmp_path):
    run_task(tmp_path / "a", "--steps", "10")
    run_task(tmp_path / "b", "--steps", "10")
    a, _ = final_weights(tmp_path / "a")
    b, _ = final_weights(tmp_path / "b")
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_sigkill_then_resume_matches_an_uninterrupted_run(tmp_path):
    steps = 60
    run_task(tmp_path / "straight", "--steps", str(steps))
    expected, _ = final_weights(tmp_path / "straight")

    killed = tmp_path / "killed"
    command = [sys.executable, str(TASK), "--run-dir", str(killed), "--steps", str(steps), "--step-delay", "0.02"]
    process = subprocess.Popen(command, env=ENV)
    # Wait for the first checkpoint, then kill at a random moment (often during a write).
    deadline = time.time() + 60
    while latest_checkpoint(killed) is None and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(random.uniform(0.0, 0.6))
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    # Every checkpoint the kill left behind is complete (its JSON matches its tensors).
    interrupted_at = json.loads(latest_checkpoint(killed).read_text())["progress"]["step"]
    assert 0 < interrupted_at < steps
    for json_path in (killed / "checkpoints").glob("step-*.json"):
        load_model_file(json_path)

    run_task(killed, "--steps", str(steps))
    resumed, info = final_weights(killed)
    assert info["progress"]["step"] == steps
    assert not list((killed / "checkpoints").glob(".*partial*"))
    for key in expected:
        torch.testing.assert_close(resumed[key], expected[key], rtol=0, atol=0)


def test_two_torchrun_processes_train_like_one(tmp_path):
    run_task(tmp_path / "one", "--steps", "8", "--batch", "8", "--checkpoint-every", "8")
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    subprocess.run([*torchrun, str(TASK), "--run-dir", str(tmp_path / "two"), "--steps", "8", "--batch", "8",
                    "--checkpoint-every", "8"], check=True, env=ENV, timeout=180)
    one, _ = final_weights(tmp_path / "one")
    two, info = final_weights(tmp_path / "two")
    assert info["progress"]["world_size"] == 2
    for key in one:
        torch.testing.assert_close(two[key], one[key], rtol=1e-4, atol=1e-5)


def test_resume_refuses_a_run_of_another_model(tmp_path):
    run_task(tmp_path / "run", "--steps", "2")
    model = torch.nn.Linear(2, 2)
    trainer = Trainer(model, lambda p: torch.optim.SGD(p, lr=0.1), lambda s, r, w: torch.zeros(2, 2),
                      lambda m, b: (m(b).sum(), {}), tmp_path / "run",
                      TrainConfig(steps=4, batch_size=2, progress=False, device="cpu"),
                      info={"model": "other", "config": {"size": 99}})
    with pytest.raises(LabError, match="different model"):
        trainer.fit()


def test_time_limit_stops_early_with_a_checkpoint(tmp_path):
    model = torch.nn.Linear(4, 1)

    def slow_loss(m, batch):
        time.sleep(0.05)
        return m(batch).pow(2).mean(), {}

    trainer = Trainer(model, lambda p: torch.optim.SGD(p, lr=0.01), lambda s, r, w: torch.ones(2, 4), slow_loss,
                      tmp_path / "run", TrainConfig(steps=1000, batch_size=2, progress=False, device="cpu",
                                                     time_limit_s=0.3, checkpoint_every=1000, log_every=500))
    trainer.fit()
    assert 1 < trainer.step < 1000
    _, info = load_model_file(tmp_path / "run")
    assert info["progress"]["step"] == trainer.step
    # Stopped by time before its first log_every: the history still has the last step (lab 4 said "0 steps here").
    assert trainer.history[-1]["step"] == trainer.step and "loss" in trainer.history[-1]


def test_previews_are_written(tmp_path):
    import numpy as np

    model = torch.nn.Linear(4, 1)
    trainer = Trainer(model, lambda p: torch.optim.SGD(p, lr=0.01), lambda s, r, w: torch.ones(2, 4),
                      lambda m, b: (m(b).pow(2).mean(), {}), tmp_path / "run",
                      TrainConfig(steps=6, batch_size=2, progress=False, device="cpu", preview_every=3),
                      preview=lambda m: np.full((8, 8, 3), 200, np.uint8))
    trainer.fit()
    assert sorted(p.name for p in (tmp_path / "run" / "previews").iterdir()) == ["step-00000003.png", "step-00000006.png"]


def test_a_run_limited_by_time_shows_time_against_its_budget(capsys):
    from deepfake_edu.training.trainer import _ProgressBar

    bar = _ProgressBar(TrainConfig(steps=100_000, time_limit_s=120), step=0, elapsed_s=0.0, title="training swap-lab")
    bar.loss = 0.25
    bar.update(372, 30.0)
    bar.close()
    shown = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "30/120 s of training" in shown and "step=372" in shown and "25%" in shown
    assert "100000" not in shown  # the step count that the time budget never reaches is not the yardstick

    bar = _ProgressBar(TrainConfig(steps=40), step=0, elapsed_s=0.0, title="training tiny")
    bar.update(10, 1.0)
    bar.close()
    assert "10/40" in capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
