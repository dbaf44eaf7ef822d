"""What every exercise check is made of: the ``Outcome`` it returns, the ``@exercise`` decorator
that registers it in ``CHECKS``, and the readers of a student's answer (a number, a word).

The exercise modules (``exercises_making``, ``exercises_detecting``) import from here, and
``checks`` imports them, so the registry is complete whenever ``checks`` is imported and no
module imports another in a loop. Notebooks and tests use ``deepfake_edu.lessons.checks``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable


@dataclass
class Outcome:
    ok: bool  # the answer is right
    message: str  # the praise or the hint shown to the student


CheckFn = Callable[..., Outcome]
CHECKS: dict[str, CheckFn] = {}


def exercise(name: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        CHECKS[name] = fn
        return fn

    return register


def as_number(answer) -> float | None:
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def is_close(a: float, b: float, relative: float = 0.01, absolute: float = 0.0) -> bool:
    return abs(a - b) <= max(relative * abs(b), absolute)


def as_word(answer) -> str:
    return str(answer).strip().lower().replace("_", " ")
