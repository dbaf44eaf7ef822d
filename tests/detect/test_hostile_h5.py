"""Hostile Keras .h5 weight files: each damage is one LabError line naming the file, never a traceback.

A synthetic file in the layout of the authors' Meso4_DF.h5 (Keras 2 ``save_weights``: root
attribute ``layer_names``, one group per layer with a ``weight_names`` attribute and one dataset
per weight) is written first and imports cleanly; each case writes a damaged variant and goes
through the user-facing paths: ``load_detector`` and the CLI (``detect run``, ``explain``).
"""

from __future__ import annotations

import resource
from pathlib import Path

import h5py
import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.detect.keras_import import load_detector
from deepfake_edu.errors import LabError

CONV = [(3, 3, 3, 8), (5, 5, 8, 8), (5, 5, 8, 16), (5, 5, 16, 16)]  # Keras (H, W, in, out)
NORM = [8, 8, 16, 16]
DENSE = [(1024, 16), (16, 1)]


def _layout() -> dict[str, list[tuple[str, np.ndarray]]]:
    """{layer: [(weight name, array)]} for a Meso-4 in the authors' order (plus weightless layers)."""
    rng = np.random.default_rng(0)
    layers: dict[str, list[tuple[str, np.ndarray]]] = {"input_1": []}
    for index, kernel in enumerate(CONV, 1):
        layers[f"conv2d_{index}"] = [("kernel:0", rng.normal(size=kernel).astype(np.float32)),
                                     ("bias:0", np.zeros(kernel[-1], np.float32))]
    for index, width in enumerate(NORM, 1):
        layers[f"batch_normalization_{index}"] = [(name, np.full(width, value, np.float32)) for name, value in
                                                  (("gamma:0", 1), ("beta:0", 0), ("moving_mean:0", 0), ("moving_variance:0", 1))]
    for index, kernel in enumerate(DENSE, 1):
        layers[f"dense_{index}"] = [("kernel:0", rng.normal(size=kernel).astype(np.float32) * 0.01),
                                    ("bias:0", np.zeros(kernel[-1], np.float32))]
    return layers


def _write(path: Path, layers=None, skip_group=None, skip_weight_names=None, attrs_layer_names=None) -> Path:
    layers = _layout() if layers is None else layers
    with h5py.File(path, "w") as handle:
        handle.attrs["layer_names"] = [n.encode() for n in layers] if attrs_layer_names is None else attrs_layer_names
        handle.attrs["keras_version"] = b"2.1.5"
        for name, weights in layers.items():
            if name == skip_group:
                continue
            group = handle.create_group(name)
            if name != skip_weight_names:
                group.attrs["weight_names"] = [f"{name}/{w}".encode() for w, _ in weights]
            for weight, array in weights:
                group.create_dataset(f"{name}/{weight}", data=array)
    return path


def _replace(layer: str, index: int, array) -> dict:
    layers = _layout()
    name, _ = layers[layer][index]
    layers[layer][index] = (name, array)
    return layers


@pytest.fixture(scope="module")
def good_h5(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("h5") / "Meso4_DF.h5")


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    from deepfake_edu.data.images import write_image

    path = tmp_path_factory.mktemp("image") / "face.png"
    write_image(str(path), (np.random.default_rng(1).random((64, 64, 3)) * 255).astype(np.uint8))
    return path


# --- cases: each writes the hostile file at ``path`` (given the good one) ------------------------

def _text(path, good):
    path.write_text("these are not weights\n")


def _empty(path, good):
    path.write_bytes(b"")


def _truncated_half(path, good):
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncated_superblock(path, good):
    path.write_bytes(good.read_bytes()[:100])


def _truncated_tail(path, good):
    data = good.read_bytes()
    path.write_bytes(data[:-4096])


def _zeroed(start: float, stop: float):
    """Same size, but a stretch of the file overwritten with zeros (after the superblock)."""
    def damage(path, good):
        data = bytearray(good.read_bytes())
        begin, end = max(512, int(len(data) * start)), int(len(data) * stop)
        data[begin:end] = bytes(end - begin)
        path.write_bytes(bytes(data))
    return damage


def _pickle(path, good):
    import pickle

    path.write_bytes(pickle.dumps({"conv2d_1": [1, 2, 3]}))


def _missing_group(path, good):
    _write(path, skip_group="conv2d_3")


def _missing_weight_names(path, good):
    _write(path, skip_weight_names="batch_normalization_2")


def _weight_name_dangles(path, good):
    _write(path)
    with h5py.File(path, "a") as handle:
        del handle["dense_1"]["dense_1/bias:0"]


def _weight_is_a_group(path, good):
    _write(path)
    with h5py.File(path, "a") as handle:
        del handle["dense_2"]["dense_2/kernel:0"]
        handle["dense_2"].create_group("dense_2/kernel:0")


def _layer_is_a_dataset(path, good):
    _write(path, skip_group="conv2d_1")
    with h5py.File(path, "a") as handle:
        handle.create_dataset("conv2d_1", data=np.zeros(3))


def _layer_names_not_a_list(path, good):
    _write(path, attrs_layer_names=np.int64(7))


def _no_layer_names(path, good):
    with h5py.File(path, "w") as handle:
        handle.create_dataset("x", data=np.zeros(3))


def _wrong_kernel_shape(path, good):
    _write(path, _replace("conv2d_2", 0, np.zeros((5, 5, 8, 9), np.float32)))


def _wrong_kernel_rank(path, good):
    _write(path, _replace("conv2d_1", 0, np.zeros((27, 8), np.float32)))


def _wrong_bias_shape(path, good):
    _write(path, _replace("conv2d_4", 1, np.zeros(17, np.float32)))


def _norm_missing_array(path, good):
    layers = _layout()
    layers["batch_normalization_3"].pop()
    _write(path, layers)


def _dense_rank(path, good):
    _write(path, _replace("dense_1", 0, np.zeros(1024, np.float32)))


def _dense_not_square(path, good):
    _write(path, _replace("dense_1", 0, np.zeros((1000, 16), np.float32)))


def _dense_empty(path, good):
    _write(path, _replace("dense_1", 0, np.zeros((0, 16), np.float32)))


def _dense2_wrong(path, good):
    _write(path, _replace("dense_2", 0, np.zeros((16, 3), np.float32)))


def _strings(path, good):
    _write(path, _replace("conv2d_1", 1, np.array([b"a", b"b"])))


def _too_few_convs(path, good):
    layers = _layout()
    del layers["conv2d_4"]
    _write(path, layers)


def _declared_4tb(path, good):
    """A chunked dataset declared 4 TB big but never written: the file is tiny, a read is not."""
    _write(path, skip_group="dense_1")
    with h5py.File(path, "a") as handle:
        group = handle.create_group("dense_1")
        group.attrs["weight_names"] = [b"dense_1/kernel:0", b"dense_1/bias:0"]
        group.create_dataset("dense_1/kernel:0", shape=(1 << 20, 1 << 20), dtype=np.float32, chunks=(64, 64))
        group.create_dataset("dense_1/bias:0", data=np.zeros(16, np.float32))


def _external_link(path, good):
    _write(path, skip_group="conv2d_1")
    with h5py.File(path, "a") as handle:
        handle["conv2d_1"] = h5py.ExternalLink(str(good), "/conv2d_1")


def _soft_link(path, good):
    _write(path, skip_group="conv2d_1")
    with h5py.File(path, "a") as handle:
        handle["conv2d_1"] = h5py.SoftLink("/conv2d_2")


def _external_storage(path, good):
    _write(path, skip_group="conv2d_1")
    (path.parent / "raw.bin").write_bytes(b"\x00" * (3 * 3 * 3 * 8 * 4))
    with h5py.File(path, "a") as handle:
        group = handle.create_group("conv2d_1")
        group.attrs["weight_names"] = [b"conv2d_1/kernel:0", b"conv2d_1/bias:0"]
        group.create_dataset("conv2d_1/kernel:0", shape=(3, 3, 3, 8), dtype=np.float32,
                             external=[(str(path.parent / "raw.bin"), 0, h5py.h5f.UNLIMITED)])
        group.create_dataset("conv2d_1/bias:0", data=np.zeros(8, np.float32))


def _folder(path, good):
    path.mkdir()


def _fifo(path, good):
    import os

    os.mkfifo(path)


CASES = {
    "not hdf5 (text)": (_text, "not an HDF5"),
    "empty file": (_empty, "not an HDF5"),
    "a pickle": (_pickle, "not an HDF5"),
    "truncated superblock": (_truncated_superblock, "not an HDF5"),
    "truncated half": (_truncated_half, "damaged"),
    "truncated tail": (_truncated_tail, "damaged"),
    "zeroed metadata": (_zeroed(0.05, 0.5), "damaged"),
    "zeroed data": (_zeroed(0.5, 0.9), "damaged"),
    "missing group": (_missing_group, "its group is missing"),
    "missing weight_names": (_missing_weight_names, "no 'weight_names'"),
    "weight name dangles": (_weight_name_dangles, "listed but missing"),
    "weight is a group": (_weight_is_a_group, "not an array of numbers"),
    "layer is a dataset": (_layer_is_a_dataset, "not a group"),
    "layer_names not a list": (_layer_names_not_a_list, "not a list of names"),
    "no layer_names": (_no_layer_names, "not Keras weights"),
    "wrong kernel shape": (_wrong_kernel_shape, "wrong architecture"),
    "wrong kernel rank": (_wrong_kernel_rank, "wrong shapes"),
    "wrong bias shape": (_wrong_bias_shape, "wrong architecture"),
    "batch norm missing an array": (_norm_missing_array, "wrong shapes"),
    "dense kernel 1-D": (_dense_rank, "wrong shapes"),
    "dense kernel not square": (_dense_not_square, "not a square map"),
    "dense kernel empty": (_dense_empty, "not a square map"),
    "second dense wrong": (_dense2_wrong, "wrong architecture"),
    "strings for weights": (_strings, "not an array of numbers"),
    "too few convolutions": (_too_few_convs, "neither Meso-4 nor MesoInception-4"),
    "dataset declared 4 TB": (_declared_4tb, "claim more than"),
    "external link": (_external_link, "link to elsewhere"),
    "soft link": (_soft_link, "link to elsewhere"),
    "external raw storage": (_external_storage, "another file"),
    "a folder": (_folder, "is a folder"),
    "a fifo": (_fifo, "not a regular file"),
    "missing file": (lambda path, good: None, "no weights file"),
}


def _make(tmp_path: Path, good: Path, name: str) -> Path:
    path = tmp_path / "hostile" / "Meso4_DF.h5"
    path.parent.mkdir()
    CASES[name][0](path, good)
    return path


def test_the_synthetic_file_imports(good_h5):
    """The control: damaged copies fail because of the damage, not because of the layout."""
    model, info = load_detector(good_h5, with_info=True)
    assert info["model"] == "meso4" and not model.training


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_detector_refuses_in_one_line(good_h5, tmp_path, name):
    path = _make(tmp_path, good_h5, name)
    with pytest.raises(LabError) as caught:
        load_detector(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message, message
    assert CASES[name][1] in message, message


@pytest.mark.parametrize("entry", ("detect run", "explain"))
@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_exits_2_with_one_line(good_h5, image, tmp_path, capfd, name, entry):
    path = _make(tmp_path, good_h5, name)
    argv = (["detect", "run", str(image), "--model", str(path)] if entry == "detect run"
            else ["explain", str(image), "--model", str(path), "--out", str(tmp_path / "heat.png")])
    capfd.readouterr()
    assert main(argv) == 2
    captured = capfd.readouterr()  # file descriptors too: no HDF5-DIAG dump from the C library
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0], captured.err
    assert "Traceback" not in captured.err and "HDF5-DIAG" not in captured.err + captured.out


def test_a_declared_4tb_dataset_is_refused_unread(good_h5, tmp_path):
    path = _make(tmp_path, good_h5, "dataset declared 4 TB")
    assert path.stat().st_size < 1 << 20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LabError, match="claim more than"):
        load_detector(path)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 200
