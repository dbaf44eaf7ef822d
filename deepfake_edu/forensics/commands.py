"""CLI: `deepfake-edu forensics compression|launder|occlusion|study` and the top-level `deepfake-edu explain IMAGE`."""

from __future__ import annotations

import argparse

from deepfake_edu.cli_types import count, minutes, output_name, ranged, seed

CROP = count(16, 512)  # compression: crops resized to this; 16 px is the smallest the noise detector reads
LIMIT = count(1, 2000)  # per label: 2 x 2000 crops of 512 px are 3 GB before the compressed copies
INPUT = count(32, 512)  # a detector's input; MesoNet pools by 64 in all, so 32 px is its smallest
EXPLAIN_INPUT = count(32, 1024)  # one image: Grad-CAM at 1024 px is a few hundred MB
MINUTES = minutes()
PER_IDENTITY = count(1, 2000)
SEED = seed()
MARKED = count(0, 100)  # each marked fake is re-saved once per condition (17)


def register(subparsers) -> None:
    forensics = subparsers.add_parser(
        "forensics",
        help="forensics studies: noise baseline and MesoNet under compression",
        description="Forensics studies on a real-versus-fake set of face crops.",
    )
    studies = forensics.add_subparsers(dest="study", metavar="STUDY", required=True)

    compression = studies.add_parser(
        "compression",
        help="accuracy of the detectors at JPEG qualities 100..20 and after a video encode",
        description=(
            "Train the noise-residual detector (and evaluate MesoNet if given) on clean or compressed crops, "
            "test at JPEG qualities 100, 90, 75, 50, 30, 20, an OpenCV mp4v video encode and a stream-like "
            "downscale+JPEG path; write results.json, results.csv and accuracy.png."
        ),
    )
    compression.add_argument(
        "--data",
        required=True,
        metavar="PATH",
        help="a folder with real/ and fake/ subfolders of crops, a lab dataset with 'label' real/fake, "
        "or 'toy' for the toy set whose fakes differ only by a fine noise signature",
    )
    compression.add_argument("--out", metavar="DIR", type=output_name, help="output folder (default: runs/forensics-compression)")
    compression.add_argument("--training", choices=("clean", "matched"), default="clean", help="train the noise detector on clean crops, or on crops compressed like the test crops")
    compression.add_argument("--meso", metavar="NAME_OR_PATH", help="also evaluate this MesoNet checkpoint (used as it is, not retrained)")
    compression.add_argument("--size", type=CROP, help=ranged("resize crops to SIZE x SIZE", CROP, "keep; 256 when --meso is given"))
    compression.add_argument("--limit", type=LIMIT, help=ranged("use at most this many crops per label", LIMIT, "all; toy 60"))
    compression.add_argument("--no-video", action="store_true", help="skip the mp4v video round trip")
    compression.add_argument("--seed", type=SEED, default=0, help=ranged("seed of the train/test split", SEED, 0))
    compression.set_defaults(handler=run_compression)

    occlusion = studies.add_parser(
        "occlusion",
        help="hide eyes, mouth, nose, cheeks or background and measure how P(fake) moves",
        description=(
            "Occlusion by facial region over many faces: each region is hidden in turn (blurred, or filled with its "
            "mean colour) and the mean change of the detector's P(fake) is ranked. Writes occlusion.json and occlusion.png."
        ),
    )
    occlusion.add_argument("--data", required=True, metavar="PATH", help="a lab dataset (twins or extracted faces) or a folder of crops with real/ and fake/")
    occlusion.add_argument("--model", default="meso4-df", metavar="NAME_OR_PATH", help="a detector checkpoint, a name in models/, or an authors' .h5 file (default: meso4-df)")
    occlusion.add_argument("--label", choices=("fake", "real", "all"), default="fake", help="which faces to use (default: fake)")
    occlusion.add_argument("--fill", choices=("blur", "mean"), default="blur", help="how a region is hidden (default: blur)")
    occlusion.add_argument("--limit", type=LIMIT, default=200, help=ranged("at most this many faces", LIMIT, 200))
    occlusion.add_argument("--size", type=INPUT, default=256, help=ranged("the model's input size", INPUT, 256))
    occlusion.add_argument("--out", metavar="DIR", type=output_name, help="output folder (default: runs/forensics-occlusion)")
    occlusion.set_defaults(handler=run_occlusion)

    launder = studies.add_parser(
        "launder",
        help="JPEG, shrink, crop, blur and re-encode: what each leaves of the detector's score, the label, the mark and C2PA",
        description=(
            "Launder face crops at several strengths of JPEG, resize, crop, blur and an mp4 re-encode, and measure "
            "the detector's AUC and mean P(fake), and whether marked fakes keep their visible label, invisible mark "
            "and C2PA manifest after a re-save. Writes results.json and laundering.png."
        ),
    )
    launder.add_argument("--data", metavar="PATH", help="real/fake face crops: a folder with real/ and fake/, or a lab dataset "
                         "(default: the lab's twins-realfake, its held-out twins only)")
    launder.add_argument("--model", default="meso4-twins", metavar="NAME_OR_PATH", help="the detector (default: meso4-twins, the lab's)")
    launder.add_argument("--limit", type=LIMIT, default=200, help=ranged("at most this many crops per label", LIMIT, 200))
    launder.add_argument("--marked", type=MARKED, default=8, help=ranged("fakes marked and laundered for the label, mark and C2PA", MARKED, 8))
    launder.add_argument("--out", metavar="DIR", type=output_name, help="output folder (default: runs/forensics-launder)")
    launder.set_defaults(handler=run_launder)

    general = studies.add_parser(
        "generalise",
        help="train a detector on one generator's fakes, test it on another's: the matrix and its gap",
        description=(
            "The same real twins frames faked by each of the lab's shipped face-swap models (swap-twins, funnel-32, "
            "funnel-4: one recipe, three funnel widths), or by the lab's pair blended three ways (--by blend). A "
            "detector is trained on the fakes of each and tested on every other. Writes results.json and one "
            "matrix plot per detector."
        ),
    )
    general.add_argument("--by", choices=("generator", "blend"), default="generator", help="what differs between the kinds of fake (default: generator)")
    general.add_argument("--minutes", type=MINUTES, default=1.5, help=ranged("Meso-4 training budget per model", MINUTES, 1.5))
    general.add_argument("--per-identity", type=PER_IDENTITY, default=30, help=ranged("frames per twin (8 twins)", PER_IDENTITY, 30))
    general.add_argument("--out", type=output_name, default=None, metavar="DIR", help="output folder (default: runs/forensics-generalise)")
    general.set_defaults(handler=run_generalise)

    study = studies.add_parser(
        "study",
        help="the seed's three claims measured on the lab's twins: compression, occlusion, generalisation",
        description="Noise-residual detector vs Meso-4 across JPEG qualities and codecs (trained on twins 00-05, "
                    "tested on 06-07), occlusion of face regions, and a train-on-one-blend test-on-another matrix.",
    )
    study.add_argument("--minutes", type=MINUTES, default=1.5, help=ranged("Meso-4 training budget per model", MINUTES, 1.5))
    study.add_argument("--per-identity", type=PER_IDENTITY, default=30, help=ranged("frames per twin for the generalisation study", PER_IDENTITY, 30))
    study.add_argument("--out", type=output_name, default=None, help="folder for results.json and the plots (default outputs/forensics-study in the lab home)")
    study.set_defaults(handler=run_study_command)

    explain = subparsers.add_parser(
        "explain",
        help="show where a detector looks on a face crop (Grad-CAM heatmap)",
        description="Grad-CAM heatmap of a detector on a square face crop (resized to the model's input size).",
    )
    explain.add_argument("image", metavar="IMAGE", help="a square face crop, or a photo (the largest face is found and cropped)")
    explain.add_argument("--model", default="meso4-df", metavar="NAME_OR_PATH", help="a detector checkpoint, a name in models/, or an authors' .h5 file (default: meso4-df)")
    explain.add_argument("--layer", metavar="NAME", help="the layer to explain (default: the last convolution); a wrong name lists them")
    explain.add_argument("--size", type=EXPLAIN_INPUT, default=256, help=ranged("the model's input size", EXPLAIN_INPUT, 256))
    explain.add_argument("--out", type=output_name, default=None, metavar="FILE", help="where to write the overlay (default outputs/heatmap.png in the lab home)")
    explain.set_defaults(handler=run_explain)


def run_study_command(args: argparse.Namespace) -> int:
    from deepfake_edu.forensics.study import run_study
    from deepfake_edu.paths import default_output

    args.out = args.out or str(default_output("forensics-study"))
    results = run_study(args.out, minutes=args.minutes, per_identity=args.per_identity)
    print(f"{'detector':<26}{'condition':<14}{'accuracy':>9}{'balanced':>10}{'AUC':>7}")
    for row in results["compression"]:
        print(f"{row['detector']:<26}{row['condition']:<14}{row['accuracy']:>9.3f}{row['balanced_accuracy']:>10.3f}{row['auc']:>7.3f}")
    print("occlusion of held-out fakes (mean |change of P(fake)|), largest first:")
    for row in results["occlusion_lab_detector"]:
        print(f"  {row['region']:<12}{row['mean_abs_delta']:.4f}")
    print(f"results: {args.out}/results.json")
    return 0


def run_compression(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deepfake_edu.errors import LabError
    from deepfake_edu.forensics import compression, toy
    from deepfake_edu.forensics.noise import NoiseResidualDetector
    from deepfake_edu.paths import runs_dir

    if args.size is not None and args.size < 16:
        raise LabError("--size must be at least 16 pixels")
    size = args.size or (256 if args.meso else None)
    if args.data == "toy":
        count = args.limit or 60
        images, labels = toy.make_real_fake(count, "checker", size or 64, seed=args.seed)
        print(f"toy set: {count} photos and {count} fakes whose only difference is a fine checkerboard trace")
    else:
        images, labels = compression.load_real_fake(args.data, size=size, limit=args.limit)
    detectors = {"noise-residual": NoiseResidualDetector()}
    if args.meso:
        from deepfake_edu.detect.keras_import import load_detector

        model, info = load_detector(args.meso, with_info=True)
        detectors[f"mesonet:{info['model']}"] = compression.TorchDetector(model, input_size=size)
    conditions = compression.standard_conditions(video=not args.no_video)
    rows = compression.compression_study(images, labels, detectors, conditions, training=args.training, seed=args.seed, progress=True)
    print(compression.format_table(rows))
    out = Path(args.out) if args.out else runs_dir() / "forensics-compression"
    paths = compression.write_study(rows, out)
    print(f"wrote {paths['json']}, {paths['csv'].name} and {paths['plot'].name}")
    return 0


def run_launder(args: argparse.Namespace) -> int:
    from pathlib import Path

    import numpy as np

    from deepfake_edu.data.realfake import load_real_fake
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.predict import predict_proba
    from deepfake_edu.errors import LabError
    from deepfake_edu.forensics import laundering
    from deepfake_edu.paths import LAB_HELD_OUT, LAB_REALFAKE, datasets_dir, runs_dir

    data, held_out = args.data, None
    if data is None:
        data = datasets_dir() / LAB_REALFAKE
        if not (data / "dataset.json").exists():
            raise LabError("no --data given and the lab's real/fake twins are not made yet: run `deepfake-edu prepare` first")
        held_out = list(LAB_HELD_OUT)  # the twins the lab's detector never learned from
    faces = load_real_fake(data, size=laundering.DETECTOR_SIDE)
    if held_out:
        faces = faces.split_by_identity(held_out)[1]
    keep = np.concatenate([np.flatnonzero(faces.labels == label)[: args.limit] for label in (0, 1)])
    faces = faces.subset(np.isin(np.arange(len(faces.labels)), keep))
    model = load_detector(args.model)
    marked = [faces.images[i] for i in np.flatnonzero(faces.labels == 1)[: args.marked]]
    where = f"{data} (held-out twins {', '.join(held_out)})" if held_out else str(data)
    print(f"laundering {int((faces.labels == 0).sum())} real and {int((faces.labels == 1).sum())} fake crops of {where}, "
          f"{len(marked)} marked fakes, detector {args.model}")
    study = laundering.laundering_study(faces.images, faces.labels, lambda images: predict_proba(model, images), marked, progress=True)
    study.update({"data": str(data), "held_out": held_out, "detector": str(args.model)})
    print(laundering.format_table(study))
    paths = laundering.write_study(study, Path(args.out) if args.out else runs_dir() / "forensics-launder")
    print(f"wrote {paths['json']} and {paths['plot'].name}")
    return 0


def run_generalise(args: argparse.Namespace) -> int:
    import json
    import tempfile
    from pathlib import Path

    from deepfake_edu.detect.twins_set import fake_variants
    from deepfake_edu.fileio import write_text_atomic
    from deepfake_edu.forensics import generalise
    from deepfake_edu.forensics.noise import NoiseResidualDetector
    from deepfake_edu.forensics.study import _meso_train_fn
    from deepfake_edu.paths import runs_dir

    out = Path(args.out) if args.out else runs_dir() / "forensics-generalise"
    with tempfile.TemporaryDirectory(prefix="deepfake-edu-generators-") as folder:
        if args.by == "generator":
            runs = generalise.install_shipped_generators(folder)
            print(f"faking {8 * args.per_identity} twins frames with {', '.join(runs)}")
            real, fakes = generalise.generator_fakes(runs, per_identity=args.per_identity)
        else:
            runs = generalise.install_shipped_generators(folder, ("swap-twins",))
            print(f"faking {8 * args.per_identity} twins frames with swap-twins, blended three ways")
            real, fakes, _ = fake_variants(runs["swap-twins"], per_identity=args.per_identity)
    results = {"by": args.by, "kinds": list(fakes), "frames": len(real), "minutes_per_meso4": args.minutes}
    out.mkdir(parents=True, exist_ok=True)
    for name, train_fn in (("noise residuals", lambda x, y: NoiseResidualDetector().fit(x, y)), ("Meso-4", _meso_train_fn(args.minutes))):
        found = generalise.generalisation_study(real, fakes, train_fn)
        results[name] = found.to_dict()
        generalise.plot_matrix(found, out / f"{args.by}-{name.split()[0].lower()}.png", metric="auc")
        print(f"{name}\n{found.format('auc')}\n{found.format('balanced_accuracy')}")
    write_text_atomic(out / "results.json", json.dumps(results, indent=2, default=float))
    print(f"wrote {out / 'results.json'} and the matrix plots")
    return 0


def run_occlusion(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.fileio import write_text_atomic
    from deepfake_edu.forensics import occlusion
    from deepfake_edu.paths import runs_dir

    model, info = load_detector(args.model, with_info=True, kinds=None)  # any registered image model
    images, landmarks, skipped = occlusion.load_faces_with_landmarks(
        args.data, size=args.size, limit=args.limit, label=None if args.label == "all" else args.label
    )
    if skipped:
        print(f"notice: {skipped} crops had no landmarks and no face could be found in them; they were left out")
    rows = occlusion.occlusion_study(model, images, landmarks, fill=args.fill)
    print(occlusion.format_occlusion(rows))
    out = Path(args.out) if args.out else runs_dir() / "forensics-occlusion"
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "occlusion.json", json.dumps({"model": info["model"], "data": str(args.data), "fill": args.fill, "rows": rows}, indent=1))
    occlusion.plot_occlusion(rows, out / "occlusion.png", title=f"{info['model']}, {args.label} faces, {args.fill} fill")
    print(f"wrote {out / 'occlusion.json'} and occlusion.png")
    return 0


def run_explain(args: argparse.Namespace) -> int:
    from deepfake_edu.data.images import read_image, write_image
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.forensics.explain import explain_image

    from deepfake_edu.fileio import refuse_overwriting
    from deepfake_edu.paths import default_output

    image = read_image(args.image)
    model, info = load_detector(args.model, with_info=True, kinds=None)  # any registered image model
    result = explain_image(model, image, layer=args.layer, input_size=args.size)
    args.out = args.out or str(default_output("heatmap.png"))
    write_image(refuse_overwriting(args.out, args.image), result["overlay"])
    print(f"{info['model']}: P(fake) = {result['probability']:.3f}; Grad-CAM of layer {result['layer']!r} written to {args.out}")
    return 0
