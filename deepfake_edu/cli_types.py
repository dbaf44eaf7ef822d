"""Bounded numbers for the command line: every numeric option of every command says its range.

    parser.add_argument("--steps", type=integer(1, 10**6), default=2000,
                        help=ranged("training steps", integer(1, 10**6), 2000))
    # --help: "training steps (1-1000000, default 2000)"; --steps 0: "error: argument --steps:
    # must be a whole number 1-1000000, not '0'" (exit 2, before anything runs)

``integer(low, high)`` and ``number(low, high)`` return argparse ``type=`` callables; a value out
of range, NaN, an infinity or a non-number raises ``argparse.ArgumentTypeError`` with a message
that gives the allowed range, so argparse prints one ``error:`` line and exits with status 2.
Core layer: the standard library only.
"""

from __future__ import annotations

import argparse
import math
import os

SEED_MAX = 2**32 - 1  # numpy's and torch's seeds: a non-negative 32-bit integer
MINUTES_MAX = 24 * 60.0  # one day: the longest training budget any command accepts


def max_workers() -> int:
    """The most processes or threads a command starts: the machine's CPUs (at least 4, at most 64)."""
    return min(64, max(4, os.cpu_count() or 1))


def _show(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class _Bounded:
    """An argparse ``type=``: parse, then check the range. ``range_text`` is what --help shows."""

    kind = "a number"

    def __init__(self, low, high, low_open: bool = False):
        if high < low:
            raise ValueError(f"empty range {low}..{high}")
        self.low, self.high, self.low_open = low, high, low_open
        self.__name__ = type(self).__name__.lstrip("_").lower()  # argparse names the type in some messages

    @property
    def range_text(self) -> str:
        if self.low_open:
            return f"more than {_show(self.low)}, at most {_show(self.high)}"
        return f"{_show(self.low)}-{_show(self.high)}"

    def parse(self, text: str):
        raise NotImplementedError

    def __call__(self, text):
        value = self.parse(text)
        below = value <= self.low if self.low_open else value < self.low
        if below or value > self.high:
            raise argparse.ArgumentTypeError(f"must be {self.kind} {self.range_text}, not {_quoted(text)}")
        return value

    def __repr__(self) -> str:
        return f"{self.__name__}({self.range_text})"


class _Integer(_Bounded):
    kind = "a whole number"

    def parse(self, text):
        if isinstance(text, bool):
            raise argparse.ArgumentTypeError(f"must be {self.kind} {self.range_text}, not {text!r}")
        if isinstance(text, int):
            return text
        try:
            return int(str(text).strip())
        except ValueError:  # also Python's limit on the digits of an int
            raise argparse.ArgumentTypeError(f"must be {self.kind} {self.range_text}, not {_quoted(text)}") from None


class _Number(_Bounded):
    kind = "a number"

    def parse(self, text):
        refused = argparse.ArgumentTypeError(f"must be {self.kind} {self.range_text}, not {_quoted(text)}")
        if isinstance(text, bool):
            raise refused
        try:
            value = float(text) if isinstance(text, (int, float)) else float(str(text).strip())
        except (ValueError, OverflowError):
            raise refused from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number {self.range_text}, not {_quoted(text)}")
        return value


def _quoted(text) -> str:
    shown = str(text)
    return repr(shown if len(shown) <= 40 else shown[:37] + "...")


def integer(low: int, high: int) -> _Integer:
    """A whole number from ``low`` to ``high``, both included."""
    return _Integer(int(low), int(high))


def count(low: int = 1, high: int = 10**6) -> _Integer:
    """How many of something: a whole number ``low``-``high`` (1 or more unless said)."""
    return integer(low, high)


def seed() -> _Integer:
    """A random seed: any whole number 0 to 2**32 - 1."""
    return integer(0, SEED_MAX)


def number(low: float, high: float, low_open: bool = False) -> _Number:
    """A finite float from ``low`` to ``high``; with ``low_open``, strictly more than ``low``.
    NaN and the infinities are refused."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("the bounds must be finite")
    return _Number(float(low), float(high), low_open)


def minutes(low: float = 0.0, high: float = MINUTES_MAX) -> _Number:
    """A time budget in minutes: more than ``low``, at most a day."""
    return number(low, high, low_open=True)


_NO_DEFAULT = object()


def ranged(text: str, kind: _Bounded, default=_NO_DEFAULT) -> str:
    """``text`` with the allowed range (and the default) for --help: "steps (1-4096, default 32)".
    ``default`` may be words ("16 classroom, 64 original") for one that is computed; None is left out."""
    shown = kind.range_text
    if default is not _NO_DEFAULT and default is not None:
        shown += f", default {_show(default)}"
    return f"{text} ({shown})" if text else f"({shown})"


__all__ = ["MINUTES_MAX", "SEED_MAX", "count", "integer", "max_workers", "minutes", "number", "ranged", "seed"]


def output_name(text: str) -> str:
    """An argparse ``type=`` for a file or folder a command writes: an empty name (or one of blanks) is
    refused, where it would have meant "the default place" and written there without being asked."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty name: name the file or folder to write")
    return text
