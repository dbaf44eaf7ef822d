"""`deepfake-edu provenance check|mark`: thin wrappers over provenance.check."""

from __future__ import annotations

import argparse
import json

from deepfake_edu.cli_types import output_name


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "provenance",
        help="check a file for the lab's label, invisible mark and C2PA; label and mark a file",
        description="Provenance: every fake the lab makes is labelled, invisibly marked and (with c2pa-python) carries C2PA.",
    )
    sub = parser.add_subparsers(dest="provenance_command", metavar="ACTION", required=True)

    check = sub.add_parser("check", help="look for the visible label, the invisible mark and C2PA in an image or video")
    check.add_argument("file", help="image (.png, .jpg, ...) or video (.mp4, .avi, ...)")
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    check.set_defaults(handler=run_check)

    mark = sub.add_parser("mark", help="add the visible label and the invisible mark to an image or video")
    mark.add_argument("input", help="image or video to mark")
    mark.add_argument("output", type=output_name, help="where to write the marked copy (.png/.jpg for images, .mp4/.avi for videos)")
    mark.set_defaults(handler=run_mark)


def run_check(args: argparse.Namespace) -> int:
    from deepfake_edu.provenance.check import check_file

    report = check_file(args.file)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
        print()
        print(report.explain())
    return 0


def run_mark(args: argparse.Namespace) -> int:
    from deepfake_edu.provenance.check import mark_file

    written = mark_file(args.input, args.output, info={"tool": "deepfake-edu provenance mark"})
    print(f"wrote {written} (visible label + invisible mark)")
    return 0
