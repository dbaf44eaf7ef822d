"""Forgetting a dataset: delete it and everything made from it.

Everything the lab makes from a dataset says so:
- checkpoints (``<stem>.json`` + ``<stem>.safetensors``) list it in their JSON's "datasets";
- outputs (fake images and videos) are recorded by ``record_output(path, datasets)`` in the
  ledger ``<lab home>/outputs.jsonl``, one JSON line {"path", "datasets"} each.

- training runs record their folder in the same ledger when they start, wherever ``--run`` put it.

``forget_plan(name)`` finds all of it; ``forget(name)`` deletes it: the dataset folder and what a
killed write left of it (``.NAME.*.partial``, ``.NAME.old-*``), every checkpoint pair in models/
that lists it, every run folder under runs/ whose checkpoints list it and every run folder the
ledger names for it (the whole run goes: its previews show the person too), and every output in
the ledger made from it; then the ledger is rewritten without those lines, atomically.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from deepfake_edu.errors import LabError
from deepfake_edu.fileio import write_text_atomic
from deepfake_edu import paths

LEDGER_NAME = paths.LEDGER_NAME
ledger_path = paths.ledger_path


def record_output(path: str | os.PathLike, datasets: Iterable[str]) -> None:
    """Note that the file at ``path`` was made from ``datasets`` (so ``forget`` can delete it).

    Call it whenever the lab writes a fake (swap output, demo result). One line is appended to
    the ledger and flushed to disk.
    """
    entry = {"path": str(Path(path).resolve()), "datasets": sorted(set(datasets))}
    ledger = ledger_path()
    ledger.parent.mkdir(parents=True, exist_ok=True)
    with open(ledger, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def record_output_once(path: str | os.PathLike, datasets: Iterable[str]) -> None:
    """``record_output`` unless the ledger already has this path with these datasets (a resumed run)."""
    entry = {"path": str(Path(path).resolve()), "datasets": sorted(set(datasets))}
    if entry not in read_ledger():
        record_output(path, datasets)


def read_ledger() -> list[dict]:
    """The ledger's entries; a damaged line is kept as {"raw": line} so it is never lost."""
    ledger = ledger_path()
    if not ledger.exists():
        return []
    entries = []
    for line in ledger.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            entries.append({"raw": line})
    return entries


@dataclass
class ForgetPlan:
    """Everything that ``forget`` deletes for one dataset name."""

    name: str
    dataset: Path | None = None  # datasets/<name>/ when it exists
    leftovers: list[Path] = field(default_factory=list)  # what killed writes of it left: datasets/.<name>.*
    checkpoints: list[Path] = field(default_factory=list)  # .json and .safetensors files in models/ (and loose in runs/)
    runs: list[Path] = field(default_factory=list)  # whole run folders under runs/
    outputs: list[Path] = field(default_factory=list)  # files recorded in the ledger (existing ones)
    ledger_entries: int = 0  # ledger lines that mention the dataset

    def paths(self) -> list[Path]:
        return [p for p in [self.dataset, *self.leftovers, *self.runs, *self.checkpoints, *self.outputs] if p is not None]

    def is_empty(self) -> bool:
        return not self.paths() and self.ledger_entries == 0


def _lists_dataset(json_path: Path, name: str) -> bool:
    try:
        info = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(info, dict) and isinstance(info.get("datasets"), list) and name in info["datasets"]


def _pair(json_path: Path) -> list[Path]:
    tensors = json_path.with_suffix(".safetensors")
    return [json_path] + ([tensors] if tensors.exists() else [])


def forget_plan(name: str) -> ForgetPlan:
    """Find the dataset ``name`` and everything made from it; deletes nothing."""
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise LabError(f"bad dataset name {name!r}: give the name shown by `ls datasets/`")
    plan = ForgetPlan(name=name)
    dataset = paths.datasets_dir() / name
    if dataset.is_dir():
        plan.dataset = dataset
    if paths.datasets_dir().is_dir():  # a killed extraction's .partial folder holds the person's crops too
        plan.leftovers = sorted(p for p in paths.datasets_dir().glob(f".{name}.*") if p.name.endswith(".partial") or ".old-" in p.name or ".forget-" in p.name)
    runs = paths.runs_dir()
    if runs.is_dir():
        for child in sorted(runs.iterdir()):
            if child.is_dir():
                if any(_lists_dataset(j, name) for j in child.rglob("*.json")):
                    plan.runs.append(child)
            elif child.suffix == ".json" and _lists_dataset(child, name):
                plan.checkpoints.extend(_pair(child))
    models = paths.models_dir()
    if models.is_dir():
        for json_path in sorted(models.rglob("*.json")):
            if _lists_dataset(json_path, name):
                plan.checkpoints.extend(_pair(json_path))
    for entry in read_ledger():
        if name in entry.get("datasets", []):
            plan.ledger_entries += 1
            output = Path(entry["path"])
            if output.is_dir():  # a training run, wherever it was put
                if output not in plan.runs:
                    plan.runs.append(output)
            elif output.exists() and output not in plan.outputs:
                plan.outputs.append(output)
    return plan


def forget(name: str, dry_run: bool = False) -> ForgetPlan:
    """Delete the dataset ``name`` and everything made from it (see the module docstring).

    Returns the plan (what was, or with ``dry_run`` would be, deleted). A one-line LabError when
    nothing by that name exists.
    """
    plan = forget_plan(name)
    if plan.is_empty():
        raise LabError(f"nothing to forget: no dataset, checkpoint or output mentions {name!r} (check the name with `ls datasets/`)")
    if dry_run:
        return plan
    for path in plan.outputs + plan.checkpoints:
        path.unlink(missing_ok=True)
    for leftover in plan.leftovers:
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink(missing_ok=True)
    for folder in plan.runs + ([plan.dataset] if plan.dataset else []):
        # Rename first: the folder vanishes from its place at once, even if deleting is interrupted.
        doomed = folder.with_name(f".{folder.name}.forget-{os.getpid()}")
        os.replace(folder, doomed)
        shutil.rmtree(doomed)
    if plan.ledger_entries:
        kept = [entry for entry in read_ledger() if name not in entry.get("datasets", [])]
        lines = "".join((entry["raw"] if "raw" in entry else json.dumps(entry)) + "\n" for entry in kept)
        write_text_atomic(ledger_path(), lines)
    return plan
