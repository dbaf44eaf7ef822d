"""`deepfake-edu detect ...`: import the authors' MesoNet weights, and run a detector on files."""

from __future__ import annotations

import argparse
import json


def register(subparsers) -> None:
    detect = subparsers.add_parser("detect", help="MesoNet: import the authors' weights, score images and videos",
                                   description="MesoNet deepfake detection (Meso-4, MesoInception-4).")
    sub = detect.add_subparsers(dest="detect_command", metavar="ACTION", required=True)

    importer = sub.add_parser("import-keras", help="convert the authors' Keras .h5 weights into a lab checkpoint",
                              description="Convert one of the authors' weight files (github.com/DariusAf/MesoNet, "
                                          "folder weights/, e.g. Meso4_DF.h5) into models/<name>.json + .safetensors.")
    importer.add_argument("file", metavar="FILE.h5", help="the authors' weights, e.g. models/keras/Meso4_DF.h5")
    importer.add_argument("--out", metavar="STEM", help="checkpoint to write (default: models/meso4-df for Meso4_DF.h5)")
    importer.set_defaults(handler=_import_keras)

    run = sub.add_parser("run", help="score an image, a folder of face crops, or a video",
                         description="Score face crops with MesoNet: P(fake) per image or per sampled video frame.")
    run.add_argument("path", metavar="PATH", help="an image, a folder of images, or a video")
    run.add_argument("--model", default="meso4-df", metavar="NAME_OR_PATH",
                     help="a checkpoint in models/ (default meso4-df), a checkpoint path, or an authors' .h5 file")
    run.add_argument("--frames", type=int, default=30, help="frames to sample from a video (default 30, as the authors)")
    run.add_argument("--json", action="store_true", help="print the verdict as JSON instead of a table")
    run.add_argument("--plot", metavar="OUT.png", help="also draw the scores (over time for a video)")
    run.set_defaults(handler=_run)


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

    model = load_detector(args.model)
    verdict = detect_path(args.path, model, frames=args.frames)
    if args.json:
        print(json.dumps(verdict.to_dict(), indent=2))
    else:
        print(format_table(verdict))
    if args.plot:
        print(f"plot: {plot_verdict(verdict, args.plot)}")
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
