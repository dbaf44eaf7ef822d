from deepfake_edu.cli import main
from deepfake_edu.data.dataset import write_dataset
from deepfake_edu.data.images import read_image, write_image
from tests.swap.conftest import blob_faces


def _blob_dataset(root, n=6):
    items = [(face, {"identity": name}) for name, identity in (("ann", 0), ("ben", 1)) for face in blob_faces(identity, n)]
    return write_dataset(root, {"name": root.name, "kind": "test", "size": 64}, items)


def test_train_preview_apply_from_the_command_line(tmp_path, capsys):
    data = _blob_dataset(tmp_path / "blobs")
    run = tmp_path / "run"
    args = ["swap", "train", "--data", str(data.root), "--preset", "classroom", "--bottleneck", "16", "--steps", "3", "--batch-size", "2", "--run", str(run)]
    assert main(args) == 0
    assert "trained ann and ben for 3 steps" in capsys.readouterr().out
    assert main(args) == 2  # the run exists: the user must say --resume
    assert "--resume" in capsys.readouterr().err
    assert main(["swap", "preview", "--run", str(run), "--out", str(tmp_path / "grid.png"), "--faces", "4"]) == 0
    grid = read_image(tmp_path / "grid.png")
    assert grid.shape[0] > 6 * 64 and grid.shape[1] > 4 * 64
    from deepfake_edu.data.forget import read_ledger

    assert {"path": str((tmp_path / "grid.png").resolve()), "datasets": ["blobs"]} in read_ledger()  # forget finds the preview
    write_image(tmp_path / "photo.png", blob_faces(0, 1)[0])
    assert main(["swap", "apply", "--run", str(run), str(tmp_path / "photo.png"), "--to", "B", "--out", str(tmp_path / "fake.png"), "--locate", "whole"]) == 0
    assert read_image(tmp_path / "fake.png").shape == (64, 64, 3)
    assert main(["swap", "apply", "--run", str(run), str(tmp_path / "photo.png"), "--to", "zed", "--out", str(tmp_path / "x.png")]) == 2


def test_funnel_prints_the_layers(capsys):
    assert main(["swap", "funnel", "--preset", "original"]) == 0
    out = capsys.readouterr().out
    assert "82,062,470" in out and "encoder bottleneck" in out
