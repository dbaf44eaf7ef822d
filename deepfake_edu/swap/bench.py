"""`deepfake-edu bench swap`: the face-swap model's targets, measured.

    classroom  the classroom preset trained from scratch on 64 px twins (swap crops cut from
               128 px pictures) with a time budget (default 10 minutes, 2 CPU threads): the
               swap's SSIM against the true answer over time, and when it first reaches 0.80.
    loop       a preset (default original) on a device: the full training loop (faces on the
               device, batch choice, warp augmentation, loss, step, through the Trainer)
               against a bare model step on ready tensors, side by side; images per second.
    merge      a trained twins run (--merge RUN, default the lab's prepared one) swaps a talking
               twins clip both ways, merged several ways (plain, + grain, + sharpening, both,
               the glasses mask), and a perfect 64 px model (the true answer's crop) for scale:
               detail kept (variance of the Laplacian where the face was pasted, fake /
               original, median over the frames), SSIM there against the true answer, the
               share of the source's glasses left showing, and what detectors say (the noise
               detector trained on plain fakes and retrained on each merge; Meso-4 when one
               is found). Two clips: the demo's (rendered at 128 px, shown at 256) and one
               rendered at 256 px. Not part of the default run.
    prior      what the face prior buys: a pair of twins that neither the prior nor any lesson
               saw (seed 2), trained for --minutes (or --pair-steps) from random weights, then
               as long from the prior (--prior, default the lab's installed one); both arms'
               SSIM against the true answer over time and the detail their merged fakes keep
               on the demo's clip. Not part of the default run.
    real-pair  a real pair: two videos of real people (``--real-videos A B``, default d6.mp4 and
               d9.mp4 of the shared real-videos folder beside the clone; skipped with a message
               when absent, never copied in), their faces extracted into temporary datasets,
               ``swap train``'s defaults (classroom) trained for --minutes (default 15 here), then
               ``--real-measure`` frames spread over each video swapped to the other person:
               whose face each fake shows (dlib identity distance to both people's mean
               embedding, share of frames closer to the target; the real frames for scale),
               both ways, and the detail the merged fake keeps, beside a perfect model's and
               with the merge's sharpening limited 0, 4 and 8 (the number rises; the picture
               does not gain what the model never drew). Everything made is deleted.
               Not part of the default run.

    deepfake-edu bench swap                                  # classroom and loop, CPU
    deepfake-edu bench swap --only classroom --minutes 2     # a quick look at the curve
    deepfake-edu bench swap --only loop --device cuda --precision bf16 --batch-size 256 --compile
    deepfake-edu bench swap --only merge --merge runs/swap-classroom --merge-sheet merge.png
    deepfake-edu bench swap --only prior --minutes 10        # the prior against scratch, 10 minutes each
    deepfake-edu bench swap --only real-pair                 # 15 minutes of training on two real videos
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
    parser.add_argument("--only", choices=["classroom", "loop", "merge", "prior", "real-pair"], help="run one part (default: classroom and loop)")
    parser.add_argument("--minutes", type=budget, default=None, help=ranged("classroom, prior, real-pair: training budget", budget, "10; real-pair 15"))
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
    frames, seed = count(4, 240), count(0, 2**31 - 1)
    parser.add_argument("--merge", metavar="RUN", help="merge: the trained twins run to swap with (default: the lab's prepared one)")
    parser.add_argument("--merge-frames", type=frames, default=24, help=ranged("merge: frames per clip", frames, 24))
    parser.add_argument("--merge-seed", type=seed, default=7, help=ranged("merge: the measured clips' motion (the detectors' training clips use the next two seeds)", seed, 7))
    parser.add_argument("--merge-detector", help="merge: a Meso-4 checkpoint to ask as well (default: the lab's, when prepared)")
    parser.add_argument("--merge-sheet", metavar="PNG", help="merge: also write a viewer's sheet of the variants (face crops, 3 frames)")
    parser.add_argument("--prior", metavar="CHECKPOINT", help="prior: the face prior to start from (default: the lab's installed one)")
    parser.add_argument("--pair-steps", type=steps, help=ranged("prior: train each arm this many steps instead of --minutes", steps))
    real_frames, measure, keep = count(1, 20_000), count(1, 1000), count(1, 20_000)
    parser.add_argument("--real-videos", nargs=2, metavar=("A", "B"), help="real-pair: two videos of two people (default: d6.mp4 and d9.mp4 of ../shared/real-videos)")
    parser.add_argument("--real-frames", type=real_frames, help=ranged("real-pair: read at most this many frames of each video for its faces", real_frames, "all"))
    parser.add_argument("--real-keep", type=keep, help=ranged("real-pair: keep the N most varied faces of each video (faces extract --keep)", keep, "the near-duplicate rule"))
    parser.add_argument("--real-measure", type=measure, default=48, help=ranged("real-pair: frames of each video swapped and measured", measure, 48))
    parser.add_argument("--real-size", type=int, choices=[64, 128], help="real-pair: the model's face side in pixels (default: `swap train`'s, 64; "
                        "128 keeps more detail but trains about 4 times slower and without the prior)")


def run(args) -> int:
    import torch

    if args.minutes is None:
        args.minutes = REAL_PAIR_MINUTES if args.only == "real-pair" else 10.0
    if args.only == "real-pair":
        missing = real_pair_missing(args)
        if missing is not None:  # before anything is loaded or trained
            print(f"real-pair: skipped ({missing})")
            return 0
    if args.device == "cpu" or args.only in ("classroom", "merge", "prior"):
        torch.set_num_threads(args.threads)
    figures: dict = {"threads": torch.get_num_threads(), "cpu_count": os.cpu_count(), "load_average": _load_average()}
    print(f"torch {torch.__version__}, {figures['threads']} threads, load average at start {figures['load_average']}")
    if args.only in (None, "classroom"):
        figures["classroom"] = bench_classroom(args)
    if args.only in (None, "loop"):
        figures["loop"] = bench_loop(args)
    if args.only == "merge":
        figures["merge"] = bench_merge(args)  # Meso-4 when found; the noise detector needs a caller above swap
    if args.only == "prior":
        figures["prior"] = bench_prior(args)
    if args.only == "real-pair":
        figures["real_pair"] = bench_real_pair(args)
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
    # 128 px pictures, so that the model's 64 px swap crops are cut from them by shrinking.
    return _twins_once(f"twins-128-2x{args.per_identity}", f"{2 * args.per_identity} twins faces",
                       identities=2, per_identity=args.per_identity, size=128, seed=0)


def _twins_once(name: str, what: str, **options) -> Path:
    """runs/bench-swap/NAME: a twins dataset of ``options`` (``generate_twins_dataset``'s),
    rendered the first time it is asked for, then reused."""
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.paths import runs_dir

    path = runs_dir() / "bench-swap" / name
    if not (path / "dataset.json").exists():
        print(f"rendering {what} into {path} (once)")
        generate_twins_dataset(path, workers=max(1, min(4, os.cpu_count() or 1)), progress=True, **options)
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



# --- prior: what the face prior buys a new pair ----------------------------------------------------

DEMO_CLIP = "demo clip (128 px shown at 256)"
DEFAULT_MERGE = "+both"  # swap apply's defaults: the frame's grain and the bounded sharpening


def unseen_pair_data(args) -> Path:
    """A pair of twins that neither the lab's prior nor any lesson saw (``--data`` replaces it)."""
    if args.data:
        return Path(args.data)
    from deepfake_edu.swap.prior import UNSEEN_PAIR_DATA

    seed = UNSEEN_PAIR_DATA["seed"]
    return _twins_once(f"twins-unseen-seed{seed}", f"the unseen pair (seed {seed})", **UNSEEN_PAIR_DATA)


def bench_prior(args) -> dict:
    """The unseen pair trained from random weights, then as long from the face prior: SSIM
    against the true answer over time and the detail kept by each arm's merged fake."""
    import argparse

    from deepfake_edu.errors import LabError
    from deepfake_edu.swap.prior import installed_prior
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap

    prior = Path(args.prior) if args.prior else installed_prior()
    if prior is None:
        raise LabError("no face prior to measure: run `deepfake-edu prepare` (it installs the lab's) or pass --prior CHECKPOINT")
    data = unseen_pair_data(args)
    length = f"{args.pair_steps} steps" if args.pair_steps else f"{args.minutes:g} minutes"
    print(f"\nprior: {data.name}, {length} from random weights, then {length} from {prior}")
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-swap-prior-"))
    arms: dict[str, dict] = {}
    try:
        for arm, start in (("from scratch", None), ("from the prior", str(prior))):
            run = folder / arm.replace(" ", "-")
            options = SwapTrainOptions(
                data=[str(data)], preset="classroom", steps=args.pair_steps or 10**7, minutes=None if args.pair_steps else args.minutes,
                device="cpu", run=str(run), resume=False, prior=start, metrics_every=args.eval_every, checkpoint_every=10**7,
                preview_every=0, timelapse_every=0, progress=True,
            )
            result = train_swap(options)
            if start is not None and result.prior is None:
                raise LabError(f"{prior} did not start the run: is it a face prior of the classroom preset at 64 px?")
            curve = [{"step": row["step"], "minutes": round(row["time_s"] / 60, 2), "swap_ssim": round(row["swap_ssim"], 4),
                      "swap_face_ssim": round(row.get("swap_face_ssim", float("nan")), 4), "swap_psnr": round(row["swap_psnr"], 2)}
                     for row in result.history if "swap_ssim" in row]
            merge_args = argparse.Namespace(merge=str(run), merge_frames=args.merge_frames, merge_seed=args.merge_seed,
                                            merge_detector=None, merge_sheet=None)
            merged = bench_merge(merge_args, only_variants=[DEFAULT_MERGE], only_kinds=[DEMO_CLIP], quiet=True)
            row = merged["clips"][DEMO_CLIP][DEFAULT_MERGE]
            arms[arm] = {"steps": result.steps, "training_minutes": round(result.elapsed_s / 60, 2),
                         "final_swap_ssim": curve[-1]["swap_ssim"] if curve else None,
                         "final_swap_face_ssim": curve[-1]["swap_face_ssim"] if curve else None,
                         "final_swap_psnr": curve[-1]["swap_psnr"] if curve else None,
                         "detail_kept": row["detail_kept"], "merged_ssim_vs_truth": row["ssim_vs_truth"], "curve": curve}
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    scratch, primed = arms["from scratch"], arms["from the prior"]
    target = scratch["final_swap_ssim"]
    caught_up = next((point["minutes"] for point in primed["curve"] if target is not None and point["swap_ssim"] >= target), None)
    figures = {"data": str(data), "prior": str(prior), "length": length, "arms": arms,
               "prior_minutes_to_scratch_final_ssim": caught_up,
               "ssim_gain": round(primed["final_swap_ssim"] - target, 4) if target is not None and primed["final_swap_ssim"] is not None else None}
    print(f"\n{'arm':<16}{'steps':>7}{'minutes':>9}{'SSIM':>8}{'face SSIM':>11}{'PSNR dB':>9}{'detail kept':>13}")
    for arm, values in arms.items():
        print(f"{arm:<16}{values['steps']:>7}{values['training_minutes']:>9.2f}{values['final_swap_ssim'] or float('nan'):>8.3f}"
              f"{values['final_swap_face_ssim'] or float('nan'):>11.3f}{values['final_swap_psnr'] or float('nan'):>9.2f}{values['detail_kept']:>13.3f}")
    if caught_up is not None:
        print(f"from the prior, the swap reached the from-scratch arm's final SSIM ({target:.3f}) after {caught_up} min")
    print(f"{'step':>7}{'scratch SSIM':>14}{'prior SSIM':>12}")
    for a, b in zip(scratch["curve"], primed["curve"]):  # both arms measure every --eval-every steps
        print(f"{a['step']:>7}{a['swap_ssim']:>14.3f}{b['swap_ssim']:>12.3f}")
    return figures


# --- merge: what the merge does to a fake ----------------------------------------------------------


def merge_variants() -> dict[str, dict]:
    """The merges measured: FaceSwapper options by name (the defaults' grain and sharpening)."""
    from deepfake_edu.swap.convert import GRAIN, SHARPEN

    return {
        "plain": {"grain": 0.0, "sharpen": 0.0},
        "+grain (white)": {"grain": GRAIN, "sharpen": 0.0, "grain_spectrum": "white"},
        "+grain": {"grain": GRAIN, "sharpen": 0.0},
        "+sharpen": {"grain": 0.0, "sharpen": SHARPEN},
        "+both": {"grain": GRAIN, "sharpen": SHARPEN},
        "+both, glasses mask": {"grain": GRAIN, "sharpen": SHARPEN, "mask": "glasses"},
    }


PERFECT_VARIANTS = ("plain", "+grain", "+sharpen", "+both")  # merged from the true answer's 64 px crop too (a perfect model)
CLIP_KINDS = {"demo clip (128 px shown at 256)": 128, "clip rendered at 256 px": 256}


def _merge_clip(person, target, frames: int, seed: int, render_side: int) -> dict:
    """A twins clip of ``person`` at 256 px (rendered at ``render_side``, enlarged as the demo
    does), the true answer (``target`` with its factors, clean and with the clip's camera noise)
    and, where ``person`` wears glasses, where they are (bool (T, 256, 256))."""
    import dataclasses

    import cv2
    import numpy as np

    from deepfake_edu.data import twins
    from deepfake_edu.swap.fakes import FAKE_SIDE

    def show(image):
        return image if render_side == FAKE_SIDE else cv2.resize(image, (FAKE_SIDE, FAKE_SIDE), interpolation=cv2.INTER_CUBIC)

    clip, factors = twins.render_video(person, frames, size=render_side, seed=seed)
    quiet = [twins.with_factors(f, noise=0.0) for f in factors]
    clip = {
        "frames": np.stack([show(frame) for frame in clip]),
        "truth": np.stack([show(twins.render_face(target, f, render_side).image) for f in quiet]),
        "truth_noisy": np.stack([show(twins.render_face(target, f, render_side).image) for f in factors]),
        "glasses": None,
    }
    if person.glasses:
        bare = dataclasses.replace(person, glasses=False)
        clip["glasses"] = np.stack([
            np.abs(show(twins.render_face(person, f, render_side).image).astype(int) - show(twins.render_face(bare, f, render_side).image)).sum(-1) > 30
            for f in quiet])
    return clip


def bench_merge(args, judges: dict | None = None, only_variants: list[str] | None = None, only_kinds: list[str] | None = None,
                quiet: bool = False) -> dict:
    """Swap twins clips with a trained run, merged each way of ``merge_variants``; see the module doc.

    judges: {name: judge} that say how detectable each merge is; a judge is called as
    ``judge(real_train, real_test, fakes)`` with uint8 frames (N, 256, 256, 3) and ``fakes`` =
    {merge: (train frames, test frames)}, and returns ({column: value} for the real frames,
    {merge: {column: value}}). Meso-4 (``meso_judge``) joins them when --merge-detector names
    one or the lab has prepared its own. The lab's noise detector lives in ``forensics``, which
    swap may not import (tests/test_layers.py): a caller above passes ``noise_residual_judge``
    built from it. ``only_variants`` and ``only_kinds`` measure a part (then no perfect model and
    no Meso-4 unless ``judges`` brings it); ``quiet`` prints nothing.
    """
    import numpy as np

    from deepfake_edu.data import twins
    from deepfake_edu.errors import LabError
    from deepfake_edu.faces.align import frame_alpha, twins_transform, warp_crop
    from deepfake_edu.swap.convert import FaceSwapper, face_mask, locator_for
    from deepfake_edu.swap.fakes import FAKE_SIDE, training_faces
    from deepfake_edu.swap.metrics import detail_kept, region_ssim, twin_identity
    from deepfake_edu.swap.train import load_swap_model

    run_path = Path(args.merge) if args.merge else None
    if run_path is None:
        from deepfake_edu.paths import LAB_SWAP_RUN, runs_dir

        run_path = runs_dir() / LAB_SWAP_RUN
    if not run_path.exists():
        raise LabError(f"no trained swap run at {run_path}: pass --merge RUN (a twins run of `deepfake-edu swap train`) or run `deepfake-edu prepare`")
    model, info = load_swap_model(run_path, "cpu")
    if info.get("face_kind") != "twins":
        raise LabError(f"{run_path} learned real faces: the merge bench needs a twins run (it measures against the true answer)")
    faces = training_faces(model, info, limit=2, name=str(run_path))  # only to know who the two people are
    people = [twin_identity(twins, faces.records[i][0], faces.dataset_infos[i]) for i in (0, 1)]
    size = model.config.input_size
    locate = locator_for(info, size)
    variants = merge_variants()
    perfect = list(PERFECT_VARIANTS)
    if only_variants is not None:
        variants, perfect = {name: variants[name] for name in only_variants}, []
    kinds = CLIP_KINDS if only_kinds is None else {kind: CLIP_KINDS[kind] for kind in only_kinds}
    transform = twins_transform(FAKE_SIDE, size)
    region = frame_alpha(face_mask(size), transform, (FAKE_SIDE, FAKE_SIDE)) >= 0.95  # wholly the pasted face, in every variant
    alphas = {name: frame_alpha(face_mask(size, cover=options.get("mask", "face")), transform, (FAKE_SIDE, FAKE_SIDE)) for name, options in variants.items()}
    judges = dict(judges or {})
    meso = _merge_detector(args) if only_variants is None and only_kinds is None else None
    if meso is not None:
        judges["Meso-4"] = meso_judge(meso)
    steps = int(info.get("progress", {}).get("step", 0)) if isinstance(info.get("progress"), dict) else None
    say = (lambda *a, **k: None) if quiet else print
    say(f"\nmerge: {run_path} ({steps if steps is not None else '?'} steps), clips of {args.merge_frames} frames at {FAKE_SIDE} px, "
          f"both directions ({people[0].name} -> {people[1].name} and back); detail kept = var(Laplacian) fake / original where the face was pasted")
    if meso is None and only_variants is None:
        say("  Meso-4: none found (pass --merge-detector, or `deepfake-edu prepare` makes the lab's): no Meso-4 column")

    def swapped(swapper, clip, truth_crops=None) -> tuple[np.ndarray, list]:
        out, restorations = [], []
        for index, frame in enumerate(clip["frames"]):
            if truth_crops is not None:  # a perfect model: the true answer's crop stands in for the decoder's face
                swapper.swap_crops = lambda crops, crop=truth_crops[index]: [crop]
            fake, _ = swapper.swap_frame(frame)
            out.append(fake)
            restorations += swapper.restorations
        return np.stack(out), restorations

    figures: dict = {"run": str(run_path), "steps": steps, "frames": args.merge_frames, "seed": args.merge_seed,
                     "judges": sorted(judges), "clips": {}}
    started = time.perf_counter()
    for kind, render_side in kinds.items():
        clips = {}  # direction -> [measured clip, two training clips for the judges]
        for source, target in ((0, 1), (1, 0)):
            clips[(source, target)] = [_merge_clip(people[source], people[target], args.merge_frames, args.merge_seed + k, render_side) for k in range(3)]
        fakes: dict[str, dict] = {}
        rows: dict[str, dict] = {}
        for name, options in list(variants.items()) + [(f"perfect 64 px, {v}", variants[v]) for v in perfect]:
            per_direction, restorations = {}, []
            for (source, target), three in clips.items():
                swapper = FaceSwapper(model, target, locate, **options)
                made = []
                for k, clip in enumerate(three):
                    if k > 0 and not judges:
                        break  # the training clips are for the judges only
                    truth_crops = [warp_crop(t, transform, size) for t in clip["truth"]] if name.startswith("perfect") else None
                    fake, done = swapped(swapper, clip, truth_crops)
                    made.append(fake)
                    restorations += done if k == 0 else []
                per_direction[(source, target)] = made
            fakes[name] = per_direction
            rows[name] = _merge_scores(per_direction, clips, region, alphas[name.removeprefix("perfect 64 px, ")], restorations, detail_kept, region_ssim)
        real_row = _merge_real_row(clips, region, region_ssim)
        columns = []
        for judge in judges.values():
            keys = list(clips)
            real_train = np.concatenate([clip["frames"] for key in keys for clip in clips[key][1:]])
            real_test = np.concatenate([clips[key][0]["frames"] for key in keys])
            made = {name: (np.concatenate([f for key in keys for f in per[key][1:]]), np.concatenate([per[key][0] for key in keys]))
                    for name, per in fakes.items()}
            on_real, on_fakes = judge(real_train, real_test, made)
            real_row.update(on_real)
            for name, values in on_fakes.items():
                rows[name].update(values)
            columns += [key for key in next(iter(on_fakes.values()), {}) if key not in columns]
        figures["clips"][kind] = {"real frames": real_row, **rows}
        if not quiet:
            _print_merge_table(kind, real_row, rows, columns)
        if args.merge_sheet and render_side == CLIP_KINDS["demo clip (128 px shown at 256)"]:
            _merge_sheet(args.merge_sheet, clips, fakes, region)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def _merge_detector(args):
    """Meso-4 to ask, or None: --merge-detector, else the lab's prepared detector if there is one
    (a checkpoint of the lab's; the authors' .h5 files are read by ``deepfake-edu detect``)."""
    from deepfake_edu.registry import load_model

    path = Path(args.merge_detector) if args.merge_detector else None
    if path is None:
        from deepfake_edu.paths import LAB_DETECTOR, models_dir

        path = models_dir() / f"{LAB_DETECTOR}.json"
        if not path.exists():
            return None
    return load_model(path, "cpu", kinds=("meso4", "mesoinception4"))[0]


def _roc_auc(real_scores, fake_scores) -> float:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.r_[np.zeros(len(real_scores)), np.ones(len(fake_scores))], np.r_[real_scores, fake_scores]))


def meso_judge(model):
    """A judge (see ``bench_merge``): a trained MesoNet's mean P(fake) and ROC AUC, real against each merge."""
    import numpy as np
    import torch

    def p_fake(frames: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            batches = [model(torch.from_numpy(np.ascontiguousarray(chunk)).permute(0, 3, 1, 2).float().div(255)).float()
                       for chunk in np.array_split(frames, max(1, len(frames) // 32))]
        return torch.sigmoid(torch.cat(batches)).numpy().astype(np.float64)

    def judge(real_train, real_test, fakes):
        real = p_fake(real_test)
        return ({"meso_p_fake": round(float(real.mean()), 3)},
                {name: {"meso_p_fake": round(float(p_fake(test).mean()), 3), "meso_auc": round(_roc_auc(real, p_fake(test)), 3)}
                 for name, (_, test) in fakes.items()})

    return judge


def noise_residual_judge(detector_class, features):
    """A judge (see ``bench_merge``) from the lab's noise detector, passed in by a caller above swap
    (``forensics.noise.NoiseResidualDetector`` and ``noise_features``): trained on the training
    clips' reals and PLAIN fakes, its mean P(fake) and ROC AUC on each merge of the measured clip;
    then retrained on that merge's own fakes (a detector that knows the trick), its AUC."""
    import numpy as np

    class OnFeatures(detector_class):
        """The detector fed its features directly: each picture's are computed once."""

        def features(self, images):
            return images

    def judge(real_train, real_test, fakes):
        real_train, real_test = features(real_train), features(real_test)

        def fit(fake_train):
            labels = np.r_[np.zeros(len(real_train)), np.ones(len(fake_train))]
            return OnFeatures().fit(np.concatenate([real_train, fake_train]), labels)

        on_plain = fit(features(fakes["plain"][0]))
        real = on_plain.predict_proba(real_test)
        rows = {}
        for name, (train, test) in fakes.items():
            test = features(test)
            scores = on_plain.predict_proba(test)
            retrained = fit(features(train))
            rows[name] = {"noise_p_fake": round(float(scores.mean()), 3), "noise_auc": round(_roc_auc(real, scores), 3),
                          "noise_retrained_auc": round(_roc_auc(retrained.predict_proba(real_test), retrained.predict_proba(test)), 3)}
        return {"noise_p_fake": round(float(real.mean()), 3)}, rows

    return judge


def _merge_scores(per_direction, clips, region, alpha, restorations, detail_kept, region_ssim) -> dict:
    import numpy as np

    detail, versus_truth, ssim_clean, ssim_noisy, glasses = [], [], [], [], []
    by_direction = {}
    for key, made in per_direction.items():
        clip, fake = clips[key][0], made[0]
        kept = [detail_kept(f, o, region) for f, o in zip(fake, clip["frames"])]
        detail += kept
        versus_truth += [detail_kept(f, t, region) for f, t in zip(fake, clip["truth_noisy"])]
        ssim_clean += [region_ssim(f, t, region) for f, t in zip(fake, clip["truth"])]
        ssim_noisy += [region_ssim(f, t, region) for f, t in zip(fake, clip["truth_noisy"])]
        by_direction[f"{key[0]}to{key[1]}_detail_kept"] = round(float(np.median(kept)), 4)
        if clip["glasses"] is not None:
            glasses.append(float(np.mean([(g & (alpha < 0.5)).sum() / max(g.sum(), 1) for g in clip["glasses"]])))
    row = {
        "detail_kept": round(float(np.median(detail)), 4),
        "detail_vs_truth": round(float(np.median(versus_truth)), 4),
        "ssim_vs_truth": round(float(np.mean(ssim_clean)), 4),
        "ssim_vs_noisy_truth": round(float(np.mean(ssim_noisy)), 4),
        "glasses_showing": round(float(np.mean(glasses)), 3) if glasses else None,
        **by_direction,
    }
    if restorations:
        row["sharpen_amount"] = round(float(np.median([r.amount for r in restorations])), 3)
        row["frame_grain_std"] = round(float(np.median([r.frame_grain.mean() for r in restorations])), 2)
        row["added_grain_std"] = round(float(np.median([r.added_grain.mean() for r in restorations])), 2)
        row["frame_grain_white_share"] = round(float(np.median([r.white_share for r in restorations])), 2)
    return row


def _merge_real_row(clips, region, region_ssim) -> dict:
    import numpy as np

    pairs = [(t, c) for key in clips for t, c in zip(clips[key][0]["truth_noisy"], clips[key][0]["truth"])]
    return {"ssim_noisy_truth_vs_truth": round(float(np.mean([region_ssim(t, c, region) for t, c in pairs])), 4)}


_JUDGE_COLUMNS = {  # column key: (header, width)
    "noise_p_fake": ("noise P", 9), "noise_auc": ("AUC", 7), "noise_retrained_auc": ("retrained", 10),
    "meso_p_fake": ("Meso P", 8), "meso_auc": ("AUC", 7),
}


def _print_merge_table(kind: str, real_row: dict, rows: dict, columns: list[str]) -> None:
    print(f"\n{kind}: median detail kept (fake / original; fake / true answer), mean SSIM where the face was pasted against"
          " the clean true answer (and the one with the clip's camera noise)"
          + ("; detectors: mean P(fake) and ROC AUC against the real frames (noise: trained on plain fakes, then retrained on each merge)" if columns else ""))
    header = f"{'merge':<28}{'detail':>8}{'/truth':>8}{'SSIM':>7}{'noisy':>7}"
    header += "".join(f"{_JUDGE_COLUMNS.get(c, (c, 10))[0]:>{_JUDGE_COLUMNS.get(c, (c, 10))[1]}}" for c in columns)
    print(header + f"{'glasses':>9}{'amount':>8}{'grain':>7}")
    line = f"{'real frames':<28}{1.0:>8.3f}{'':>8}{real_row['ssim_noisy_truth_vs_truth']:>7.3f}{'':>7}"
    for column in columns:
        width = _JUDGE_COLUMNS.get(column, (column, 10))[1]
        line += f"{real_row[column]:>{width}.3f}" if column in real_row else " " * width
    print(line)
    for name, row in rows.items():
        line = f"{name:<28}{row['detail_kept']:>8.3f}{row['detail_vs_truth']:>8.3f}{row['ssim_vs_truth']:>7.3f}{row['ssim_vs_noisy_truth']:>7.3f}"
        line += "".join(f"{row.get(c, float('nan')):>{_JUDGE_COLUMNS.get(c, (c, 10))[1]}.3f}" for c in columns)
        glasses = row.get("glasses_showing")
        line += f"{glasses:>9.3f}" if glasses is not None else f"{'':>9}"
        print(line + f"{row.get('sharpen_amount', 0.0):>8.2f}{row.get('added_grain_std', 0.0):>7.2f}")
    print("  (SSIM of 'real frames': the true answer with the clip's camera noise against the clean one, a viewer's ceiling;"
          " glasses: share of the source's glasses left showing; amount, grain: median unsharp amount and added grain std, grey levels)")


def _merge_sheet(path, clips, fakes, region) -> None:
    """A PNG: for 3 frames of each direction, the face area of the original, the true answer
    and every merge, enlarged 2x, labelled."""
    import cv2
    import numpy as np

    from deepfake_edu.data.images import write_image

    ys, xs = np.nonzero(region)
    pad = 24
    box = (slice(max(0, ys.min() - pad), ys.max() + pad), slice(max(0, xs.min() - pad), xs.max() + pad))
    names = ["original", "true answer", *fakes]
    rows = []
    for key in clips:
        clip = clips[key][0]
        for index in np.linspace(0, len(clip["frames"]) - 1, 3).round().astype(int):
            tiles = [clip["frames"][index], clip["truth_noisy"][index]] + [fakes[name][key][0][index] for name in fakes]
            tiles = [cv2.resize(t[box], None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST) for t in tiles]
            rows.append(np.hstack(tiles))
    sheet = np.vstack(rows)
    width = sheet.shape[1] // len(names)
    head = np.full((28, sheet.shape[1], 3), 255, np.uint8)
    for i, name in enumerate(names):
        cv2.putText(head, name, (i * width + 4, 19), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    write_image(path, np.vstack([head, sheet]))
    print(f"wrote the viewer's sheet {path}")


# --- real-pair: whose face a fake of two real people shows -------------------------------------------

REAL_PAIR_MINUTES = 15.0  # the real pair's default training budget
REAL_PAIR_VIDEOS = ("d6.mp4", "d9.mp4")  # a woman (33 s) and a man with glasses (20 s): 0.81 apart in dlib's embedding
REAL_CONSENT = ("Performers recorded as examples for KwaiVGI/LivePortrait (MIT licence); used by deepfake-edu's bench "
                "to measure a real pair only, deleted when it ends")


def shared_real_videos() -> Path:
    """The shared folder of real videos beside the clone (``../shared/real-videos``), or
    $DEEPFAKE_EDU_SHARED/real-videos. Never copied into the project."""
    shared = os.environ.get("DEEPFAKE_EDU_SHARED")
    return (Path(shared) if shared else Path(__file__).resolve().parents[2].parent / "shared") / "real-videos"


def real_pair_videos(args) -> list[Path]:
    return [Path(v) for v in args.real_videos] if getattr(args, "real_videos", None) else [shared_real_videos() / name for name in REAL_PAIR_VIDEOS]


def real_pair_missing(args) -> str | None:
    """Why the real pair cannot run here (one line), or None."""
    from deepfake_edu.faces.identity import missing

    absent = [str(path) for path in real_pair_videos(args) if not path.is_file()]
    if absent:
        return f"{', '.join(absent)} not found: pass --real-videos A B (two videos of two people who agreed)"
    return missing()


REAL_PAIR_SHARPEN_SWEEP = (0.0, 4.0, 8.0)  # the merge's sharpening limits the real pair is also measured with
# For scale, the same recipe stopped early: a decoder this young draws a blur of its person's mean
# face, and that blur already reads as the target's identity more often than not.
REAL_PAIR_EARLY_MINUTES = 0.5


def _measure_fakes(swapper, frames: list, regions: list, source_mean, target_mean) -> dict:
    """``swapper``'s fakes of ``frames`` (each measured in its ``regions`` entry, the default merge's
    pasted face; None: no face there): median detail kept and whose face they show (the share
    closer to the target, the mean distances to both people)."""
    import numpy as np

    from deepfake_edu.faces.identity import embed_crops, identity_report
    from deepfake_edu.swap.convert import swapped_face_crop
    from deepfake_edu.swap.metrics import detail_kept

    detail, fakes = [], []
    for frame, region in zip(frames, regions):
        if region is None:
            continue
        fake, faces = swapper.swap_frame(frame)
        if faces:
            detail.append(detail_kept(fake, frame, region))
            fakes.append(swapped_face_crop(swapper, fake))
    if not fakes:
        return {"faces": 0}
    report = identity_report(embed_crops(fakes), source_mean, target_mean)
    return {"faces": report.faces, "detail_kept": round(float(np.median(detail)), 4),
            "share_closer_to_target": round(report.share_closer_to_target, 4),
            "mean_to_target": round(report.mean_to_target, 4), "mean_to_source": round(report.mean_to_source, 4)}


def bench_real_pair(args) -> dict:
    """Extract, train and swap a real pair both ways; whose face each fake shows and the detail it keeps."""
    import dataclasses

    import numpy as np

    from deepfake_edu.data.video import VideoReader, iter_sampled_frames
    from deepfake_edu.faces.align import frame_alpha
    from deepfake_edu.faces.extract import ExtractOptions, consent_record, extract_faces, save_extraction
    from deepfake_edu.faces.identity import dataset_mean_embedding, embed_crops, identity_report
    from deepfake_edu.swap.convert import SHARPEN, FaceSwapper, PerfectSwapper, real_faces_locator, swapped_face_crop
    from deepfake_edu.swap.metrics import detail_kept
    from deepfake_edu.swap.train import SwapTrainOptions, load_swap_model, train_swap
    from deepfake_edu.data.dataset import load_dataset

    videos = real_pair_videos(args)
    names = [f"bench-real-{path.stem}" for path in videos]
    if names[0] == names[1]:
        names = [names[0] + "-a", names[1] + "-b"]
    print(f"\nreal-pair: {videos[0].name} and {videos[1].name}, `swap train` defaults for {args.minutes:g} minutes on {args.device}")
    folder = Path(tempfile.mkdtemp(prefix="bench-swap-real-pair-"))
    figures: dict = {"videos": [str(v) for v in videos], "minutes_budget": args.minutes, "device": args.device}
    try:
        people = []
        for video, name in zip(videos, names):
            started = time.perf_counter()
            options = ExtractOptions(max_frames=args.real_frames, keep=args.real_keep)
            extraction = extract_faces(video, options, source_label=video.name, progress=True)
            dataset = save_extraction(name, extraction, consent_record(REAL_CONSENT, video.name, name), root=folder / name)
            people.append(dataset)
            figures.setdefault("faces", {})[name] = {"crops": len(extraction.crops), "counts": extraction.counts,
                                                     "variety": round(extraction.variety() or 0.0, 2),
                                                     "seconds": round(time.perf_counter() - started, 1)}
            print(f"  {name}: {len(extraction.crops)} crops ({extraction.counts['frames_read']} frames; dropped: {extraction.dropped_summary()})")
        run = folder / "run"
        options = SwapTrainOptions(data=[str(d.root) for d in people], steps=10**7, minutes=args.minutes, device=args.device,
                                   run=str(run), resume=False, checkpoint_every=10**7, preview_every=0, timelapse_every=0,
                                   metrics_every=0, progress=True, input_size=getattr(args, "real_size", None))
        result = train_swap(options)
        figures["training"] = {"steps": result.steps, "minutes": round(result.elapsed_s / 60, 2), "preset": options.preset}
        model, info = load_swap_model(run, args.device if args.device != "auto" else "cpu")
        figures["training"]["face_side"] = model.config.input_size
        print(f"  trained {result.steps} steps of a {model.config.input_size} px model in {result.elapsed_s / 60:.1f} min")
        early_model = None
        if args.minutes > REAL_PAIR_EARLY_MINUTES:
            early = train_swap(dataclasses.replace(options, minutes=REAL_PAIR_EARLY_MINUTES, run=str(folder / "run-early"), progress=False))
            early_model = load_swap_model(folder / "run-early", args.device if args.device != "auto" else "cpu")[0]
            figures["training"]["stopped_early"] = {"steps": early.steps, "minutes": round(early.elapsed_s / 60, 2)}
            print(f"  for scale, the same recipe stopped after {early.elapsed_s / 60:.1f} min ({early.steps} steps)")
        means = [dataset_mean_embedding(load_dataset(d.root), cache=False) for d in people]
        gap = float(np.linalg.norm(means[0] - means[1]))
        locate = real_faces_locator(max(64, model.config.input_size), "dlib")
        figures["people_apart"] = round(gap, 4)
        figures["directions"] = {}
        # The same model pasted two ways: through each face's landmark hull (what `swap apply`
        # does when dlib gives 68 landmarks) and through the fixed ellipse (the landmarks dropped).
        blends = {"hull": locate, "ellipse": lambda frame: [(crop, transform) for crop, transform, *_ in locate(frame)]}
        for source, target in ((0, 1), (1, 0)):
            key = f"{names[source]} -> {names[target]}"
            with VideoReader(videos[source]) as video:
                frames = [frame for _, frame in iter_sampled_frames(video, args.real_measure)]
            for blend, locate_fn in blends.items():
                swapper = FaceSwapper(model, target, locate_fn)
                # A perfect model at this size: the source's own crop pasted back through the same
                # merge. What it keeps is the most any model of this size can keep in this video.
                perfect = PerfectSwapper(model, target, locate_fn)
                fakes, reals, detail, pasted, ceiling, regions = [], [], [], [], [], []
                for frame in frames:
                    fake, faces = swapper.swap_frame(frame)
                    if not faces:
                        regions.append(None)
                        continue
                    fakes.append(swapped_face_crop(swapper, fake))
                    reals.append(swapped_face_crop(swapper, frame))
                    alpha = frame_alpha(swapper.last_masks[0], swapper.last_transforms[0], frame.shape)
                    regions.append(alpha >= 0.95)
                    detail.append(detail_kept(fake, frame, regions[-1]))
                    pasted.append(float(regions[-1].sum()))
                    ceiling.append(detail_kept(perfect.swap_frame(frame)[0], frame, regions[-1]))
                if not fakes:
                    figures["directions"][key] = {"frames": 0}
                    print(f"  {key}: no face found in the measured frames")
                    break
                fake_report = identity_report(embed_crops(fakes), means[source], means[target], names=(names[source], names[target]))
                row = {"fake": {k: v for k, v in fake_report.to_dict().items() if k not in ("to_source", "to_target")},
                       "detail_kept": round(float(np.median(detail)), 4),
                       "detail_kept_by_a_perfect_model": round(float(np.median(ceiling)), 4),
                       "pasted_pixels": round(float(np.median(pasted)))}
                if blend == "hull":
                    real_report = identity_report(embed_crops(reals), means[source], means[target], names=(names[source], names[target]))
                    figures["directions"][key] = {"frames": fake_report.faces, **row,
                                                  "real_frames": {k: v for k, v in real_report.to_dict().items() if k not in ("to_source", "to_target")},
                                                  "sharpen_sweep": {f"{limit:g}": _measure_fakes(FaceSwapper(model, target, locate_fn, sharpen=limit),
                                                                                                 frames, regions, means[source], means[target])
                                                                    for limit in REAL_PAIR_SHARPEN_SWEEP}}
                    if early_model is not None:
                        figures["directions"][key]["stopped_early"] = _measure_fakes(FaceSwapper(early_model, target, locate_fn),
                                                                                     frames, regions, means[source], means[target])
                else:
                    figures["directions"][key]["ellipse_blend"] = row
        print(f"\nwhose face (dlib identity distance to each person's mean embedding; the two people are {gap:.2f} apart, "
              f"under 0.6 is usually one person)")
        print(f"{'direction':<36}{'frames':>7}{'to source':>11}{'to target':>11}{'closer to target':>18}{'detail kept':>13}"
              f"{'perfect ' + str(model.config.input_size) + ' px':>15}")
        for key, row in figures["directions"].items():
            if not row["frames"]:
                continue
            ellipse = row["ellipse_blend"]
            lines = (("", row["fake"], row["detail_kept"], row["detail_kept_by_a_perfect_model"]),
                     ("  pasted through the ellipse", ellipse["fake"], ellipse["detail_kept"], ellipse["detail_kept_by_a_perfect_model"]),
                     ("  (the real frames)", row["real_frames"], None, None))
            for label, values, kept, ceiling in lines:
                print(f"{label or key + ' (hull)':<36}{row['frames']:>7}{values['mean_to_source']:>11.3f}"
                      f"{values['mean_to_target']:>11.3f}{100 * values['share_closer_to_target']:>17.0f}%"
                      + (f"{kept:>13.3f}{ceiling:>15.3f}" if kept is not None else ""))
        print("(detail kept: variance of the Laplacian where the face was pasted, fake / original; perfect: the source's own "
              "crop at the model's size pasted back the same way, what a model of that size can keep; an untrained model's "
              "noise counts as detail too, so read it beside whose face it is)")
        stopped = figures["training"].get("stopped_early")
        if stopped:
            print(f"\nthe same recipe stopped after {stopped['minutes']:g} min ({stopped['steps']} steps), hull: a blur of the target's face "
                  "already reads as the target, so read the distance to the target, not only the share")
            for key, row in figures["directions"].items():
                cell = row.get("stopped_early") or {}
                if cell.get("faces"):
                    print(f"{key:<36}{cell['faces']:>7}{cell['mean_to_source']:>11.3f}{cell['mean_to_target']:>11.3f}"
                          f"{100 * cell['share_closer_to_target']:>17.0f}%{cell['detail_kept']:>13.3f}")
        print(f"\nthe same fakes with the merge's sharpening limited to {', '.join(f'{limit:g}' for limit in REAL_PAIR_SHARPEN_SWEEP)} "
              f"(`swap apply --sharpen`; default {SHARPEN:g}): detail kept, closer to target")
        for key, row in figures["directions"].items():
            if row["frames"]:
                print(f"{key:<36}" + "".join(f"{'sharpen ' + limit + ':':>13}{cell['detail_kept']:>7.3f}{100 * cell['share_closer_to_target']:>5.0f}%"
                                              for limit, cell in row["sharpen_sweep"].items()))
        print("(sharpening lifts the detail figure but cannot draw what the model did not: look at the fakes before "
              "trusting the number)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return figures
