"""The command line's bounded number types (deepfake_edu.cli_types)."""

from __future__ import annotations

import argparse
import math

import pytest

from deepfake_edu.cli_types import (
    SEED_MAX,
    count,
    integer,
    max_workers,
    minutes,
    number,
    ranged,
    seed,
)


@pytest.mark.parametrize("text, value", [("1", 1), ("32", 32), ("4096", 4096), (" 7 ", 7), ("+5", 5)])
def test_integer_accepts_whole_numbers_in_range(text, value):
    assert integer(1, 4096)(text) == value


@pytest.mark.parametrize("text", ["0", "-5", "4097", str(10**12), "nan", "inf", "-inf", "1.5", "1e3", "abc", "", "0x10", "9" * 5000])
def test_integer_refuses_out_of_range_and_non_numbers_saying_the_range(text):
    with pytest.raises(argparse.ArgumentTypeError, match="must be a whole number 1-4096, not"):
        integer(1, 4096)(text)


def test_integer_message_quotes_a_long_input_shortly():
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        integer(1, 10)("9" * 5000)
    assert len(str(caught.value)) < 120


def test_count_and_seed_ranges():
    assert count()("1") == 1 and count(1, 10)("10") == 10
    with pytest.raises(argparse.ArgumentTypeError):
        count()("0")
    assert seed()("0") == 0 and seed()(str(SEED_MAX)) == SEED_MAX
    for bad in ("-1", str(2**32)):
        with pytest.raises(argparse.ArgumentTypeError, match="0-4294967295"):
            seed()(bad)


@pytest.mark.parametrize("text, value", [("0", 0.0), ("2.5", 2.5), ("1e-3", 0.001), ("10", 10.0)])
def test_number_accepts_finite_values_in_range(text, value):
    assert number(0, 10)(text) == value


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400"])
def test_number_refuses_nan_and_infinities(text):
    with pytest.raises(argparse.ArgumentTypeError, match="finite number 0-10"):
        number(0, 10)(text)


@pytest.mark.parametrize("text", ["-0.001", "10.001", "1e12", "abc", "", "1,5"])
def test_number_refuses_out_of_range_and_non_numbers(text):
    with pytest.raises(argparse.ArgumentTypeError, match="0-10, not"):
        number(0, 10)(text)


def test_an_open_low_bound_refuses_the_bound_itself():
    budget = minutes()
    assert budget("0.01") == 0.01 and budget("1440") == 1440.0
    for bad in ("0", "-1", "1440.5", "nan", "inf"):
        with pytest.raises(argparse.ArgumentTypeError, match="more than 0, at most 1440"):
            budget(bad)
    assert minutes(0.2)("0.25") == 0.25
    with pytest.raises(argparse.ArgumentTypeError, match="more than 0.2"):
        minutes(0.2)("0.2")


def test_types_take_values_already_parsed_as_defaults_do():
    assert integer(1, 10)(5) == 5 and number(0, 1)(0.5) == 0.5
    with pytest.raises(argparse.ArgumentTypeError):
        number(0, 1)(math.nan)
    with pytest.raises(argparse.ArgumentTypeError):
        integer(0, 1)(True)


def test_bad_factories_are_refused():
    with pytest.raises(ValueError):
        integer(5, 1)
    with pytest.raises(ValueError):
        number(0, math.inf)


def test_max_workers_is_small_and_at_least_four():
    assert 4 <= max_workers() <= 64


def test_ranged_help_text_shows_the_range_and_the_default():
    assert ranged("training steps", count(1, 4096), 32) == "training steps (1-4096, default 32)"
    assert ranged("learning rate", number(0, 1, low_open=True), "the preset's") == "learning rate (more than 0, at most 1, default the preset's)"
    assert ranged("limit", count(1, 10)) == "limit (1-10)"
    assert ranged("limit", count(1, 10), None) == "limit (1-10)"
    assert ranged("fps", number(1, 120), 25.0) == "fps (1-120, default 25)"


def test_argparse_prints_the_range_in_help_and_one_error_on_a_bad_value(capsys):
    parser = argparse.ArgumentParser(prog="demo")
    steps = count(1, 4096)
    parser.add_argument("--steps", type=steps, default=32, help=ranged("training steps", steps, 32))
    assert "training steps (1-4096, default 32)" in parser.format_help()
    assert parser.parse_args(["--steps", "8"]).steps == 8
    with pytest.raises(SystemExit) as stop:
        parser.parse_args(["--steps", "0"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "argument --steps: must be a whole number 1-4096, not '0'" in err
    assert "Traceback" not in err
