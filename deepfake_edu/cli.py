"""The `deepfake-edu` command line: one entry point, thin.

Each capability declares its subcommands in its own ``commands.py`` (``register(subparsers)``:
arguments and printing only, logic stays in the library) and its benchmark in ``bench.py``
(``add_arguments(parser)`` and ``run(args)``). Heavy imports happen inside the handlers, so
``deepfake-edu --help`` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from deepfake_edu import __version__
from deepfake_edu.errors import LabError

COMMAND_MODULES = (
    "deepfake_edu.lab.commands",
    "deepfake_edu.data.commands",
    "deepfake_edu.faces.commands",
    "deepfake_edu.swap.commands",
    "deepfake_edu.detect.commands",
    "deepfake_edu.forensics.commands",
    "deepfake_edu.provenance.commands",
    "deepfake_edu.demo.commands",
    "deepfake_edu.zoo.commands",
    "deepfake_edu.lessons.commands",
)

BENCHMARKS = {
    "twins": ("deepfake_edu.data.bench", "synthetic twins: faces rendered per second"),
    "swap": ("deepfake_edu.swap.bench", "face-swap model: classroom SSIM curve, loop vs bare step"),
    "detect": ("deepfake_edu.detect.bench", "MesoNet: inference vs the authors' Keras model, training"),
    "faces": ("deepfake_edu.faces.bench", "face detection, tracking and alignment on video"),
    "provenance": ("deepfake_edu.provenance.bench", "invisible mark: PSNR, visibility, survival after JPEG 50 and half size"),
}


class LabArgumentParser(argparse.ArgumentParser):
    """argparse with the lab's error style: ONE line on stderr, ``error: ...``, and status 2.

    (argparse's own prints the whole usage first.) Every subcommand's parser is one of these too:
    ``add_subparsers`` makes its parsers of the parent's class."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = LabArgumentParser(
        prog="deepfake-edu",
        description="A teaching lab: make a deepfake with the face-swap autoencoder, catch it with MesoNet.",
    )
    parser.add_argument("--version", action="version", version=f"deepfake-edu {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)

    bench = sub.add_parser("bench", help="run one of the project's benchmarks", description="Benchmarks; each prints its figures and can write JSON.")
    bench_sub = bench.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for name, (module_name, summary) in BENCHMARKS.items():
        module = importlib.import_module(module_name)
        one = bench_sub.add_parser(name, help=summary, description=summary)
        module.add_arguments(one)
        one.add_argument("--json", metavar="FILE", help="also write the figures to this JSON file")
        one.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version (0) or a bad argument (2, its error line printed): return, as a handler does
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        from deepfake_edu.fileio import sweep_stale
        from deepfake_edu.paths import lab_folders

        sweep_stale(lab_folders())  # what a killed run left (half-written files, .partial folders)
        return int(handler(args) or 0)
    except LabError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
