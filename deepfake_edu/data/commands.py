"""`deepfake-edu twins`: make the synthetic twins dataset, a clip of one twin, or a contact sheet.

    deepfake-edu twins --identities 8 --per-identity 500 --size 128 --out datasets/twins [--seed 0]
    deepfake-edu twins video --identity 0 --frames 50 --out clip.mp4 [--size 128] [--seed 0]
    deepfake-edu twins sheet --identities 8 --out twins.png        (one row of faces per twin)

Numbers are bounded by their argparse types (deepfake_edu.cli_types) and the rest is checked by the
library, so a bad argument gives the usual one-line `error: ...` (exit 2).
"""

from __future__ import annotations

from deepfake_edu.cli_types import (
    count,
    integer,
    max_workers,
    number,
    output_name,
    ranged,
    seed,
)

TWIN_SIZES = (64, 128, 256)  # the renderer's sizes, deepfake_edu.data.twins_render.SIZES (not imported: --help stays instant)
MAX_IDENTITIES = 1000  # as generate_twins_dataset
IDENTITIES = count(1, MAX_IDENTITIES)
PER_IDENTITY = count(1, 20_000)  # and at most 200,000 faces in all: generate_twins_dataset says so
WORKERS = count(1, max_workers())
SEED = seed()
FRAMES = count(1, 3000)  # two minutes at 25 fps; 3000 frames of 256 px are 590 MB in memory
FPS = number(1, 120)
SHEET_ROWS = count(1, 100)
SHEET_COLUMNS = count(1, 32)


def register(subparsers) -> None:
    twins = subparsers.add_parser(
        "twins",
        help="make the synthetic twins: faces of invented people (no real face needed)",
        description="Render a dataset of invented people (the synthetic twins) with known pose, expression and light.",
    )
    twins.add_argument("--identities", type=IDENTITIES, default=8, help=ranged("how many invented people", IDENTITIES, 8))
    twins.add_argument("--per-identity", type=PER_IDENTITY, default=500, help=ranged("images of each person; 200000 in all at most", PER_IDENTITY, 500))
    twins.add_argument("--size", type=int, choices=TWIN_SIZES, default=128, help="crop size in pixels: 64, 128 or 256 (default 128)")
    twins.add_argument("--out", type=output_name, default=None, help="dataset folder to write (default datasets/twins)")
    twins.add_argument("--seed", type=SEED, default=0, help=ranged("which set of people and images", SEED, 0))
    twins.add_argument("--workers", type=WORKERS, default=None, help=ranged("processes rendering in parallel; the result is the same", WORKERS, "up to 2"))
    twins.set_defaults(handler=_make_dataset)
    actions = twins.add_subparsers(dest="twins_action", metavar="ACTION")

    video = actions.add_parser("video", help="a short clip of one twin talking and blinking", description="Render a clip of one twin talking, blinking and moving its head.")
    identity = integer(0, MAX_IDENTITIES - 1)
    video.add_argument("--identity", type=identity, default=0, help=ranged("which twin, by index", identity, 0))
    video.add_argument("--frames", type=FRAMES, default=50, help=ranged("number of frames", FRAMES, 50))
    video.add_argument("--fps", type=FPS, default=25.0, help=ranged("frames per second", FPS, 25))
    video.add_argument("--size", type=int, choices=TWIN_SIZES, default=128, help="frame size in pixels: 64, 128 or 256 (default 128)")
    video.add_argument("--seed", type=SEED, default=0, help=ranged("set of people the twin comes from", SEED, 0))
    video.add_argument("--motion-seed", type=SEED, default=0, help=ranged("which movement", SEED, 0))
    video.add_argument("--out", type=output_name, default=None, help="video file, .mp4 or .avi (default outputs/twin.mp4 in the lab home)")
    video.set_defaults(handler=_make_video)

    sheet = actions.add_parser("sheet", help="a contact sheet: a row of faces per twin, to look at them", description="Save a PNG with a row of random images per twin.")
    sheet.add_argument("--identities", type=SHEET_ROWS, default=8, help=ranged("how many twins", SHEET_ROWS, 8))
    sheet.add_argument("--per-identity", type=SHEET_COLUMNS, default=6, help=ranged("faces per row", SHEET_COLUMNS, 6))
    sheet.add_argument("--size", type=int, choices=TWIN_SIZES, default=128, help="face size in pixels: 64, 128 or 256 (default 128)")
    sheet.add_argument("--seed", type=SEED, default=0, help=ranged("set of people", SEED, 0))
    sheet.add_argument("--out", type=output_name, default=None, help="PNG file (default outputs/twins.png in the lab home)")
    sheet.set_defaults(handler=_make_sheet)


def _make_dataset(args) -> int:
    import os
    from pathlib import Path

    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.paths import datasets_dir

    out = Path(args.out) if args.out else datasets_dir() / "twins"
    workers = args.workers if args.workers is not None else max(1, min(2, os.cpu_count() or 1))
    dataset = generate_twins_dataset(out, args.identities, args.per_identity, args.size, args.seed, workers=workers, progress=True)
    print(f"wrote {dataset.info['count']} faces of {len(dataset.identities())} twins ({args.size} px) to {dataset.root}")
    return 0


def _make_video(args) -> int:
    from deepfake_edu.data.twins import make_identity, render_video, write_video
    from deepfake_edu.errors import LabError
    from deepfake_edu.paths import default_output

    args.out = args.out or str(default_output("twin.mp4"))
    if not str(args.out).lower().endswith((".mp4", ".avi")):
        raise LabError(f"cannot write video {args.out}: use a .mp4 or .avi file name")
    identity = make_identity(args.identity, args.seed)
    frames, _ = render_video(identity, args.frames, args.size, seed=args.motion_seed, fps=args.fps)
    path = write_video(args.out, frames, fps=args.fps)
    print(f"wrote {len(frames)} frames of {identity.name} to {path}")
    return 0


def _make_sheet(args) -> int:
    from deepfake_edu.data.images import write_image
    from deepfake_edu.data.twins import check_size, contact_sheet, make_identities
    from deepfake_edu.errors import LabError

    if args.per_identity < 1:
        raise LabError(f"--per-identity must be 1 or more, not {args.per_identity}")
    check_size(args.size)
    from deepfake_edu.paths import default_output

    args.out = args.out or str(default_output("twins.png"))
    people = make_identities(args.identities, args.seed)
    write_image(args.out, contact_sheet(people, args.per_identity, args.size, args.seed))
    for person in people:
        print(person.describe())
    print(f"wrote {args.out}")
    return 0
