import h5py
import numpy as np
import pytest
import torch

from deepfake_edu.cli import main
from deepfake_edu.detect.keras_import import import_keras_weights, load_detector
from deepfake_edu.errors import LabError
from tests.detect.shared_files import WEIGHT_FILES, authors_image, original_or_skip, reference, reference_random_inputs


def _logits(model, nhwc_float: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model(torch.from_numpy(nhwc_float).permute(0, 3, 1, 2)).double().numpy()


@pytest.mark.parametrize("weights", WEIGHT_FILES)
def test_imported_model_agrees_with_keras(weights):
    original = original_or_skip()
    document = reference()
    expected = document["weights"][weights]
    model, info = import_keras_weights(original / "weights" / weights)
    assert info["model"] == expected["arch"] and info["license"] == "Apache-2.0" and weights in info["origin"]
    images = np.stack([authors_image(r["path"], r["uint8_sha256"]) for r in document["images"]]).astype(np.float32) / 255
    # The lab's logit is P(fake); Keras' is P(real): one is the negative of the other.
    worst = max(
        np.abs(-_logits(model, images) - np.array(expected["images_logits"])).max(),
        np.abs(-_logits(model, reference_random_inputs(document)) - np.array(expected["random_logits"])).max(),
    )
    assert worst < 1e-4


def test_meso4_df_calls_the_authors_fakes_fake_and_their_reals_real():
    original = original_or_skip()
    document = reference()
    model = load_detector(original / "weights" / "Meso4_DF.h5")
    p_fake = 1 / (1 + np.exp(-_logits(model, np.stack(
        [authors_image(r["path"], r["uint8_sha256"]) for r in document["images"]]).astype(np.float32) / 255)))
    is_fake = np.array([r["path"].startswith("df/") for r in document["images"]])
    assert is_fake.sum() == 2 and (~is_fake).sum() == 2
    assert (p_fake[is_fake] > 0.9).all() and (p_fake[~is_fake] < 0.1).all()
    # the Keras reference says the same with its own orientation: P(real) low for the fakes
    p_real = np.array(document["weights"]["Meso4_DF.h5"]["images_p_real"])
    assert (p_real[is_fake] < 0.1).all() and (p_real[~is_fake] > 0.9).all()


def test_import_command_writes_a_checkpoint_that_load_detector_reads(tmp_path, capsys):
    original = original_or_skip()
    source = original / "weights" / "MesoInception_DF.h5"
    assert main(["detect", "import-keras", str(source), "--out", str(tmp_path / "inception")]) == 0
    assert "mesoinception4" in capsys.readouterr().out
    loaded = load_detector(tmp_path / "inception")
    imported, _ = import_keras_weights(source)
    images = torch.rand(2, 3, 256, 256)
    with torch.no_grad():
        torch.testing.assert_close(loaded(images), imported(images))
    info = __import__("json").loads((tmp_path / "inception.json").read_text())
    assert info["label"] == "P(fake) = sigmoid(logit)" and info["origin"] == "DariusAf/MesoNet MesoInception_DF.h5"


def _keras_like_file(path, convs: int):
    with h5py.File(path, "w") as handle:
        names = [f"conv2d_{i + 1}" for i in range(convs)]
        handle.attrs["layer_names"] = [n.encode() for n in names]
        for name in names:
            group = handle.create_group(name)
            group.attrs["weight_names"] = [f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()]
            group.create_dataset(f"{name}/kernel:0", data=np.zeros((3, 3, 3, 8), np.float32))
            group.create_dataset(f"{name}/bias:0", data=np.zeros(8, np.float32))


def test_bad_weight_files_give_one_line_errors_that_say_where_to_get_the_real_ones(tmp_path):
    not_hdf5 = tmp_path / "Meso4_DF.h5"
    not_hdf5.write_text("not weights")
    plain_hdf5 = tmp_path / "plain.h5"
    with h5py.File(plain_hdf5, "w") as handle:
        handle.create_dataset("x", data=np.zeros(3))
    wrong = tmp_path / "wrong.h5"
    _keras_like_file(wrong, convs=3)
    for path in (tmp_path / "missing" / "Meso4_DF.h5", not_hdf5, plain_hdf5, wrong):
        with pytest.raises(LabError) as caught:
            import_keras_weights(path)
        message = str(caught.value)
        assert "\n" not in message and "DariusAf/MesoNet" in message and "models/keras/" in message


def test_missing_detector_explains_how_to_import(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path))
    with pytest.raises(LabError, match="import-keras"):
        load_detector("meso4-df")
    image = tmp_path / "face.png"
    image.write_bytes(b"")
    assert main(["detect", "run", str(image)]) == 2
    assert "DariusAf/MesoNet" in capsys.readouterr().err
