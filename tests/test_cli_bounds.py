"""Hostile numbers on the command line: every numeric option of every command and benchmark
refuses zero, negatives, NaN, infinities, huge values and non-numbers with exit status 2 and ONE
``error:`` line, at once (nothing is rendered, trained or loaded)."""

from __future__ import annotations

import argparse
import time

import pytest

from deepfake_edu.cli import build_parser, main
from deepfake_edu.cli_types import _Bounded

HUGE = str(10**12)
COUNTS = ["0", "-5", "nan", "inf", HUGE, "abc"]  # whole numbers of 1 or more
INDICES = ["-1", "nan", "inf", HUGE, "abc"]  # whole numbers where 0 is fine (seeds, indices)
FLOATS = ["0", "-1", "nan", "inf", "-inf", "1e12", "abc"]  # positive finite numbers
SIZES = ["0", "-64", "nan", "inf", HUGE, "abc", "100000"]

# (the command up to the option, the option, the bad values); arguments the command requires
# are given, as they are harmless: the bad number stops it before any of them is used.
CASES = [
    (["twins"], "--identities", COUNTS),
    (["twins"], "--per-identity", COUNTS),
    (["twins"], "--size", SIZES + ["96"]),
    (["twins"], "--seed", INDICES),
    (["twins"], "--workers", COUNTS + ["10000"]),
    (["twins", "video"], "--identity", INDICES),
    (["twins", "video"], "--frames", COUNTS),
    (["twins", "video"], "--fps", FLOATS),
    (["twins", "video"], "--size", SIZES),
    (["twins", "video"], "--seed", INDICES),
    (["twins", "video"], "--motion-seed", INDICES),
    (["twins", "sheet"], "--identities", COUNTS),
    (["twins", "sheet"], "--per-identity", COUNTS),
    (["twins", "sheet"], "--size", SIZES),
    (["twins", "sheet"], "--seed", INDICES),
    (["swap", "train"], "--steps", COUNTS),
    (["swap", "train"], "--minutes", FLOATS),
    (["swap", "train"], "--batch-size", COUNTS + ["1000000000"]),
    (["swap", "train"], "--lr", FLOATS),
    (["swap", "train"], "--bottleneck", COUNTS),
    (["swap", "train"], "--size", SIZES),
    (["swap", "train"], "--seed", INDICES),
    (["swap", "train"], "--limit", COUNTS),
    (["swap", "preview", "--run", "r", "--out", "o.png"], "--faces", COUNTS),
    (["swap", "funnel"], "--bottleneck", COUNTS),
    (["swap", "funnel"], "--size", SIZES),
    (["detect", "run", "clip.mp4"], "--frames", COUNTS),
    (["detect", "train"], "--steps", COUNTS),
    (["detect", "train"], "--minutes", FLOATS),
    (["detect", "train"], "--batch-size", COUNTS),
    (["detect", "train"], "--seed", INDICES),
    (["faces", "extract", "--name", "x"], "--webcam", INDICES),
    (["faces", "extract", "photo.png", "--name", "x"], "--size", SIZES),
    (["faces", "extract", "photo.png", "--name", "x"], "--every", COUNTS),
    (["faces", "extract", "photo.png", "--name", "x"], "--max-frames", COUNTS),
    (["faces", "extract", "photo.png", "--name", "x"], "--detect-every", COUNTS),
    (["faces", "extract", "photo.png", "--name", "x"], "--min-face", COUNTS),
    (["forensics", "compression", "--data", "toy"], "--size", SIZES),
    (["forensics", "compression", "--data", "toy"], "--limit", COUNTS),
    (["forensics", "compression", "--data", "toy"], "--seed", INDICES),
    (["forensics", "occlusion", "--data", "faces"], "--limit", COUNTS),
    (["forensics", "occlusion", "--data", "faces"], "--size", SIZES),
    (["forensics", "study"], "--minutes", FLOATS),
    (["forensics", "study"], "--per-identity", COUNTS),
    (["explain", "face.png"], "--size", SIZES),
    (["prepare"], "--minutes", FLOATS + ["0.1"]),
    (["tour"], "--minutes", FLOATS),
    (["bench", "twins"], "--count", COUNTS),
    (["bench", "twins"], "--workers", COUNTS + ["10000"]),
    (["bench", "swap"], "--minutes", FLOATS),
    (["bench", "swap"], "--threads", COUNTS),
    (["bench", "swap"], "--per-identity", COUNTS),
    (["bench", "swap"], "--eval-every", COUNTS),
    (["bench", "swap"], "--batch-size", COUNTS),
    (["bench", "swap"], "--steps", COUNTS),
    (["bench", "detect"], "--threads", COUNTS),
    (["bench", "detect"], "--batches", COUNTS),
    (["bench", "detect"], "--rounds", COUNTS),
    (["bench", "detect"], "--seconds", FLOATS),
    (["bench", "detect"], "--minutes", FLOATS),
    (["bench", "detect"], "--per-identity", COUNTS),
    (["bench", "detect"], "--batch-size", COUNTS),
    (["bench", "detect"], "--steps", COUNTS),
    (["bench", "faces"], "--frames", COUNTS),
    (["bench", "faces"], "--detect-every", COUNTS),
    (["bench", "faces"], "--detect-width", COUNTS),
    (["bench", "faces"], "--scale-factor", FLOATS + ["1"]),
    (["bench", "faces"], "--threads", COUNTS),
]

HOSTILE = [pytest.param([*command, f"{option}={value}"], option, id=f"{' '.join(command[:2])} {option}={value}")
           for command, option, values in CASES for value in values]
# the same values as separate words, the way people type them (a negative number is a value, not an option)
HOSTILE += [pytest.param([*command, option, value], option, id=f"{' '.join(command[:2])} {option} {value}")
            for command, option, values in CASES[::7] for value in values if not value.startswith("-")]
HOSTILE += [pytest.param(["swap", "train", "--steps", "-5"], "--steps", id="swap train --steps -5"),
            pytest.param(["swap", "train", "--minutes", "-1"], "--minutes", id="swap train --minutes -1")]

# refused by the library's checks, before any work, with the lab's one-line error
LAB_ERRORS = [
    (["bench", "twins", "--sizes", "0"], "size"),
    (["bench", "twins", "--sizes", "nan"], "--sizes"),
    (["bench", "twins", "--sizes", HUGE], "size"),
    (["twins", "--identities", "1000", "--per-identity", "20000"], "--per-identity"),
]


def assert_one_error_line(capsys, started: float, mention: str) -> None:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: "), lines[0]
    assert mention in lines[0], lines[0]
    assert "Traceback" not in captured.err + captured.out
    assert captured.out == ""
    # Not a speed figure: a refused number must stop the command before its work (a run refused
    # only after training or rendering would take minutes), whatever the load of the machine.
    assert time.perf_counter() - started < 60, "a refused number must stop the command before its work"


@pytest.fixture(autouse=True)
def lab_home(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_there_are_at_least_a_hundred_hostile_cases():
    assert len(HOSTILE) + len(LAB_ERRORS) >= 100


@pytest.mark.parametrize("argv, option", HOSTILE)
def test_a_hostile_number_is_refused_in_one_line(argv, option, capsys):
    started = time.perf_counter()
    assert main(argv) == 2
    assert_one_error_line(capsys, started, f"argument {option}")


@pytest.mark.parametrize("argv, mention", LAB_ERRORS, ids=[" ".join(a) for a, _ in LAB_ERRORS])
def test_a_number_the_library_refuses_gives_the_lab_error_line(argv, mention, capsys):
    started = time.perf_counter()
    assert main(argv) == 2
    assert_one_error_line(capsys, started, mention)


def test_other_argument_errors_print_one_line_too(capsys):
    started = time.perf_counter()
    assert main(["swap", "train", "--steps", "5", "--minutes", "2"]) == 2
    assert_one_error_line(capsys, started, "not allowed with")
    assert main(["swap", "nonsense"]) == 2
    assert_one_error_line(capsys, started, "invalid choice")


def test_help_and_version_return_zero(capsys):
    assert main(["--version"]) == 0
    assert main(["swap", "train", "--help"]) == 0
    assert "training steps (1-1000000, default 2000)" in capsys.readouterr().out


def parsers(parser: argparse.ArgumentParser, path=()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from parsers(child, (*path, name))


def test_every_numeric_option_is_bounded_and_says_its_range_in_help():
    unbounded, unexplained = [], []
    for path, parser in parsers(build_parser()):
        for action in parser._actions:
            if action.type in (int, float) and not action.choices:
                unbounded.append(f"{' '.join(path)} {action.option_strings}")
            if isinstance(action.type, _Bounded) and action.type.range_text not in (action.help or ""):
                unexplained.append(f"{' '.join(path)} {action.option_strings}")
    assert not unbounded, f"numeric options without a bound: {unbounded}"
    assert not unexplained, f"bounded options whose --help does not show the range: {unexplained}"


def test_the_commands_twin_sizes_are_the_renderers():
    from deepfake_edu.data.commands import TWIN_SIZES
    from deepfake_edu.data.twins_render import SIZES as RENDERED

    assert tuple(TWIN_SIZES) == tuple(RENDERED)


def test_library_guards_refuse_what_the_cli_would(tmp_path):
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.detect.train import check_config
    from deepfake_edu.errors import LabError
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap
    from deepfake_edu.training import TrainConfig

    with pytest.raises(LabError, match="--workers"):
        generate_twins_dataset(tmp_path / "t", 1, 1, 64, workers=10_000)
    with pytest.raises(LabError, match="at most"):
        generate_twins_dataset(tmp_path / "t", 1000, 10**9, 64)
    for bad in ({"steps": 0}, {"steps": -5}, {"minutes": float("nan")}, {"minutes": 0}, {"batch_size": 0}, {"limit_per_identity": 0},
                {"learning_rate": float("inf")}):
        with pytest.raises(LabError):
            train_swap(SwapTrainOptions(data=[str(tmp_path / "none")], run=str(tmp_path / "run"), **bad))
    for bad in ({"steps": 0}, {"batch_size": 0}, {"time_limit_s": float("inf")}, {"time_limit_s": -60}):
        with pytest.raises(LabError):
            check_config(TrainConfig(**bad))
    check_config(TrainConfig(steps=1, batch_size=1, time_limit_s=60))
