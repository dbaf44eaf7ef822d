"""Fast mode: tiny sizes and a few steps, so that CI can run every notebook in seconds.

Set the environment variable DEEPFAKE_EDU_FAST=1 before starting Jupyter (or the tests do it).
The notebooks ask ``pick(fast=..., full=...)`` for every size, step count and time budget, so the
same cells run a real 50-minute lesson in full mode and a smoke test in fast mode.
"""

from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")

FAST_ENV = "DEEPFAKE_EDU_FAST"


def fast_mode() -> bool:
    """True when $DEEPFAKE_EDU_FAST is 1 / true / yes (any case)."""
    return os.environ.get(FAST_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def pick(fast: T, full: T) -> T:
    """``fast`` in fast mode, ``full`` otherwise."""
    return fast if fast_mode() else full


def mode_line() -> str:
    """One line for the top of a notebook: which mode runs, and how to change it."""
    if fast_mode():
        return f"FAST mode ({FAST_ENV}=1): tiny data and a few training steps; pictures will look poor. Unset {FAST_ENV} for the real lesson."
    return f"Full mode: sizes and training times for a 50-minute lesson on a 2-core laptop (set {FAST_ENV}=1 for a quick smoke run)."
