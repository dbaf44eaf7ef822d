"""The shipped models: files that match their cards, load, and recipes that still train."""

from __future__ import annotations

import shutil

import pytest
import torch

from deepfake_edu import zoo
from deepfake_edu.errors import LabError
from deepfake_edu.registry import load_model
from deepfake_edu.zoo.recipes import RECIPES, shipped_recipes, train_recipe

CARD_FIELDS = ("name", "summary", "kind", "model", "config", "recipe", "remake", "steps", "wall_time_s", "machine",
               "precision", "measured", "made", "sha256", "bytes")


def test_every_shipping_recipe_ships_and_nothing_ships_without_a_recipe():
    assert set(zoo.shipped_names()) == set(shipped_recipes())
    assert not RECIPES["face-prior"].ships  # measured worse than random weights: ARCHITECTURE.md


def test_a_recipe_that_does_not_ship_refuses_to_ship(capsys):
    from deepfake_edu.cli import main

    assert main(["zoo", "train", "face-prior", "--ship"]) == 2
    assert "does not ship" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(shipped_recipes()))
def test_shipped_file_matches_its_card_and_loads(name):
    card = zoo.verify(name)
    assert all(field in card for field in CARD_FIELDS), [f for f in CARD_FIELDS if f not in card]
    assert card["steps"] == RECIPES[name].steps, "the card's steps are the recipe's: remake it with `zoo train NAME --ship`"
    assert zoo.weights_path(name).stat().st_size == card["bytes"]
    assert card["bytes"] / 1e6 < zoo.MAX_FILE_MB
    _, info = load_model(zoo.checkpoint_path(name))
    assert info["shipped"] == name and info["model"] == card["model"]
    assert not any(key.startswith("optim/") for key in _tensor_names(name))


def _tensor_names(name):
    from safetensors import safe_open

    with safe_open(str(zoo.weights_path(name)), "pt") as handle:
        return list(handle.keys())


def test_all_shipped_weights_stay_small():
    assert sum(zoo.sizes_mb().values()) < zoo.MAX_TOTAL_MB


def test_a_changed_byte_is_caught(tmp_path):
    name = zoo.shipped_names()[0]
    for suffix in (".safetensors", ".json", zoo.CARD_SUFFIX):
        shutil.copy(zoo.MODELS_DIR / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    assert zoo.available(name, tmp_path)
    weights = tmp_path / f"{name}.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(LabError, match="SHA-256"):
        zoo.verify(name, tmp_path)
    assert not zoo.available(name, tmp_path)


def test_an_unknown_name_says_what_ships():
    with pytest.raises(LabError, match="zoo list"):
        zoo.card("no-such-model")


def test_installed_copy_is_the_same_model(tmp_path):
    name = "swap-twins"
    json_path = zoo.install(name, tmp_path / "run" / "checkpoints" / "step-00000001", {"lab_complete": True})
    shipped, _ = load_model(zoo.checkpoint_path(name))
    installed, info = load_model(tmp_path / "run")
    assert info["lab_complete"] and info["shipped"] == name and json_path.exists()
    faces = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(shipped.swap(faces, 1), installed.swap(faces, 1))


@pytest.mark.parametrize("name, per_identity", [("swap-twins", 12), ("funnel-4", 12), ("meso4-twins", 12), ("face-prior", 2)])
def test_recipe_runs_a_few_steps_with_a_falling_loss(tmp_path, name, per_identity):
    # the prior's 400 people at two faces each are 800 faces to render, the others' 8 x 12 are 96
    outcome = train_recipe(name, tmp_path, steps=40, per_identity=per_identity, progress=False)
    assert outcome.steps == 40 and outcome.checkpoint.exists()
    assert outcome.measured["last_loss"] < outcome.measured["first_loss"]
