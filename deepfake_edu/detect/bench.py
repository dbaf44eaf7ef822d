"""`deepfake-edu bench detect`: MesoNet inference speed on the CPU, PyTorch port vs the authors' Keras model.

Both sides run the same network on random 256x256 inputs with the same number of threads
(default 2, a teacher's laptop). The Keras side runs in its own Python (one with TensorFlow,
see keras_reference.py) as a subprocess that answers timing requests; the benchmark alternates
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
    parser.add_argument("--keras-python", metavar="PYTHON", help="a Python with tensorflow-cpu, to time the authors' Keras model too")
    parser.add_argument("--arch", choices=("meso4", "mesoinception4"), default="meso4", help="which network (default meso4)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for each side (default 2)")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32], help="batch sizes (default 1 32)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per batch size (default 5)")
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one timing window (default 1 s)")
    parser.add_argument("--eager", action="store_true", help="also time the plain (readable, unoptimised) PyTorch model")


class KerasTimer:
    """The Keras side: keras_reference.py serve-timing in another Python, spoken to in JSON lines."""

    def __init__(self, python: str, arch: str, threads: int):
        script = Path(__file__).with_name("keras_reference.py")
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
    import torch

    from deepfake_edu.detect.mesonet import optimize_for_inference
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
    print(f"MesoNet inference, {args.arch}, 256x256, {args.threads} threads, {args.rounds} alternating rounds of {args.seconds:g} s")
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
