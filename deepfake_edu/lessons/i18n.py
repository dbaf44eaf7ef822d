"""The language the lessons speak to students: English, or French beside it.

A notebook cell switches it for the session::

    from deepfake_edu.lessons import i18n; i18n.set_language("fr")

or a teacher sets it once for every notebook, before starting Jupyter: ``DEEPFAKE_EDU_LANG=fr``.
A choice made with ``set_language`` wins over the variable; without either the lessons speak
English.

A module that shows text keeps one catalogue per language, each a dict from a key to a text,
and asks ``lookup`` for the current one. English is the reference: every key exists there, and a
key that a translation lacks comes out in English rather than failing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, TypeVar

from deepfake_edu.errors import LabError

LANGUAGES: dict[str, str] = {"en": "English", "fr": "français"}
ENVIRONMENT_VARIABLE = "DEEPFAKE_EDU_LANG"

T = TypeVar("T")
_chosen: str | None = None  # set by set_language; None: the environment variable decides
# set by speaking, for one request of a server that answers many languages at once (the demo):
# a context variable, so each thread or task keeps its own and none leaks into another.
_speaking: ContextVar[str | None] = ContextVar("deepfake_edu_speaking", default=None)


def _known(code: str, where: str = "") -> str:
    """The language code, lower case and without a region ("fr_FR.UTF-8" and "FR" are "fr")."""
    short = re.split(r"[-_.]", code.strip().lower())[0]
    if short not in LANGUAGES:
        names = ", ".join(f"{each} ({name})" for each, name in LANGUAGES.items())
        raise LabError(f"no language {code!r}{where}; the lessons speak {names}")
    return short


def set_language(code: str | None) -> None:
    """Speak this language from now on ("en" or "fr"); None goes back to the default."""
    global _chosen
    _chosen = None if code is None else _known(code)


@contextmanager
def speaking(code: str | None) -> Iterator[None]:
    """Speak ``code`` inside the ``with`` block, in this thread (or asyncio task) only, over
    whatever set_language chose; None changes nothing. The demo answers each browser in its own
    language this way, while other visitors' handlers run beside it."""
    if code is None:
        yield
        return
    token = _speaking.set(_known(code))
    try:
        yield
    finally:
        _speaking.reset(token)


def language() -> str:
    """The current language: the one a ``speaking`` block gives, else the one set_language
    chose, else DEEPFAKE_EDU_LANG, else "en"."""
    spoken = _speaking.get()
    if spoken is not None:
        return spoken
    if _chosen is not None:
        return _chosen
    variable = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return _known(variable, f" in {ENVIRONMENT_VARIABLE}") if variable else "en"


def lookup(catalogues: Mapping[str, Mapping[str, T]], key: str, code: str | None = None) -> T:
    """The entry for key in the catalogue of the language (the current one by default), or the
    English entry when that catalogue lacks it."""
    translated = catalogues.get(code or language(), {})
    return translated[key] if key in translated else catalogues["en"][key]


def translator(catalogues: Mapping[str, Mapping[str, str]], always_format: bool = False) -> Callable[..., str]:
    """The ``text(key, **fields)`` of a module that keeps these catalogues: the key's text in the
    current language (``lookup``), its ``{fields}`` filled in. Called without fields, a text comes
    as it is written (a literal brace stays as it is), unless ``always_format``: then it is always
    formatted, so its doubled braces come out single."""

    def text(key: str, /, **fields) -> str:
        found = lookup(catalogues, key)
        return found.format(**fields) if fields or always_format else found

    text.__doc__ = "One text of the module's catalogue in the current language, with its {fields} filled in (lessons.i18n.translator)."
    return text
