"""Checkpoints: tensors in safetensors, everything else in JSON, never half-written.

A checkpoint is a pair of files with one stem: ``<stem>.safetensors`` (model and optimizer
tensors) and ``<stem>.json`` (model name and config, progress, history, the datasets it
learned from, origin and licence). Each file is written to a temporary name and renamed into
place; the JSON is written last and records the SHA-256 of the tensor file, so a pair is
complete exactly when its JSON exists and the hash matches. Nothing is ever unpickled.

Training runs keep ``checkpoints/step-00000100.*`` pairs (the newest few, with the optimizer, to
resume from) and, when asked (``TrainConfig.snapshot_every``), ``snapshots/step-00000250.*`` pairs
kept for good (model weights only: the model as it was at that step); a ready model is one pair
anywhere (``models/meso4-df.*``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from deepfake_edu.errors import LabError
from deepfake_edu.fileio import atomic_path, write_text_atomic

CHECKPOINT_FORMAT = "deepfake-edu-checkpoint/1"
_STEP_NAME = re.compile(r"^step-(\d{8})\.json$")


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, as hex (read in 1 MB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_sha256 = file_sha256


def save_model_file(stem: str | os.PathLike, tensors: dict[str, torch.Tensor], info: dict) -> Path:
    """Write ``stem.safetensors`` then ``stem.json``; returns the JSON path."""
    stem = Path(stem)
    if not stem.name or stem.name in (".", ".."):  # "--out ." or "--out /": no name to give the pair
        raise LabError(f"cannot write a checkpoint named {str(stem)!r}: give it a name, e.g. models/my-detector")
    if stem.suffix in (".json", ".safetensors"):
        stem = stem.with_suffix("")
    tensor_path = stem.with_name(stem.name + ".safetensors")
    json_path = stem.with_name(stem.name + ".json")
    cpu = {key: value.detach().to("cpu").contiguous().clone() for key, value in tensors.items()}
    with atomic_path(tensor_path) as tmp:
        save_file(cpu, str(tmp))
    info = {"format": CHECKPOINT_FORMAT, **info, "tensors": tensor_path.name, "sha256": _sha256(tensor_path)}
    write_text_atomic(json_path, json.dumps(info, indent=2))
    return json_path


def checkpoint_json(path: str | os.PathLike) -> Path:
    """The JSON of the checkpoint that ``path`` means: either file of a pair, its stem, or a run
    folder (its newest complete checkpoint). Raises a one-line LabError for an empty folder; the
    JSON itself may still be missing (``load_model_file`` says so)."""
    path = Path(path)
    if path.is_dir():
        found = latest_checkpoint(path)
        if found is None:
            folder = path / "checkpoints" if (path / "checkpoints").is_dir() else path
            damaged = sorted(p for p in folder.iterdir() if _STEP_NAME.match(p.name))
            if damaged:  # none is complete: let the reader say what is wrong with the newest
                return damaged[-1]
            raise LabError(f"no checkpoint in {path}: train first, or point at a .json/.safetensors file")
        return found
    return path.with_suffix(".json") if path.suffix in (".safetensors", ".json") else path.with_name(path.name + ".json")


# --- The one reader -----------------------------------------------------------------------------
# Every checkpoint the lab opens goes through ``read_checkpoint_info`` (the JSON, the tensor
# file's name and the safetensors header, checked against the file's size) and then
# ``load_model_file`` (hash, then the tensors). Whatever is wrong, the user gets one LabError line
# that names the file and says what to do; memory stays bounded by the real file's size, since
# nothing is read that the header does not account for and the header itself is capped.

MAX_JSON_BYTES = 16 << 20  # a checkpoint JSON is a few KB (config, progress, history)
MAX_HEADER_BYTES = 16 << 20  # a safetensors header is ~100 bytes per tensor: room for 100k+ tensors
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8,
}
_USE_ANOTHER = "use another checkpoint (or retrain)"
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "a boolean", type(None): "null"}


def _one_line(text: object) -> str:
    """An exception's text on one line (the CLI prints exactly one)."""
    return " ".join(str(text).split())


def _stat_regular(path: Path, what: str) -> os.stat_result:
    """``os.stat`` of a file that must exist and be a regular file (never a folder, a FIFO that
    would block the read, or a device), else a LabError naming it."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise LabError(f"{path} is missing: {what}") from None
    except (OSError, ValueError) as error:
        raise LabError(f"{path} cannot be read ({_one_line(error)}): {what}") from None
    if stat.S_ISDIR(status.st_mode):
        raise LabError(f"{path} is a folder, not a file: {what}")
    if not stat.S_ISREG(status.st_mode):
        raise LabError(f"{path} is not a regular file: {what}")
    return status


def _read_json_object(json_path: Path) -> dict:
    if not json_path.exists() and not json_path.is_symlink():
        raise LabError(f"no checkpoint at {json_path}: check the path (a checkpoint is a .json beside a .safetensors)")
    size = _stat_regular(json_path, "point at a checkpoint's .json file").st_size
    if size > MAX_JSON_BYTES:
        raise LabError(f"{json_path} is {size} bytes, far too big for a checkpoint JSON (at most {MAX_JSON_BYTES}): {_USE_ANOTHER}")
    try:
        with open(json_path, "rb") as handle:
            data = handle.read(MAX_JSON_BYTES + 1)
    except OSError as error:
        raise LabError(f"{json_path} cannot be read ({_one_line(error)}): check its permissions") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LabError(f"{json_path} is not UTF-8 text, so not a checkpoint JSON (damaged?): {_USE_ANOTHER}") from None
    try:
        info = json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError, over-long integers, absurd nesting
        raise LabError(f"{json_path} is not valid JSON: the checkpoint is damaged, {_USE_ANOTHER}") from None
    if not isinstance(info, dict):
        raise LabError(f"{json_path} holds {_JSON_TYPES.get(type(info), 'something')} in JSON, not an object: "
                       f"it is not a deepfake-edu checkpoint, {_USE_ANOTHER}")
    return info


def _check_fields(json_path: Path, info: dict) -> None:
    if "format" not in info:
        raise LabError(f"{json_path} is not a deepfake-edu checkpoint (no 'format' field): {_USE_ANOTHER}")
    if info["format"] != CHECKPOINT_FORMAT:
        raise LabError(f"{json_path} is not a deepfake-edu checkpoint (its format is {_one_line(repr(info['format']))[:80]}, "
                       f"not {CHECKPOINT_FORMAT!r}): {_USE_ANOTHER}")
    expected = {"tensors": (str,), "sha256": (str,), "model": (str,), "config": (dict,)}
    if "tensors" not in info:
        raise LabError(f"{json_path} does not name its tensor file (no 'tensors' field): {_USE_ANOTHER}")
    for key, types in expected.items():
        if key in info and not isinstance(info[key], types):
            raise LabError(f"{json_path}: its {key!r} field is {_JSON_TYPES.get(type(info[key]), 'something else')}, not "
                           f"{' or '.join(_JSON_TYPES[t] for t in types)}: {_USE_ANOTHER}")
    if "sha256" in info and not _SHA256.match(info["sha256"]):
        raise LabError(f"{json_path}: its 'sha256' field is not a SHA-256 hex digest: {_USE_ANOTHER}")


def _tensor_path(json_path: Path, name: str) -> Path:
    """The tensor file a JSON names: a plain .safetensors file beside it, never elsewhere."""
    shown = _one_line(repr(name))[:120]
    if (not name or name in (".", "..") or "/" in name or "\\" in name or any(ord(c) < 32 or c == "\x7f" for c in name)
            or os.path.isabs(name) or not name.endswith(".safetensors")):
        raise LabError(f"{json_path} names its tensors {shown}: a checkpoint's tensors must be a .safetensors file "
                       f"in the same folder as its JSON, {_USE_ANOTHER}")
    tensor_path = json_path.parent / name
    try:
        folder = json_path.parent.resolve()
        inside = tensor_path.resolve().is_relative_to(folder)
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if not inside:
        raise LabError(f"{tensor_path} leads outside {json_path.parent} (a link elsewhere): "
                       f"a checkpoint's tensors must be a file in the same folder as its JSON, {_USE_ANOTHER}")
    return tensor_path


def _foreign(tensor_path: Path, start: bytes) -> LabError | None:
    """The refusal of a pickle or a ``torch.save`` zip where a safetensors file should be (asked
    only once the bytes failed as safetensors: a real header length may begin with 0x80)."""
    if start.startswith((b"\x80", b"PK\x03\x04")):
        kind = "a Python pickle" if start.startswith(b"\x80") else "a zip archive (torch.save?)"
        return LabError(f"{tensor_path} is {kind}, not safetensors: deepfake-edu never unpickles files, "
                        f"{_USE_ANOTHER} or convert it to safetensors yourself")
    return None


def _safetensors_header(tensor_path: Path, size: int) -> dict:
    """The safetensors header, checked against the file before any tensor is read.

    The format: 8 bytes little-endian header length N, N bytes of JSON ({name: {dtype, shape,
    data_offsets}}, optional "__metadata__"), then the tensors' bytes, which the offsets (relative
    to the end of the header) must tile exactly."""
    damaged = f"{_USE_ANOTHER}"
    if size < 8:
        raise LabError(f"{tensor_path} is {size} bytes, too short for a safetensors file (truncated): {damaged}")
    try:
        with open(tensor_path, "rb") as handle:
            start = handle.read(8)
            length = int.from_bytes(start, "little")
            foreign = _foreign(tensor_path, start)
            if foreign is not None and (length > size - 8 or length > MAX_HEADER_BYTES):
                raise foreign  # a pickle or a torch zip is named as such
            if length > size - 8:
                raise LabError(f"{tensor_path} claims a {length}-byte header but holds only {size} bytes "
                               f"(truncated, or not a safetensors file): {damaged}")
            if length > MAX_HEADER_BYTES:
                raise LabError(f"{tensor_path} claims a {length}-byte header, more than the {MAX_HEADER_BYTES} "
                               f"bytes deepfake-edu accepts (not a checkpoint it wrote): {damaged}")
            if length < 2:
                raise LabError(f"{tensor_path} has an empty safetensors header (damaged): {damaged}")
            raw = handle.read(length)
    except OSError as error:
        raise LabError(f"{tensor_path} cannot be read ({_one_line(error)}): check its permissions") from None
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        if foreign is not None:
            raise foreign from None
        raise LabError(f"{tensor_path} does not start with a safetensors header (damaged, or another kind of file): {damaged}") from None
    if not isinstance(header, dict):
        raise LabError(f"{tensor_path} has a safetensors header that is not a JSON object (damaged): {damaged}")
    data_bytes = size - 8 - length
    spans = []
    for key, entry in header.items():
        if key == "__metadata__":
            if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
                raise LabError(f"{tensor_path} has a malformed safetensors __metadata__ (damaged): {damaged}")
            continue
        shown = _one_line(repr(key))[:80]
        if not isinstance(entry, dict):
            raise LabError(f"{tensor_path}: tensor {shown} has no dtype/shape/offsets entry (damaged): {damaged}")
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if not isinstance(dtype, str) or dtype not in _DTYPE_BYTES:
            raise LabError(f"{tensor_path}: tensor {shown} has dtype {_one_line(repr(dtype))[:40]}, "
                           f"not one deepfake-edu writes ({', '.join(_DTYPE_BYTES)}): {damaged}")
        if (not isinstance(shape, list) or len(shape) > 64
                or not all(type(n) is int and n >= 0 for n in shape)):
            raise LabError(f"{tensor_path}: tensor {shown} has a malformed shape (damaged): {damaged}")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(type(n) is int and n >= 0 for n in offsets) or offsets[0] > offsets[1]):
            raise LabError(f"{tensor_path}: tensor {shown} has malformed data_offsets (damaged): {damaged}")
        count = 1
        for n in shape:
            count *= n
        if count * _DTYPE_BYTES[dtype] != offsets[1] - offsets[0]:
            raise LabError(f"{tensor_path}: tensor {shown} is {dtype} {shape} but its offsets span "
                           f"{offsets[1] - offsets[0]} bytes (damaged): {damaged}")
        if offsets[1] > data_bytes:
            raise LabError(f"{tensor_path}: tensor {shown} ends at byte {offsets[1]} of a {data_bytes}-byte payload "
                           f"(truncated, or the header lies): {damaged}")
        spans.append((offsets[0], offsets[1]))
    position = 0
    for begin, end in sorted(spans):
        if begin != position:
            raise LabError(f"{tensor_path}: its tensors overlap or leave gaps (damaged): {damaged}")
        position = end
    if position != data_bytes:
        raise LabError(f"{tensor_path} holds {data_bytes} bytes of tensors but its header accounts for {position} "
                       f"(truncated or padded): {damaged}")
    return header


def read_checkpoint_info(json_path: str | os.PathLike) -> tuple[dict, Path, dict]:
    """Check a checkpoint pair without reading its tensors: ``(info, tensor path, safetensors
    header)``. The JSON must be a UTF-8 object in this format naming a regular .safetensors file
    in its own folder, whose header fits the file. A one-line LabError otherwise."""
    json_path = Path(json_path)
    info = _read_json_object(json_path)
    _check_fields(json_path, info)
    tensor_path = _tensor_path(json_path, info["tensors"])
    if not tensor_path.exists() and not tensor_path.is_symlink():
        raise LabError(f"{tensor_path} is missing: the checkpoint is incomplete, {_USE_ANOTHER}")
    size = _stat_regular(tensor_path, f"{json_path.name} must name its .safetensors file, {_USE_ANOTHER}").st_size
    header = _safetensors_header(tensor_path, size)
    return info, tensor_path, header


def _verify_hash(json_path: Path, info: dict, tensor_path: Path) -> None:
    if "sha256" not in info:
        return
    try:
        digest = _sha256(tensor_path)
    except OSError as error:
        raise LabError(f"{tensor_path} cannot be read ({_one_line(error)}): check its permissions") from None
    if digest != info["sha256"]:
        raise LabError(f"{tensor_path} does not match its {json_path.name} (damaged or replaced): {_USE_ANOTHER}")


def load_model_file(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict]:
    """Read a checkpoint pair given either file, its stem, or a run folder (its latest).

    Returns (tensors on the CPU, info). Every malformed pair is a one-line LabError that names the
    file to fix (see ``read_checkpoint_info``); the SHA-256 the JSON records must match.
    """
    json_path = checkpoint_json(path)
    info, tensor_path, _ = read_checkpoint_info(json_path)
    _verify_hash(json_path, info, tensor_path)
    try:
        tensors = load_file(str(tensor_path))
    except Exception as error:  # noqa: BLE001 - SafetensorError and whatever else a damaged file provokes
        raise LabError(f"{tensor_path} is not a readable safetensors file ({_one_line(error)[:200]}): {_USE_ANOTHER}") from None
    return tensors, info


def check_state_fits(module: torch.nn.Module, tensors: dict[str, torch.Tensor], prefix: str = "model/") -> dict[str, torch.Tensor]:
    """The ``prefix``-ed tensors, un-prefixed, after checking every name and shape against
    ``module`` (which may live on the meta device: nothing is copied). One-line LabError else."""
    own = module.state_dict()
    given = {key[len(prefix):]: value for key, value in tensors.items() if key.startswith(prefix)}
    missing = sorted(set(own) - set(given))
    extra = sorted(set(given) - set(own))
    if missing or extra:
        raise LabError(f"checkpoint does not fit this model: missing {missing[:3]}, unexpected {[_one_line(k)[:60] for k in extra[:3]]}")
    for key, value in own.items():
        if tuple(value.shape) != tuple(given[key].shape):
            raise LabError(f"checkpoint does not fit this model: {key} is {tuple(given[key].shape)}, model wants {tuple(value.shape)}")
    return given


def load_state_into(module: torch.nn.Module, tensors: dict[str, torch.Tensor], prefix: str = "model/") -> None:
    """Load ``prefix``-ed tensors into ``module`` after checking every name and shape."""
    given = check_state_fits(module, tensors, prefix)
    try:
        module.load_state_dict(given)
    except (RuntimeError, TypeError) as error:  # e.g. a dtype that cannot be copied into a parameter
        raise LabError(f"checkpoint does not fit this model: {_one_line(error)[:200]}") from None


def optimizer_to_tensors(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    """Split an optimizer's state into flat tensors (for safetensors) and JSON-able rest."""
    state = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict] = {}
    for index, entry in state["state"].items():
        for key, value in entry.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optim/{index}/{key}"] = value
            else:
                scalars.setdefault(str(index), {})[key] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def optimizer_from_tensors(optimizer: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], meta: object,
                           source: str | os.PathLike = "the checkpoint", fix: str = _USE_ANOTHER) -> None:
    """Load what ``optimizer_to_tensors`` split off (``optim/...`` tensors and ``meta``, the JSON's
    ``optimizer`` field) back into ``optimizer``, after checking that it fits: as many parameter
    groups, each with as many parameters and settings this kind of optimizer accepts (a missing
    setting keeps the optimizer's own), and for each parameter the state entries this optimizer
    keeps, numbers where it keeps numbers and tensors of the parameter's shape where it keeps
    those. Anything else is one LabError line naming ``source`` and ending with ``fix``.
    """
    def refuse(problem: str) -> LabError:
        return LabError(f"{source}: its optimizer state {problem} (edited or damaged): {fix}")

    if meta is None:
        raise refuse("is missing (no 'optimizer' field)")
    if not isinstance(meta, dict):
        raise refuse(f"is {_JSON_TYPES.get(type(meta), 'something else')}, not an object")
    groups, scalars = meta.get("param_groups"), meta.get("scalars", {})
    if not isinstance(groups, list) or not all(isinstance(group, dict) for group in groups):
        raise refuse("has no list of parameter groups ('param_groups')")
    own = optimizer.param_groups
    if len(groups) != len(own):
        raise refuse(f"has {len(groups)} parameter groups where this optimizer has {len(own)}")
    parameters: dict[int, torch.Tensor] = {}  # the file's parameter index -> this optimizer's parameter
    loaded_groups = []
    for number, (group, mine) in enumerate(zip(groups, own)):
        ids = group.get("params")
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids) or len(ids) != len(mine["params"]):
            raise refuse(f"group {number} does not list {len(mine['params'])} parameter numbers")
        if any(i in parameters for i in ids) or len(set(ids)) != len(ids):
            raise refuse(f"group {number} lists a parameter twice")
        parameters.update(zip(ids, mine["params"]))
        settings = {key: value for key, value in mine.items() if key not in ("params", "param_names")}
        settings.update({key: value for key, value in group.items() if key not in ("params", "param_names")})
        loaded_groups.append({**settings, "params": ids})
    if not isinstance(scalars, dict) or not all(isinstance(values, dict) for values in scalars.values()):
        raise refuse("has 'scalars' that are not an object of objects")

    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("optim/"):
            index, _, name = key[len("optim/"):].partition("/")
            if not index.isdigit() or int(index) not in parameters or not name:
                raise refuse(f"holds a tensor {_one_line(key)[:60]!r} for no parameter of this model")
            state.setdefault(int(index), {})[name] = value
    for index, values in scalars.items():
        if not (isinstance(index, str) and index.isdigit() and int(index) in parameters):
            raise refuse(f"holds numbers for {_one_line(index)[:20]!r}, no parameter of this model")
        state.setdefault(int(index), {}).update(values)

    for number, group in enumerate(loaded_groups):
        expected = _probe_state(optimizer, group)
        if expected is None:
            raise refuse(f"group {number} has settings this {type(optimizer).__name__} optimizer does not take")
        for index in group["params"]:
            entry = state.get(index)
            if not entry:
                continue  # no state yet: the optimizer starts it at the next step
            if set(entry) != set(expected):
                raise refuse(f"of parameter {index} holds {sorted(entry)[:4]}, not {sorted(expected)}")
            shape = tuple(parameters[index].shape)
            for name, value in entry.items():
                wanted = expected[name]
                if isinstance(wanted, torch.Tensor):
                    fits = (isinstance(value, torch.Tensor) and value.is_floating_point() == wanted.is_floating_point()
                            and tuple(value.shape) == (() if wanted.ndim == 0 else shape))
                else:
                    fits = isinstance(value, (int, float)) and not isinstance(value, bool)
                if not fits:
                    raise refuse(f"of parameter {index}: {name!r} does not fit the parameter {shape}")
    try:
        optimizer.load_state_dict({"state": state, "param_groups": loaded_groups})
    except (ValueError, KeyError, TypeError, RuntimeError) as error:
        raise refuse(f"does not load ({_one_line(error)[:120]})") from None


def _probe_state(optimizer: torch.optim.Optimizer, settings: dict) -> dict | None:
    """The state a parameter gets from one step of an optimizer of this kind with these settings
    (on a one-number parameter), or None when such an optimizer refuses the settings."""
    device = next((p.device for group in optimizer.param_groups for p in group["params"]), torch.device("cpu"))
    probe = torch.zeros(1, device=device, requires_grad=True)
    try:
        trial = type(optimizer)([probe], **{key: value for key, value in settings.items() if key != "params"})
        probe.grad = torch.zeros_like(probe)
        trial.step()
    except Exception:  # noqa: BLE001 - whatever an optimizer says about settings it cannot use
        return None
    return dict(trial.state[probe])


def save_checkpoint(folder: str | os.PathLike, step: int, tensors: dict[str, torch.Tensor], info: dict, keep: int = 2) -> Path:
    """Write ``folder/step-<step>.*`` and delete all but the newest ``keep`` pairs."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    json_path = save_model_file(folder / f"step-{step:08d}", tensors, {**info, "step": step})
    complete = sorted(p for p in folder.iterdir() if _STEP_NAME.match(p.name))
    for old in complete[:-keep] if keep > 0 else []:
        # The JSON goes first: a kill between the two deletions then leaves a stray tensor
        # file (swept below next time), never a JSON that points at missing tensors.
        old.unlink(missing_ok=True)
        old.with_suffix(".safetensors").unlink(missing_ok=True)
    for tensor_file in folder.glob("step-*.safetensors"):
        if not tensor_file.with_suffix(".json").exists():
            tensor_file.unlink(missing_ok=True)
    return json_path


def latest_checkpoint(folder: str | os.PathLike) -> Path | None:
    """The JSON of the newest complete step checkpoint in ``folder`` (or its checkpoints/)."""
    folder = Path(folder)
    if (folder / "checkpoints").is_dir():
        folder = folder / "checkpoints"
    if not folder.is_dir():
        return None
    for json_path in sorted((p for p in folder.iterdir() if _STEP_NAME.match(p.name)), reverse=True):
        try:
            info, tensor_path, _ = read_checkpoint_info(json_path)
            if "sha256" not in info:
                continue  # the lab always records it: without it, a pair may be half-written
            _verify_hash(json_path, info, tensor_path)
            return json_path
        except LabError:
            continue
    return None


def load_checkpoint(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict]:
    """Alias of :func:`load_model_file` for step checkpoints and run folders."""
    return load_model_file(path)


SNAPSHOTS = "snapshots"  # a run's folder of snapshots: the model at chosen steps of its training, kept for good


def save_snapshot(run_dir: str | os.PathLike, step: int, tensors: dict[str, torch.Tensor], info: dict) -> Path:
    """Write ``run_dir/snapshots/step-<step>.*`` (never deleted by the checkpoints' ``keep``);
    returns the JSON path. ``tensors``: the model's (``model/...``), no optimizer state."""
    folder = Path(run_dir) / SNAPSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    return save_model_file(folder / f"step-{step:08d}", tensors, {**info, "step": step, "snapshot": True})


def list_snapshots(run_dir: str | os.PathLike) -> list[tuple[int, Path]]:
    """(step, JSON path) of every snapshot in ``run_dir/snapshots/``, oldest first. A snapshot
    whose JSON is there is complete (the JSON is written last); ``load_model_file`` still checks
    its hash when it is opened."""
    folder = Path(run_dir) / SNAPSHOTS
    if not folder.is_dir():
        return []
    found = sorted((int(match[1]), path) for path in folder.iterdir() if (match := _STEP_NAME.match(path.name)))
    return [(step, path) for step, path in found if path.with_suffix(".safetensors").is_file()]
