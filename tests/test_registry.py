"""registry.load_model, the one place a saved model is rebuilt: round trips for a detector and a
face-swap model, run folders, and one-line refusals (wrong kind, missing file, shapes that differ)."""

from __future__ import annotations

import json

import pytest
import torch

from deepfake_edu.errors import LabError
from deepfake_edu.registry import WrongModelKind, create_model, list_models, load_model
from deepfake_edu.training.checkpoint import save_checkpoint, save_model_file


def _tensors(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {f"model/{key}": value for key, value in model.state_dict().items()}


def _one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert message and "\n" not in message
    return message


def _same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    one, other = a.state_dict(), b.state_dict()
    return one.keys() == other.keys() and all(torch.equal(one[k], other[k]) for k in one)


def _faceswap(**config):
    from deepfake_edu.swap.model import config_dict

    model = create_model("faceswap", preset="classroom", bottleneck=16, **config)
    return model, config_dict(model.config)


def test_every_model_module_registers():
    assert {"faceswap", "meso4", "mesoinception4"} <= set(list_models())


def test_a_meso4_checkpoint_comes_back_the_same_in_eval_mode(tmp_path):
    from deepfake_edu.detect.mesonet import config_dict

    torch.manual_seed(0)
    model = create_model("meso4", hidden=8)
    json_path = save_model_file(tmp_path / "meso", _tensors(model), {"model": "meso4", "config": config_dict(model)})
    for given in (json_path, tmp_path / "meso.safetensors", tmp_path / "meso", str(json_path)):
        loaded, info = load_model(given, kinds=("meso4", "mesoinception4"))
        assert type(loaded) is type(model) and not loaded.training
        assert loaded.config == model.config and _same_weights(loaded, model)
        assert info["model"] == "meso4" and info["config"]["hidden"] == 8


@pytest.mark.parametrize("input_size", [64, 128])
def test_a_faceswap_checkpoint_rebuilds_from_its_stored_config(tmp_path, input_size):
    # the stored config is asdict output (lists, and at 128 px the extra layers already added)
    model, config = _faceswap(input_size=input_size, n_identities=3)
    assert isinstance(config["encoder_filters"], list)
    json_path = save_model_file(tmp_path / "swap", _tensors(model), {"model": "faceswap", "config": config})
    assert isinstance(json.loads(json_path.read_text())["config"]["decoder_filters"], list)
    loaded, info = load_model(json_path, kinds=("faceswap",))
    assert loaded.config == model.config and len(loaded.decoders) == 3
    assert _same_weights(loaded, model) and not loaded.training


def test_a_run_folder_gives_its_newest_checkpoint(tmp_path):
    run = tmp_path / "run"
    for step in (1, 2):
        model = create_model("meso4")
        with torch.no_grad():
            model.head.dense2.bias.fill_(float(step))
        save_checkpoint(run / "checkpoints", step, _tensors(model), {"model": "meso4", "config": {}})
    loaded, info = load_model(run)
    assert info["step"] == 2 and float(loaded.head.dense2.bias.detach()) == 2.0


def test_an_empty_run_folder_is_refused_with_one_line(tmp_path):
    (tmp_path / "run").mkdir()
    with pytest.raises(LabError) as caught:
        load_model(tmp_path / "run")
    assert "no checkpoint in" in _one_line(caught)


def test_a_wrong_kind_is_refused_with_one_line_naming_the_file(tmp_path):
    model, config = _faceswap()
    json_path = save_model_file(tmp_path / "swap", _tensors(model), {"model": "faceswap", "config": config})
    with pytest.raises(WrongModelKind) as caught:
        load_model(tmp_path / "swap", kinds=("meso4", "mesoinception4"))
    message = _one_line(caught)
    assert str(json_path) in message and "'faceswap'" in message and "meso4 or mesoinception4" in message
    assert caught.value.model == "faceswap" and caught.value.kinds == ("meso4", "mesoinception4")
    assert isinstance(caught.value, LabError)


def test_a_missing_file_is_refused_with_one_line(tmp_path):
    with pytest.raises(LabError) as caught:
        load_model(tmp_path / "nothing.json")
    message = _one_line(caught)
    assert "no checkpoint at" in message and "nothing.json" in message


def test_shapes_that_do_not_match_are_refused_with_one_line(tmp_path):
    model = create_model("meso4", hidden=8)
    json_path = save_model_file(tmp_path / "meso", _tensors(model), {"model": "meso4", "config": {"hidden": 16}})
    with pytest.raises(LabError) as caught:
        load_model(json_path)
    message = _one_line(caught)
    assert str(json_path) in message and "does not fit" in message and "(8, 1024)" in message and "(16, 1024)" in message


def test_a_checkpoint_without_a_model_name_or_with_an_unknown_one_is_refused(tmp_path):
    model = create_model("meso4")
    save_model_file(tmp_path / "anonymous", _tensors(model), {"config": {}})
    with pytest.raises(LabError) as caught:
        load_model(tmp_path / "anonymous")
    assert "no 'model' field" in _one_line(caught)
    save_model_file(tmp_path / "alien", _tensors(model), {"model": "alien-net", "config": {}})
    with pytest.raises(LabError) as caught:
        load_model(tmp_path / "alien")
    assert "'alien-net'" in _one_line(caught) and "alien.json" in str(caught.value)


def test_a_config_the_factory_does_not_take_is_refused_with_one_line(tmp_path):
    model = create_model("meso4")
    save_model_file(tmp_path / "odd", _tensors(model), {"model": "meso4", "config": {"no_such_setting": 1}})
    with pytest.raises(LabError) as caught:
        load_model(tmp_path / "odd")
    assert "odd.json" in _one_line(caught) and "config" in str(caught.value)


def test_the_loaders_built_on_it_keep_their_own_refusals(tmp_path):
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.swap.train import load_swap_model

    swap, config = _faceswap()
    save_model_file(tmp_path / "swap", _tensors(swap), {"model": "faceswap", "config": config, "identities": ["a", "b"]})
    meso = create_model("meso4")
    save_model_file(tmp_path / "meso", _tensors(meso), {"model": "meso4", "config": {}})

    with pytest.raises(LabError) as caught:
        load_detector(tmp_path / "swap")
    assert "not a MesoNet detector" in _one_line(caught) and "swap.json" in str(caught.value)
    with pytest.raises(LabError) as caught:
        load_swap_model(tmp_path / "meso")
    assert "not a face-swap one" in _one_line(caught)

    detector = load_detector(tmp_path / "meso")
    again, info = load_detector(tmp_path / "meso.json", with_info=True)
    assert _same_weights(detector, meso) and _same_weights(again, meso) and info["model"] == "meso4"
    anything, info = load_detector(tmp_path / "swap", with_info=True, kinds=None)  # explain/occlusion take any model
    assert info["model"] == "faceswap" and _same_weights(anything, swap)
    model, info = load_swap_model(tmp_path / "swap")
    assert info["identities"] == ["a", "b"] and _same_weights(model, swap)
