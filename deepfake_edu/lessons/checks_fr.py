"""The words of the checks' framework in French: the same keys and {fields} as ``checks.TEXTS``.

The choices of wording are those of ``quiz_fr`` ("vous"; code such as ``...`` stays as it is
written, since that is what students type). tests/lessons/test_check_texts_fr.py checks the keys
and the fields against the English.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "not_answered": "Écrivez d'abord votre réponse : remplacez les ... par celle-ci, puis relancez la cellule.",
    "no_exercise": "il n'y a pas d'exercice {name!r} ; les exercices sont : {names}",
}
