"""Automatic checks for the labs' exercises: ``check("funnel.compression", answer)``.

Each check computes the right answer from the library (the model's real layer sizes, the
detector's real parameter count, the scores the student's own run produced) rather than from a
number written here, then prints "✓ ..." or a hint aimed at the usual wrong answers. Some checks
need the student's results, passed as keywords: ``check("explain.top_region", "eyes", rows=rows)``.

``evaluate(name, answer, **context)`` returns the ``Outcome`` without printing (tests use it).

This module is the checks' one entry point: it runs them (``check``, ``evaluate``,
``list_exercises``) and imports every exercise, so ``CHECKS`` is complete once it is imported.
The exercises live by labs in ``exercises_making`` (0-3) and ``exercises_detecting`` (4-7),
with lab 7's media-literacy exercises beside their texts in ``literacy``,
built from ``check_kit`` (``Outcome``, ``@exercise``, ``CHECKS``); the right answers a notebook
may compute itself (``lost_first_from``, ``shared_fraction``, ``meso_feature_side``,
``balanced_accuracy``, ``accuracy_drop``) are importable from here too.

Every sentence a student reads is in a catalogue (English, and French beside it), chosen by
``lessons.i18n``: this module's own words in ``TEXTS`` and ``checks_fr.TEXTS``, each exercise
module's in its ``TEXTS`` and the ``*_fr.py`` beside it.
"""

from __future__ import annotations

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import checks_fr, i18n
from deepfake_edu.lessons.check_kit import CHECKS, CheckFn, Outcome, exercise
# in lab order (labs 0-3, then 4-7): CHECKS lists the exercises as the labs meet them
from deepfake_edu.lessons.exercises_making import lost_first_from, shared_fraction
from deepfake_edu.lessons.exercises_detecting import accuracy_drop, balanced_accuracy, meso_feature_side
from deepfake_edu.lessons import literacy as _literacy  # noqa: F401  (lab 7's media-literacy exercises register here)
from deepfake_edu.lessons import human_machine as _human_machine  # noqa: F401  (lab 7's study: reading its results)
from deepfake_edu.lessons import exercises_experiments as _experiments  # noqa: F401  (lab 8's predict-run-explain exercises register here)

__all__ = [
    "CHECKS", "CheckFn", "NOT_ANSWERED", "Outcome", "accuracy_drop", "balanced_accuracy", "check", "evaluate",
    "exercise", "list_exercises", "lost_first_from", "meso_feature_side", "shared_fraction",
]

# The words of the checks' framework, one entry per sentence a student can see.
TEXTS: dict[str, str] = {
    "not_answered": "Fill in your answer first: replace the ... with it, then run the cell again.",
    "no_exercise": "no exercise {name!r}; exercises: {names}",
}
_TEXTS = {"en": TEXTS, "fr": checks_fr.TEXTS}
NOT_ANSWERED = TEXTS["not_answered"]  # in English; a check answers text("not_answered"), in the current language

text = i18n.translator(_TEXTS)  # text(key, **fields): in the current language


def evaluate(name: str, answer, **context) -> Outcome:
    """The Outcome of ``answer`` for exercise ``name`` (no printing)."""
    if name not in CHECKS:
        raise LabError(text("no_exercise", name=name, names=", ".join(sorted(CHECKS))))
    if answer is Ellipsis or answer is None:
        return Outcome(False, text("not_answered"))
    return CHECKS[name](answer, **context)


def check(name: str, answer, **context) -> bool:
    """Print ✓ with a word of explanation, or ✗ with a hint; return whether the answer is right."""
    outcome = evaluate(name, answer, **context)
    print(("✓ " if outcome.ok else "✗ ") + outcome.message)
    return outcome.ok


def list_exercises() -> list[str]:
    return sorted(CHECKS)
