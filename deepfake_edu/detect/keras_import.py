"""Import the authors' Keras weights (DariusAf/MesoNet, weights/*.h5) into the PyTorch MesoNet.

The files are weights-only HDF5 written by Keras 2.1.5 (``model.save_weights``); h5py reads
them, TensorFlow is not needed. What changes on the way:

- Layers are matched by creation order. Keras names layers ``conv2d_<n>``, ``batch_normalization_<n>``,
  ``dense_<n>`` with ``n`` counting up as the authors' code created them, so the k-th smallest
  number is the k-th layer of that kind in ``classifiers.py``; the torch modules are registered
  in that same order (for Inception: a, b 1x1, b 3x3, c 1x1, c dilated, d 1x1, d dilated).
- Conv kernels: Keras (H, W, in, out) -> torch (out, in, H, W).
- BatchNorm: gamma, beta, moving mean, moving variance -> weight, bias, running_mean, running_var.
  The torch model uses Keras' epsilon (1e-3), see ``MesoConfig.bn_eps``.
- First Dense kernel (1024, 16): its rows follow Keras' Flatten order over the (8, 8, 16)
  feature map, (H, W, C). The torch model flattens (C, H, W), so the rows are permuted here,
  once, and the model itself stays plain PyTorch.
- Nothing else: the last Dense layer keeps the authors' orientation (sigmoid = P(real)); the
  model's ``output="p_fake"`` setting negates it (see ``mesonet``'s docstring).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from deepfake_edu.detect.mesonet import MesoNet, config_dict
from deepfake_edu.errors import LabError
from deepfake_edu.paths import models_dir

AUTHORS_REPOSITORY = "DariusAf/MesoNet"
AUTHORS_FILES = ("Meso4_DF.h5", "Meso4_F2F.h5", "MesoInception_DF.h5", "MesoInception_F2F.h5")
TRAINED_ON = {
    "DF": "the authors' Deepfake dataset (faces from online deepfake videos)",
    "F2F": "FaceForensics Face2Face",
}
LABEL = "P(fake) = sigmoid(logit)"


def where_to_get(name: str = "Meso4_DF.h5") -> str:
    """The one-line hint every missing-weights message ends with."""
    return (f"download {name} from the authors' repository github.com/{AUTHORS_REPOSITORY} (folder weights/) "
            f"and put it at models/keras/{name}")


def default_model_name(h5_path: str | os.PathLike) -> str:
    """Meso4_DF.h5 -> 'meso4-df', MesoInception_F2F.h5 -> 'mesoinception4-f2f'."""
    stem = Path(h5_path).stem
    match = re.fullmatch(r"(Meso4|MesoInception)_(\w+)", stem)
    if not match:
        return stem.lower()
    arch = "meso4" if match.group(1) == "Meso4" else "mesoinception4"
    return f"{arch}-{match.group(2).lower()}"


MAX_LAYERS = 1000  # the authors' files have ~30 layers
MAX_WEIGHT_BYTES = 64 << 20  # their weights are well under 1 MB; a declared 4 TB dataset is refused unread


def _read_layers(h5_path: Path) -> dict[str, list[np.ndarray]]:
    """{keras layer name: its weight arrays in the file's order}, for layers that have weights.

    Every way a file can be wrong (not HDF5, truncated, a missing group or attribute, links to
    other files, datasets too big or not numbers) is one LabError line naming the file."""
    import h5py

    if not h5_path.exists():
        raise LabError(f"no weights file at {h5_path}: {where_to_get(h5_path.name if h5_path.name in AUTHORS_FILES else 'Meso4_DF.h5')}")
    if h5_path.is_dir():
        raise LabError(f"{h5_path} is a folder: give the .h5 file itself ({where_to_get()})")
    if not h5_path.is_file():
        raise LabError(f"{h5_path} is not a regular file: give the .h5 file itself ({where_to_get()})")
    try:
        handle = h5py.File(h5_path, "r")
    except Exception:  # noqa: BLE001 - OSError for most, others for odd files: all mean "not HDF5"
        raise LabError(f"{h5_path} is not an HDF5 weights file (damaged or not an .h5): {where_to_get()}") from None

    def damaged(what: str) -> LabError:
        return LabError(f"{h5_path} is not complete Keras weights ({what}): {where_to_get()}")

    def text(value) -> str:
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    def names(attrs, key: str, where: str) -> list[str]:
        if key not in attrs:
            raise damaged(f"{where} has no {key!r} attribute")
        value = np.asarray(attrs[key])
        if value.ndim > 1 or (value.size and value.dtype.kind not in "SUO") or value.size > MAX_LAYERS:
            raise damaged(f"{where}'s {key!r} is not a list of names")
        return [text(v) for v in value.reshape(-1)]

    try:
        with handle:
            group = handle["model_weights"] if "layer_names" not in handle.attrs and "model_weights" in handle else handle
            if not isinstance(group, h5py.Group) or "layer_names" not in group.attrs:
                raise LabError(f"{h5_path} is HDF5 but not Keras weights: {where_to_get()}")
            layers, total = {}, 0
            for name in names(group.attrs, "layer_names", "the file"):
                shown = " ".join(repr(name).split())[:60]
                link = group.get(name, getlink=True) if name and name in group else None
                if not isinstance(link, h5py.HardLink):
                    raise damaged(f"layer {shown} is listed but its group is missing" if link is None
                                  else f"layer {shown} is a link to elsewhere")
                layer = group[name]
                if not isinstance(layer, h5py.Group):
                    raise damaged(f"layer {shown} is not a group")
                arrays = []
                for weight in names(layer.attrs, "weight_names", f"layer {shown}"):
                    wshown = " ".join(repr(weight).split())[:80]
                    wlink = layer.get(weight, getlink=True) if weight and weight in layer else None
                    if not isinstance(wlink, h5py.HardLink):
                        raise damaged(f"weight {wshown} is listed but missing" if wlink is None else f"weight {wshown} is a link to elsewhere")
                    dataset = layer[weight]
                    if not isinstance(dataset, h5py.Dataset) or dataset.dtype.kind not in "fiub" or dataset.shape is None:
                        raise damaged(f"weight {wshown} is not an array of numbers")
                    if dataset.is_virtual or dataset.external:
                        raise damaged(f"weight {wshown} keeps its data in another file")
                    total += int(np.prod(dataset.shape, dtype=np.float64)) * dataset.dtype.itemsize
                    if total > MAX_WEIGHT_BYTES:
                        raise damaged(f"its arrays claim more than {MAX_WEIGHT_BYTES >> 20} MB, far more than MesoNet has")
                    arrays.append(np.asarray(dataset[()], dtype=np.float32))
                if arrays:
                    layers[name] = arrays
    except LabError:
        raise
    except Exception as error:  # noqa: BLE001 - h5py reading a truncated or damaged file: OSError, KeyError, ...
        detail = " ".join(str(error).split())[:120]
        raise LabError(f"{h5_path} cannot be read as Keras weights (truncated or damaged: {detail}): {where_to_get()}") from None
    return layers


def _in_creation_order(layers: dict[str, list[np.ndarray]], prefix: str) -> list[list[np.ndarray]]:
    names = [n for n in layers if re.fullmatch(prefix + r"_\d+", n)]
    return [layers[n] for n in sorted(names, key=lambda n: int(n.rsplit("_", 1)[1]))]


def _architecture(layers: dict, h5_path: Path) -> str:
    convs = len(_in_creation_order(layers, "conv2d"))
    norms = len(_in_creation_order(layers, "batch_normalization"))
    denses = len(_in_creation_order(layers, "dense"))
    if (convs, norms, denses) == (4, 4, 2):
        return "meso4"
    if (convs, norms, denses) == (16, 4, 2):
        return "mesoinception4"
    raise LabError(f"{h5_path} holds {convs} conv, {norms} batch-norm and {denses} dense layers, which is neither "
                   f"Meso-4 nor MesoInception-4: use one of {', '.join(AUTHORS_FILES)} ({where_to_get()})")


def _check_layout(layers: dict, h5_path: Path) -> None:
    """Each layer kind's arrays in number and rank (conv: kernel 4-D + bias; batch norm: four 1-D;
    dense: kernel 2-D + bias), so the copying below never meets an array it cannot transpose."""
    expected = {"conv2d": (4, 1), "batch_normalization": (1, 1, 1, 1), "dense": (2, 1)}
    for prefix, ranks in expected.items():
        for name in (n for n in layers if re.fullmatch(prefix + r"_\d+", n)):
            found = tuple(array.ndim for array in layers[name])
            if found != ranks:
                raise LabError(f"{h5_path}: layer {name} holds arrays of rank {list(found)}, a Keras {prefix} layer has "
                               f"{list(ranks)} (wrong shapes): use one of {', '.join(AUTHORS_FILES)} ({where_to_get()})")


def _copy(target: torch.Tensor, value: np.ndarray, what: str, h5_path: Path) -> None:
    if tuple(target.shape) != value.shape:
        raise LabError(f"{h5_path}: {what} is {value.shape}, the model wants {tuple(target.shape)} (wrong architecture): "
                       f"use one of {', '.join(AUTHORS_FILES)}")
    with torch.no_grad():
        target.copy_(torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32)))


def import_keras_weights(h5_path: str | os.PathLike) -> tuple[MesoNet, dict]:
    """Read one of the authors' .h5 files -> (model in eval mode, checkpoint info dict)."""
    from deepfake_edu.registry import create_model

    h5_path = Path(h5_path)
    layers = _read_layers(h5_path)
    name = _architecture(layers, h5_path)
    _check_layout(layers, h5_path)
    model = create_model(name)

    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]  # registration = creation order
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for index, (conv, (kernel, bias)) in enumerate(zip(convs, _in_creation_order(layers, "conv2d"))):
        _copy(conv.weight, kernel.transpose(3, 2, 0, 1), f"conv {index + 1} kernel", h5_path)  # (H,W,in,out)->(out,in,H,W)
        _copy(conv.bias, bias, f"conv {index + 1} bias", h5_path)
    for index, (norm, (gamma, beta, mean, variance)) in enumerate(zip(norms, _in_creation_order(layers, "batch_normalization"))):
        for target, value in ((norm.weight, gamma), (norm.bias, beta), (norm.running_mean, mean), (norm.running_var, variance)):
            _copy(target, value, f"batch norm {index + 1}", h5_path)

    (kernel1, bias1), (kernel2, bias2) = _in_creation_order(layers, "dense")
    channels = norms[-1].num_features
    side = int(round((kernel1.shape[0] / channels) ** 0.5))
    if kernel1.shape[0] == 0 or side * side * channels != kernel1.shape[0]:
        raise LabError(f"{h5_path}: first dense layer has {kernel1.shape[0]} inputs, not a square map of {channels} channels (wrong shapes): "
                       f"use one of {', '.join(AUTHORS_FILES)} ({where_to_get()})")
    # rows (h, w, c) -> columns (c, h, w), then (in, out) -> torch's (out, in)
    dense1 = kernel1.reshape(side, side, channels, -1).transpose(3, 2, 0, 1).reshape(kernel1.shape[1], -1)
    _copy(model.head.dense1.weight, dense1, "dense 1 kernel", h5_path)
    _copy(model.head.dense1.bias, bias1, "dense 1 bias", h5_path)
    _copy(model.head.dense2.weight, kernel2.T, "dense 2 kernel", h5_path)
    _copy(model.head.dense2.bias, bias2, "dense 2 bias", h5_path)
    model.eval()

    match = re.fullmatch(r"(Meso4|MesoInception)_(\w+)", h5_path.stem)
    info = {
        "model": name,
        "config": config_dict(model),
        "datasets": [],  # no lab dataset: the authors trained these weights on their own data
        "origin": f"{AUTHORS_REPOSITORY} {h5_path.name}",
        "license": "Apache-2.0",
        "label": LABEL,
    }
    if match and match.group(2) in TRAINED_ON:
        info["trained_on"] = TRAINED_ON[match.group(2)]
    return model, info


def model_tensors(model: nn.Module) -> dict[str, torch.Tensor]:
    """The model's state keyed ``model/<name>``, as checkpoints store it."""
    return {f"model/{key}": value for key, value in model.state_dict().items()}


def import_keras_file(h5_path: str | os.PathLike, out: str | os.PathLike | None = None) -> Path:
    """Convert one .h5 file into a checkpoint pair (default models/<meso4-df>); returns the JSON path."""
    from deepfake_edu.training.checkpoint import save_model_file

    model, info = import_keras_weights(h5_path)
    stem = Path(out) if out else models_dir() / default_model_name(h5_path)
    return save_model_file(stem, model_tensors(model), info)


def _checkpoint_candidates(name_or_path: str) -> list[Path]:
    path = Path(name_or_path)
    candidates = [path, path.with_name(path.name + ".json")]
    if not path.is_absolute() and len(path.parts) == 1:
        candidates += [models_dir() / path.name, models_dir() / (path.name + ".json")]
    return candidates


DETECTOR_KINDS = ("meso4", "mesoinception4")  # the registry names a detector checkpoint may hold


def load_detector(name_or_path: str | os.PathLike = "meso4-df", device="cpu", with_info: bool = False,
                  kinds: tuple[str, ...] | None = DETECTOR_KINDS):
    """The one way to get a trained detector: by checkpoint (its .json/.safetensors, stem or run
    folder, the newest checkpoint), by name in models/ (``"meso4-df"`` after ``deepfake-edu
    detect import-keras``), or straight from one of the authors' .h5 files.

    Returns the model in eval mode on ``device``; with ``with_info=True``, ``(model, checkpoint
    info)``. kinds: the registry names accepted (default: a MesoNet); None accepts any
    registered model, for the commands that explain any image classifier (Grad-CAM, occlusion).
    Every refusal is one LabError line that says what to do.
    """
    from deepfake_edu.registry import WrongModelKind, load_model

    text = str(name_or_path)
    try:
        if text.endswith(".h5"):
            model, info = import_keras_weights(text)
            if kinds is not None and info["model"] not in kinds:
                raise WrongModelKind(Path(text), info["model"], tuple(kinds))
            model = model.to(device).eval()
        else:
            found = next((p for p in _checkpoint_candidates(text) if p.is_file() or p.is_dir()), None)
            if found is None:
                hint = (f"import the authors' weights first: {where_to_get()}, then run "
                        f"`deepfake-edu detect import-keras models/keras/Meso4_DF.h5`, or pass a checkpoint path")
                raise LabError(f"no detector {text!r} (looked in {models_dir()}): {hint}")
            model, info = load_model(found, device, kinds=kinds)
    except WrongModelKind as error:
        if error.kinds != DETECTOR_KINDS:
            raise
        raise LabError(f"{error.path} holds a {error.model!r} model, not a MesoNet detector: "
                       f"choose a meso4 or mesoinception4 checkpoint") from None
    return (model, info) if with_info else model
