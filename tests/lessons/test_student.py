from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from deepfake_edu.lessons.student import placeholder_code, student_notebook, write_student_versions


def _teacher_notebook():
    cells = [
        new_markdown_cell("# Lab"),
        new_code_cell("from deepfake_edu.lessons import check"),
        new_code_cell("import math\nanswer = 64 * 64 * 3\nratio = answer / 256\nanswer = int(answer)", metadata={"tags": ["solution"]}),
        new_code_cell('check("funnel.input_numbers", answer)'),
        new_markdown_cell("The answer is 12,288.", metadata={"tags": ["solution"]}),
        new_markdown_cell("For the teacher only.", metadata={"tags": ["teacher"]}),
    ]
    return new_notebook(cells=cells)


def test_solutions_become_placeholders_that_still_run():
    student = student_notebook(_teacher_notebook())
    sources = [cell.source for cell in student.cells]
    assert "answer = ...  # your answer here\nratio = ...  # your answer here" in sources
    assert all("64 * 64" not in s and "12,288" not in s and "teacher only" not in s for s in sources)
    assert 'check("funnel.input_numbers", answer)' in sources  # the check stays
    namespace: dict = {}
    exec(sources[2], namespace)
    assert namespace["answer"] is Ellipsis


def test_placeholder_for_code_without_assignment():
    assert placeholder_code("print(42)") == "# your answer here\n..."
    assert placeholder_code("if x == 3:\n    pass") == "# your answer here\n..."


def test_write_student_versions_is_deterministic(tmp_path):
    labs = tmp_path / "labs"
    labs.mkdir()
    nbformat.write(_teacher_notebook(), labs / "01_x.ipynb")
    first = write_student_versions(labs, tmp_path / "a")[0].read_text()
    second = write_student_versions(labs, tmp_path / "b")[0].read_text()
    assert first == second and "solution" not in first


def test_french_student_versions_get_french_placeholders(tmp_path):
    student = student_notebook(_teacher_notebook(), language="fr")
    sources = [cell.source for cell in student.cells]
    assert "answer = ...  # votre réponse ici\nratio = ...  # votre réponse ici" in sources
    assert "*Écrivez votre réponse ici.*" in sources and not any("your answer" in s.lower() for s in sources)
    assert placeholder_code("print(42)", "fr") == "# votre réponse ici\n..."
    # The same cells go as in English: only the placeholders' words differ.
    english = student_notebook(_teacher_notebook())
    assert [(c.cell_type, c.metadata.get("tags")) for c in student.cells] == [(c.cell_type, c.metadata.get("tags")) for c in english.cells]
    labs = tmp_path / "labs"
    labs.mkdir()
    nbformat.write(_teacher_notebook(), labs / "01_x.ipynb")
    assert "# votre réponse ici" in write_student_versions(labs, tmp_path / "fr", language="fr")[0].read_text(encoding="utf-8")


def test_a_language_without_placeholders_is_refused():
    import pytest

    from deepfake_edu.errors import LabError

    with pytest.raises(LabError, match="no student versions in 'de'"):
        student_notebook(_teacher_notebook(), language="de")
