"""Every lab notebook runs headless in fast mode (DEEPFAKE_EDU_FAST=1), is stored without outputs,
and agrees with its student version.

The notebooks run in one shared, temporary lab home (DEEPFAKE_EDU_HOME), so the lab's prepared
assets are made once for all of them. ``pytest --nbmake labs/*.ipynb`` runs them too (with the
package installed, or PYTHONPATH set to the repository's root).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[2]
LABS = ROOT / "labs"
SHARED_WEIGHTS = ROOT / ".." / "shared" / "mesonet-original" / "weights" / "Meso4_DF.h5"
NOTEBOOKS = sorted(LABS.glob("*.ipynb"))
NOTEBOOK_SECONDS = 120  # fast mode must run each notebook well inside this


def _source(path: Path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


@pytest.fixture(scope="session")
def lab_home(tmp_path_factory) -> Path:
    """One lab home for every notebook; the MesoNet authors' weights linked in when ../shared has them."""
    home = tmp_path_factory.mktemp("lab-home")
    if SHARED_WEIGHTS.is_file():
        (home / "models" / "keras").mkdir(parents=True)
        (home / "models" / "keras" / SHARED_WEIGHTS.name).symlink_to(SHARED_WEIGHTS.resolve())
    return home


@pytest.fixture(scope="session")
def prepared_assets(lab_home):
    """Make the fast lab assets once, outside any notebook's time budget."""
    saved = {key: os.environ.get(key) for key in ("DEEPFAKE_EDU_HOME", "DEEPFAKE_EDU_FAST")}
    os.environ.update(DEEPFAKE_EDU_HOME=str(lab_home), DEEPFAKE_EDU_FAST="1")
    try:
        from deepfake_edu.lessons.assets import lab_assets

        return lab_assets(progress=False)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_there_are_nine_labs():
    assert [p.name[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(9)]  # 08: predict, run, explain


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_valid_and_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs before committing"
    first = notebook.cells[0].source
    for part in ("What you will learn", "Time needed", "Ethics note"):
        assert part in first, f"{path.name} must open with its learning goals, time needed and an ethics note"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_names_only_existing_checks_and_quizzes(path):
    from deepfake_edu.lessons.checks import CHECKS
    from deepfake_edu.lessons.quiz import QUIZZES

    source = _source(path)
    for name in re.findall(r'check\("([\w.]+)"', source):
        assert name in CHECKS, f"{path.name} checks an unknown exercise {name!r}"
    for name in re.findall(r'quiz\("([\w.]+)"', source):
        assert name in QUIZZES, f"{path.name} asks an unknown quiz {name!r}"


def test_student_versions_match_the_teacher_versions(tmp_path):
    from deepfake_edu.lessons.student import write_student_versions

    written = write_student_versions(LABS, tmp_path)
    committed = LABS / "student"
    assert sorted(p.name for p in written) == sorted(p.name for p in committed.glob("*.ipynb")), "run python labs/make_student_versions.py"
    for path in written:
        assert path.read_text(encoding="utf-8") == (committed / path.name).read_text(encoding="utf-8"), (
            f"labs/student/{path.name} is out of date: run python labs/make_student_versions.py"
        )
        assert "solution" not in {tag for cell in nbformat.read(path, as_version=4).cells for tag in cell.metadata.get("tags", [])}


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_fast_mode(path, lab_home, request, monkeypatch):
    from nbclient import NotebookClient

    source = _source(path)
    if "lab_assets" in source:
        request.getfixturevalue("prepared_assets")
    monkeypatch.setenv("DEEPFAKE_EDU_FAST", "1")
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(lab_home))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=NOTEBOOK_SECONDS, kernel_name="python3", resources={"metadata": {"path": str(LABS)}})
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    print(f"{path.name}: {seconds:.1f} s in fast mode")
    assert seconds < NOTEBOOK_SECONDS, f"{path.name} took {seconds:.0f} s in fast mode"
    outputs = "\n".join(
        output.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs if output.get("output_type") == "stream"
    )
    assert "✓" in outputs, f"{path.name}: the teacher version's answers must pass their checks"
    assert "✗" not in outputs, f"{path.name}: a teacher answer failed its check:\n{outputs[-2000:]}"
