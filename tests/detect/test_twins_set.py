"""The built-in real-versus-fake twins set."""

from __future__ import annotations

import numpy as np

from deepfake_edu.detect.twins_set import build_twins_realfake


def test_two_workers_write_the_same_set_as_one(tiny_swap_run, tmp_path):
    one = build_twins_realfake(tmp_path / "one", tiny_swap_run, identities=(0, 1, 2), per_identity=2)
    two = build_twins_realfake(tmp_path / "two", tiny_swap_run, identities=(0, 1, 2), per_identity=2, workers=2)
    assert len(one.records) == len(two.records) == 12
    assert [(r["identity"], r["image_index"], r["label"]) for r in one.records] == [(r["identity"], r["image_index"], r["label"]) for r in two.records]
    for a, b in zip(one.records, two.records):
        assert np.array_equal(one.image(a), two.image(b))
