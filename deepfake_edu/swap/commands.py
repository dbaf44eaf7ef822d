"""`deepfake-edu swap ...`: train the face-swap model, swap a photo or video, draw previews.

    deepfake-edu swap train --data datasets/twins --identities twin-00 twin-01 --preset classroom --minutes 10
    deepfake-edu swap apply --run runs/swap-classroom clip.mp4 --to twin-01 --out fake.mp4
    deepfake-edu swap preview --run runs/swap-classroom --out grid.png
    deepfake-edu swap funnel --preset original

Arguments and printing only; the work is in deepfake_edu.swap.train / facesets / timelapse / convert / metrics.
"""

from __future__ import annotations

import argparse

from deepfake_edu.cli_types import count, minutes, number, output_name, ranged, seed

STEPS = count(1, 1_000_000)
MINUTES = minutes()
BATCH = count(1, 512)  # faces per PERSON per step: 512 x 2 people of the original model is already ~GBs of activations
LEARNING_RATE = number(0, 1, low_open=True)
BOTTLENECK = count(1, 2048)  # the original's is 1024; its two dense layers grow with it (2048: ~1.1 GB of weights and Adam state at 64 px)
LIMIT = count(1, 1_000_000)
SNAPSHOT_EVERY = count(1, 1_000_000)  # steps between snapshots kept for good (each ~10 MB for the classroom model)
COLUMNS = count(1, 64)
SEED = seed()
SHEET_COUNT = count(1, 100)
GRAIN = number(0, 4)
SHARPEN = number(0, 8)


def register(subparsers) -> None:
    swap = subparsers.add_parser("swap", help="make a fake: train the face-swap autoencoder and swap faces", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = swap.add_subparsers(dest="swap_command", metavar="ACTION", required=True)

    train = sub.add_parser("train", help="train one shared encoder and one decoder per person")
    train.add_argument("--data", nargs="+", default=["twins"], metavar="DATASET", help="dataset folder(s) or name(s): one holding several people, or one per person (default: twins)")
    train.add_argument("--identities", nargs="+", metavar="NAME", help="who to learn, by identity name (default: the first two people)")
    train.add_argument("--preset", choices=["classroom", "original"], default="classroom", help="classroom: light, minutes on a laptop; original: the 2017 model (~82 M parameters)")
    length = train.add_mutually_exclusive_group()
    length.add_argument("--steps", type=STEPS, help=ranged("training steps", STEPS, 2000))
    length.add_argument("--minutes", type=MINUTES, help=ranged("train for this many minutes instead", MINUTES))
    train.add_argument("--batch-size", type=BATCH, help=ranged("faces per person per step", BATCH, "16 classroom, 64 original"))
    train.add_argument("--lr", type=LEARNING_RATE, help=ranged("learning rate", LEARNING_RATE, "5e-4 classroom, 5e-5 original"))
    train.add_argument("--bottleneck", type=BOTTLENECK, help=ranged("width of the funnel: how many numbers describe a face", BOTTLENECK, "the preset's"))
    train.add_argument("--size", type=int, choices=[64, 128], help="face side in pixels (default: the preset's, 64)")
    train.add_argument("--run", help="run folder (default runs/swap-<preset>)")
    train.add_argument("--resume", action="store_true", help="continue the run already in --run")
    train.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    train.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    train.add_argument("--compile", action="store_true", help="torch.compile the model (GPU: faster steps after a slow start)")
    train.add_argument("--seed", type=SEED, default=0, help=ranged("seeds the weights and every batch", SEED, 0))
    train.add_argument("--limit", type=LIMIT, help=ranged("use at most this many faces of each person", LIMIT, "all"))
    train.add_argument("--snapshot-every", type=SNAPSHOT_EVERY, metavar="N",
                       help=ranged("also keep the model every N steps in RUN/snapshots/ (for `detect arms-race`)", SNAPSHOT_EVERY, "none"))
    train.add_argument("--prior", metavar="CHECKPOINT",
                       help="start a new pair from this face prior instead of random weights (`deepfake-edu zoo train face-prior` makes one; "
                            "on the lab's twins it made the swap worse, see ARCHITECTURE.md)")
    train.set_defaults(handler=_train)

    sheet = sub.add_parser("sheet", help="a blind sheet: real and fake twins faces, shuffled and numbered, answers apart",
                           description="Write SHEET/sheet.jpg (real and fake twins frames of a swap pair, shuffled and "
                                       "numbered; the sheet is labelled and marked, the faces are not) and SHEET/answers.json.")
    sheet.add_argument("--run", help="a swap pair of two twins (default: the prepared lab's runs/swap-lab)")
    sheet.add_argument("--out", type=output_name, help="folder for sheet.jpg and answers.json (default outputs/blind-sheet)")
    sheet.add_argument("--count", type=SHEET_COUNT, default=20, help=ranged("real faces, and as many fakes", SHEET_COUNT, 20))
    sheet.add_argument("--seed", type=SEED, default=0, help=ranged("seeds the shuffle", SEED, 0))
    sheet.set_defaults(handler=_sheet)

    apply = sub.add_parser("apply", help="swap the face in a photo or every frame of a video")
    apply.add_argument("input", help="photo (.png, .jpg) or video (.mp4, .avi, ...)")
    apply.add_argument("--run", required=True, help="training run folder or checkpoint")
    apply.add_argument("--to", required=True, help="who the face becomes: identity name, or A / B")
    apply.add_argument("--out", type=output_name, required=True, help="output file (.png/.jpg for a photo, .mp4/.avi for a video)")
    apply.add_argument("--locate", choices=["twins", "faces", "whole"],
                       help="twins: the frame is a twins picture; faces: detect faces; whole: the whole frame is the crop (default: as the model trained)")
    apply.add_argument("--blend", choices=["feather", "seamless"], default="feather", help="feathered mask, or OpenCV seamlessClone")
    apply.add_argument("--colour", choices=["reinhard", "none"], default="reinhard", help="match the face's colours to the original (Reinhard, Lab)")
    apply.add_argument("--grain", type=GRAIN, default=1.0, help=ranged("share of the frame's own grain restored on the pasted face (0: the plain paste)", GRAIN, 1.0))
    apply.add_argument("--sharpen", type=SHARPEN, default=2.0, help=ranged("largest unsharp amount on the pasted face (0: none)", SHARPEN, 2.0))
    apply.add_argument("--device", default="auto")
    apply.add_argument("--no-identity", action="store_true",
                       help="do not measure whose face a real-face fake shows (dlib identity distance to both people's training faces)")
    apply.set_defaults(handler=_apply)

    preview = sub.add_parser("preview", help="picture of rows A, A rebuilt, A as B, B, B rebuilt, B as A")
    preview.add_argument("--run", required=True, help="training run folder or checkpoint")
    preview.add_argument("--out", type=output_name, required=True, help="output picture (.png)")
    preview.add_argument("--data", nargs="+", help="faces to show (default: the run's training data)")
    preview.add_argument("--identities", nargs="+", metavar="NAME")
    preview.add_argument("--faces", type=COLUMNS, default=8, help=ranged("columns", COLUMNS, 8))
    preview.add_argument("--curves", type=output_name, help="also plot the swap's SSIM/PSNR over training to this .png")
    preview.set_defaults(handler=_preview)

    funnel = sub.add_parser("funnel", help="print each layer's output shape: the funnel from face to code and back")
    funnel.add_argument("--preset", choices=["classroom", "original"], default="classroom")
    funnel.add_argument("--bottleneck", type=BOTTLENECK, help=ranged("width of the funnel", BOTTLENECK, "the preset's"))
    funnel.add_argument("--size", type=int, choices=[64, 128])
    funnel.set_defaults(handler=_funnel)


def _train(args) -> int:
    from pathlib import Path

    from deepfake_edu.errors import LabError
    from deepfake_edu.paths import runs_dir
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap
    from deepfake_edu.training import latest_checkpoint

    run = Path(args.run) if args.run else runs_dir() / f"swap-{args.preset}"
    if not args.resume and latest_checkpoint(run) is not None:
        raise LabError(f"{run} already holds a training run: add --resume to continue it, or choose another --run")
    steps = args.steps if args.steps is not None else (10**7 if args.minutes is not None else 2000)
    options = SwapTrainOptions(
        data=args.data, identities=args.identities, preset=args.preset, input_size=args.size, bottleneck=args.bottleneck,
        steps=steps, minutes=args.minutes, batch_size=args.batch_size, learning_rate=args.lr, seed=args.seed,
        device=args.device, precision=args.precision, compile=args.compile, run=str(run), resume=args.resume,
        limit_per_identity=args.limit, prior=args.prior, snapshot_every=args.snapshot_every or 0,
    )
    result = train_swap(options)
    if result.prior:
        print(f"started from the face prior {result.prior['path']} ({result.prior.get('steps') or '?'} steps on many twins)")
    last = next((row for row in reversed(result.history) if "swap_ssim" in row), None)
    print(f"trained {' and '.join(result.names)} for {result.steps} steps ({result.elapsed_s / 60:.1f} min) -> {result.run_dir}")
    if last is not None:
        print(f"swap against the true answer: SSIM {last['swap_ssim']:.3f}, PSNR {last['swap_psnr']:.1f} dB")
    print(f"previews: {result.run_dir / 'previews'}; timelapse: {result.run_dir / 'timelapse.gif'}")
    return 0


def _apply(args) -> int:
    from deepfake_edu.swap.convert import apply_swap

    result = apply_swap(args.run, args.input, args.to, args.out, args.locate, args.colour, args.blend, args.device,
                        grain=args.grain, sharpen=args.sharpen, identity=not args.no_identity)
    what = f"{result.frames} frames at {result.fps:g} fps" if result.fps is not None else "photo"
    print(f"wrote {result.path} ({what}, {result.width}x{result.height}, {result.faces_swapped} faces swapped, labelled and marked as a fake)")
    if result.identity is not None:
        print(result.identity.summary())
    elif result.identity_note:
        print(f"whose face: not measured ({result.identity_note})")
    return 0


def _preview(args) -> int:
    import torch

    from deepfake_edu.data.forget import record_output
    from deepfake_edu.data.images import write_image
    from deepfake_edu.swap.facesets import load_face_sets
    from deepfake_edu.swap.metrics import plot_swap_curves
    from deepfake_edu.swap.timelapse import preview_grid
    from deepfake_edu.swap.train import load_swap_model

    model, info = load_swap_model(args.run)
    options = info.get("train_options", {})
    data = args.data or options.get("data")
    identities = args.identities or (info.get("identities") if not args.data else None)
    sets = load_face_sets(data, identities if len(data) == 1 else None, model.config.input_size, limit=args.faces)
    faces = [torch.from_numpy(f[: args.faces]).permute(0, 3, 1, 2).float().div(255) for f in sets.faces[:2]]
    path = write_image(args.out, preview_grid(model, faces))
    record_output(path, info.get("datasets", []))  # the picture shows the people: `forget` must find it
    print(f"wrote {path}: rows {sets.names[0]}, rebuilt, as {sets.names[1]}; {sets.names[1]}, rebuilt, as {sets.names[0]}")
    if args.curves:
        plot_swap_curves(info.get("history", []), args.curves)
        print(f"wrote {args.curves}")
    return 0


def _funnel(args) -> int:
    from deepfake_edu.swap.model import faceswap

    print(faceswap(args.preset, bottleneck=args.bottleneck, input_size=args.size).describe_funnel())
    return 0


def _sheet(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deepfake_edu.paths import LAB_SWAP_RUN, default_output, runs_dir
    from deepfake_edu.swap.sheet import write_blind_sheet

    run = Path(args.run) if args.run else runs_dir() / LAB_SWAP_RUN
    out = Path(args.out) if args.out else default_output("blind-sheet")
    sheet, answers = write_blind_sheet(run, out, count=args.count, shuffle_seed=args.seed)
    print(f"blind sheet: {sheet}\nanswers:     {answers} (look only after you have decided)")
    return 0
