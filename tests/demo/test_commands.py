"""`deepfake-edu demo`'s first-launch preparation: the lab's assets, then the funnel models."""

from __future__ import annotations

from types import SimpleNamespace


def test_prepare_demo_trains_the_experiments_widths_after_the_lab(tmp_path, monkeypatch, capsys):
    from deepfake_edu import lab
    from deepfake_edu.demo.commands import prepare_demo
    from deepfake_edu.lessons import funnel

    calls = []
    assets = SimpleNamespace(home=tmp_path, twins=tmp_path / "datasets" / "twins")
    monkeypatch.setattr(lab, "prepare_lab", lambda **options: calls.append(("lab", options["minutes"])) or assets)
    monkeypatch.setattr(funnel, "funnel_models", lambda **options: calls.append(("funnel", options)))
    assert prepare_demo(minutes=5.0) is assets
    heading = capsys.readouterr().out
    assert heading.startswith("5/5 ") and "funnel models" in heading and "(bottleneck widths 4, 32, 256)" in heading
    assert calls[0] == ("lab", 4.0) and calls[1][0] == "funnel"
    assert calls[1][1]["home"] == tmp_path and calls[1][1]["twins"] == assets.twins and calls[1][1]["minutes"] >= 1.0

    monkeypatch.setattr(funnel, "trained_widths", lambda home: {w: tmp_path for w in funnel.WIDTHS})  # all trained: no heading
    prepare_demo(minutes=5.0)
    assert "5/5" not in capsys.readouterr().out
    monkeypatch.setattr(funnel, "trained_widths", lambda home: {8: tmp_path, 32: tmp_path, 128: tmp_path})  # an older lab's widths
    prepare_demo(minutes=5.0)
    assert "funnel models of the tab" in capsys.readouterr().out
