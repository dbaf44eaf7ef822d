import argparse
import json

import numpy as np

from deepfake_edu.provenance import bench


def _half_flat_half_busy(side: int = 256) -> np.ndarray:
    rng = np.random.default_rng(0)
    picture = np.full((side, side, 3), 120, np.uint8)
    picture[:, side // 2 :] = rng.integers(0, 256, (side, side // 2, 3), dtype=np.uint8)
    return picture


def test_flat_mask_is_the_calmest_quarter_of_blocks():
    picture = _half_flat_half_busy()
    mask = bench.flat_mask(picture)
    assert abs(mask.mean() - bench.FLAT_SHARE) < 0.01
    assert not mask[:, 128:].any(), "a busy block was counted as flat"


def test_visibility_figures():
    picture = _half_flat_half_busy()
    same = bench.visibility(picture, picture)
    assert same["flat_psnr"] == float("inf") and same["flat_rms"] == 0.0
    brighter = bench.visibility(picture, picture + np.uint8(1))
    assert abs(brighter["flat_rms"] - 1.0) < 1e-6 and abs(brighter["flat_psnr"] - 20 * np.log10(255)) < 1e-6


def test_a_picture_row_has_every_figure():
    rows = [bench.measure_picture(picture) for picture in bench.synthetic_pictures() if picture.name in ("sky-256", "grass-256")]
    for row in rows:
        assert row["psnr"] >= 42.0 and row["false_marks"] == 0 and all(row["found"].values()), row
        assert set(row["found"]) == set(bench.ATTACKS) and row["embed_s"] > 0 and row["read_s"] > 0
    summary = bench.summarise(rows)
    assert summary["pictures"] == 2 and summary["found_jpeg50+half"] == 1.0 and summary["false_marks"] == 0


def test_run_prints_the_table_and_writes_json(monkeypatch, tmp_path, capsys):
    pictures = [p for p in bench.synthetic_pictures() if p.name in ("sky-256", "grey-256")]
    monkeypatch.setattr(bench, "picture_set", lambda quick=False, frames_per_video=2: (pictures, ["something: absent"]))
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    parser.add_argument("--json")
    args = parser.parse_args(["--quick", "--json", str(tmp_path / "figures.json")])
    assert bench.run(args) == 0
    out = capsys.readouterr().out
    assert "skipped: something: absent" in out and "jpeg50+half" in out and "flat" in out
    figures = json.loads((tmp_path / "figures.json").read_text())
    assert figures["all"]["pictures"] == 2 and figures["all"]["false_marks"] == 0 and figures["min_psnr_db"] >= 42.0
    assert {row["name"] for row in figures["rows"]} == {"sky-256", "grey-256"}
