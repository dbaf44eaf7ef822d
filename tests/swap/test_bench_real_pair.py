"""`bench swap --only real-pair`: skipped with a clear line when the videos are absent; a tiny run
(seconds of training, a few frames) gives the identity figures both ways."""

import argparse
import json

import pytest

from deepfake_edu.swap import bench


def _args(**changes):
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    args = parser.parse_args(["--only", "real-pair"])
    args.json = None
    for key, value in changes.items():
        setattr(args, key, value)
    return args


def test_absent_videos_are_skipped_with_one_clear_line(tmp_path, capsys):
    args = _args(real_videos=[str(tmp_path / "a.mp4"), str(tmp_path / "b.mp4")])
    assert bench.run(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [f"real-pair: skipped ({tmp_path / 'a.mp4'}, {tmp_path / 'b.mp4'} not found: pass --real-videos A B (two videos of two people who agreed))"]


def test_the_real_pair_trains_for_fifteen_minutes_unless_told():
    assert _args().minutes is None  # run() fills it in: 15 for real-pair, 10 for the others
    assert bench.REAL_PAIR_MINUTES == 15.0


@pytest.mark.slow
def test_a_tiny_real_pair_reports_identity_both_ways(tmp_path, monkeypatch, capsys):
    """Seconds of training on 40 frames of each of the default videos: the figures, not their quality."""
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(bench, "REAL_PAIR_EARLY_MINUTES", 0.01)  # the reference stopped early, shorter still
    args = _args(minutes=0.05, real_frames=40, real_measure=4, json=str(tmp_path / "figures.json"))
    if bench.real_pair_missing(args) is not None:
        pytest.skip(bench.real_pair_missing(args))
    assert bench.run(args) == 0
    figures = json.loads((tmp_path / "figures.json").read_text())["real_pair"]
    assert len(figures["directions"]) == 2 and figures["people_apart"] > 0.6
    for row in figures["directions"].values():
        assert row["frames"] == 4 and 0 <= row["fake"]["share_closer_to_target"] <= 1 and row["detail_kept"] > 0
        assert row["real_frames"]["share_closer_to_target"] == 0.0  # the real frames: the source, every one
        ellipse = row["ellipse_blend"]  # the same model pasted through the fixed ellipse
        assert 0 <= ellipse["fake"]["share_closer_to_target"] <= 1 and ellipse["detail_kept"] > 0
        assert row["pasted_pixels"] != ellipse["pasted_pixels"]  # the hull is each face's own shape
        # A perfect model keeps no more than the frame has (with margin for grain). Seconds of training are not
        # compared with it: an untrained decoder's noise also reads as detail (CI measured 1.11 against 0.73).
        for pasted in (row, ellipse):
            assert 0 < pasted["detail_kept_by_a_perfect_model"] < 1.5
    # The ceiling is measured on each person's own frames, not a constant: d6 is sharp, d9 soft (0.73 and 0.20 in CI).
    ceilings = [row["detail_kept_by_a_perfect_model"] for row in figures["directions"].values()]
    assert ceilings[0] != ceilings[1]
    for row in figures["directions"].values():  # the same fakes, the merge's sharpening limited 0, 4, 8
        sweep = row["sharpen_sweep"]
        assert list(sweep) == [f"{limit:g}" for limit in bench.REAL_PAIR_SHARPEN_SWEEP]
        assert all(0 <= cell["share_closer_to_target"] <= 1 for cell in sweep.values())
        assert 0 < sweep["0"]["detail_kept"] <= sweep["8"]["detail_kept"]  # a higher limit never sharpens less
        early = row["stopped_early"]  # the same recipe stopped early, on the same frames
        assert early["faces"] == 4 and 0 <= early["share_closer_to_target"] <= 1 and early["mean_to_target"] > 0
    assert 0 < figures["training"]["stopped_early"]["steps"] <= figures["training"]["steps"]
    assert "whose face" in capsys.readouterr().out
    assert not list(tmp_path.glob("bench-swap-real-pair-*"))
