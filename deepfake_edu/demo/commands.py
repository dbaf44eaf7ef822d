"""`deepfake-edu demo`: prepare what is missing, then serve the classroom demo on this computer
(`--classroom`: to the devices of a class on the local network, behind a join code). Each browser
reads the page in its own language (French or English); `--lang fr` (or `DEEPFAKE_EDU_LANG=fr`)
makes it French on every browser, and the lessons' texts in the demo with it."""

from __future__ import annotations

import argparse
import importlib
import sys
import threading
import time

from deepfake_edu.cli_types import integer, minutes, ranged

SHARE_WARNING = (
    "warning: --share opens a PUBLIC link through Gradio's relay servers. Anyone with the link can use "
    "this demo, and students' uploaded faces then travel over the internet. Use it only with consent, "
    "and never with pictures of minors."
)


PORT = integer(1, 65535)
BUDGET = minutes(0.2)  # prepare_lab needs more than 0.2 minutes


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="serve the classroom demo (Gradio) on this computer",
        description="Prepare the lab's models if needed (first launch: at most --minutes), then serve the demo. "
        "It listens on 127.0.0.1 only unless --classroom or --host says otherwise. --classroom serves the class's "
        "phones, tablets and Chromebooks on this network: they join at the address and QR code of the teacher page "
        "(http://127.0.0.1:PORT/teacher, on this computer only) with the join code it shows.",
    )
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1: this computer only; with --classroom 0.0.0.0: every network of this computer)")
    parser.add_argument("--classroom", action="store_true", help="serve the class on the local network: a join code, caps per device, pooled spot-the-fake answers, a teacher page")
    parser.add_argument("--join-code", metavar="CODE", default=None, help="with --classroom: the join code (default: a new random one of 6 characters at each start)")
    parser.add_argument("--port", type=PORT, default=7860, help=ranged("port", PORT, 7860))
    parser.add_argument("--share", action="store_true", help="also open a public Gradio share link (off by default; see the warning it prints)")
    parser.add_argument("--no-prepare", action="store_true", help="do not train anything; fail with a message if the lab is not prepared")
    parser.add_argument("--lang", choices=("en", "fr", "browser"), default=None,
                        help="the page's language on every browser: en or fr (say, for a projector whose browser is in English), "
                        "or browser: each browser its own (French for a browser set to French, English for any other). "
                        "Default: DEEPFAKE_EDU_LANG where set, else browser")
    parser.add_argument("--minutes", type=BUDGET, default=5.0, help=ranged("time budget of the first launch's preparation, minutes", BUDGET, 5))
    parser.set_defaults(handler=run_demo)


def prepare_demo(minutes: float = 5.0, progress: bool = True):
    """The lab's assets (``prepare_lab``) plus the funnel models, within ``minutes`` in all."""
    from deepfake_edu.lab import prepare_lab
    from deepfake_edu.lessons.funnel import WIDTHS, funnel_models, trained_widths

    start = time.monotonic()
    funnel_share = min(1.0, 0.2 * minutes)  # the funnel models' part of the budget, minutes
    assets = prepare_lab(minutes=minutes - funnel_share, progress=progress, more_steps=1)
    left = minutes - (time.monotonic() - start) / 60
    missing = [w for w in WIDTHS if w not in trained_widths(assets.home)]
    if progress and missing:
        from deepfake_edu import zoo

        verb = "installing the lab's trained" if all(zoo.available(f"funnel-{w}") for w in missing) else "training the"
        print(f"5/5 {verb} funnel models of the tab 'inside the autoencoder' (bottleneck widths {', '.join(map(str, WIDTHS))})")
    funnel_models(twins=assets.twins, home=assets.home, minutes=max(left, funnel_share), progress=progress)
    return assets


def run_demo(args: argparse.Namespace) -> int:
    from deepfake_edu.demo.texts import forced_language
    from deepfake_edu.errors import LabError
    from deepfake_edu.lessons import i18n

    lang = forced_language(getattr(args, "lang", None))  # a bad DEEPFAKE_EDU_LANG fails here, before anything starts
    if lang is not None:
        i18n.set_language(lang)  # the spot-the-fake advice and tally (lessons.spot_the_fake) speak it too
    classroom = None
    if args.join_code is not None and not args.classroom:
        raise LabError("--join-code goes with --classroom: add --classroom, or leave --join-code out")
    if args.classroom:
        from deepfake_edu.demo.classroom import Classroom

        if args.share:
            raise LabError("--classroom serves this network only: leave --share out")
        room = {"host": args.host or "0.0.0.0", "port": args.port}
        classroom = Classroom(**room, **({"code": args.join_code} if args.join_code is not None else {}))
    host = args.host or "127.0.0.1"
    if args.share:
        print(SHARE_WARNING, file=sys.stderr)
    # Gradio and torch take seconds each to import: import Gradio in a thread meanwhile.
    importer = threading.Thread(target=importlib.import_module, args=("deepfake_edu.demo.app",), daemon=True)
    importer.start()
    if args.no_prepare:
        from deepfake_edu.lab import load_lab

        assets = load_lab()
    else:
        assets = prepare_demo(args.minutes)
    importer.join()
    from deepfake_edu.demo.app import launch_app

    if classroom is None and host not in ("127.0.0.1", "localhost", "::1"):
        print(f"notice: listening on {host}: other computers on this network can open the demo", file=sys.stderr)
    # Gradio's own start-up lines advise `share=True in launch()`, which is not how this command
    # is used: it stays quiet and the lab says where the demo is and how to stop it.
    app, url = launch_app(assets, host=host, port=args.port, share=args.share, block=False, quiet=True, classroom=classroom, lang=lang)
    if classroom is not None:
        print(classroom_banner(classroom))
    else:
        print(f"The demo is open at {url} (stop it with Ctrl+C).")
    if args.share and getattr(app, "share_url", None):
        print(f"Public link (anyone who has it can use the demo): {app.share_url}")
    elif not args.share and classroom is None:
        print("Only this computer can reach it; `deepfake-edu demo --help` says how to show it to a classroom.")
    try:
        app.block_thread()
    finally:
        app.close()
    return 0


def classroom_banner(classroom) -> str:
    """What the terminal says when a class is served: where students join, the code, the teacher page."""
    from deepfake_edu.demo.classroom import spoken

    addresses = classroom.join_addresses()
    join = ", ".join(addresses) if addresses else "no network address found: connect this computer to the classroom's network"
    return (f"Classroom mode. Students join at {join} with the join code {spoken(classroom.code)} (any name).\n"
            f"Teacher page (QR code, pooled answers, export, reset; this computer only): {classroom.teacher_url()}\n"
            "Stop it with Ctrl+C.")
