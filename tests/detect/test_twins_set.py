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


def test_clips_are_real_talking_clips_and_their_swaps_each_one_video(tiny_swap_run, tmp_path):
    from deepfake_edu.data.realfake import load_real_fake
    from deepfake_edu.detect.twins_set import build_twins_clips

    made = build_twins_clips(tmp_path / "clips", tiny_swap_run, identities=(6,), clips=2, frames=3)
    records = made.records
    assert len(records) == 2 * 2 * 3 and {r["identity"] for r in records} == {"twin-06"}
    clips = {}
    for record in records:
        clips.setdefault(record["clip"], []).append(record)
    assert sorted(clips) == ["twin-06-c00-fake", "twin-06-c00-real", "twin-06-c01-fake", "twin-06-c01-real"]
    for name, frames in clips.items():
        assert {r["label"] for r in frames} == {name.rsplit("-", 1)[1]} and [r["frame"] for r in frames] == [0, 1, 2]
        assert len({r["jpeg_quality"] for r in frames}) == 1  # one quality per clip, real and fake alike
    real = [made.image(r) for r in clips["twin-06-c00-real"]]
    fake = [made.image(r) for r in clips["twin-06-c00-fake"]]
    assert not np.array_equal(real[0], real[1])  # it moves: a clip, not one frame repeated
    assert not np.array_equal(real[0], fake[0])
    videos, how = load_real_fake(tmp_path / "clips").video_ids()
    assert len(set(videos)) == 4 and "'clip' ids" in how
