"""`deepfake-edu zoo list|verify|train`: the models that ship with the lab, and how to remake them."""

from __future__ import annotations

import argparse

from deepfake_edu.cli_types import count, ranged

STEPS = count(1, 1_000_000)
FACES = count(4, 10_000)


def register(subparsers) -> None:
    from deepfake_edu.zoo.recipes import RECIPES

    parser = subparsers.add_parser("zoo", help="the trained models that ship with the lab: list, verify, remake",
                                   description="Trained models that ship with the lab, each with a card (recipe, steps, "
                                               "wall time, machine, measured quality) and a command that remakes it.")
    sub = parser.add_subparsers(dest="zoo_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="each shipped model, its card's figures and its size")
    listing.set_defaults(handler=_list)
    verify = sub.add_parser("verify", help="check every shipped weight file against its card's SHA-256")
    verify.set_defaults(handler=_verify)
    train = sub.add_parser("train", help="remake a shipped model by its recipe (hours on 2 cores for swap-twins)")
    train.add_argument("name", choices=list(RECIPES), help="which model")
    train.add_argument("--out", help="work folder for its data and run (default outputs/zoo/NAME)")
    train.add_argument("--steps", type=STEPS, help=ranged("fewer steps than the recipe's, for a quick look (not shippable)", STEPS))
    train.add_argument("--faces", type=FACES, help=ranged("render fewer twins per person (not shippable)", FACES))
    train.add_argument("--ship", action="store_true", help="write the result into the package's zoo (source checkout only)")
    train.set_defaults(handler=_train)


def _list(args: argparse.Namespace) -> int:
    from deepfake_edu import zoo

    names = zoo.shipped_names()
    if not names:
        print("no model ships with this copy of the lab: `deepfake-edu prepare` trains its own")
        return 0
    for name in names:
        card = zoo.card(name)
        quality = ", ".join(f"{key} {value}" for key, value in card.get("measured", {}).items()
                            if key.startswith(("swap_ssim", "rebuild_ssim", "auc")) and not any(part in key for part in ("_0to1", "_1to0", "unseen_")))
        print(f"{name:12s} {card.get('steps', '?'):>6} steps  {card.get('wall_time_s', 0) / 60:6.1f} min on {card.get('machine', {}).get('device', '?')}"
              f"  {card.get('bytes', 0) / 1e6:4.1f} MB {card.get('precision', '')}  {quality}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from deepfake_edu import zoo

    for name in zoo.shipped_names():
        zoo.verify(name)
        print(f"{name}: weights match the card")
    return 0


def _train(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deepfake_edu.errors import LabError
    from deepfake_edu.paths import default_output, source_checkout
    from deepfake_edu.zoo.recipes import RECIPES, ship, train_recipe

    if args.ship and not RECIPES[args.name].ships:
        raise LabError(f"{args.name} does not ship with the lab (see ARCHITECTURE.md): leave out --ship, "
                       f"then start a pair from it with `deepfake-edu swap train --prior CHECKPOINT`")
    if args.ship and (args.steps is not None or args.faces is not None):
        raise LabError("--ship takes the recipe as it is: leave out --steps and --faces")
    if args.ship and source_checkout() is None:
        raise LabError("--ship writes into the package's zoo, which needs a source checkout (git clone): run it there")
    work = Path(args.out) if args.out else default_output(f"zoo/{args.name}")
    outcome = train_recipe(args.name, work, steps=args.steps, per_identity=args.faces)
    print(f"{args.name}: {outcome.steps} steps in {outcome.wall_s / 60:.1f} min on {outcome.device}; checkpoint {outcome.checkpoint}")
    for key, value in outcome.measured.items():
        print(f"  {key}: {value}")
    if RECIPES[args.name].kind == "prior":
        print(f"start a new pair from it: deepfake-edu swap train --prior {outcome.checkpoint}")
    if args.ship:
        print(f"shipped: {ship(outcome)}")
    return 0
