"""Helpers for the lab notebooks: exercise checks, quizzes, the fast-mode switch and plots.

    from deepfake_edu.lessons import check, quiz, answer, fast_mode, pick, show_images

Notebooks import, call, plot and ask; every computation they show lives in the library. The
lesson-specific helpers sit beside this file: ``setup`` (lab 0), ``training`` and ``funnel``
(lab 1, and the demo's funnel tab), ``swaplab`` (lab 2), ``ownfaces`` (lab 3), ``detectlab``
(labs 4-6), ``spot_the_fake`` (lab 7 and the demo's game, with the class's tally) and
``critical`` (lab 7's provenance), ``literacy`` (lab 7's media literacy: the five questions, the
history of faked photos, the cues to look at), ``human_machine`` (lab 7's fair study: answer, see
the machine, revise; the class's files merged), ``experiments`` (lab 8: predict, run, explain), ``exit_tickets`` (the last 5 minutes of labs 1-8), and
``student`` makes the student versions of the notebooks and the student pack.
``quiz`` is the notebooks' multiple-choice questions; ``checks`` runs the exercise checks,
which live by labs in ``exercises_making`` (0-3), ``exercises_detecting`` (4-7) and
``exercises_experiments`` (8).
"""

from deepfake_edu.lessons.checks import check, evaluate, list_exercises
from deepfake_edu.lessons.mode import fast_mode, mode_line, pick
from deepfake_edu.lessons.plots import bar_chart, line_chart, show_images, show_png, show_rows
from deepfake_edu.lessons.quiz import answer, quiz

__all__ = [
    "answer", "bar_chart", "check", "evaluate", "fast_mode", "line_chart", "list_exercises", "mode_line",
    "pick", "quiz", "show_images", "show_png", "show_rows",
]
