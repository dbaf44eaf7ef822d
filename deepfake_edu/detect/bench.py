"""`deepfake-edu bench detect`: MesoNet's targets, measured.

    inference    (default) CPU inference speed, the PyTorch port vs the authors' Keras model
    train        Meso-4 trained on the built-in twins real-versus-swapped with a time budget:
                 balanced accuracy on held-out twins over time, and when it first reaches 0.90
    train-speed  images per second through the full training loop (Trainer, faces resident on
                 the device, augmentation, step) beside a bare step on ready tensors

    deepfake-edu bench detect --keras-python /tmp/tfenv/bin/python
    deepfake-edu bench detect --only train --minutes 10
    deepfake-edu bench detect --only train-speed --device cuda --batch-size 1024 --precision bf16

Inference:

Both sides run the same network on random 256x256 inputs with the same number of threads
(default 2, a teacher's laptop). The Keras side runs in its own Python (one with TensorFlow,
see scripts/keras_reference.py) as a subprocess that answers timing requests; the benchmark alternates
short windows, Keras then PyTorch, for every batch size and round, so that whatever else the
machine is doing slows both alike. It reports the median images per second of each side and the
median of the per-round ratios.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

TFENV_HINT = ("add the Keras side with a TensorFlow Python: python3 -m venv /tmp/tfenv && "
              "/tmp/tfenv/bin/pip install tensorflow-cpu h5py numpy pillow, then --keras-python /tmp/tfenv/bin/python")


def add_arguments(parser) -> None:
    from deepfake_edu.cli_types import count, max_workers, minutes, number, ranged

    threads, batch, rounds, seconds = count(1, max_workers()), count(1, 1024), count(1, 100), number(0, 60, low_open=True)
    budget, per_identity, steps = minutes(), count(1, 2000), count(1, 10_000)
    parser.add_argument("--keras-python", metavar="PYTHON", help="a Python with tensorflow-cpu, to time the authors' Keras model too")
    parser.add_argument("--arch", choices=("meso4", "mesoinception4"), default="meso4", help="which network (default meso4)")
    parser.add_argument("--threads", type=threads, default=2, help=ranged("CPU threads for each side", threads, 2))
    parser.add_argument("--batches", type=batch, nargs="+", default=[1, 32], help=ranged("batch sizes", batch, "1 32"))
    parser.add_argument("--rounds", type=rounds, default=5, help=ranged("alternating rounds per batch size", rounds, 5))
    parser.add_argument("--seconds", type=seconds, default=1.0, help=ranged("length of one timing window, seconds", seconds, 1))
    parser.add_argument("--eager", action="store_true", help="also time the plain (readable, unoptimised) PyTorch model")
    parser.add_argument("--only", choices=("inference", "train", "train-speed"), default="inference",
                        help="which measurement (default inference)")
    parser.add_argument("--minutes", type=budget, default=10.0, help=ranged("train: training budget", budget, 10))
    parser.add_argument("--per-identity", type=per_identity, default=100, help=ranged("train: frames per twin in the bench's real/fake set", per_identity, 100))
    parser.add_argument("--device", default="cpu", help="train-speed: cpu, cuda, mps or auto")
    parser.add_argument("--batch-size", type=batch, default=75, help=ranged("train and train-speed: faces per step", batch, 75))
    parser.add_argument("--steps", type=steps, default=30, help=ranged("train-speed: measured steps per side", steps, 30))
    parser.add_argument("--precision", choices=("fp32", "bf16"), default="fp32", help="train-speed: autocast precision")
    parser.add_argument("--compile", action="store_true", help="train-speed: torch.compile both sides")


class KerasTimer:
    """The Keras side: keras_reference.py serve-timing in another Python, spoken to in JSON lines."""

    def __init__(self, python: str, arch: str, threads: int):
        from deepfake_edu.paths import source_checkout

        script = (source_checkout() or Path("/nonexistent")) / "scripts" / "keras_reference.py"
        if not script.is_file():
            from deepfake_edu.errors import LabError

            raise LabError("the Keras comparison needs the lab's clone (scripts/keras_reference.py): run it from a clone with pip install -e .")
        try:
            self.process = subprocess.Popen(
                [python, str(script), "serve-timing", "--arch", arch, "--threads", str(threads)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
            )
        except OSError as error:
            from deepfake_edu.errors import LabError

            raise LabError(f"cannot start {python} ({error.strerror}): {TFENV_HINT}") from None
        ready = self._answer()
        self.version = ready.get("tensorflow", "?")

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            from deepfake_edu.errors import LabError

            raise LabError(f"the Keras timing process stopped (is TensorFlow installed in that Python?): {TFENV_HINT}")
        return json.loads(line)

    def images_per_second(self, batch: int, seconds: float) -> float:
        self.process.stdin.write(json.dumps({"batch": batch, "seconds": seconds}) + "\n")
        self.process.stdin.flush()
        return float(self._answer()["images_per_s"])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


def torch_images_per_second(module, batch: int, seconds: float) -> float:
    """Run ``module`` on a random (batch, 3, 256, 256) input for ``seconds``; images per second."""
    import torch

    # Channels-last, the layout predict_proba makes from uint8 (N, 256, 256, 3) images; Keras gets NHWC too.
    data = torch.rand(batch, 3, 256, 256).contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        module(data)  # warm-up
        calls, start = 0, time.perf_counter()
        while True:
            module(data)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return calls * batch / elapsed


def run(args) -> int:
    if getattr(args, "only", "inference") == "train":
        return _write(args, bench_train(args))
    if getattr(args, "only", "inference") == "train-speed":
        return _write(args, bench_train_speed(args))
    return run_inference(args)


def _write(args, figures: dict) -> int:
    if getattr(args, "json", None):
        from deepfake_edu.fileio import write_text_atomic

        write_text_atomic(args.json, json.dumps(figures, indent=2))
        print(f"figures written to {args.json}")
    return 0


def bench_train(args) -> dict:
    """Meso-4 on twins real-versus-swapped within a time budget, held-out twins scored as it learns."""
    import os

    import torch

    from deepfake_edu.data.realfake import load_real_fake
    from deepfake_edu.detect.train import DetectRecipe, train_detector
    from deepfake_edu.detect.twins_set import build_twins_realfake
    from deepfake_edu.errors import LabError
    from deepfake_edu.paths import LAB_HELD_OUT as HELD_OUT
    from deepfake_edu.paths import LAB_SWAP_RUN, datasets_dir, runs_dir
    from deepfake_edu.training import TrainConfig
    from deepfake_edu.training.checkpoint import latest_checkpoint

    torch.set_num_threads(args.threads)
    swap_run = runs_dir() / LAB_SWAP_RUN  # the lab's swap model makes the fakes
    data_path = datasets_dir() / f"twins-realfake-bench-{args.per_identity}"
    if not (data_path / "dataset.json").exists():
        if latest_checkpoint(swap_run) is None:
            raise LabError("the detector bench makes its fakes with the lab's face-swap model: run `deepfake-edu prepare` first")
        build_twins_realfake(data_path, swap_run, per_identity=args.per_identity, progress=True)
    data = load_real_fake(data_path)
    train, held_out = data.split_by_identity(list(HELD_OUT))
    config = TrainConfig(steps=1_000_000, batch_size=args.batch_size, time_limit_s=args.minutes * 60, checkpoint_every=10_000)
    run = train_detector(train, runs_dir() / "bench-detect-train", config, DetectRecipe(eval_every=50), validation=held_out,
                         datasets=[data_path.name], resume=False)
    curve = [{"step": h["step"], "time_s": h["time_s"], "balanced_accuracy": h["val_balanced_accuracy"], "auc": h.get("val_auc")}
             for h in run.history if "val_balanced_accuracy" in h]
    reached = next((point for point in curve if point["balanced_accuracy"] >= 0.90), None)
    print(f"Meso-4, batch {args.batch_size}, {args.threads} threads, {len(train.labels)} training faces, "
          f"{len(held_out.labels)} held-out faces (twins {', '.join(HELD_OUT)})")
    print(f"{'step':>6} {'minutes':>8} {'balanced acc':>13} {'AUC':>6}")
    for point in curve:
        print(f"{point['step']:>6} {point['time_s'] / 60:>8.2f} {point['balanced_accuracy']:>13.3f} {point['auc']:>6.3f}")
    if reached:
        print(f"balanced accuracy 0.90 first reached at {reached['time_s'] / 60:.2f} minutes (step {reached['step']})")
    else:
        print(f"balanced accuracy 0.90 not reached within {args.minutes:g} minutes")
    return {"threads": args.threads, "batch_size": args.batch_size, "minutes": args.minutes, "curve": curve,
            "final": run.metrics, "reached_0_90_at_s": reached["time_s"] if reached else None,
            "load_average": os.getloadavg()}


def bench_train_speed(args) -> dict:
    """Full training loop vs a bare step, same model, batch and precision, in one run."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    from deepfake_edu.data.realfake import RealFakeSet
    from deepfake_edu.detect.train import DetectRecipe, train_detector
    from deepfake_edu.registry import create_model
    from deepfake_edu.training import TrainConfig, pick_device

    device = pick_device(args.device)
    if device.type == "cpu":
        torch.set_num_threads(args.threads)
    torch.backends.cudnn.benchmark = True
    batch = args.batch_size
    # Random faces: the speed of the loop does not depend on what the pixels show.
    rng = np.random.default_rng(0)
    count = max(2 * batch, 512)
    faces = RealFakeSet(rng.integers(0, 256, (count, 256, 256, 3), dtype=np.uint8), np.arange(count) % 2, [{}] * count)
    warmup = 5
    marks: dict[str, float] = {}

    def stamp(name):
        def hook(trainer, step):
            if name not in marks:
                if device.type == "cuda":
                    torch.cuda.synchronize()
                marks[name] = time.perf_counter()
        return hook

    import tempfile

    with tempfile.TemporaryDirectory() as run_dir:
        config = TrainConfig(steps=warmup + args.steps, batch_size=batch, device=str(device), precision=args.precision,
                             compile=args.compile, checkpoint_every=10**9, log_every=10**9, progress=False)
        hooks = [(warmup, stamp("start")), (warmup + args.steps, stamp("end"))]  # run before the final checkpoint
        train_detector(faces, run_dir, config, DetectRecipe(), resume=False, extra_hooks=hooks)
    loop_rate = args.steps * batch / (marks["end"] - marks["start"])

    model = create_model("meso4").to(device).train()
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)
    step_model = torch.compile(model) if args.compile else model
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    images = torch.rand(batch, 3, 256, 256, device=device)
    if device.type == "cuda":
        images = images.contiguous(memory_format=torch.channels_last)
    labels = (torch.arange(batch, device=device) % 2).float()
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.precision == "bf16")
    for index in range(warmup + args.steps):
        if index == warmup:
            if device.type == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
        with autocast:
            loss = F.binary_cross_entropy_with_logits(step_model(images).float(), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    bare_rate = args.steps * batch / (time.perf_counter() - started)
    print(f"Meso-4 training, {device}, batch {batch}, {args.precision}{', compiled' if args.compile else ''}: "
          f"full loop {loop_rate:,.0f} images/s, bare step {bare_rate:,.0f} images/s (loop/bare {loop_rate / bare_rate:.2f})")
    return {"device": str(device), "batch_size": batch, "precision": args.precision, "compile": args.compile,
            "steps": args.steps, "loop_images_per_s": loop_rate, "bare_images_per_s": bare_rate,
            "loop_over_bare": loop_rate / bare_rate,
            "gpu": torch.cuda.get_device_name() if device.type == "cuda" else None}


def run_inference(args) -> int:
    import torch

    from deepfake_edu.detect.fast import optimize_for_inference
    from deepfake_edu.registry import create_model

    torch.set_num_threads(args.threads)
    model = create_model(args.arch).eval()
    contenders = {"torch": optimize_for_inference(model)}
    if args.eager:
        contenders["torch-eager"] = model
    keras = KerasTimer(args.keras_python, args.arch, args.threads) if args.keras_python else None
    if keras is None:
        print(f"Keras side not measured: {TFENV_HINT}")

    samples: dict[tuple[str, int], list[float]] = {}
    try:
        for batch in args.batches:
            for _ in range(args.rounds):
                if keras is not None:
                    samples.setdefault(("keras", batch), []).append(keras.images_per_second(batch, args.seconds))
                for name, module in contenders.items():
                    samples.setdefault((name, batch), []).append(torch_images_per_second(module, batch, args.seconds))
    finally:
        if keras is not None:
            keras.close()

    figures = {"arch": args.arch, "threads": args.threads, "rounds": args.rounds, "window_s": args.seconds,
               "torch_version": torch.__version__, "results": []}
    if keras is not None:
        figures["tensorflow_version"] = keras.version
    figures["torch_choices"] = contenders["torch"].choices()
    print(f"MesoNet inference, {args.arch}, 256x256, {args.threads} threads, {args.rounds} alternating rounds of {args.seconds:g} s")
    print(f"fast model's timed choices: {figures['torch_choices']}")
    print(f"{'side':<12} {'batch':>5} {'median img/s':>13} {'min':>8} {'max':>8} {'vs keras (median of ratios)':>28}")
    for batch in args.batches:
        for name in (["keras"] if keras is not None else []) + list(contenders):
            values = samples[(name, batch)]
            row = {"side": name, "batch": batch, "median_images_per_s": statistics.median(values),
                   "min_images_per_s": min(values), "max_images_per_s": max(values), "samples": values}
            ratio_text = ""
            if keras is not None and name != "keras":
                ratios = [ours / theirs for ours, theirs in zip(values, samples[("keras", batch)])]
                row["ratio_vs_keras_median"] = statistics.median(ratios)
                row["ratios_vs_keras"] = ratios
                ratio_text = f"{row['ratio_vs_keras_median']:.2f}x"
            figures["results"].append(row)
            print(f"{name:<12} {batch:>5} {row['median_images_per_s']:>13.0f} {row['min_images_per_s']:>8.0f} "
                  f"{row['max_images_per_s']:>8.0f} {ratio_text:>28}")
    if getattr(args, "json", None):
        from deepfake_edu.fileio import write_text_atomic

        write_text_atomic(args.json, json.dumps(figures, indent=2))
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":  # pragma: no cover - convenience
    sys.exit("run it as: deepfake-edu bench detect")
