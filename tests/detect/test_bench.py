import json

from deepfake_edu.cli import main


def test_bench_reports_torch_figures_and_says_how_to_add_keras(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "detect", "--batches", "1", "4", "--rounds", "1", "--seconds", "0.05", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "--keras-python" in printed
    figures = json.loads(out.read_text())
    rows = {(r["side"], r["batch"]): r for r in figures["results"]}
    assert set(rows) == {("torch", 1), ("torch", 4)}
    assert all(r["median_images_per_s"] > 0 for r in rows.values())
    assert figures["torch_choices"]["single_image"] in ("strips", "calling thread")
