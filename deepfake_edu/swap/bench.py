"""`deepfake-edu bench swap`: the face-swap model's targets, measured.

    classroom  the classroom preset trained from scratch on 64 px twins (swap crops cut from
               128 px pictures) with a time budget (default 10 minutes, 2 CPU threads): the
               swap's SSIM against the true answer over time, and when it first reaches 0.80.
    loop       a preset (default original) on a device: the full training loop (faces on the
               device, batch choice, warp augmentation, loss, step, through the Trainer)
               against a bare model step on ready tensors, side by side; images per second.

    deepfake-edu bench swap                                  # both, CPU
    deepfake-edu bench swap --only classroom --minutes 2     # a quick look at the curve
    deepfake-edu bench swap --only loop --device cuda --precision bf16 --batch-size 256 --compile
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path


def add_arguments(parser) -> None:
    from deepfake_edu.cli_types import count, max_workers, minutes, ranged

    budget, threads, per_identity, every = minutes(), count(1, max_workers()), count(1, 20_000), count(1, 100_000)
    batch, steps = count(1, 512), count(1, 100_000)  # batch: as `swap train --batch-size`
    parser.add_argument("--only", choices=["classroom", "loop"], help="run one part (default: both)")
    parser.add_argument("--minutes", type=budget, default=10.0, help=ranged("classroom: training budget", budget, 10))
    parser.add_argument("--threads", type=threads, default=2, help=ranged("CPU threads for torch; 2 are a classroom laptop's", threads, 2))
    parser.add_argument("--data", help="twins dataset with 2+ identities, 128 px best (default: render one into runs/bench-swap/)")
    parser.add_argument("--per-identity", type=per_identity, default=1000, help=ranged("faces per twin when the bench renders its data", per_identity, 1000))
    parser.add_argument("--eval-every", type=every, default=100, help=ranged("classroom: steps between SSIM measurements", every, 100))
    parser.add_argument("--preset", choices=["original", "classroom"], default="original", help="loop: which model")
    parser.add_argument("--device", default="cpu", help="loop: cpu, cuda, mps or auto")
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32", help="loop: autocast precision")
    parser.add_argument("--batch-size", type=batch, help=ranged("loop: faces per identity per step", batch, "16 on CPU, 256 on a GPU"))
    parser.add_argument("--steps", type=steps, help=ranged("loop: measured steps per side", steps, "6 on CPU, 60 on a GPU"))
    parser.add_argument("--compile", action="store_true", help="loop: torch.compile both sides")
    parser.add_argument("--keep", help="classroom: keep the run in this folder (default: a temporary one)")


def run(args) -> int:
    import torch

    if args.device == "cpu" or args.only == "classroom":
        torch.set_num_threads(args.threads)
    figures: dict = {"threads": torch.get_num_threads(), "cpu_count": os.cpu_count(), "load_average": _load_average()}
    print(f"torch {torch.__version__}, {figures['threads']} threads, load average at start {figures['load_average']}")
    if args.only in (None, "classroom"):
        figures["classroom"] = bench_classroom(args)
    if args.only in (None, "loop"):
        figures["loop"] = bench_loop(args)
    figures["load_average_end"] = _load_average()
    if getattr(args, "json", None):
        from deepfake_edu.fileio import write_text_atomic

        write_text_atomic(args.json, json.dumps(figures, indent=2))
        print(f"wrote {args.json}")
    return 0


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def bench_data(args) -> Path:
    """The twins dataset the bench trains on (rendered once, then reused)."""
    if args.data:
        return Path(args.data)
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.paths import runs_dir

    # 128 px pictures, so that the model's 64 px swap crops are cut from them by shrinking.
    path = runs_dir() / "bench-swap" / f"twins-128-2x{args.per_identity}"
    if not (path / "dataset.json").exists():
        print(f"rendering {2 * args.per_identity} twins faces into {path} (once)")
        generate_twins_dataset(path, identities=2, per_identity=args.per_identity, size=128, seed=0, workers=max(1, min(4, os.cpu_count() or 1)), progress=True)
    return path


def bench_classroom(args) -> dict:
    """Train ``classroom`` from scratch for ``args.minutes``; the SSIM curve against the true answer."""
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap

    data = bench_data(args)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-swap-classroom-"))
    try:
        options = SwapTrainOptions(
            data=[str(data)], preset="classroom", steps=10**7, minutes=args.minutes, device="cpu", run=str(folder),
            resume=False, metrics_every=args.eval_every, checkpoint_every=10**7, preview_every=0, timelapse_every=0,
            progress=True,
        )
        started = time.perf_counter()
        result = train_swap(options)
        wall = time.perf_counter() - started
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    curve = [
        {"step": row["step"], "minutes": round(row["time_s"] / 60, 2), "swap_ssim": round(row["swap_ssim"], 4),
         "swap_face_ssim": round(row.get("swap_face_ssim", float("nan")), 4), "swap_psnr": round(row["swap_psnr"], 2)}
        for row in result.history if "swap_ssim" in row
    ]
    reached = next((point["minutes"] for point in curve if point["swap_ssim"] >= 0.80), None)
    batch = 2 * (options.batch_size or 16)
    figures = {
        "minutes_budget": args.minutes,
        "steps": result.steps,
        "training_minutes": round(result.elapsed_s / 60, 2),
        "wall_minutes": round(wall / 60, 2),
        "images_per_s": round(result.steps * batch / max(result.elapsed_s, 1e-9), 1),
        "final_swap_ssim": curve[-1]["swap_ssim"] if curve else None,
        "final_swap_psnr": curve[-1]["swap_psnr"] if curve else None,
        "final_swap_face_ssim": curve[-1]["swap_face_ssim"] if curve else None,
        "minutes_to_ssim_0.80": reached,
        "curve": curve,
    }
    print("\nclassroom preset, 64 px twins swap crops, from scratch (SSIM/PSNR of both swap directions against the true answer)")
    print(f"{'step':>7}{'minutes':>9}{'SSIM':>8}{'face SSIM':>11}{'PSNR dB':>9}")
    for point in curve:
        print(f"{point['step']:>7}{point['minutes']:>9.2f}{point['swap_ssim']:>8.3f}{point['swap_face_ssim']:>11.3f}{point['swap_psnr']:>9.2f}")
    print(f"{result.steps} steps, {figures['images_per_s']} training images/s; SSIM 0.80 "
          + (f"reached after {reached} min" if reached is not None else f"not reached in {args.minutes} min (final {figures['final_swap_ssim']})"))
    return figures


def bench_loop(args) -> dict:
    """Full Trainer loop vs a bare step on ready tensors, same model, batch and device."""
    import numpy as np
    import torch

    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.swap.losses import reconstruction_loss
    from deepfake_edu.swap.model import FaceSwapModel, SwapConfig
    from deepfake_edu.swap.train import SwapTask
    from deepfake_edu.training import TrainConfig, Trainer, pick_device, seed_everything

    device = pick_device(args.device)
    on_gpu = device.type == "cuda"
    batch = args.batch_size or (256 if on_gpu else 16)
    steps = args.steps or (60 if on_gpu else 6)
    warmup = 10 if on_gpu else 1
    dataset = load_dataset(bench_data(args))
    names = dataset.identities()[:2]
    faces = [torch.from_numpy(dataset.images(name)) for name in names]
    config = SwapConfig.from_preset(args.preset)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.precision == "bf16")
    memory_format = torch.channels_last if on_gpu else torch.contiguous_format

    def new_model() -> FaceSwapModel:
        seed_everything(0)
        return FaceSwapModel(config).to(device, memory_format=memory_format)

    def synchronize() -> None:
        if on_gpu:
            torch.cuda.synchronize(device)

    # Bare: inputs and targets already made and on the device; only forward, loss, backward, step.
    task = SwapTask(faces, batch, seed=0)
    ready = task.inputs_and_targets(task.make_batch(0, 0, 1), device)
    inputs = [x.contiguous(memory_format=memory_format) for x in ready[0]]
    targets = ready[1]

    def bare_side() -> list[float]:
        """Seconds per step (CPU: each step; GPU: the window's mean, synchronised once)."""
        model = new_model()
        trained = torch.compile(model) if args.compile else model
        optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate, betas=(0.5, 0.999))

        def one_step() -> None:
            with autocast:
                rebuilt = trained(inputs)
                loss = sum(reconstruction_loss(out, target)[0] for out, target in zip(rebuilt, targets))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()

        for _ in range(warmup):
            one_step()
        synchronize()
        if on_gpu:
            started = time.perf_counter()
            for _ in range(steps):
                one_step()
            synchronize()
            return [(time.perf_counter() - started) / steps] * steps
        times = []
        for _ in range(steps):
            started = time.perf_counter()
            one_step()
            times.append(time.perf_counter() - started)
        return times

    def loop_side() -> list[float]:
        """Seconds per step of the Trainer (from its history: every step on CPU, windows on GPU)."""
        folder = Path(tempfile.mkdtemp(prefix="bench-swap-loop-"))
        try:
            log_every = max(1, steps // 6) if on_gpu else 1
            train_config = TrainConfig(
                steps=warmup + steps, batch_size=batch, seed=0, device=str(device), precision=args.precision,
                checkpoint_every=10**9, log_every=log_every, compile=args.compile, progress=False, keep_checkpoints=1,
            )
            trainer = Trainer(
                new_model(), lambda params: torch.optim.Adam(params, lr=config.learning_rate, betas=(0.5, 0.999)),
                task.make_batch, task.loss_fn, folder, train_config,
            )
            history = trainer.fit(resume=False)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        rows = [row for row in history if row["step"] >= warmup]
        times = []
        for before, after in zip(rows, rows[1:]):
            times += [(after["time_s"] - before["time_s"]) / (after["step"] - before["step"])] * (after["step"] - before["step"])
        return times

    def images_per_s(times: list[float]) -> float:
        """Throughput from the median step (robust to a busy shared machine's spikes)."""
        return 2 * batch / float(np.median(times))

    print(f"\n{args.preset} preset on {device} ({args.precision}{', compiled' if args.compile else ''}), {batch} faces per identity per step ({2 * batch} images)")
    bare_first = bare_side()
    print(f"  bare step on ready tensors: {images_per_s(bare_first):,.1f} images/s")
    loop_times = loop_side()
    loop = images_per_s(loop_times)
    print(f"  full training loop:         {loop:,.1f} images/s")
    bare_again = bare_side()
    print(f"  bare step again:            {images_per_s(bare_again):,.1f} images/s")
    bare = images_per_s(bare_first + bare_again)
    ratio = loop / bare
    print(f"  loop / bare = {ratio:.2f} (target >= 0.90)")
    return {
        "preset": args.preset, "device": str(device), "device_name": torch.cuda.get_device_name(device) if on_gpu else "cpu",
        "precision": args.precision, "compile": args.compile, "batch_per_identity": batch, "steps_measured": steps,
        "bare_images_per_s": round(bare, 1), "loop_images_per_s": round(loop, 1), "loop_over_bare": round(ratio, 3),
        "bare_step_s": [round(t, 4) for t in bare_first + bare_again], "loop_step_s": [round(t, 4) for t in loop_times],
    }

