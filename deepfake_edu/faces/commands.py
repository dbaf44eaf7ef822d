"""`deepfake-edu faces extract ...` and `deepfake-edu forget NAME`: arguments and printing only."""

from __future__ import annotations

import argparse

from deepfake_edu.cli_types import count, integer, number, ranged

CAMERA = integer(0, 63)  # OpenCV camera index
CROP = integer(64, 256)  # the sizes the swap and MesoNet crops are made at
EVERY = count(1, 1000)
MAX_FRAMES = count(1, 20_000)  # crops stay in memory until written: 20,000 of 256 px are ~4 GB
DETECT_EVERY = count(1, 1000)
MIN_FACE = count(1, 4096)  # frame pixels; 4K video is 3840 wide
KEEP = count(1, 20_000)  # as MAX_FRAMES: the candidates stay in memory until chosen
MIN_CHANGE = number(0, 255)  # grey levels (0-255) of mean absolute difference at 32 px

BACKEND_CHOICES = ("auto", "dlib", "opencv", "face-alignment")


def register(subparsers) -> None:
    faces = subparsers.add_parser("faces", help="find, align and extract real faces (with consent)", description="Real faces: detection, alignment and extraction into a dataset.")
    faces_sub = faces.add_subparsers(dest="faces_command", metavar="ACTION", required=True)

    extract = faces_sub.add_parser(
        "extract",
        help="extract aligned face crops from a photo, folder, video or webcam into datasets/NAME",
        description="Extract aligned face crops into datasets/NAME. A real person's face needs their consent: "
        'record it with --consent "who agreed, when, to what". `deepfake-edu forget NAME` deletes it all again.',
    )
    extract.add_argument("source", nargs="?", help="an image, a folder of images, or a video file (or use --webcam)")
    extract.add_argument("--name", required=True, help="dataset name: datasets/NAME/ (letters, digits, - _ .)")
    extract.add_argument("--consent", help='who agreed, when, to what, e.g. "Sam, 2025-03-02, class face-swap lab only"')
    extract.add_argument("--webcam", nargs="?", type=CAMERA, const=0, default=None, metavar="INDEX", help=ranged("read from the webcam instead of SOURCE", CAMERA, 0))
    extract.add_argument("--backend", choices=BACKEND_CHOICES, default="auto", help="face finder: auto (default: dlib where installed, else opencv), dlib (68 landmarks, offline), opencv (Haar cascades, offline), face-alignment (68 landmarks, needs its weights)")
    extract.add_argument("--crop", choices=("swap", "mesonet"), default="swap", help="swap: tight crop for the face-swap model; mesonet: looser 256 px crop for the detector")
    extract.add_argument("--size", type=CROP, default=None, help=ranged("crop side in pixels", CROP, "swap 128, mesonet 256"))
    extract.add_argument("--every", type=EVERY, default=1, metavar="K", help=ranged("use every K-th video frame", EVERY, 1))
    extract.add_argument("--max-frames", type=MAX_FRAMES, default=None, metavar="N", help=ranged("stop after N used frames", MAX_FRAMES, "all; webcam 300"))
    extract.add_argument("--all-faces", action="store_true", help="keep every person (one identity per track), not only the main face")
    extract.add_argument("--detect-every", type=DETECT_EVERY, default=2, metavar="N", help=ranged("run the detector every N used frames, track in between", DETECT_EVERY, 2))
    extract.add_argument("--min-face", type=MIN_FACE, default=40, metavar="PX", help=ranged("drop faces narrower than PX frame pixels", MIN_FACE, 40))
    extract.add_argument("--min-change", type=MIN_CHANGE, default=1.5, metavar="GREY",
                         help=ranged("drop a face as a near-duplicate when it changed less than GREY grey levels (mean, 32 px) since the last kept crop; 0 keeps every frame", MIN_CHANGE, 1.5))
    extract.add_argument("--keep", type=KEEP, default=None, metavar="N",
                         help=ranged("instead of the near-duplicate rule, keep the N most varied usable faces of each person "
                                     "(each chosen as the face least like those chosen so far): e.g. --keep 250 for a 30 s webcam clip", KEEP, "off"))
    extract.add_argument("--overwrite", action="store_true", help="replace an existing dataset of that name")
    extract.set_defaults(handler=_extract)

    forget = subparsers.add_parser(
        "forget",
        help="delete a dataset and every model and fake made from it",
        description="Delete datasets/NAME, every checkpoint that learned from it (whole training runs), "
        "and every output recorded as made from it.",
    )
    forget.add_argument("name", help="the dataset name")
    forget.add_argument("--dry-run", action="store_true", help="only list what would be deleted")
    forget.set_defaults(handler=_forget)


def _extract(args: argparse.Namespace) -> int:
    from deepfake_edu.errors import LabError
    from deepfake_edu.faces.extract import ExtractOptions, consent_record, extract_dataset, frames_from_camera

    if args.webcam is None and args.source is None:
        raise LabError("give a SOURCE (photo, folder or video) or --webcam")
    if args.webcam is not None and args.source is not None:
        raise LabError("give either a SOURCE or --webcam, not both")
    options = ExtractOptions(
        backend=args.backend,
        crop=args.crop,
        size=args.size,
        every=args.every,
        max_frames=args.max_frames,
        all_faces=args.all_faces,
        detect_every=args.detect_every,
        min_face=args.min_face,
        duplicate_distance=args.min_change,
        keep=args.keep,
    )
    if args.webcam is not None:
        label = f"webcam:{args.webcam}"
        consent_record(args.consent, label, args.name)  # refuse before the camera switches on
        frames = (frame for _, frame in frames_from_camera(args.webcam, max_frames=(args.max_frames or 300) * args.every))
        source = frames
    else:
        label, source = args.source, args.source
    dataset, extraction = extract_dataset(source, args.name, args.consent, options, overwrite=args.overwrite, progress=True, source_label=label)
    print(extract_summary(dataset, extraction))
    hint = extract_hint(extraction)
    if hint:
        print(hint)
    if extraction.skipped_files:
        print(f"skipped unreadable files: {', '.join(extraction.skipped_files)}")
    return 0


def extract_summary(dataset, extraction) -> str:
    """The line `faces extract` prints: what was written, and every reason faces were dropped."""
    counts = extraction.counts
    variety = extraction.variety()
    return (
        f"wrote {dataset.root}: {len(dataset.records)} crops of {dataset.size} px, identities {', '.join(dataset.identities())} "
        f"({counts['frames_read']} frames read, {counts['faces_seen']} faces seen; dropped: {extraction.dropped_summary()}; "
        f"eyes estimated from the box in {counts['eyes_estimated']}"
        + (f"; kept crops differ from their most similar other by {variety:.1f} grey levels (median)" if variety is not None else "")
        + ")"
    )


def extract_hint(extraction) -> str | None:
    """What to do when most faces were dropped as near-duplicates (None otherwise)."""
    counts = extraction.counts
    kept = len(extraction.records)
    if extraction.options.keep is None and counts.get("dropped_duplicate", 0) > kept:
        return (f"hint: {counts['dropped_duplicate']} faces barely changed since the last kept one; for more crops use "
                f"--keep N (the N most varied, e.g. --keep {max(200, 2 * kept)}) or a lower --min-change (now {extraction.options.duplicate_distance:g})")
    if extraction.options.keep is not None and kept < extraction.options.keep * (counts.get("tracks") or 1):
        return f"note: only {kept} usable faces were found, fewer than --keep {extraction.options.keep}: use a longer clip"
    return None


def _forget(args: argparse.Namespace) -> int:
    from deepfake_edu.data.forget import forget

    plan = forget(args.name, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    for path in plan.paths():
        print(f"{verb} {path}")
    if plan.ledger_entries:
        print(f"{verb} {plan.ledger_entries} line(s) from the outputs ledger")
    return 0
