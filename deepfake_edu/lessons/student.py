"""Student versions of the lab notebooks: the teacher's notebook with its solutions taken out.

A cell tagged "solution" (cell metadata "tags") is replaced by a placeholder: in a code cell,
every line ``name = ...`` keeps its name and gets ``...`` as the value, so the notebook still runs
and the check below it says "fill in your answer"; other code becomes "# your answer here". A
markdown solution becomes an invitation to write. Cells tagged "teacher" are dropped.

    python labs/make_student_versions.py            # writes labs/student/*.ipynb
"""

from __future__ import annotations

import re
from pathlib import Path

SOLUTION_TAG = "solution"
TEACHER_TAG = "teacher"
ASSIGNMENT = re.compile(r"^(?P<indent>\s*)(?P<name>[A-Za-z_][A-Za-z_0-9]*)\s*=(?!=)")
PLACEHOLDER_MARKDOWN = "*Write your answer here.*"


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def placeholder_code(source: str) -> str:
    """``answer = 12288 / 256`` -> ``answer = ...  # your answer here``; anything else: a comment line."""
    lines = []
    for line in source.splitlines():
        match = ASSIGNMENT.match(line)
        if match and not line.lstrip().startswith("#"):
            lines.append(f"{match['indent']}{match['name']} = ...  # your answer here")
    return "\n".join(dict.fromkeys(lines)) if lines else "# your answer here\n..."


def student_notebook(notebook):
    """A copy of an nbformat v4 notebook with solutions replaced and teacher cells removed."""
    import copy

    import nbformat

    result = copy.deepcopy(notebook)
    cells = []
    for cell in result.cells:
        tags = _tags(cell)
        if TEACHER_TAG in tags:
            continue
        if SOLUTION_TAG in tags:
            metadata = {"tags": ["answer"]}
            if cell.cell_type == "code":
                new = nbformat.v4.new_code_cell(placeholder_code(cell.source), metadata=metadata)
            else:
                new = nbformat.v4.new_markdown_cell(PLACEHOLDER_MARKDOWN, metadata=metadata)
            new.id = cell.get("id", new.id)
            cells.append(new)
        else:
            cells.append(cell)
    result.cells = cells
    return result


def write_student_versions(labs_dir: str | Path, out_dir: str | Path | None = None) -> list[Path]:
    """Write a student version of every labs_dir/*.ipynb into out_dir (default labs_dir/student)."""
    import nbformat

    labs_dir = Path(labs_dir)
    out_dir = Path(out_dir) if out_dir is not None else labs_dir / "student"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(labs_dir.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        target = out_dir / path.name
        text = nbformat.writes(student_notebook(notebook)) + "\n"
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


STUDENT_README = """# deepfake-edu: the student notebooks

Open these notebooks in Jupyter (your teacher will show you how) and work from 00 to 08.
Cells marked "your answer here" are yours to fill in; the check under each one tells you
whether you are right, and gives a hint when you are not.

These notebooks carry no answers. Your teacher has the answers and a guide.
"""
PACK_EXTRAS = ("GLOSSARY.md",)  # the labs' files, besides the notebooks, that a student may read


def write_student_pack(labs_dir: str | Path, out: str | Path) -> Path:
    """A zip for students' laptops: the student version of every ``labs_dir/*.ipynb``, made
    fresh from the teacher notebooks, with a short README and the glossary (when present), and
    nothing of the teacher's (no solution or teacher cells, no guide). Written atomically; an
    existing ``out`` is refused. Returns ``out``."""
    import zipfile

    import nbformat

    from deepfake_edu.errors import LabError
    from deepfake_edu.fileio import atomic_path, check_output_file

    labs_dir, out = Path(labs_dir), Path(out)
    notebooks = sorted(labs_dir.glob("*.ipynb"))
    if not notebooks:
        raise LabError(f"no lab notebooks in {labs_dir}: make the pack from the lab's own folder (a clone of the project)")
    check_output_file(out, (".zip",))
    if out.exists():
        raise LabError(f"{out} exists: choose a new name or delete it first")
    with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for path in notebooks:
            pack.writestr(f"deepfake-edu-student/{path.name}", nbformat.writes(student_notebook(nbformat.read(path, as_version=4))) + "\n")
        pack.writestr("deepfake-edu-student/README.md", STUDENT_README)
        for name in PACK_EXTRAS:
            if (labs_dir / name).is_file():
                pack.write(labs_dir / name, f"deepfake-edu-student/{name}")
    return out


def labs_folder() -> Path:
    """The project's labs/ folder beside the package (a clone or an editable install)."""
    return Path(__file__).resolve().parents[2] / "labs"
