"""`deepfake-edu prepare` and `deepfake-edu tour`."""

from __future__ import annotations

import argparse

from deepfake_edu.cli_types import minutes, ranged

BUDGET = minutes(0.2)  # prepare_lab needs more than 0.2 minutes


def register(sub: argparse._SubParsersAction) -> None:
    prepare = sub.add_parser("prepare", help="make the lab's data and install its models (about a minute, once)",
                             description="Render the synthetic twins and install the lab's trained face-swap model and "
                                         "Meso-4 detector (see `deepfake-edu zoo list`), or train them here with --train. "
                                         "What exists is reused.")
    prepare.add_argument("--minutes", type=BUDGET, default=5.0, help=ranged("time budget of --train on a 2-core laptop", BUDGET, 5))
    prepare.add_argument("--force", action="store_true", help="make everything again")
    prepare.add_argument("--train", action="store_true", help="train the models on this computer instead of installing the shipped ones")
    prepare.set_defaults(handler=_prepare)

    tour = sub.add_parser("tour", help="the whole lab end to end on synthetic twins",
                          description="Prepare the lab, make a fake video of a twin, check its marks, and ask the "
                                      "detector about the real and the fake clip.")
    tour.add_argument("--minutes", type=BUDGET, default=5.0, help=ranged("time budget for preparing", BUDGET, 5))
    tour.add_argument("--out", help="folder for the clips (default outputs/tour)")
    tour.set_defaults(handler=_tour)


def _prepare(args: argparse.Namespace) -> int:
    import json

    from deepfake_edu.lab import prepare_lab

    assets = prepare_lab(minutes=args.minutes, force=args.force, train=args.train)
    print(json.dumps(assets.report, indent=2))
    return 0


def _tour(args: argparse.Namespace) -> int:
    from deepfake_edu.lab.tour import describe, run_tour

    print(describe(run_tour(minutes=args.minutes, out=args.out)))
    return 0
