import json

import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.data.dataset import write_dataset
from deepfake_edu.data.forget import read_ledger, record_output


def _dataset(home, name):
    image = np.zeros((8, 8, 3), np.uint8)
    write_dataset(home / "datasets" / name, {"name": name, "kind": "real-faces", "size": 8}, [(image, {"identity": name})], consent={"consent": "test"})


def _checkpoint(stem, datasets):
    """A checkpoint pair as training.checkpoint writes it: tensors beside a JSON naming its datasets."""
    from safetensors.numpy import save_file

    stem.parent.mkdir(parents=True, exist_ok=True)
    save_file({"model/w": np.zeros(2, np.float32)}, str(stem.with_name(stem.name + ".safetensors")))
    info = {"format": "deepfake-edu-checkpoint/1", "model": "test", "datasets": datasets, "tensors": stem.name + ".safetensors"}
    stem.with_name(stem.name + ".json").write_text(json.dumps(info))


@pytest.fixture
def world(lab_home):
    """Two datasets; checkpoints, a run and outputs made from one or both."""
    home = lab_home
    _dataset(home, "sam")
    _dataset(home, "alex")
    _checkpoint(home / "models" / "swap-sam", ["sam", "alex"])
    _checkpoint(home / "models" / "detector-alex", ["alex"])
    _checkpoint(home / "runs" / "swap-1" / "checkpoints" / "step-00000010", ["sam"])
    (home / "runs" / "swap-1" / "preview.png").write_bytes(b"png")
    _checkpoint(home / "runs" / "other" / "checkpoints" / "step-00000010", ["alex"])
    for name, datasets in (("fake-sam.png", ["sam", "alex"]), ("fake-alex.png", ["alex"])):
        (home / "outputs").mkdir(exist_ok=True)
        (home / "outputs" / name).write_bytes(b"fake")
        record_output(home / "outputs" / name, datasets)
    return home


def test_forget_leaves_nothing_made_from_the_dataset(world, capsys):
    assert main(["forget", "sam"]) == 0
    printed = capsys.readouterr().out
    assert "deleted" in printed and "swap-sam.safetensors" in printed
    assert not (world / "datasets" / "sam").exists()
    assert not (world / "models" / "swap-sam.json").exists() and not (world / "models" / "swap-sam.safetensors").exists()
    assert not (world / "runs" / "swap-1").exists()
    assert not (world / "outputs" / "fake-sam.png").exists()
    assert all("sam" not in entry["datasets"] for entry in read_ledger())
    # others untouched
    assert (world / "datasets" / "alex" / "dataset.json").exists()
    assert (world / "models" / "detector-alex.safetensors").exists()
    assert (world / "runs" / "other" / "checkpoints" / "step-00000010.json").exists()
    assert (world / "outputs" / "fake-alex.png").exists()
    assert [entry["path"] for entry in read_ledger()] == [str((world / "outputs" / "fake-alex.png").resolve())]
    assert not any(p.name.startswith(".") for p in (world / "datasets").iterdir())


def test_dry_run_lists_and_deletes_nothing(world, capsys):
    before = sorted(str(p) for p in world.rglob("*"))
    assert main(["forget", "sam", "--dry-run"]) == 0
    listed = capsys.readouterr().out
    assert "would delete" in listed and str(world / "runs" / "swap-1") in listed and "fake-sam.png" in listed
    assert sorted(str(p) for p in world.rglob("*")) == before


def test_forgetting_an_unknown_name_is_a_one_line_error(lab_home, capsys):
    assert main(["forget", "nobody"]) == 2
    assert capsys.readouterr().err.startswith("error: nothing to forget")


def test_ledger_lines_are_json_with_path_and_datasets(lab_home, tmp_path):
    record_output(tmp_path / "x.png", ["b", "a", "a"])
    line = (lab_home / "outputs.jsonl").read_text().splitlines()[0]
    assert json.loads(line) == {"path": str((tmp_path / "x.png").resolve()), "datasets": ["a", "b"]}


def test_forget_finds_a_killed_extraction_and_a_run_trained_outside_runs(lab_home, tmp_path, capsys):
    from deepfake_edu.training import TrainConfig

    _dataset(lab_home, "kim")
    partial = lab_home / "datasets" / ".kim.x1y2.partial"  # what a killed `faces extract --name kim` leaves
    (partial / "images").mkdir(parents=True)
    (partial / "images" / "000001.png").write_bytes(b"kim's face")
    elsewhere = tmp_path / "my-swap-run"  # `swap train --run` outside runs/
    _train_a_tiny_run(elsewhere, ["kim"], TrainConfig(steps=2, batch_size=2, device="cpu", progress=False, checkpoint_every=2))
    assert elsewhere.is_dir()
    assert main(["forget", "kim"]) == 0
    assert not partial.exists() and not elsewhere.exists() and not (lab_home / "datasets" / "kim").exists()
    assert all("kim" not in entry.get("datasets", []) for entry in read_ledger())


def _train_a_tiny_run(run_dir, datasets, config):
    import torch

    from deepfake_edu.training import Trainer

    model = torch.nn.Linear(4, 1)
    data = torch.randn(8, 4)

    def make_batch(step, rank, world):
        return data[(step % 4) * 2 : (step % 4) * 2 + 2]

    def loss_fn(net, batch):
        return net(batch).pow(2).mean(), {}

    Trainer(model, lambda p: torch.optim.SGD(p, lr=0.1), make_batch, loss_fn, run_dir, config, info={"model": "test", "datasets": datasets}).fit()
