"""The lab notebooks in another language (French), made from the English ones and one translation
file per notebook, so that the two stay in step.

The English notebooks (``labs/*.ipynb``) are the reference. ``labs/translations/fr/<stem>.json``
holds, under a short hash of each English cell's source, that English source (one string per line,
so that a reader sees both languages side by side and a diff shows what changed) and its
translation::

    {
     "notebook": "00_start_here.ipynb",
     "language": "fr",
     "cells": {
      "1f3a09c2d4": {"kind": "markdown", "en": ["# Lab 0 — Start here", ...], "fr": ["# Labo 0 — Commencez ici", ...]},
      "9c0d51e7aa": {"kind": "code", "en": [...], "replace": [["# faces kept aside", "# visages mis de côté"]]}
     }
    }

A markdown cell is replaced whole. A code cell keeps its code: only the listed pieces (comments,
docstrings, the strings the notebook itself prints or shows) are replaced, each written exactly as
it appears in the English. Every markdown cell needs an entry; so does every code cell with a
comment or a string of several words, even when nothing in it is to be translated (``"replace":
[]``: a value a check reads, such as ``"likely fake"``, stays as the code expects it).

When an English cell changes, so does its hash: the old entry matches no cell any more (it is
*stale*) and the changed cell has none. ``problems`` says so, with what changed in the English, and
``translate_notebook`` refuses to build until the translation is in step again;
``sync_translation`` (``python labs/make_french_versions.py --sync``) rewrites a file in the
notebook's order, with each changed cell's new English beside its previous translation, for the
translator to finish.

The first code cell of every translated notebook (the first that is no answer, so that the
student versions keep it) starts with the language switch, so that the library's own texts (checks, quizzes, exit tickets) speak the notebook's language. The student
versions are made from the translated teacher versions by ``lessons.student``, as the English ones.

    python labs/make_french_versions.py     # writes labs/fr/*.ipynb and labs/fr/student/*.ipynb
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from deepfake_edu.errors import LabError

TRANSLATIONS = "translations"  # labs/translations/<language>/<notebook stem>.json
HASH_LENGTH = 10
SIMILAR = 0.5  # an entry that matches no cell is the stale translation of a changed cell this close to its English


def cell_hash(source: str) -> str:
    """The short hash of an English cell's source that keys its translation."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def language_switch(language: str) -> str:
    """The line that opens a translated notebook's first code cell."""
    return f'from deepfake_edu.lessons import i18n; i18n.set_language("{language}")'


@dataclass
class Entry:
    """The translation of one English cell: a markdown cell's whole text, or a code cell's pieces."""

    kind: str  # "markdown" or "code"
    en: str
    text: str | None = None  # markdown: the translation, under the language's code in the file (None: still to write)
    replace: list[tuple[str, str]] = field(default_factory=list)  # code: (English piece, its translation)
    review: bool = False  # code: carried over from a changed cell by sync_translation, to look at again
    previous: dict | None = None  # written by sync_translation: the entry of the cell before it changed


@dataclass
class Translation:
    notebook: str
    language: str
    cells: dict[str, Entry]


@dataclass(frozen=True)
class Problem:
    """Why a translation is not in step with its notebook. kind: missing, stale, orphan, hash,
    untranslated, review, replace."""

    kind: str
    cell: str  # the English cell's id ("" for an orphan)
    message: str


def translation_path(labs_dir: str | Path, notebook: str, language: str) -> Path:
    return Path(labs_dir) / TRANSLATIONS / language / f"{Path(notebook).stem}.json"


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _joined(value, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "\n".join(value)
    raise LabError(f"{where}: expected a list of lines")


def read_translation(path: str | Path) -> Translation:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LabError(f"no translation file {path}: run python labs/make_french_versions.py --sync to start one") from None
    except json.JSONDecodeError as error:
        raise LabError(f"{path} is not valid JSON: {error}") from None
    language = data.get("language", path.parent.name)
    cells = {}
    for key, item in data.get("cells", {}).items():
        where = f"{path.name}, cell {key}"
        kind = item.get("kind")
        if kind not in ("markdown", "code"):
            raise LabError(f"{where}: kind must be markdown or code, not {kind!r}")
        text = item.get(language)
        cells[key] = Entry(
            kind=kind,
            en=_joined(item.get("en", ""), where),
            text=None if text is None else _joined(text, where),
            replace=[(str(old), str(new)) for old, new in item.get("replace", [])],
            review=bool(item.get("review", False)),
            previous=item.get("previous"),
        )
    return Translation(notebook=data.get("notebook", path.stem + ".ipynb"), language=language, cells=cells)


def translation_json(translation: Translation) -> str:
    """The file's text: one line of a cell per line of JSON, UTF-8 as it is (but for the no-break
    spaces, written ``\\u00a0``), so that diffs read well."""
    cells = {}
    for key, entry in translation.cells.items():
        item: dict = {"kind": entry.kind, "en": _lines(entry.en)}
        if entry.kind == "markdown":
            item[translation.language] = None if entry.text is None else _lines(entry.text)
        else:
            item["replace"] = [[old, new] for old, new in entry.replace]
            if entry.review:
                item["review"] = True
        if entry.previous:
            item["previous"] = entry.previous
        cells[key] = item
    data = {"notebook": translation.notebook, "language": translation.language, "cells": cells}
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for invisible in ("\u00a0", "\u202f"):  # no-break spaces (French "12 288", "67 %"): shown as escapes, not blanks
        text = text.replace(invisible, f"\\u{ord(invisible):04x}")
    return text + "\n"


def write_translation(path: str | Path, translation: Translation) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(translation_json(translation), encoding="utf-8")
    return path


_PROSE = re.compile(r"[^\W\d_]{2,}[\s:]|\s[^\W\d_]{2,}")  # a word beside a space or a colon: "likely fake", "deleted:", "{r} hidden"
_TEXT_TOKENS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}  # Python 3.12 splits f-strings


def has_words(source: str) -> bool:
    """Whether a code cell holds text a reader reads: a comment, or a string with a word beside a
    space or a colon (outside the {fields} of an f-string). A bare word ("fake", "twin-00") is
    more often a key than a sentence, and does not count."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return True
    for token in tokens:
        if token.type == tokenize.COMMENT:
            return True
        if token.type in _TEXT_TOKENS and _PROSE.search(re.sub(r"\{[^{}]*\}", " ", token.string)):
            return True
    return False


def needs_entry(cell) -> bool:
    return cell.cell_type == "markdown" or (cell.cell_type == "code" and has_words(cell.source))


def _diff(old: str, new: str) -> str:
    return "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), "English then", "English now", lineterm="", n=1))


def _closest(source: str, kind: str, candidates: dict[str, Entry]) -> str | None:
    best, best_ratio = None, SIMILAR
    for key, entry in candidates.items():
        if entry.kind != kind:
            continue
        ratio = difflib.SequenceMatcher(None, entry.en, source).ratio()
        if ratio > best_ratio:
            best, best_ratio = key, ratio
    return best


def problems(notebook, translation: Translation) -> list[Problem]:
    """Everything that keeps ``translation`` from being a fresh translation of ``notebook``
    (nbformat v4); empty when they are in step."""
    found: list[Problem] = []
    hashes = {}
    for cell in notebook.cells:
        if cell.cell_type in ("markdown", "code"):
            hashes.setdefault(cell_hash(cell.source), cell)
    for key, entry in translation.cells.items():
        if cell_hash(entry.en) != key:
            found.append(Problem("hash", "", f"entry {key}: its English was edited by hand (its hash is {cell_hash(entry.en)}); "
                                             "change the English notebook, never the copy in the translation"))
    orphans = {key: entry for key, entry in translation.cells.items() if key not in hashes}
    paired: set[str] = set()
    for cell in notebook.cells:
        key = cell_hash(cell.source)
        entry = translation.cells.get(key)
        if cell.cell_type not in ("markdown", "code") or (entry is None and not needs_entry(cell)):
            continue
        where = f"{translation.notebook}, {cell.cell_type} cell {cell.get('id', '?')}"
        if entry is None:
            old = _closest(cell.source, cell.cell_type, {k: e for k, e in orphans.items() if k not in paired})
            if old is not None:
                paired.add(old)
                found.append(Problem("stale", cell.get("id", ""), f"{where}: the English changed since entry {old} was translated "
                                                                   f"(now {key}):\n{_diff(orphans[old].en, cell.source)}"))
            else:
                found.append(Problem("missing", cell.get("id", ""), f"{where} has no translation (hash {key}):\n{cell.source}"))
            continue
        if entry.kind != cell.cell_type:
            found.append(Problem("missing", cell.get("id", ""), f"{where}: entry {key} is a {entry.kind} entry"))
        elif entry.kind == "markdown" and not (entry.text or "").strip():
            found.append(Problem("untranslated", cell.get("id", ""), f"{where} (entry {key}) is still to translate"))
        elif entry.kind == "markdown" and entry.previous:
            found.append(Problem("review", cell.get("id", ""), f"{where} (entry {key}) is translated: delete its \"previous\""))
        elif entry.kind == "code":
            if entry.review or entry.previous:
                found.append(Problem("review", cell.get("id", ""), f"{where} (entry {key}) changed: check its replacements "
                                                                    "(\"previous\" has those that no longer apply), then delete "
                                                                    "\"review\" and \"previous\""))
            for old, _new in entry.replace:
                if not old or old not in cell.source:
                    found.append(Problem("replace", cell.get("id", ""), f"{where} (entry {key}) has no {old!r} to replace"))
    for key, entry in orphans.items():
        if key not in paired:
            first = entry.en.splitlines()[0] if entry.en else ""
            found.append(Problem("orphan", "", f"{translation.notebook}: entry {key} ({entry.kind}, {first!r}) matches no cell of the notebook"))
    return found


def _translated_code(source: str, entry: Entry | None) -> str:
    if entry is None:
        return source
    for old, new in entry.replace:
        if old not in source:
            raise LabError(f"{old!r} is no longer in the code cell (a replacement overlaps another?)")
        source = source.replace(old, new)
    return source


def translate_notebook(notebook, translation: Translation):
    """The translated copy of an English notebook (nbformat v4), stored without outputs like the
    English ones; ``LabError`` with every problem when the translation is not in step."""
    trouble = problems(notebook, translation)
    if trouble:
        raise LabError(f"the {translation.language} translation of {translation.notebook} is not in step with the English "
                       f"({len(trouble)} problem(s)); bring it in step (python labs/make_french_versions.py --sync "
                       "helps), then run the generator again:\n\n" + "\n\n".join(p.message for p in trouble))
    result = copy.deepcopy(notebook)
    switched = False
    for cell in result.cells:
        entry = translation.cells.get(cell_hash(cell.source))
        if cell.cell_type == "markdown":
            cell.source = entry.text
        elif cell.cell_type == "code":
            cell.source = _translated_code(cell.source, entry)
            if not switched and not {"solution", "teacher"} & set(cell.get("metadata", {}).get("tags", [])):  # kept in the student version
                cell.source = language_switch(translation.language) + "\n" + cell.source
                switched = True
            cell.outputs = []
            cell.execution_count = None
    return result


def sync_translation(notebook, translation: Translation) -> Translation:
    """The translation rewritten in the notebook's order: fresh entries kept, stale and orphan ones
    dropped, and an entry for each cell that needs one and lacks it. A changed markdown cell gets its
    new English, no translation yet, and the entry it had before (``previous``) to start from; a
    changed code cell keeps the replacements that still apply, marked ``review``, and those that no
    longer do in ``previous``."""
    orphans = {key: entry for key, entry in translation.cells.items() if key not in {cell_hash(c.source) for c in notebook.cells}}
    cells: dict[str, Entry] = {}
    for cell in notebook.cells:
        key = cell_hash(cell.source)
        if key in cells or not (needs_entry(cell) or key in translation.cells):
            continue
        if key in translation.cells and translation.cells[key].kind == cell.cell_type:
            cells[key] = translation.cells[key]
            continue
        old_key = _closest(cell.source, cell.cell_type, orphans)
        old = orphans.pop(old_key) if old_key is not None else None
        if cell.cell_type == "markdown":
            previous = {"en": _lines(old.en), translation.language: _lines(old.text or "")} if old is not None else None
            cells[key] = Entry("markdown", cell.source, text=None, previous=previous)
        else:
            replacements = old.replace if old is not None else []
            kept = [(a, b) for a, b in replacements if a in cell.source]
            dropped = [[a, b] for a, b in replacements if a not in cell.source]
            previous = {"en": _lines(old.en), "replace": dropped} if dropped else None
            cells[key] = Entry("code", cell.source, replace=kept, review=True, previous=previous)
    return Translation(translation.notebook, translation.language, cells)


def write_translated_versions(labs_dir: str | Path, language: str = "fr", out_dir: str | Path | None = None) -> list[Path]:
    """Translate every ``labs_dir/*.ipynb`` with ``labs_dir/translations/<language>/``, into
    ``out_dir`` (default ``labs_dir/<language>``), and write their student versions into its
    ``student/``. Checks every notebook before writing any. Returns the paths written."""
    import nbformat

    from deepfake_edu.lessons.student import write_student_versions

    labs_dir = Path(labs_dir)
    out_dir = Path(out_dir) if out_dir is not None else labs_dir / language
    translated = []
    for path in sorted(labs_dir.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        translated.append((path.name, translate_notebook(notebook, read_translation(translation_path(labs_dir, path.name, language)))))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, notebook in translated:
        target = out_dir / name
        target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
        written.append(target)
    return written + write_student_versions(out_dir, out_dir / "student", language=language)


def sync_translations(labs_dir: str | Path, language: str = "fr") -> list[Path]:
    """``sync_translation`` for every notebook of ``labs_dir``; starts a file where none exists.
    Returns the files it changed."""
    import nbformat

    labs_dir = Path(labs_dir)
    changed = []
    for path in sorted(labs_dir.glob("*.ipynb")):
        target = translation_path(labs_dir, path.name, language)
        current = read_translation(target) if target.is_file() else Translation(path.name, language, {})
        synced = sync_translation(nbformat.read(path, as_version=4), current)
        if not target.is_file() or translation_json(synced) != target.read_text(encoding="utf-8"):
            write_translation(target, synced)
            changed.append(target)
    return changed
