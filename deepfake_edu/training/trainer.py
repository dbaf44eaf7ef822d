"""The training loop both models use.

A model brings four things: the module, a function that makes its optimizer, ``make_batch``
(this process's slice of the global batch for a step, a pure function of (seed, step, rank,
world size)) and ``loss_fn`` (one forward call, returns the loss and a few numbers to log).
The Trainer adds the rest: device and precision, seeding, a prefetching data thread, progress
bars, loss history, hooks for previews and evaluation, atomic checkpoints, resume after a
crash, a time budget, and data-parallel training under ``torchrun``.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import torch
import torch.distributed as dist
import torch.nn as nn

if TYPE_CHECKING:
    import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.training.checkpoint import (
    latest_checkpoint,
    load_model_file,
    load_state_into,
    optimizer_from_tensors,
    optimizer_to_tensors,
    save_checkpoint,
    save_snapshot,
)
from deepfake_edu.training.device import pick_device


@dataclass
class TrainConfig:
    steps: int = 1000  # optimizer steps in all; a resumed run continues up to this number
    batch_size: int = 32  # global batch; torchrun splits it evenly over the processes
    seed: int = 0  # seeds the weights (set before building the model) and every batch
    device: str = "auto"  # auto | cpu | cuda | mps
    precision: str = "fp32"  # fp32 | bf16 (autocast for the forward; weights stay fp32)
    checkpoint_every: int = 100  # steps between checkpoints; one is always written at the end
    keep_checkpoints: int = 2  # newest step checkpoints kept on disk
    snapshot_every: int = 0  # steps between snapshots kept for good in run_dir/snapshots/ (model weights only; 0: none)
    log_every: int = 10  # steps between entries in the loss history
    preview_every: int = 0  # steps between preview images (0: only at the end, if a preview is given)
    time_limit_s: float | None = None  # stop (and checkpoint) after this much training time
    compile: bool = False  # torch.compile the model: faster steps, minutes to start on a CPU
    progress: bool = True  # show a tqdm progress bar (first process only)
    prefetch: bool = True  # make the next batch in a thread while this step runs


class _ProgressBar:
    """A tqdm bar against the limit that stops the run: seconds of the time budget when there is
    one (a run limited by time would otherwise show 0% of a step count it never reaches), else steps."""

    def __init__(self, config: TrainConfig, step: int, elapsed_s: float, title: str) -> None:
        from tqdm.auto import tqdm

        self.by_time = config.time_limit_s is not None
        self.loss: float | None = None
        self._shown_at = 0.0
        if self.by_time:
            budget = max(float(config.time_limit_s), 1.0)
            self.bar = tqdm(total=round(budget), initial=min(round(elapsed_s), round(budget)), desc=title, unit="s",
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s of training{postfix}")
        else:
            self.bar = tqdm(total=config.steps, initial=step, desc=title, unit="step")

    def update(self, step: int, elapsed_s: float) -> None:
        now = time.monotonic()
        if self.by_time:
            self.bar.n = min(elapsed_s, self.bar.total)
        else:
            self.bar.n = step
        self._step = step
        if now - self._shown_at >= 0.5:  # no need to redraw more often than twice a second
            self._shown_at = now
            self._show()

    def _show(self) -> None:
        postfix = {"step": self._step} if self.by_time else {}
        if self.loss is not None:
            postfix["loss"] = f"{self.loss:.4f}"
        self.bar.set_postfix(postfix, refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if hasattr(self, "_step"):
            self._show()
        self.bar.close()


Batch = Any  # any nest of tuples, lists and dicts whose leaves are tensors
Hook = tuple[int, Callable[["Trainer", int], None]]


def move_to(batch: Batch, device: torch.device) -> Batch:
    """Move every tensor in a nest of tuples/lists/dicts to ``device``."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, dict):
        return {key: move_to(value, device) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(move_to(value, device) for value in batch)
    return batch


class Trainer:
    """Trains ``model`` for ``config.steps`` steps, writing checkpoints under ``run_dir``.

    ``make_batch(step, rank, world_size)`` returns CPU tensors: this process's share of the
    global batch of ``step``. ``loss_fn(model, batch)`` gets the batch on the device and the
    (possibly DDP-wrapped) model, calls its forward exactly once and returns
    ``(loss, {name: float})``. ``hooks`` are ``(every_n_steps, fn(trainer, step))`` pairs run
    by the first process after those steps; ``trainer.log(step, metrics)`` adds to the history.
    ``preview(model)`` returns a uint8 RGB picture, saved as ``run_dir/previews/step-N.png``
    every ``config.preview_every`` steps and at the end.
    """

    def __init__(
        self,
        model: nn.Module,
        make_optimizer: Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer],
        make_batch: Callable[[int, int, int], Batch],
        loss_fn: Callable[[nn.Module, Batch], tuple[torch.Tensor, dict[str, float]]],
        run_dir: str | os.PathLike,
        config: TrainConfig,
        info: dict | None = None,
        lr_at: Callable[[int], float] | None = None,
        hooks: Iterable[Hook] = (),
        preview: Callable[[nn.Module], "np.ndarray"] | None = None,
    ):
        if config.precision not in ("fp32", "bf16"):
            raise LabError(f"unknown precision {config.precision!r}: use fp32 or bf16")
        self.model = model
        self.make_optimizer = make_optimizer
        self.make_batch = make_batch
        self.loss_fn = loss_fn
        self.run_dir = Path(run_dir)
        self.config = config
        self.info = dict(info or {})
        self.lr_at = lr_at
        self.hooks = list(hooks)
        self.preview = preview
        self.history: list[dict] = []
        self.step = 0
        self.elapsed_s = 0.0  # training time, summed over resumed sessions
        self.rank, self.world_size = 0, 1
        self.device = torch.device("cpu")
        self.optimizer: torch.optim.Optimizer | None = None

    # -- the public loop ------------------------------------------------------------------

    def fit(self, resume: bool = True) -> list[dict]:
        """Train to ``config.steps`` (or the time limit); returns the history."""
        config = self.config
        self._start_distributed()
        try:
            self.model.to(self.device)
            self.optimizer = self.make_optimizer(self.model.parameters())
            if resume:
                self._resume()
            elif self.is_main:
                self._clear_partials()
            if self.is_main and self.info.get("datasets"):
                from deepfake_edu.data.forget import record_output_once

                # `forget` finds the run by the datasets it learned from, wherever --run put it.
                record_output_once(self.run_dir, self.info["datasets"])
            if self.step >= config.steps:
                return self.history
            if config.batch_size % self.world_size:
                raise LabError(f"batch size {config.batch_size} does not split over {self.world_size} processes")
            trained = self._wrap_model()
            self._loop(trained)
            return self.history
        finally:
            if self.world_size > 1 and dist.is_initialized():
                dist.destroy_process_group()

    def log(self, step: int, metrics: dict[str, float]) -> None:
        """Add numbers (evaluation results, say) to the history entry for ``step``."""
        if self.history and self.history[-1]["step"] == step:
            self.history[-1].update(metrics)
        else:
            self.history.append({"step": step, "time_s": round(self.elapsed_s, 3), **metrics})

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def checkpoint_dir(self) -> Path:
        return self.run_dir / "checkpoints"

    # -- the inside -------------------------------------------------------------------------

    def _loop(self, trained: nn.Module) -> None:
        config = self.config
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=1) if config.prefetch else None
        fetch = (lambda s: executor.submit(self.make_batch, s, self.rank, self.world_size)) if executor else None
        pending = fetch(self.step) if fetch else None
        bar = _ProgressBar(config, self.step, self.elapsed_s, f"training {self.run_dir.name}") if config.progress and self.is_main else None
        autocast = torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=config.precision == "bf16")
        running_loss = 0.0
        running_count = 0
        try:
            while self.step < config.steps:
                step = self.step
                started = time.perf_counter()
                batch = pending.result() if pending is not None else self.make_batch(step, self.rank, self.world_size)
                pending = fetch(step + 1) if fetch and step + 1 < config.steps else None
                batch = move_to(batch, self.device)
                if self.lr_at is not None:
                    for group in self.optimizer.param_groups:
                        group["lr"] = self.lr_at(step)
                # Random ops inside the model (dropout) draw from a generator tied to the step,
                # so a resumed run repeats them exactly.
                torch.manual_seed(config.seed * 1_000_003 + step)
                with autocast:
                    loss, metrics = self.loss_fn(trained, batch)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                self.optimizer.step()
                self.step = step + 1
                running_loss += loss.detach()
                running_count += 1
                if self.device.type == "cuda" and self.step % config.log_every == 0:
                    torch.cuda.synchronize(self.device)
                self.elapsed_s += time.perf_counter() - started
                # Every process agrees on the stop, so a run stopped by time logs its last step too.
                out_of_time = self._agree(config.time_limit_s is not None and self.elapsed_s >= config.time_limit_s)
                if self.step % config.log_every == 0 or self.step == config.steps or out_of_time:
                    mean_loss = self._mean_over_processes(running_loss / running_count)
                    running_loss, running_count = 0.0, 0
                    if not math.isfinite(mean_loss):
                        raise LabError(f"the loss became {mean_loss} at step {self.step}: lower the learning rate or check the data")
                    self.log(self.step, {"loss": mean_loss, **{k: float(v) for k, v in metrics.items()}})
                    if bar is not None:
                        bar.loss = mean_loss
                if bar is not None:
                    bar.update(self.step, self.elapsed_s)
                if self.is_main:
                    hooks = list(self.hooks)
                    if self.preview is not None:
                        hooks.append((config.preview_every or config.steps, Trainer._save_preview))
                    for every, hook in hooks:
                        if every > 0 and (self.step % every == 0 or self.step == config.steps):
                            hook(self, self.step)
                if self.step % config.checkpoint_every == 0 or self.step == config.steps or out_of_time:
                    self._save()
                if config.snapshot_every > 0 and self.step % config.snapshot_every == 0:
                    self._save_snapshot()
                if out_of_time:
                    break
        finally:
            if bar is not None:
                bar.close()
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)

    def _save_preview(self, step: int) -> None:
        from deepfake_edu.data.images import write_image

        was_training = self.model.training
        self.model.eval()
        with torch.no_grad():
            picture = self.preview(self.model)
        self.model.train(was_training)
        write_image(self.run_dir / "previews" / f"step-{step:08d}.png", picture)

    def _start_distributed(self) -> None:
        world = int(os.environ.get("WORLD_SIZE", "1"))
        base = pick_device(self.config.device)
        if world > 1:
            self.rank, self.world_size = int(os.environ["RANK"]), world
            if base.type == "cuda":
                local = int(os.environ.get("LOCAL_RANK", "0"))
                torch.cuda.set_device(local)
                base = torch.device("cuda", local)
            if not dist.is_initialized():
                dist.init_process_group(backend="nccl" if base.type == "cuda" else "gloo")
        self.device = base

    def _wrap_model(self) -> nn.Module:
        trained = self.model
        if self.world_size > 1:
            ids = [self.device.index] if self.device.type == "cuda" else None
            trained = nn.parallel.DistributedDataParallel(trained, device_ids=ids)
        if self.config.compile:
            trained = torch.compile(trained)
        return trained

    def _mean_over_processes(self, value: torch.Tensor | float) -> float:
        value = torch.as_tensor(value, dtype=torch.float32, device=self.device).detach().clone()
        if self.world_size > 1:
            dist.all_reduce(value)
            value /= self.world_size
        return float(value)

    def _agree(self, flag: bool) -> bool:
        """The first process's decision, shared with all (time limits differ per process)."""
        if self.world_size == 1:
            return flag
        tensor = torch.tensor([1.0 if flag else 0.0], device=self.device)
        dist.broadcast(tensor, src=0)
        return bool(tensor.item())

    def _checkpoint_info(self) -> dict:
        return {
            **self.info,
            "train_config": dataclasses.asdict(self.config),
            "progress": {"step": self.step, "elapsed_s": round(self.elapsed_s, 3), "world_size": self.world_size},
            "history": self.history,
        }

    def _save(self) -> None:
        if self.is_main:
            tensors = {f"model/{k}": v for k, v in self.model.state_dict().items()}
            optim_tensors, optim_meta = optimizer_to_tensors(self.optimizer)
            tensors.update(optim_tensors)
            info = self._checkpoint_info()
            info["optimizer"] = optim_meta
            save_checkpoint(self.checkpoint_dir, self.step, tensors, info, keep=self.config.keep_checkpoints)
        if self.world_size > 1:
            dist.barrier()

    def _save_snapshot(self) -> None:
        """Keep the weights of this step for good (``checkpoint.save_snapshot``): the model as it
        was at this point of its training, never deleted by ``keep_checkpoints``."""
        if self.is_main:
            tensors = {f"model/{k}": v for k, v in self.model.state_dict().items()}
            save_snapshot(self.run_dir, self.step, tensors, self._checkpoint_info())

    def _clear_partials(self) -> None:
        """Remove temporary files a killed run left behind (never complete checkpoints)."""
        if self.checkpoint_dir.is_dir():
            for leftover in self.checkpoint_dir.glob(".*.partial*"):
                leftover.unlink(missing_ok=True)

    def _resume(self) -> None:
        if self.is_main:
            self._clear_partials()
        fix = f"start again in a new run folder (--run), or delete {self.run_dir}"
        found = latest_checkpoint(self.checkpoint_dir)
        if found is None:
            self._refuse_damaged(fix)
            return
        tensors, info = load_model_file(found)
        if "config" in self.info and info.get("config") != self.info.get("config"):
            raise LabError(f"{self.run_dir} holds a run of a different model: choose a new run folder or delete it")
        step, elapsed_s, history = resume_progress(found, info, fix)
        try:
            load_state_into(self.model, tensors)
        except LabError as error:
            raise LabError(f"{found}: {error}; {fix}") from None
        optimizer_from_tensors(self.optimizer, tensors, info.get("optimizer"), found, fix)
        self.step, self.elapsed_s, self.history = step, elapsed_s, history
        if self.config.progress and self.is_main:
            print(f"resuming {self.run_dir} from step {self.step}")

    def _refuse_damaged(self, fix: str) -> None:
        """With no complete checkpoint, a step checkpoint that is there anyway was damaged (or edited):
        the lab writes the JSON last and deletes it first. Say so, rather than start the run again over it."""
        folder = self.checkpoint_dir
        damaged = sorted(folder.glob("step-*.json")) if folder.is_dir() else []
        if not damaged:
            return
        try:
            load_model_file(damaged[-1])
        except LabError as error:
            raise LabError(f"{error}; else {fix}") from None
        raise LabError(f"{damaged[-1]} records no SHA-256 of its tensors, so it may be incomplete (edited or damaged): {fix}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def resume_progress(json_path: Path, info: dict, fix: str) -> tuple[int, float, list[dict]]:
    """(step, elapsed seconds, history) of a run's checkpoint JSON, after checking their kinds:
    a hand-edited or damaged file is one LabError line that names it and ends with ``fix``."""
    def refuse(problem: str) -> LabError:
        return LabError(f"{json_path}: {problem} (edited or damaged): {fix}")

    progress = info.get("progress")
    if not isinstance(progress, dict):
        raise refuse("its 'progress' field is missing" if progress is None else "its 'progress' field is not an object")
    step, elapsed_s = progress.get("step"), progress.get("elapsed_s")
    if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step <= 10**12:
        raise refuse(f"its progress 'step' is {_shown(step)}, not a whole number of steps")
    if not _is_number(elapsed_s) or not 0 <= elapsed_s < math.inf:
        raise refuse(f"its progress 'elapsed_s' is {_shown(elapsed_s)}, not a number of seconds")
    history = info.get("history", [])
    if not isinstance(history, list):
        raise refuse("its 'history' field is not a list")
    for entry in history:
        if not isinstance(entry, dict) or not isinstance(entry.get("step"), int) or isinstance(entry.get("step"), bool):
            raise refuse("its 'history' holds an entry that is not an object with a whole-number 'step'")
        if not all(value is None or _is_number(value) for value in entry.values()):
            raise refuse(f"its 'history' entry for step {entry['step']} holds something other than numbers")
    return step, float(elapsed_s), [dict(entry) for entry in history]


def _shown(value: Any) -> str:
    """A value from a JSON file, short and on one line, for a message."""
    if value is None:
        return "missing"
    return " ".join(repr(value).split())[:40]
