"""The dataset format: written whole or not at all, read back as written."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.data.dataset import load_dataset, write_dataset
from deepfake_edu.errors import LabError


def _items(n, fail_at=None):
    for i in range(n):
        if i == fail_at:
            raise RuntimeError("crash while writing")
        yield np.full((8, 8, 3), i * 10, np.uint8), {"identity": f"p{i % 2}", "index": i}


def test_written_dataset_reads_back(tmp_path):
    dataset = write_dataset(tmp_path / "set", {"name": "set", "kind": "test", "size": 8}, _items(4))
    again = load_dataset(tmp_path / "set")
    assert again.info["count"] == 4 and again.identities() == ["p0", "p1"]
    assert again.images("p1").shape == (2, 8, 8, 3)
    assert int(again.images("p1")[1, 0, 0, 0]) == 30
    assert dataset.records == again.records


def test_a_crash_while_writing_leaves_the_old_dataset_untouched(tmp_path):
    write_dataset(tmp_path / "set", {"name": "set", "kind": "test", "size": 8}, _items(2))
    with pytest.raises(RuntimeError):
        write_dataset(tmp_path / "set", {"name": "set", "kind": "test", "size": 8}, _items(6, fail_at=3))
    assert load_dataset(tmp_path / "set").info["count"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["set"]


def test_missing_dataset_says_how_to_make_one(tmp_path):
    with pytest.raises(LabError, match="deepfake-edu twins"):
        load_dataset(tmp_path / "nowhere")
