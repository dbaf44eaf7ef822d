"""`deepfake-edu detect ...`: import the authors' MesoNet weights, and run a detector on files."""

from __future__ import annotations

import argparse
import json
import sys

from deepfake_edu.cli_types import count, minutes, output_name, ranged, seed

FRAMES = count(1, 1000)  # sampled frames of a video, each a 256 px crop scored by the detector
STEPS = count(1, 1_000_000)
MINUTES = minutes()
BATCH = count(1, 1024)  # 256 px faces: ~10 MB of activations each in training, so 1024 is ~10 GB
SEED = seed()
PLOT_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg", ".pdf")  # what --plot writes (matplotlib)
BINS = count(2, 100)  # calibration bins of P(fake); 10 is the field's usual choice
PROBE_FACES = count(1, 500)  # probe frames per person (2 people): each snapshot makes as many fakes, ~40 ms each on a CPU
EARLY_STEPS = count(1, 100_000)  # Meso-4 steps of the early detector: ~0.8 s each at batch 32 on one CPU thread



def register(subparsers) -> None:
    detect = subparsers.add_parser("detect", help="MesoNet: import the authors' weights, score images and videos",
                                   description="MesoNet deepfake detection (Meso-4, MesoInception-4).")
    sub = detect.add_subparsers(dest="detect_command", metavar="ACTION", required=True)

    importer = sub.add_parser("import-keras", help="convert the authors' Keras .h5 weights into a lab checkpoint",
                              description="Convert one of the authors' weight files (github.com/DariusAf/MesoNet, "
                                          "folder weights/, e.g. Meso4_DF.h5) into models/<name>.json + .safetensors.")
    importer.add_argument("file", metavar="FILE.h5", help="the authors' weights, e.g. models/keras/Meso4_DF.h5")
    importer.add_argument("--out", metavar="STEM", type=output_name, help="checkpoint to write (default: models/meso4-df for Meso4_DF.h5)")
    importer.set_defaults(handler=_import_keras)

    run = sub.add_parser("run", help="score an image, a folder of face crops, or a video",
                         description="Score face crops with MesoNet: P(fake) per image or per sampled video frame.")
    run.add_argument("path", metavar="PATH", help="an image, a folder of images, or a video")
    run.add_argument("--model", default="meso4-df", metavar="NAME_OR_PATH",
                     help="a checkpoint in models/ (default meso4-df), a checkpoint path, or an authors' .h5 file")
    run.add_argument("--frames", type=FRAMES, default=30, help=ranged("frames to sample from a video, 30 as the authors did", FRAMES, 30))
    run.add_argument("--json", action="store_true", help="print the verdict as JSON instead of a table")
    run.add_argument("--plot", metavar="OUT.png", type=output_name, help="also draw the scores (over time for a video)")
    run.add_argument("--crop", choices=("lab", "authors"), default="lab",
                     help="how faces are cut: the lab's framing by the eyes (default), or the MesoNet authors' own from "
                          "68 landmarks (needs dlib), to compare verdicts with theirs")
    run.set_defaults(handler=_run)

    train = sub.add_parser("train", help="train Meso-4 or MesoInception-4 on real and fake faces",
                           description="Train MesoNet with the paper's recipe (Adam 1e-3 divided by 10 every 1000 steps, "
                                       "batch 75, rotation/zoom/brightness/channel-shift/flip augmentation), balanced "
                                       "classes, and a validation split; writes ROC and training plots.")
    train.add_argument("--data", default=None, help="a real/fake set: a folder with real/ and fake/, or a lab dataset "
                                                   "with labels (default: the lab's twins-realfake, see `deepfake-edu prepare`)")
    train.add_argument("--model", default="meso4", choices=["meso4", "mesoinception4"])
    train.add_argument("--steps", type=STEPS, default=3000, help=ranged("optimizer steps", STEPS, 3000))
    train.add_argument("--minutes", type=MINUTES, help=ranged("stop after this many minutes of training", MINUTES, "no limit"))
    train.add_argument("--batch-size", type=BATCH, default=75, help=ranged("faces per step, 75 as in the paper", BATCH, 75))
    train.add_argument("--held-out", nargs="+", metavar="IDENTITY", help="identities kept for validation only")
    train.add_argument("--run", help="run folder (default runs/<model>-<data name>)")
    train.add_argument("--out", type=output_name, help="where to export the trained detector (default models/<run name>)")
    train.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    train.add_argument("--seed", type=SEED, default=0, help=ranged("seeds the weights, the split and every batch", SEED, 0))
    train.add_argument("--no-resume", action="store_true", help="start again even if the run folder holds a run")
    train.set_defaults(handler=_train)

    evaluate = sub.add_parser("eval", help="measure a detector on a real/fake set with the field's protocol",
                              description="The field's evaluation protocol: frame AUC, video AUC (the mean P(fake) per video, "
                                          "as DeepfakeBench), EER, average precision, accuracy and balanced accuracy at 0.5, "
                                          "the confusion matrix, and calibration (reliability table, ECE). Says which way round "
                                          "the scores are, and warns when an AUC below 0.5 points to a label-polarity mistake.")
    evaluate.add_argument("--model", default="meso4-twins", metavar="NAME_OR_PATH", help="a checkpoint in models/ or a path")
    evaluate.add_argument("--data", default=None,
                          help="a real/fake set: a folder with real/ and fake/, the MesoNet authors' layout (real/ and df/ "
                               "or f2f/, e.g. their test_images/), or a lab dataset (default: the lab's twins-realfake); "
                               "twins-clips: talking clips of the held-out twins, real and swapped, made on first use, so the "
                               "video AUC is over real clips")
    evaluate.add_argument("--roc", metavar="OUT.png", type=output_name, help="also draw the ROC curve")
    evaluate.add_argument("--reliability", metavar="OUT.png", type=output_name, help="also draw the reliability (calibration) plot")
    evaluate.add_argument("--bins", type=BINS, default=10, help=ranged("calibration bins of P(fake)", BINS, 10))
    evaluate.add_argument("--json", action="store_true", help="print the metrics as JSON")
    evaluate.set_defaults(handler=_eval)

    race = sub.add_parser("arms-race", help="detectors against a face-swap model at every stage of its training",
                          description="The arms race: for every snapshot of a swap run (swap train --snapshot-every N), the "
                                      "swap's SSIM against the twins' true answer and the detail its fakes keep, beside each "
                                      "detector's mean P(fake) on that snapshot's fakes, the share it catches and its AUC against "
                                      "the real frames (twins 06 and 07, never seen by the lab's detector). --train-early also "
                                      "trains a quick Meso-4 on the earliest snapshot's fakes: does it catch the later ones?")
    race.add_argument("--run", required=True, help="a swap run folder that kept snapshots (RUN/snapshots/)")
    race.add_argument("--detector", nargs="+", default=["meso4-twins"], metavar="NAME_OR_PATH",
                      help="detectors: names in models/, checkpoint paths or the authors' .h5 files (default: meso4-twins, "
                           "the lab's; `deepfake-edu prepare` installs it)")
    race.add_argument("--train-early", type=EARLY_STEPS, metavar="STEPS",
                      help=ranged("also train a Meso-4 for STEPS steps on the earliest snapshot's fakes (kept in RUN/arms-race/)", EARLY_STEPS))
    race.add_argument("--faces", type=PROBE_FACES, default=24, help=ranged("probe frames per person", PROBE_FACES, 24))
    race.add_argument("--plot", metavar="OUT.png", type=output_name, help="also draw SSIM and P(fake) against the training step")
    race.add_argument("--json", metavar="OUT.json", type=output_name, help="also write the table as JSON")
    race.add_argument("--device", default="cpu", help="cpu (default), auto, cuda or mps")
    race.set_defaults(handler=_arms_race)


def _import_keras(args: argparse.Namespace) -> int:
    from deepfake_edu.detect.keras_import import import_keras_file

    json_path = import_keras_file(args.file, args.out)
    info = json.loads(json_path.read_text())
    print(f"imported {info['origin']} as {info['model']} -> {json_path}")
    print(f"label: {info['label']}; licence: {info['license']}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.predict import detect_path, plot_verdict
    from deepfake_edu.errors import LabError

    if args.plot:  # checked before any work: a plot never replaces a picture it scores
        from pathlib import Path

        from deepfake_edu.fileio import check_output_file, refuse_overwriting

        check_output_file(args.plot, PLOT_SUFFIXES)
        scored = Path(args.path)
        refuse_overwriting(args.plot, scored, *(sorted(scored.iterdir()) if scored.is_dir() else ()))
    model = load_detector(args.model)
    verdict = detect_path(args.path, model, frames=args.frames, crop=args.crop)
    if verdict.faces_found == 0:  # a folder or a video with no face anywhere (an image says so itself)
        items, use = (("images", "photos with a clear, frontal face, or square face crops") if verdict.kind == "folder"
                      else ("sampled frames", "a video with a clear, frontal face"))
        raise LabError(f"no face found in {args.path}: none of its {len(verdict.scores)} {items} shows a face MesoNet can judge; use {use}")
    if args.json:
        print(json.dumps(verdict.to_dict(), indent=2))
    else:
        print(format_table(verdict))
    if args.plot:
        print(f"plot: {plot_verdict(verdict, args.plot)}")
    return 0


def _default_data(given: str | None) -> str:
    from deepfake_edu.detect.twins_set import CLIPS_NAME

    if given == CLIPS_NAME:
        return str(_twins_clips())
    if given:
        return given
    from deepfake_edu.errors import LabError
    from deepfake_edu.paths import LAB_REALFAKE, datasets_dir

    path = datasets_dir() / LAB_REALFAKE
    if not (path / "dataset.json").exists():
        raise LabError("no --data given and the lab's real/fake twins are not made yet: run `deepfake-edu prepare` first")
    return str(path)


def _twins_clips():
    """The lab's talking clips of twins 06 and 07, real and swapped by the lab's swap model: made
    on first use into datasets/twins-clips (about half a minute), then reused."""
    from deepfake_edu.detect import twins_set
    from deepfake_edu.errors import LabError
    from deepfake_edu.paths import LAB_SWAP_RUN, datasets_dir, runs_dir

    path = datasets_dir() / twins_set.CLIPS_NAME
    if not (path / "dataset.json").exists():
        run = runs_dir() / LAB_SWAP_RUN
        if not run.is_dir():
            raise LabError("the twins' clips are made with the lab's swap model, which is not installed yet: run `deepfake-edu prepare` first")
        print(f"making {path} once: talking clips of twins 06 and 07, real and swapped (the lab's detector never saw them)",
              file=sys.stderr)  # stdout may be --json
        twins_set.build_twins_clips(path, run, clips=twins_set.CLIPS_PER_IDENTITY, frames=twins_set.CLIP_FRAMES_EACH, progress=True)
    return path


def _train(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deepfake_edu.detect.train import DetectRecipe, train_on_folder
    from deepfake_edu.paths import runs_dir
    from deepfake_edu.training import TrainConfig

    data = _default_data(args.data)
    run = Path(args.run) if args.run else runs_dir() / f"{args.model}-{Path(data).name}"
    config = TrainConfig(steps=args.steps, batch_size=args.batch_size, seed=args.seed, device=args.device,
                         time_limit_s=args.minutes * 60 if args.minutes else None)
    result, how, exported = train_on_folder(data, run, config, DetectRecipe(model=args.model), args.held_out, args.out,
                                            resume=not args.no_resume)
    metrics = result.metrics
    print(f"validation on {how}: accuracy {metrics['accuracy']:.3f}, balanced accuracy "
          f"{metrics['balanced_accuracy']:.3f}, ROC AUC {metrics['auc']:.3f}, confusion [[TN, FP], [FN, TP]] {metrics['confusion']}")
    print(f"plots: {run / 'roc.png'}, {run / 'training.png'}")
    print(f"detector: {exported} (use it with: deepfake-edu detect run PATH --model {exported})")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deepfake_edu.data.realfake import load_real_fake
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.protocol import evaluate, format_report, orientation, plot_reliability
    from deepfake_edu.detect.train import plot_roc, score
    from deepfake_edu.errors import LabError
    from deepfake_edu.fileio import check_output_file, refuse_overwriting

    plots = [p for p in (args.roc, args.reliability) if p]
    for plot in plots:  # checked before any work
        check_output_file(plot, PLOT_SUFFIXES)
    if args.roc and args.reliability and Path(args.roc).resolve() == Path(args.reliability).resolve():
        raise LabError("--roc and --reliability name the same file: give each plot its own name")
    where = _default_data(args.data)
    data = load_real_fake(where)
    scored = [Path(r["file"]) if "label_folder" in r else Path(where) / r["file"] for r in data.records]
    for plot in plots:  # a plot never replaces a face it measures
        refuse_overwriting(plot, *scored, *(file for file, _ in data.skipped))
    model, info = load_detector(args.model, with_info=True)
    flip, scores_line = orientation(info)
    p_fake = score(model, data.images)
    if flip:
        p_fake = 1.0 - p_fake
    videos, grouping = data.video_ids()
    report = evaluate(data.labels, p_fake, videos, bins=args.bins, video_note=grouping)
    report = {"data": str(where), "layout": data.layout, "model": str(args.model), "scores": scores_line,
              "skipped": [{"file": file, "why": why} for file, why in data.skipped], **report}
    drawn = {}
    if args.roc:
        drawn["roc"] = str(plot_roc(data.labels, p_fake, args.roc))
    if args.reliability:
        drawn["reliability"] = str(plot_reliability(data.labels, p_fake, args.reliability, bins=args.bins))
    report["plots"] = drawn
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"data: {where} ({data.layout})")
    print(f"model: {args.model}")
    print(report["scores"])
    if data.skipped:
        shown = ", ".join(Path(file).name for file, _ in data.skipped[:3]) + (", ..." if len(data.skipped) > 3 else "")
        print(f"skipped {len(data.skipped)} unreadable image file{'s' * (len(data.skipped) != 1)}: {shown}")
    print()
    print(format_report(report))
    for kind, path in drawn.items():
        print(f"{'ROC' if kind == 'roc' else 'reliability'}: {path}")
    return 0


def _arms_race(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deepfake_edu.detect.armsrace import arms_race, keep_arms_race, plot_arms_race, race_points, save_arms_race
    from deepfake_edu.errors import LabError
    from deepfake_edu.fileio import check_output_file, refuse_overwriting

    outputs = [(path, suffixes) for path, suffixes in ((args.plot, PLOT_SUFFIXES), (args.json, (".json",))) if path]
    for path, suffixes in outputs:  # checked before any work
        check_output_file(path, suffixes)
    if args.plot and args.json and Path(args.plot).resolve() == Path(args.json).resolve():
        raise LabError("--plot and --json name the same file: give each its own name")
    points = race_points(args.run)
    inputs = [file for _, json_path in points for file in (json_path, json_path.with_suffix(".safetensors"))]
    inputs += [file for name in args.detector for file in (Path(name), Path(name + ".json"), Path(name).with_suffix(".safetensors"))]
    for path, _ in outputs:  # an output never replaces a checkpoint it reads
        refuse_overwriting(path, *inputs)
    race = arms_race(args.run, args.detector, train_early=args.train_early or 0, per_identity=args.faces, device=args.device, progress=True)
    print(race.format_table())
    if args.plot:
        plot_arms_race(race, args.plot)
        print(f"plot: {args.plot}")
    if args.json:
        print(f"json: {save_arms_race(race, args.json)}")
    print(f"kept for the demo's arms-race view: {keep_arms_race(race, Path(args.run).resolve().name)}")
    return 0


def format_table(verdict) -> str:
    """A plain-text table of the scores and the verdict line."""
    lines = [f"{'item':<32} {'P(fake)':>8}"]
    for score in verdict.scores:
        name = score.source if score.time_s is None else f"{score.source} ({score.time_s:.1f} s)"
        value = "no face" if score.p_fake is None else f"{score.p_fake:8.3f}"
        lines.append(f"{name[:32]:<32} {value:>8}")
    if verdict.faces_found:
        lines.append(f"{verdict.label}: {verdict.share_fake:.0%} of {verdict.faces_found} faces scored above 0.5 "
                     f"(mean P(fake) {verdict.mean_p_fake:.3f})")
    else:
        lines.append("no face found: nothing to judge")
    return "\n".join(lines)
