"""The face prior: many twins pooled into one generic decoder, and new pairs that start from it."""

from __future__ import annotations

import json

import pytest
import torch

from deepfake_edu.errors import LabError
from deepfake_edu.swap.model import faceswap
from deepfake_edu.swap.prior import (
    GENERIC,
    installed_prior,
    pooled_face_sets,
    start_from_prior,
)
from deepfake_edu.swap.train import (
    SwapTrainOptions,
    load_swap_model,
    train_prior,
    train_swap,
)
from deepfake_edu.training.checkpoint import (
    latest_checkpoint,
    load_model_file,
    save_model_file,
)
from tests.variation import TEST_SEED


@pytest.fixture(scope="module")
def twins_four(tmp_path_factory):
    from deepfake_edu.data.twins import generate_twins_dataset

    folder = tmp_path_factory.mktemp("prior-twins") / "twins"
    generate_twins_dataset(folder, identities=4, per_identity=6, size=128, seed=1)
    return folder


@pytest.fixture(scope="module")
def tiny_prior(twins_four):
    """A prior trained for 4 steps on 4 twins: the newest checkpoint's JSON."""
    run = twins_four.parent / "prior-run"
    train_prior(SwapTrainOptions(data=[str(twins_four)], preset="classroom", steps=4, batch_size=8, run=str(run), seed=TEST_SEED,
                                 progress=False, preview_every=0, checkpoint_every=4))
    return latest_checkpoint(run)


def test_pooled_faces_are_every_persons_faces_as_one(twins_four):
    sets = pooled_face_sets(str(twins_four), 64)
    assert sets.names == [GENERIC]
    assert sets.faces[0].shape == (24, 64, 64, 3)
    assert sets.masks is not None and sets.masks[0].shape == (24, 1, 64, 64)
    assert {record["identity"] for record in sets.records[0]} == {"twin-00", "twin-01", "twin-02", "twin-03"}


def test_a_prior_needs_many_people(tmp_path):
    from deepfake_edu.data.twins import generate_twins_dataset

    generate_twins_dataset(tmp_path / "one", identities=1, per_identity=3, size=64)
    with pytest.raises(LabError, match="many people"):
        pooled_face_sets(str(tmp_path / "one"), 64)


def test_the_prior_has_one_generic_decoder(tiny_prior):
    model, info = load_swap_model(tiny_prior)
    assert info["identities"] == [GENERIC] and len(model.decoders) == 1
    assert info["prior"] is None


def test_a_new_pair_starts_with_the_prior_in_both_decoders(tiny_prior):
    prior, _ = load_swap_model(tiny_prior)
    pair = faceswap("classroom", n_identities=2)
    recorded = start_from_prior(pair, tiny_prior)
    assert recorded["path"] == str(tiny_prior) and recorded["steps"] == 4 and recorded["sha256"]
    faces = torch.rand(3, 3, 64, 64)
    pair.eval()
    with torch.no_grad():
        expected = prior([faces])[0]
        assert torch.allclose(pair.swap(faces, 0), expected, atol=1e-6)
        assert torch.allclose(pair.swap(faces, 1), expected, atol=1e-6)


def test_a_prior_that_does_not_fit_is_refused_with_a_way_on(tiny_prior, tiny_swap_run):
    with pytest.raises(LabError, match="--from-scratch") as error:
        start_from_prior(faceswap("classroom", bottleneck=32, n_identities=2), tiny_prior)
    assert "bottleneck 256 (this model: 32)" in str(error.value)
    with pytest.raises(LabError, match="not a face prior"):
        start_from_prior(faceswap("classroom", n_identities=2), latest_checkpoint(tiny_swap_run))


def _install(prior_json, home):
    tensors, info = load_model_file(prior_json)
    (home / "models").mkdir(parents=True, exist_ok=True)
    save_model_file(home / "models" / "face-prior", tensors, info)


def _pair_options(twins, run, **overrides):
    values = {"data": [str(twins)], "identities": ["twin-00", "twin-01"], "preset": "classroom", "steps": 2, "batch_size": 4,
              "run": str(run), "seed": TEST_SEED, "progress": False, "preview_every": 0, "timelapse_every": 0, "metrics_every": 0,
              "checkpoint_every": 2}
    return SwapTrainOptions(**{**values, **overrides})


def test_swap_train_starts_from_the_installed_prior_and_remembers_it(tiny_prior, twins_four, tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "home"))
    assert installed_prior() is None
    scratch = train_swap(_pair_options(twins_four, tmp_path / "scratch", prior="auto"))
    assert scratch.prior is None  # "auto" with nothing installed: random weights

    _install(tiny_prior, tmp_path / "home")
    assert installed_prior() == tmp_path / "home" / "models" / "face-prior.json"
    assert train_swap(_pair_options(twins_four, tmp_path / "default")).prior is None  # the library's default: random weights
    started = train_swap(_pair_options(twins_four, tmp_path / "from-prior", prior="auto"))
    assert started.prior is not None and started.prior["path"] == str(installed_prior())
    saved = json.loads(latest_checkpoint(tmp_path / "from-prior").read_text())
    assert saved["prior"]["sha256"] == started.prior["sha256"]

    resumed = train_swap(_pair_options(twins_four, tmp_path / "from-prior", steps=4, prior=None))
    assert resumed.prior == started.prior  # a resumed run keeps what it started from
    assert train_swap(_pair_options(twins_four, tmp_path / "none", prior=None)).prior is None


def test_the_auto_prior_skips_a_model_it_does_not_fit(tiny_prior, twins_four, tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "home"))
    _install(tiny_prior, tmp_path / "home")
    assert train_swap(_pair_options(twins_four, tmp_path / "narrow", bottleneck=16, prior="auto")).prior is None
    with pytest.raises(LabError, match="cannot start this model"):
        train_swap(_pair_options(twins_four, tmp_path / "asked", bottleneck=16, prior=str(installed_prior())))


def test_cli_starts_from_a_prior_only_when_asked(tiny_prior, twins_four, tmp_path, monkeypatch, capsys):
    from deepfake_edu.cli import main

    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "home"))
    _install(tiny_prior, tmp_path / "home")
    common = ["swap", "train", "--data", str(twins_four), "--steps", "2", "--batch-size", "4"]
    assert main([*common, "--run", str(tmp_path / "a")]) == 0
    assert "face prior" not in capsys.readouterr().out  # installed or not, the command's default is random weights
    assert json.loads(latest_checkpoint(tmp_path / "a").read_text())["prior"] is None
    assert main([*common, "--run", str(tmp_path / "b"), "--prior", str(tiny_prior)]) == 0
    assert "started from the face prior" in capsys.readouterr().out
    assert main([*common, "--run", str(tmp_path / "e"), "--prior", str(tmp_path / "missing.json")]) == 2


def test_bench_measures_both_arms_on_the_same_pair(tiny_prior, twins_four, tmp_path, monkeypatch, capsys):
    from deepfake_edu.cli import main

    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "home"))
    out = tmp_path / "prior.json"
    assert main(["bench", "swap", "--only", "prior", "--prior", str(tiny_prior), "--data", str(twins_four), "--pair-steps", "2",
                 "--eval-every", "1", "--merge-frames", "4", "--threads", "1", "--json", str(out)]) == 0
    figures = json.loads(out.read_text())["prior"]
    scratch, primed = figures["arms"]["from scratch"], figures["arms"]["from the prior"]
    assert scratch["steps"] == primed["steps"] == 2
    assert [point["step"] for point in scratch["curve"]] == [point["step"] for point in primed["curve"]] == [1, 2]
    for arm in (scratch, primed):
        assert 0 < arm["final_swap_ssim"] < 1 and arm["detail_kept"] > 0
    assert figures["ssim_gain"] == round(primed["final_swap_ssim"] - scratch["final_swap_ssim"], 4)
    assert "from the prior" in capsys.readouterr().out
    assert main(["bench", "swap", "--only", "prior", "--data", str(twins_four), "--pair-steps", "2"]) == 2  # nothing installed
    assert "deepfake-edu prepare" in capsys.readouterr().err


def test_forget_takes_the_run_fine_tuned_on_a_person_and_keeps_the_prior(tiny_prior, twins_four, tmp_path, monkeypatch):
    import shutil

    from deepfake_edu.data.forget import forget

    home = tmp_path / "home"
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(home))
    _install(tiny_prior, home)
    person = home / "datasets" / "sam"
    shutil.copytree(twins_four, person)
    info = json.loads((person / "dataset.json").read_text())
    (person / "dataset.json").write_text(json.dumps({**info, "name": "sam"}))
    run = home / "runs" / "sam-swap"
    assert train_swap(_pair_options(person, run, prior="auto")).prior is not None
    plan = forget("sam")
    assert run in plan.runs and not run.exists() and not person.exists()
    assert installed_prior() is not None and installed_prior().with_suffix(".safetensors").exists()


def test_the_encoder_alone_can_start_a_pair(tiny_prior):
    prior, _ = load_swap_model(tiny_prior)
    torch.manual_seed(0)
    pair = faceswap("classroom", n_identities=2)
    random_decoder = {key: value.clone() for key, value in pair.decoders[0].state_dict().items()}
    recorded = start_from_prior(pair, tiny_prior, decoders=False)
    assert recorded["decoders"] is False
    assert all(torch.equal(a, b) for a, b in zip(pair.encoder.state_dict().values(), prior.encoder.state_dict().values()))
    assert all(torch.equal(value, random_decoder[key]) for key, value in pair.decoders[0].state_dict().items())
