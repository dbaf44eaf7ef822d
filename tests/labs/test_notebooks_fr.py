"""The French lab notebooks (labs/fr, labs/fr/student) are in step with the English ones, and run
headless in fast mode as the English ones do.

They are made by ``python labs/make_french_versions.py`` from the English notebooks and
labs/translations/fr/*.json (``deepfake_edu.lessons.notebook_i18n``): these tests fail when an
English cell changed and its translation was not brought in step, when the stored French
notebooks are not what the generator writes now, or when a French code cell differs from the
English in anything but its comments, its strings and the language switch.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import time
from pathlib import Path

import pytest

from tests.labs.test_notebooks import LABS, NOTEBOOK_SECONDS, ROOT, _source, lab_home, prepared_assets  # noqa: F401  (fixtures)

nbformat = pytest.importorskip("nbformat")

from deepfake_edu.lessons.notebook_i18n import (  # noqa: E402
    cell_hash,
    language_switch,
    problems,
    read_translation,
    sync_translation,
    translate_notebook,
    translation_path,
    write_translated_versions,
)
from deepfake_edu.lessons.student import PLACEHOLDERS, SOLUTION_TAG, TEACHER_TAG  # noqa: E402

FRENCH = LABS / "fr"
ENGLISH = sorted(LABS.glob("*.ipynb"))
SWITCH = language_switch("fr")


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


class _Blank(ast.NodeTransformer):
    """Strings lose their words; an f-string keeps its {fields} (their code, with the words of its
    strings taken out, and their formats) in any order: a translation may turn "{r} hidden" into
    "masqué : {r}"."""

    def visit_JoinedStr(self, node):
        fields = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                spec = ast.dump(value.format_spec) if value.format_spec is not None else ""
                fields.append(f"{ast.dump(self.visit(value.value))}!{value.conversion}:{spec}")
        return ast.Constant(value="<f-string " + " ".join(sorted(fields)) + ">")

    def visit_Constant(self, node):
        return ast.Constant(value="<text>") if isinstance(node.value, str) else node


def _blanked(source: str) -> str:
    """The code's syntax tree without the words of its strings (comments are not in it)."""
    return ast.dump(_Blank().visit(ast.parse(source)))


def test_every_english_notebook_has_a_french_version_and_a_translation():
    names = [p.name for p in ENGLISH]
    assert [p.name for p in sorted(FRENCH.glob("*.ipynb"))] == names, "run python labs/make_french_versions.py"
    assert [p.name for p in sorted((FRENCH / "student").glob("*.ipynb"))] == names, "run python labs/make_french_versions.py"
    translations = sorted(p.stem for p in (LABS / "translations" / "fr").glob("*.json"))
    assert translations == [p.stem for p in ENGLISH], "a translation file without its notebook, or a notebook without one"


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.stem)
def test_every_markdown_cell_has_a_fresh_french_translation(path):
    notebook = _read(path)
    translation = read_translation(translation_path(LABS, path.name, "fr"))
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        entry = translation.cells.get(cell_hash(cell.source))
        assert entry is not None, f"{path.name}, cell {cell.id}: no fresh translation; run python labs/make_french_versions.py"
        assert entry.kind == "markdown" and entry.en == cell.source and (entry.text or "").strip(), f"{path.name}, cell {cell.id}"
        assert entry.text != cell.source, f"{path.name}, cell {cell.id}: the 'translation' is the English"
    trouble = [p for p in problems(notebook, translation) if p.kind != "orphan"]
    assert not trouble, "\n\n".join(p.message for p in trouble)


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.stem)
def test_no_orphan_translations(path):
    orphans = [p for p in problems(_read(path), read_translation(translation_path(LABS, path.name, "fr"))) if p.kind == "orphan"]
    assert not orphans, "\n".join(p.message for p in orphans) + "\n(python labs/make_french_versions.py --sync drops them)"


def test_the_stored_french_notebooks_are_what_the_generator_writes(tmp_path):
    written = write_translated_versions(LABS, "fr", tmp_path)
    stored = sorted(FRENCH.glob("*.ipynb")) + sorted((FRENCH / "student").glob("*.ipynb"))
    assert sorted(p.relative_to(tmp_path) for p in written) == sorted(p.relative_to(FRENCH) for p in stored)
    for path in written:
        relative = path.relative_to(tmp_path)
        assert path.read_text(encoding="utf-8") == (FRENCH / relative).read_text(encoding="utf-8"), (
            f"labs/fr/{relative} is out of date: run python labs/make_french_versions.py"
        )


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.stem)
def test_french_code_is_the_english_code(path):
    english, french = _read(path), _read(FRENCH / path.name)
    nbformat.validate(french)
    assert french.metadata == english.metadata
    # Cell by cell, in the same order: a code cell missing, added or moved fails here.
    assert [(c.cell_type, c.id, _tags(c)) for c in french.cells] == [(c.cell_type, c.id, _tags(c)) for c in english.cells]
    code = [(en, fr) for en, fr in zip(english.cells, french.cells) if en.cell_type == "code"]
    assert code and code[0][1].source.startswith(SWITCH + "\n"), f"{path.name}: the first code cell must switch the library to French"
    assert sum(SWITCH in fr.source for _, fr in code) == 1
    assert not {SOLUTION_TAG, TEACHER_TAG} & set(_tags(code[0][1])), f"{path.name}: the switch must stay in the student version"
    for n, (en, fr) in enumerate(code):
        assert fr.outputs == [] and fr.execution_count is None, f"{path.name}: stored with outputs"
        source = fr.source.removeprefix(SWITCH + "\n") if n == 0 else fr.source
        assert _blanked(source) == _blanked(en.source), f"{path.name}, cell {en.id}: the code differs from the English, not only its words"
        for name in re.findall(r'check\("([\w.]+)"', en.source) + re.findall(r'quiz\("([\w.]+)"', en.source):
            assert name in fr.source, f"{path.name}, cell {en.id}: {name} changed"


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: p.stem)
def test_french_student_versions_lack_the_solutions_as_the_english_do(path):
    english, french = _read(LABS / "student" / path.name), _read(FRENCH / "student" / path.name)
    teacher = _read(FRENCH / path.name)
    assert [(c.cell_type, c.id, _tags(c)) for c in french.cells] == [(c.cell_type, c.id, _tags(c)) for c in english.cells]
    comment_en, markdown_en = PLACEHOLDERS["en"]
    comment_fr, markdown_fr = PLACEHOLDERS["fr"]
    assert SWITCH in next(c.source for c in french.cells if c.cell_type == "code"), f"{path.name}: the student version must speak French"
    for en, fr in zip(english.cells, french.cells):
        assert not {SOLUTION_TAG, TEACHER_TAG} & set(_tags(fr))
        if "answer" in _tags(en):
            expected = markdown_fr if en.cell_type == "markdown" else en.source.replace(comment_en, comment_fr)
            assert fr.source == expected, f"{path.name}, cell {en.id}"
    removed = [c for c in teacher.cells if {SOLUTION_TAG, TEACHER_TAG} & set(_tags(c))]
    assert removed, f"{path.name}: the teacher version has no answers to take out"
    student_text = "\n".join(c.source for c in french.cells)
    for cell in removed:
        if cell.cell_type == "code" and len(cell.source) > 40:
            assert cell.source not in student_text, f"{path.name}: the answer of cell {cell.id} is in the student version"
    teacher_ids = {c.id for c in teacher.cells if TEACHER_TAG in _tags(c)}
    assert not teacher_ids & {c.id for c in french.cells}


def _notebook(cells):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    return new_notebook(cells=[new_markdown_cell(s) if kind == "md" else new_code_cell(s) for kind, s in cells])


def test_a_changed_english_cell_makes_its_translation_stale():
    from deepfake_edu.errors import LabError
    from deepfake_edu.lessons.notebook_i18n import Entry, Translation

    intro = "# Lab 9\n\nThe funnel squeezes a face into a few numbers."
    code = 'STEPS = 3  # the same training for every width\nprint("steps left:", STEPS)'
    notebook = _notebook([("md", intro), ("code", code)])
    translation = Translation("09_x.ipynb", "fr", {
        cell_hash(intro): Entry("markdown", intro, text="# Labo 9\n\nL'entonnoir comprime un visage en quelques nombres."),
        cell_hash(code): Entry("code", code, replace=[("# the same training for every width", "# le même entraînement pour chaque largeur"),
                                                      ('"steps left:"', '"pas restants :"')]),
    })
    assert problems(notebook, translation) == []
    french = translate_notebook(notebook, translation)
    assert french.cells[1].source == SWITCH + '\nSTEPS = 3  # le même entraînement pour chaque largeur\nprint("pas restants :", STEPS)'

    changed = copy.deepcopy(notebook)
    changed.cells[0].source = intro.replace("a few numbers", "a short list of numbers")
    found = problems(changed, translation)
    assert [p.kind for p in found] == ["stale"] and "+The funnel squeezes a face into a short list of numbers." in found[0].message
    with pytest.raises(LabError, match="not in step"):
        translate_notebook(changed, translation)
    synced = sync_translation(changed, translation)
    entry = synced.cells[cell_hash(changed.cells[0].source)]
    assert entry.text is None and entry.previous["fr"] == ["# Labo 9", "", "L'entonnoir comprime un visage en quelques nombres."]
    assert [p.kind for p in problems(changed, synced)] == ["untranslated"]

    changed.cells[1].source = code.replace("STEPS = 3", "STEPS = 4")  # code changed: its replacements are to look at again
    assert "stale" in [p.kind for p in problems(changed, translation)]
    code_entry = sync_translation(changed, translation).cells[cell_hash(changed.cells[1].source)]
    assert code_entry.review and len(code_entry.replace) == 2

    changed.cells[1].source = "STEPS = 4\n"  # no words left: the old entry is an orphan, nothing to translate
    assert "orphan" in [p.kind for p in problems(changed, translation)]
    added = _notebook([("md", intro), ("code", code), ("code", "x = 1  # a new comment")])
    assert [p.kind for p in problems(added, translation)] == ["missing"]
    moved = Translation("09_x.ipynb", "fr", {**translation.cells, cell_hash(code): Entry("code", code, replace=[("# gone", "# parti")])})
    assert [p.kind for p in problems(notebook, moved)] == ["replace"]


def test_sync_then_generate_on_a_lab_folder(tmp_path):
    from deepfake_edu.errors import LabError
    from deepfake_edu.lessons.notebook_i18n import sync_translations

    labs = tmp_path / "labs"
    labs.mkdir()
    english = _notebook([("md", "# Lab 9\n\n12,288 numbers."), ("code", "answer = 12288  # the picture's numbers"),
                         ("code", 'check("funnel.input_numbers", answer)')])
    english.cells[1].metadata["tags"] = ["solution"]
    nbformat.write(english, labs / "09_x.ipynb")
    assert sync_translations(labs) == [translation_path(labs, "09_x.ipynb", "fr")]  # a new file, every entry to fill in
    with pytest.raises(LabError, match="still to translate"):
        write_translated_versions(labs)
    path = translation_path(labs, "09_x.ipynb", "fr")
    translation = read_translation(path)
    markdown, code = translation.cells.values()
    markdown.text = "# Labo 9\n\n12\u00a0288 nombres."
    code.replace, code.review = [("# the picture's numbers", "# les nombres de l'image")], False
    from deepfake_edu.lessons.notebook_i18n import write_translation

    write_translation(path, translation)
    assert "12\\u00a0288" in path.read_text(encoding="utf-8")  # a no-break space shows in the file
    assert sync_translations(labs) == []  # in step: nothing to change
    written = write_translated_versions(labs)
    assert [p.relative_to(labs).as_posix() for p in written] == ["fr/09_x.ipynb", "fr/student/09_x.ipynb"]
    teacher, student = _read(written[0]), _read(written[1])
    assert teacher.cells[0].source == "# Labo 9\n\n12\u00a0288 nombres."
    assert teacher.cells[1].source == "answer = 12288  # les nombres de l'image"
    assert student.cells[1].source == "answer = ...  # votre réponse ici"
    assert teacher.cells[2].source == student.cells[2].source == SWITCH + '\ncheck("funnel.input_numbers", answer)'  # not in an answer


def _executed(path: Path, lab_home_dir: Path, request, monkeypatch):
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell

    if "lab_assets" in _source(path):
        request.getfixturevalue("prepared_assets")
    monkeypatch.setenv("DEEPFAKE_EDU_FAST", "1")
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(lab_home_dir))
    monkeypatch.delenv("DEEPFAKE_EDU_LANG", raising=False)  # the notebook's own switch must do it
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = _read(path)
    notebook.cells.append(new_code_cell('from deepfake_edu.lessons import i18n as _i18n\nprint("language at the end:", _i18n.language())'))
    client = NotebookClient(notebook, timeout=NOTEBOOK_SECONDS, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    print(f"fr/{path.name}: {seconds:.1f} s in fast mode")
    assert seconds < NOTEBOOK_SECONDS, f"fr/{path.name} took {seconds:.0f} s in fast mode"
    return "\n".join(
        output.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs if output.get("output_type") == "stream"
    )


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("path", sorted(FRENCH.glob("*.ipynb")), ids=lambda p: p.stem)
def test_french_notebook_runs_in_fast_mode(path, lab_home, request, monkeypatch):  # noqa: F811  (lab_home: the imported fixture)
    outputs = _executed(path, lab_home, request, monkeypatch)
    assert "language at the end: fr" in outputs, f"fr/{path.name} did not switch the library to French"
    assert "✓" in outputs, f"fr/{path.name}: the teacher version's answers must pass their checks"
    assert "✗" not in outputs, f"fr/{path.name}: a teacher answer failed its check:\n{outputs[-2000:]}"
