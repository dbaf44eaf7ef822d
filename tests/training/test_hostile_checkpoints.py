"""Hostile checkpoints: every malformed pair is one LabError line naming the file, never a traceback.

A tiny real Meso-4 checkpoint is written once; each case corrupts a copy of it (the JSON, the
tensor file, or both) and goes through the user-facing paths: ``registry.load_model`` and the
CLI (``detect run``, ``explain``, ``swap apply``), which must exit 2 with a single ``error:`` line.
Most cases that damage the tensor file re-record its SHA-256 in the JSON, so the check under test
fires rather than the hash check in front of it. Nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import resource
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from deepfake_edu.cli import main
from deepfake_edu.errors import LabError
from deepfake_edu.registry import create_model, load_model
from deepfake_edu.training.checkpoint import (
    MAX_HEADER_BYTES,
    MAX_JSON_BYTES,
    save_model_file,
)

TB4 = 4 << 40


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A real, loadable Meso-4 checkpoint: pristine/m.json + pristine/m.safetensors."""
    from deepfake_edu.detect.keras_import import model_tensors
    from deepfake_edu.detect.mesonet import config_dict

    folder = tmp_path_factory.mktemp("pristine")
    model = create_model("meso4")
    save_model_file(folder / "m", model_tensors(model), {"model": "meso4", "config": config_dict(model)})
    return folder


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    from deepfake_edu.data.images import write_image

    path = tmp_path_factory.mktemp("image") / "face.png"
    write_image(str(path), (np.random.default_rng(0).random((64, 64, 3)) * 255).astype(np.uint8))
    return path


# --- corruptions: each takes the case folder (holding a copy of m.json + m.safetensors) --------

def _json(folder: Path) -> dict:
    return json.loads((folder / "m.json").read_text())


def _write_json(folder: Path, info) -> None:
    (folder / "m.json").write_text(json.dumps(info))


def _edit(**changes):
    def corrupt(folder):
        info = _json(folder)
        for key, value in changes.items():
            if value is _DELETE:
                info.pop(key)
            else:
                info[key] = value
        _write_json(folder, info)
    return corrupt


def _edit_config(**changes):
    def corrupt(folder):
        info = _json(folder)
        info["config"].update(changes)
        _write_json(folder, info)
    return corrupt


_DELETE = object()


def _rehash(folder: Path) -> None:
    """Record the tensor file's current SHA-256, as a forger would."""
    info = _json(folder)
    info["sha256"] = hashlib.sha256((folder / "m.safetensors").read_bytes()).hexdigest()
    _write_json(folder, info)


def _tensors(data: bytes, rehash: bool = True):
    def corrupt(folder):
        (folder / "m.safetensors").write_bytes(data)
        if rehash:
            _rehash(folder)
    return corrupt


def _header_bytes(folder: Path) -> tuple[dict, bytes]:
    raw = (folder / "m.safetensors").read_bytes()
    length = struct.unpack("<Q", raw[:8])[0]
    return json.loads(raw[8:8 + length]), raw[8 + length:]


def _safetensors(header: dict, payload: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + payload


def _edit_header(change):
    """Rewrite the safetensors header (payload kept) with ``change(header, payload) -> (header, payload)``."""
    def corrupt(folder):
        header, payload = _header_bytes(folder)
        header, payload = change(header, payload)
        (folder / "m.safetensors").write_bytes(_safetensors(header, payload))
        _rehash(folder)
    return corrupt


def _first_float(header: dict) -> str:
    return next(k for k, v in header.items() if k != "__metadata__" and v["dtype"] == "F32")


def _header_tensor(**entry_changes):
    def change(header, payload):
        header[_first_float(header)].update(entry_changes)
        return header, payload
    return _edit_header(change)


def _in_memory(folder: Path) -> dict[str, torch.Tensor]:
    """The tensors, copied off the file (never memory-mapped: the file is rewritten next)."""
    from safetensors.torch import load

    return load((folder / "m.safetensors").read_bytes())


def _state(change):
    """Replace the tensor file with a valid safetensors file of a changed state dict."""
    def corrupt(folder):
        tensors = _in_memory(folder)
        change(tensors)
        save_file(tensors, str(folder / "m.safetensors"))
        _rehash(folder)
    return corrupt


def _drop_one(tensors):
    tensors.pop(min(tensors))


def _reshape_one(tensors):
    key = next(k for k in sorted(tensors) if k.endswith("weight"))
    tensors[key] = torch.zeros(tuple(tensors[key].shape) + (1,))


def _add_one(tensors):
    tensors["model/intruder"] = torch.zeros(3)


def _truncate(keep: int | None = None, cut: int | None = None, rehash: bool = True):
    def corrupt(folder):
        raw = (folder / "m.safetensors").read_bytes()
        (folder / "m.safetensors").write_bytes(raw[:keep] if keep is not None else raw[:-cut])
        if rehash:
            _rehash(folder)
    return corrupt


def _append(extra: bytes):
    def corrupt(folder):
        with open(folder / "m.safetensors", "ab") as handle:
            handle.write(extra)
        _rehash(folder)
    return corrupt


def _flip_last_byte(folder):
    data = bytearray((folder / "m.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (folder / "m.safetensors").write_bytes(bytes(data))


def _json_bytes(data: bytes):
    def corrupt(folder):
        (folder / "m.json").write_bytes(data)
    return corrupt


def _json_folder(folder):
    (folder / "m.json").unlink()
    (folder / "m.json").mkdir()


def _json_fifo(folder):
    (folder / "m.json").unlink()
    os.mkfifo(folder / "m.json")


def _tensors_fifo(folder):
    (folder / "m.safetensors").unlink()
    os.mkfifo(folder / "m.safetensors")
    info = _json(folder)
    info.pop("sha256")
    _write_json(folder, info)


def _tensors_folder(folder):
    (folder / "m.safetensors").unlink()
    (folder / "m.safetensors").mkdir()


def _tensors_named_folder(folder):
    (folder / "sub.safetensors").mkdir()
    _edit(tensors="sub.safetensors")(folder)


def _tensors_in_parent(folder):
    shutil.copy(folder / "m.safetensors", folder.parent / "outside.safetensors")
    _edit(tensors="../outside.safetensors")(folder)


def _tensors_in_subfolder(folder):
    (folder / "sub").mkdir()
    shutil.move(folder / "m.safetensors", folder / "sub" / "m.safetensors")
    _edit(tensors="sub/m.safetensors")(folder)


def _tensors_absolute(folder):
    _edit(tensors=str((folder / "m.safetensors").resolve()))(folder)


def _tensors_link_outside(folder):
    outside = folder.parent / "elsewhere.safetensors"
    shutil.move(folder / "m.safetensors", outside)
    (folder / "m.safetensors").symlink_to(outside)


def _tensors_link_dev_zero(folder):
    (folder / "m.safetensors").unlink()
    (folder / "m.safetensors").symlink_to("/dev/zero")


def _tensors_link_loop(folder):
    (folder / "m.safetensors").unlink()
    (folder / "m.safetensors").symlink_to(folder / "m.safetensors")


def _tensors_deleted(folder):
    (folder / "m.safetensors").unlink()


def _pickle_payload():
    return pickle.dumps({"model/w": [0.0] * 10}, protocol=4)


def _torch_zip_payload(folder):
    torch.save(_in_memory(folder), folder / "m.safetensors")
    _rehash(folder)


def _header_4tb(folder):
    """8 bytes claiming a 4 TB header, and nothing else: a reader that tried would find no payload."""
    (folder / "m.safetensors").write_bytes(struct.pack("<Q", TB4))
    _rehash(folder)


def _header_over_cap(folder):
    """A header longer than the cap, though the file really holds it (padding)."""
    header, payload = _header_bytes(folder)
    text = json.dumps(header).encode()
    text += b" " * (MAX_HEADER_BYTES + 1 - len(text))
    (folder / "m.safetensors").write_bytes(struct.pack("<Q", len(text)) + text + payload)
    _rehash(folder)


def _tensor_claims_4tb(folder):
    """A header that declares a 4 TB tensor at the end of the payload; the bytes are not there."""
    def change(header, payload):
        header["model/huge"] = {"dtype": "F32", "shape": [TB4 // 4], "data_offsets": [len(payload), len(payload) + TB4]}
        return header, payload
    _edit_header(change)(folder)


def _overlap(header, payload):
    key = _first_float(header)
    header["model/twin"] = dict(header[key])
    return header, payload


def _not_dict_entry(header, payload):
    header[_first_float(header)] = [1, 2, 3]
    return header, payload


def _bad_metadata(header, payload):
    header["__metadata__"] = {"format": 1}
    return header, payload


def _header_list(header, payload):
    return [header], payload


def _run_folder_only_damaged(folder):
    """A run folder whose only step checkpoint is damaged: the reader says what is wrong with it."""
    checkpoints = folder / "checkpoints"
    checkpoints.mkdir()
    for suffix in (".json", ".safetensors"):
        shutil.move(folder / f"m{suffix}", checkpoints / f"step-00000010{suffix}")
    info = json.loads((checkpoints / "step-00000010.json").read_text())
    info["tensors"] = "step-00000010.safetensors"
    (checkpoints / "step-00000010.json").write_text(json.dumps(info))
    raw = (checkpoints / "step-00000010.safetensors").read_bytes()
    (checkpoints / "step-00000010.safetensors").write_bytes(raw[:-100])


CASES = {
    # the JSON file
    "json missing": (lambda folder: (folder / "m.json").unlink(), "no checkpoint at"),
    "json not utf-8": (_json_bytes(b'{"format": "\xff\xfe deepfake"}'), "not UTF-8"),
    "json latin-1": (_json_bytes('{"format": "caf\u00e9"}'.encode("latin-1")), "not UTF-8"),
    "json invalid": (_json_bytes(b'{"format": "deepfake-edu-checkpoint/1", '), "not valid JSON"),
    "json empty": (_json_bytes(b""), "not valid JSON"),
    "json deep nesting": (_json_bytes(b"[" * 200_000 + b"]" * 200_000), "not valid JSON"),
    "json huge integer": (_json_bytes(b'{"format": ' + b"9" * 10_000 + b"}"), "not valid JSON"),
    "json list": (_json_bytes(b"[1, 2, 3]"), "an array in JSON"),
    "json string": (_json_bytes(b'"m.safetensors"'), "a string in JSON"),
    "json null": (_json_bytes(b"null"), "null in JSON"),
    "json too big": (_json_bytes(b" " * (MAX_JSON_BYTES + 1) + b"{}"), "far too big"),
    "json is a folder": (_json_folder, "no checkpoint in"),
    "json is a fifo": (_json_fifo, "not a regular file"),
    # its fields
    "format missing": (_edit(format=_DELETE), "no 'format' field"),
    "format wrong": (_edit(format="pytorch-lightning/2"), "its format is"),
    "format wrong type": (_edit(format=1), "its format is"),
    "tensors missing": (_edit(tensors=_DELETE), "no 'tensors' field"),
    "tensors a list": (_edit(tensors=["m.safetensors"]), "'tensors' field is an array"),
    "tensors a number": (_edit(tensors=7), "'tensors' field is a number"),
    "tensors empty": (_edit(tensors=""), "in the same folder"),
    "tensors dot-dot": (_edit(tensors=".."), "in the same folder"),
    "tensors in parent": (_tensors_in_parent, "in the same folder"),
    "tensors in subfolder": (_tensors_in_subfolder, "in the same folder"),
    "tensors absolute": (_tensors_absolute, "in the same folder"),
    "tensors not .safetensors": (_edit(tensors="m.json"), "in the same folder"),
    "tensors newline name": (_edit(tensors="m\n.safetensors"), "in the same folder"),
    "tensors link outside": (_tensors_link_outside, "leads outside"),
    "tensors link to /dev/zero": (_tensors_link_dev_zero, "leads outside"),
    "tensors link loop": (_tensors_link_loop, "leads outside"),
    "tensors names a folder": (_tensors_named_folder, "is a folder"),
    "tensors file is a folder": (_tensors_folder, "is a folder"),
    "tensors file is a fifo": (_tensors_fifo, "not a regular file"),
    "tensors file deleted": (_tensors_deleted, "is missing"),
    "sha256 wrong type": (_edit(sha256=12345), "'sha256' field is a number"),
    "sha256 not hex": (_edit(sha256="not-a-digest"), "not a SHA-256"),
    "sha256 mismatch": (_flip_last_byte, "does not match"),
    "model missing": (_edit(model=_DELETE), "no 'model' field"),
    "model wrong type": (_edit(model=["meso4"]), "'model' field is an array"),
    "model unknown": (_edit(model="resnet50"), "does not know"),
    "model another kind": (_edit(model="mesoinception4"), "does not build"),
    "model another kind, no config": (_edit(model="mesoinception4", config=_DELETE), "does not fit"),
    "config a list": (_edit(config=[1, 2]), "'config' field is an array"),
    "config a string": (_edit(config="meso4"), "'config' field is a string"),
    "config extra key": (_edit_config(bogus=1), "does not build"),
    "config wrong type": (_edit_config(hidden="sixteen"), "does not build"),
    "config wrong tuple": (_edit_config(channels="abcd"), "does not build"),
    "config negative size": (_edit_config(hidden=-1), "does not build"),
    "config bad choice": (_edit_config(output=3), "does not build"),
    "config huge width": (_edit_config(channels=[8, 8, 16, 1 << 30]), "does not fit"),
    "config float width": (_edit_config(hidden=16.5), "does not build"),
    # the tensor file
    "safetensors is a pickle": (_tensors(_pickle_payload()), "Python pickle"),
    "safetensors is a torch zip": (_torch_zip_payload, "zip archive"),
    "safetensors empty": (_tensors(b""), "too short"),
    "safetensors 5 bytes": (_tensors(b"\x10\x00\x00\x00\x00"), "too short"),
    "safetensors truncated header": (_truncate(keep=100), "truncated"),
    "safetensors truncated payload": (_truncate(cut=1000), "truncated"),
    "safetensors truncated, old hash": (_truncate(cut=1000, rehash=False), "truncated"),
    "safetensors trailing bytes": (_append(b"\x00" * 64), "padded"),
    "header claims 4 TB": (_header_4tb, "4398046511104-byte header"),
    "header over the cap": (_header_over_cap, f"more than the {MAX_HEADER_BYTES}"),
    "header not json": (_tensors(struct.pack("<Q", 4) + b"\xff\xfe\x00\x01" + b"\x00" * 16), "does not start with a safetensors header"),
    "header a list": (_edit_header(_header_list), "not a JSON object"),
    "header empty": (_tensors(struct.pack("<Q", 0) + b"\x00" * 16), "empty safetensors header"),
    "tensor claims 4 TB": (_tensor_claims_4tb, "the header lies"),
    "tensor offsets beyond shape": (_header_tensor(data_offsets=[0, 4]), "offsets span"),
    "tensor offsets reversed": (_header_tensor(data_offsets=[8, 0]), "malformed data_offsets"),
    "tensor offsets strings": (_header_tensor(data_offsets=["0", "8"]), "malformed data_offsets"),
    "tensor offsets negative": (_header_tensor(data_offsets=[-8, 0]), "malformed data_offsets"),
    "tensor shape negative": (_header_tensor(shape=[-1, 4]), "malformed shape"),
    "tensor shape a string": (_header_tensor(shape="8x3"), "malformed shape"),
    "tensor shape booleans": (_header_tensor(shape=[True]), "malformed shape"),
    "tensor dtype unknown": (_header_tensor(dtype="Q42"), "dtype"),
    "tensor dtype missing": (_header_tensor(dtype=None), "dtype"),
    "tensor entry not an object": (_edit_header(_not_dict_entry), "no dtype/shape/offsets"),
    "tensors overlap": (_edit_header(_overlap), "overlap"),
    "metadata malformed": (_edit_header(_bad_metadata), "__metadata__"),
    "state missing a tensor": (_state(_drop_one), "does not fit"),
    "state wrong shape": (_state(_reshape_one), "does not fit"),
    "state extra tensor": (_state(_add_one), "does not fit"),
    "run folder, only damaged": (_run_folder_only_damaged, "truncated"),
}

ENTRY_POINTS = ("load_model", "detect run", "explain", "swap apply")


def _make_case(pristine: Path, tmp_path: Path, name: str) -> tuple[Path, Path]:
    """(case folder, the path to hand the loader) after applying the corruption."""
    folder = tmp_path / "case"
    shutil.copytree(pristine, folder)
    corrupt, _ = CASES[name]
    corrupt(folder)
    target = folder if name.startswith("run folder") else folder / "m.json"
    return folder, target


def _assert_one_line_naming(message: str, folder: Path) -> None:
    assert "\n" not in message.strip(), message
    assert "Traceback" not in message
    assert str(folder) in message, f"the message does not name the file: {message}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_model_refuses_in_one_line(pristine, tmp_path, name):
    folder, target = _make_case(pristine, tmp_path, name)
    with pytest.raises(LabError) as caught:
        load_model(target)
    message = str(caught.value)
    _assert_one_line_naming(message, folder)
    assert CASES[name][1] in message, message


_CLI_CASES = sorted(CASES)


@pytest.mark.parametrize("entry", ENTRY_POINTS[1:])
@pytest.mark.parametrize("name", _CLI_CASES)
def test_cli_exits_2_with_one_line(pristine, image, tmp_path, capfd, name, entry):
    folder, target = _make_case(pristine, tmp_path, name)
    argv = {
        "detect run": ["detect", "run", str(image), "--model", str(target)],
        "explain": ["explain", str(image), "--model", str(target), "--out", str(tmp_path / "heat.png")],
        "swap apply": ["swap", "apply", str(image), "--run", str(target), "--to", "A", "--out", str(tmp_path / "out.png")],
    }[entry]
    capfd.readouterr()
    assert main(argv) == 2
    captured = capfd.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    _assert_one_line_naming(lines[0], folder)
    assert not (tmp_path / "heat.png").exists() and not (tmp_path / "out.png").exists()


def test_the_pristine_checkpoint_loads(pristine):
    """The control: the copies above fail because of the damage, not because of the original."""
    model, info = load_model(pristine / "m.json")
    assert info["model"] == "meso4" and not model.training


def test_a_4tb_header_is_refused_before_any_payload_is_read(pristine, tmp_path):
    folder, target = _make_case(pristine, tmp_path, "header claims 4 TB")
    assert (folder / "m.safetensors").stat().st_size == 8  # no payload to read: refusal is up front
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(3):
        with pytest.raises(LabError, match="4398046511104-byte header"):
            load_model(target)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024  # ru_maxrss is KiB on Linux
    assert grown_mb < 200


def test_a_4tb_tensor_and_a_huge_config_stay_small(pristine, tmp_path):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for name in ("tensor claims 4 TB", "config huge width"):
        _, target = _make_case(pristine, tmp_path / name.replace(" ", "-"), name)
        with pytest.raises(LabError):
            load_model(target)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 200


def test_nothing_is_unpickled(pristine, tmp_path, monkeypatch):
    """A pickle whose unpickling would run code is refused without unpickling it."""
    import pickle as pickle_module

    def never(*args, **kwargs):
        raise AssertionError("a user file was unpickled")

    monkeypatch.setattr(pickle_module, "load", never)
    monkeypatch.setattr(pickle_module, "loads", never)
    monkeypatch.setattr(torch, "load", never)
    for name in ("safetensors is a pickle", "safetensors is a torch zip"):
        _, target = _make_case(pristine, tmp_path / name.replace(" ", "-"), name)
        with pytest.raises(LabError, match="never unpickles"):
            load_model(target)


def test_latest_checkpoint_skips_hostile_pairs_and_finds_the_good_one(pristine, tmp_path):
    from deepfake_edu.training.checkpoint import latest_checkpoint

    checkpoints = tmp_path / "run" / "checkpoints"
    checkpoints.mkdir(parents=True)
    for step, body in ((1, None), (2, b"[1, 2]"), (3, b"\xff\xfe"), (4, b'{"format": "deepfake-edu-checkpoint/1", "tensors": "../x.safetensors", "sha256": "0"}')):
        stem = checkpoints / f"step-{step:08d}"
        shutil.copy(pristine / "m.safetensors", stem.with_suffix(".safetensors"))
        info = json.loads((pristine / "m.json").read_text())
        info["tensors"] = stem.name + ".safetensors"
        stem.with_suffix(".json").write_bytes(body if body is not None else json.dumps(info).encode())
    (checkpoints / "step-00000005.json").mkdir()  # a folder with a step name
    assert latest_checkpoint(tmp_path / "run").name == "step-00000001.json"
    model, _ = load_model(tmp_path / "run")
    assert not model.training


def test_a_real_header_whose_length_begins_with_0x80_is_not_taken_for_a_pickle(tmp_path):
    """A pickle starts with byte 0x80, and so does a header length of 128, 384, 640, ... bytes."""
    from deepfake_edu.training import load_model_file

    for width in range(1, 300):
        stem = tmp_path / f"w{width}"
        save_model_file(stem, {"model/" + "x" * width: torch.zeros(1)}, {"model": "meso4"})
        if (stem.with_suffix(".safetensors").read_bytes()[0]) == 0x80:
            tensors, _ = load_model_file(stem.with_suffix(".json"))
            assert list(tensors) == ["model/" + "x" * width]
            return
    pytest.fail("no header length beginning with 0x80 was produced")


# --- resuming a training run from a hand-edited checkpoint ---------------------------------------
# A tiny run is trained 2 steps once; each case edits a copy of its step checkpoint (the JSON, or
# the tensors with the hash re-recorded) and resumes it: one LabError line naming the JSON and
# saying how to start again, never a KeyError or TypeError, and the run's files stay as they were.


def tiny_trainer(run_dir: Path, steps: int = 4, amsgrad: bool = False):
    """A Trainer of the training core's tiny task (tests/training/tiny_task.py) on the CPU."""
    from deepfake_edu.training import (
        TrainConfig,
        Trainer,
        batch_indices,
        seed_everything,
    )
    from tests.training.tiny_task import N_IMAGES, build_model, make_images

    images = make_images()
    seed_everything(0)
    config = TrainConfig(steps=steps, batch_size=4, seed=0, device="cpu", checkpoint_every=2, log_every=1,
                         progress=False, prefetch=False)
    return Trainer(build_model(), lambda p: torch.optim.Adam(p, lr=1e-2, amsgrad=amsgrad),
                   lambda step, rank, world: images[batch_indices(0, step, N_IMAGES, 4)],
                   lambda net, batch: (torch.nn.functional.mse_loss(net(batch), batch), {}),
                   run_dir, config, info={"model": "tiny", "config": {"size": 16}, "datasets": []})


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("resume") / "run"
    tiny_trainer(run, steps=2).fit()
    return run


def _step_json(run: Path) -> Path:
    return run / "checkpoints" / "step-00000002.json"


def _resume_edit(change):
    """Edit the step checkpoint's JSON in place with ``change(info)`` (what it returns is ignored)."""
    def corrupt(run: Path):
        path = _step_json(run)
        info = json.loads(path.read_text())
        change(info)
        path.write_text(json.dumps(info))
    return corrupt


def _resume_bytes(data: bytes):
    def corrupt(run: Path):
        _step_json(run).write_bytes(data)
    return corrupt


def _resume_tensors(change):
    """Rewrite the step checkpoint's tensors with ``change(tensors)`` and re-record their hash."""
    def corrupt(run: Path):
        from safetensors.torch import load

        path = _step_json(run)
        tensor_file = path.with_suffix(".safetensors")
        tensors = load(tensor_file.read_bytes())
        change(tensors)
        save_file(tensors, str(tensor_file))
        info = json.loads(path.read_text())
        info["sha256"] = hashlib.sha256(tensor_file.read_bytes()).hexdigest()
        path.write_text(json.dumps(info))
    return corrupt


def _group(**changes):
    def change(info):
        group = info["optimizer"]["param_groups"][0]
        for key, value in changes.items():
            if value is _DELETE:
                group.pop(key)
            else:
                group[key] = value
    return change


def _set(*keys, value):
    def change(info):
        target = info
        for key in keys[:-1]:
            target = target[key]
        if value is _DELETE:
            target.pop(keys[-1])
        else:
            target[keys[-1]] = value
    return change


def _first_optim(suffix: str):
    return lambda tensors: min(k for k in tensors if k.startswith("optim/") and k.endswith(suffix))


def _optim_reshaped(tensors):
    key = _first_optim("exp_avg")(tensors)
    tensors[key] = torch.zeros(tuple(tensors[key].shape) + (2,))


def _optim_step_vector(tensors):
    key = _first_optim("/step")(tensors)
    tensors[key] = torch.zeros(3)


def _optim_integer(tensors):
    key = _first_optim("exp_avg_sq")(tensors)
    tensors[key] = tensors[key].to(torch.int32)


def _optim_dropped(tensors):
    tensors.pop(_first_optim("exp_avg_sq")(tensors))


def _optim_stranger(index: str):
    def change(tensors):
        tensors[f"optim/{index}"] = torch.zeros(1)
    return change


def _model_dropped(tensors):
    tensors.pop(min(k for k in tensors if k.startswith("model/")))


RESUME_CASES = {
    # the whole JSON (no complete checkpoint is left: the run is not silently started again)
    "json a number": (_resume_bytes(b"7"), "a number in JSON"),
    "json an array": (_resume_bytes(b"[]"), "an array in JSON"),
    "json not utf-8": (_resume_bytes(b'{"format": "\xff"}'), "not UTF-8"),
    "json truncated": (lambda run: _step_json(run).write_bytes(_step_json(run).read_bytes()[:50]), "not valid JSON"),
    "json without format": (_resume_edit(_set("format", value=_DELETE)), "no 'format' field"),
    "json without hash": (_resume_edit(_set("sha256", value=_DELETE)), "no SHA-256"),
    "tensors zeroed": (lambda run: _step_json(run).with_suffix(".safetensors").write_bytes(b"\x00" * 9), "damaged"),
    # the optimizer's part of the JSON
    "optimizer missing": (_resume_edit(_set("optimizer", value=_DELETE)), "optimizer state is missing"),
    "optimizer a list": (_resume_edit(_set("optimizer", value=[1, 2])), "optimizer state is an array"),
    "optimizer a string": (_resume_edit(_set("optimizer", value="adam")), "optimizer state is a string"),
    "optimizer null": (_resume_edit(_set("optimizer", value=None)), "optimizer state is missing"),
    "param_groups missing": (_resume_edit(_set("optimizer", "param_groups", value=_DELETE)), "no list of parameter groups"),
    "param_groups an object": (_resume_edit(_set("optimizer", "param_groups", value={"lr": 1})), "no list of parameter groups"),
    "param_groups of numbers": (_resume_edit(_set("optimizer", "param_groups", value=[1])), "no list of parameter groups"),
    "param_groups empty": (_resume_edit(_set("optimizer", "param_groups", value=[])), "0 parameter groups"),
    "param_groups doubled": (_resume_edit(lambda info: info["optimizer"]["param_groups"].append(info["optimizer"]["param_groups"][0])),
                             "2 parameter groups"),
    "group params missing": (_resume_edit(_group(params=_DELETE)), "parameter numbers"),
    "group params a string": (_resume_edit(_group(params="all")), "parameter numbers"),
    "group params too few": (_resume_edit(lambda info: info["optimizer"]["param_groups"][0]["params"].pop()), "parameter numbers"),
    "group params strings": (_resume_edit(lambda info: _group(params=[str(i) for i in info["optimizer"]["param_groups"][0]["params"]])(info)),
                             "parameter numbers"),
    "group params repeated": (_resume_edit(lambda info: _group(params=[0] * len(info["optimizer"]["param_groups"][0]["params"]))(info)),
                              "a parameter twice"),
    "group unknown setting": (_resume_edit(_group(bogus=1)), "settings this Adam optimizer does not take"),
    "group lr a string": (_resume_edit(_group(lr="fast")), "settings this Adam optimizer does not take"),
    "group lr negative": (_resume_edit(_group(lr=-1)), "settings this Adam optimizer does not take"),
    "group betas a string": (_resume_edit(_group(betas="0.9")), "settings this Adam optimizer does not take"),
    "group betas too many": (_resume_edit(_group(betas=[0.5, 0.9, 0.99])), "settings this Adam optimizer does not take"),
    "group eps a list": (_resume_edit(_group(eps=[1e-8])), "settings this Adam optimizer does not take"),
    "group amsgrad switched on": (_resume_edit(_group(amsgrad=True)), "not ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']"),
    "scalars a list": (_resume_edit(_set("optimizer", "scalars", value=[1])), "'scalars'"),
    "scalars of numbers": (_resume_edit(_set("optimizer", "scalars", value={"0": 1})), "'scalars'"),
    "scalars for a stranger": (_resume_edit(_set("optimizer", "scalars", value={"999": {"step": 1}})), "no parameter of this model"),
    "scalars for a word": (_resume_edit(_set("optimizer", "scalars", value={"x": {"step": 1}})), "no parameter of this model"),
    "scalars extra entry": (_resume_edit(_set("optimizer", "scalars", value={"0": {"momentum": 0.5}})), "holds ['exp_avg'"),
    # progress and history
    "progress missing": (_resume_edit(_set("progress", value=_DELETE)), "'progress' field is missing"),
    "progress a list": (_resume_edit(_set("progress", value=[2, 0.1])), "'progress' field is not an object"),
    "step missing": (_resume_edit(_set("progress", "step", value=_DELETE)), "'step' is missing"),
    "step a string": (_resume_edit(_set("progress", "step", value="2")), "'step' is '2'"),
    "step a float": (_resume_edit(_set("progress", "step", value=2.5)), "'step' is 2.5"),
    "step negative": (_resume_edit(_set("progress", "step", value=-3)), "'step' is -3"),
    "step a boolean": (_resume_edit(_set("progress", "step", value=True)), "'step' is True"),
    "step huge": (_resume_edit(_set("progress", "step", value=10**30)), "not a whole number of steps"),
    "elapsed missing": (_resume_edit(_set("progress", "elapsed_s", value=_DELETE)), "'elapsed_s' is missing"),
    "elapsed a string": (_resume_edit(_set("progress", "elapsed_s", value="1.5")), "'elapsed_s' is '1.5'"),
    "elapsed negative": (_resume_edit(_set("progress", "elapsed_s", value=-1.0)), "'elapsed_s' is -1.0"),
    "elapsed infinite": (_resume_edit(_set("progress", "elapsed_s", value=float("inf"))), "'elapsed_s' is inf"),
    "elapsed NaN": (_resume_edit(_set("progress", "elapsed_s", value=float("nan"))), "'elapsed_s' is nan"),
    "history an object": (_resume_edit(_set("history", value={"step": 1})), "'history' field is not a list"),
    "history of numbers": (_resume_edit(_set("history", value=[1, 2])), "not an object with a whole-number 'step'"),
    "history entry without a step": (_resume_edit(_set("history", value=[{"loss": 0.1}])), "not an object with a whole-number 'step'"),
    "history entry with words": (_resume_edit(_set("history", value=[{"step": 1, "loss": "low"}])), "other than numbers"),
    # the tensors (hash re-recorded)
    "optimizer tensor reshaped": (_resume_tensors(_optim_reshaped), "does not fit the parameter"),
    "optimizer step a vector": (_resume_tensors(_optim_step_vector), "does not fit the parameter"),
    "optimizer tensor of integers": (_resume_tensors(_optim_integer), "does not fit the parameter"),
    "optimizer tensor dropped": (_resume_tensors(_optim_dropped), "holds ['exp_avg', 'step']"),
    "optimizer tensor for a stranger": (_resume_tensors(_optim_stranger("99/exp_avg")), "for no parameter of this model"),
    "optimizer tensor unnamed": (_resume_tensors(_optim_stranger("0")), "for no parameter of this model"),
    "optimizer tensor for a word": (_resume_tensors(_optim_stranger("x/exp_avg")), "for no parameter of this model"),
    "model tensor dropped": (_resume_tensors(_model_dropped), "does not fit this model"),
}


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", sorted(RESUME_CASES))
def test_resuming_an_edited_run_is_refused_in_one_line(trained_run, tmp_path, name):
    run = tmp_path / "run"
    shutil.copytree(trained_run, run)
    corrupt, expected = RESUME_CASES[name]
    corrupt(run)
    before = _snapshot(run)
    with pytest.raises(LabError) as caught:
        tiny_trainer(run).fit(resume=True)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(_step_json(run).with_suffix(""))), message  # its .json or .safetensors
    assert expected in message and "start again in a new run folder (--run), or delete" in message, message
    assert _snapshot(run) == before  # nothing of the run was deleted or rewritten


def test_an_edited_run_that_still_fits_resumes(trained_run, tmp_path):
    """The controls: the pristine copy resumes, and so does one whose learning rate was deleted
    (the optimizer keeps its own) or whose history was emptied."""
    for name, change in (("pristine", lambda info: None), ("no lr", _group(lr=_DELETE)), ("no history", _set("history", value=[]))):
        run = tmp_path / name
        shutil.copytree(trained_run, run)
        _resume_edit(change)(run)
        trainer = tiny_trainer(run)
        trainer.fit(resume=True)
        assert trainer.step == 4, name


def test_resuming_through_the_command_line_names_the_file(tmp_path, capsys):
    """`detect train` on an edited run: one `error:` line naming the checkpoint, exit 2."""
    from deepfake_edu.data.images import write_image

    rng = np.random.default_rng(0)
    data = tmp_path / "faces"
    for label in ("real", "fake"):
        for index in range(20):
            write_image(data / label / f"{index}.png", rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))
    run = tmp_path / "run"
    argv = ["detect", "train", "--data", str(data), "--run", str(run), "--steps", "2", "--batch-size", "4",
            "--out", str(tmp_path / "detector"), "--device", "cpu"]
    assert main(argv) == 0
    capsys.readouterr()
    step = run / "checkpoints" / "step-00000002.json"
    _resume_edit(_set("optimizer", value=_DELETE))(run)
    assert main([*argv[:argv.index("--steps") + 1], "4", *argv[argv.index("--steps") + 2:]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {step}: its optimizer state is missing"), err


@pytest.mark.parametrize("stem", [".", "..", "/", "runs/.."])
def test_a_checkpoint_needs_a_name(tmp_path, monkeypatch, stem):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LabError, match="give it a name"):
        save_model_file(stem, {"model/w": torch.zeros(1)}, {"model": "meso4"})
    assert list(tmp_path.iterdir()) == []
