"""Student versions of the lab notebooks: the teacher's notebook with its solutions taken out.

A cell tagged "solution" (cell metadata "tags") is replaced by a placeholder: in a code cell,
every line ``name = ...`` keeps its name and gets ``...`` as the value, so the notebook still runs
and the check below it says "fill in your answer"; other code becomes "# your answer here". A
markdown solution becomes an invitation to write. Cells tagged "teacher" are dropped. The French
notebooks (``labs/fr``, made by ``lessons.notebook_i18n``) go through the same code, with the
placeholders in French (``language="fr"``).

    python labs/make_student_versions.py            # writes labs/student/*.ipynb
    python labs/make_french_versions.py             # writes labs/fr/*.ipynb and labs/fr/student/*.ipynb
"""

from __future__ import annotations

import re
from pathlib import Path

SOLUTION_TAG = "solution"
TEACHER_TAG = "teacher"
ASSIGNMENT = re.compile(r"^(?P<indent>\s*)(?P<name>[A-Za-z_][A-Za-z_0-9]*)\s*=(?!=)")
PLACEHOLDER_MARKDOWN = "*Write your answer here.*"
# What an answer cell becomes, by language: the comment after ``name = ...``, and a markdown answer.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "en": ("# your answer here", PLACEHOLDER_MARKDOWN),
    "fr": ("# votre réponse ici", "*Écrivez votre réponse ici.*"),
}


def _placeholders(language: str) -> tuple[str, str]:
    from deepfake_edu.errors import LabError

    if language not in PLACEHOLDERS:
        raise LabError(f"no student versions in {language!r}; the languages: {', '.join(PLACEHOLDERS)}")
    return PLACEHOLDERS[language]


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def placeholder_code(source: str, language: str = "en") -> str:
    """``answer = 12288 / 256`` -> ``answer = ...  # your answer here``; anything else: a comment line."""
    comment = _placeholders(language)[0]
    lines = []
    for line in source.splitlines():
        match = ASSIGNMENT.match(line)
        if match and not line.lstrip().startswith("#"):
            lines.append(f"{match['indent']}{match['name']} = ...  {comment}")
    return "\n".join(dict.fromkeys(lines)) if lines else f"{comment}\n..."


def student_notebook(notebook, language: str = "en"):
    """A copy of an nbformat v4 notebook with solutions replaced and teacher cells removed; the
    placeholders in ``language`` (the notebook's own: "en", or "fr" for labs/fr)."""
    import copy

    import nbformat

    markdown_placeholder = _placeholders(language)[1]
    result = copy.deepcopy(notebook)
    cells = []
    for cell in result.cells:
        tags = _tags(cell)
        if TEACHER_TAG in tags:
            continue
        if SOLUTION_TAG in tags:
            metadata = {"tags": ["answer"]}
            if cell.cell_type == "code":
                new = nbformat.v4.new_code_cell(placeholder_code(cell.source, language), metadata=metadata)
            else:
                new = nbformat.v4.new_markdown_cell(markdown_placeholder, metadata=metadata)
            new.id = cell.get("id", new.id)
            cells.append(new)
        else:
            cells.append(cell)
    result.cells = cells
    return result


def write_student_versions(labs_dir: str | Path, out_dir: str | Path | None = None, language: str = "en") -> list[Path]:
    """Write a student version of every labs_dir/*.ipynb into out_dir (default labs_dir/student),
    with the placeholders in the notebooks' ``language``."""
    import nbformat

    labs_dir = Path(labs_dir)
    out_dir = Path(out_dir) if out_dir is not None else labs_dir / "student"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(labs_dir.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        target = out_dir / path.name
        text = nbformat.writes(student_notebook(notebook, language)) + "\n"
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


STUDENT_README = """# deepfake-edu: the student notebooks

Open these notebooks in Jupyter (your teacher will show you how) and work from 00 to 08.
Cells marked "your answer here" are yours to fill in; the check under each one tells you
whether you are right, and gives a hint when you are not.

These notebooks carry no answers. Your teacher has the answers and a guide.
"""
STUDENT_READMES = {
    "en": STUDENT_README,
    "fr": """# deepfake-edu : les notebooks de l'élève

Ouvrez ces notebooks dans Jupyter (votre professeur vous montrera comment) et avancez de 00 à 08.
Les cellules marquées « votre réponse ici » sont à compléter : la vérification placée juste en
dessous vous dit si vous avez juste et, sinon, vous donne un indice.

Ces notebooks ne contiennent aucune réponse. C'est votre professeur qui a les corrigés et le guide.
""",
}
PACK_EXTRAS = ("GLOSSARY.md",)  # the labs' files, besides the notebooks, that a student may read


def pack_notebooks(labs_dir: str | Path, language: str = "en") -> list[Path]:
    """The teacher notebooks a pack in ``language`` is made from: ``labs_dir/*.ipynb`` in English,
    the translated ones (``labs_dir/<language>/*.ipynb``, see ``lessons.notebook_i18n``) otherwise."""
    folder = Path(labs_dir) if language == "en" else Path(labs_dir) / language
    return sorted(folder.glob("*.ipynb"))


def write_student_pack(labs_dir: str | Path, out: str | Path, language: str = "en") -> Path:
    """A zip for students' laptops: the student version of every teacher notebook in ``language``
    (``pack_notebooks``), made fresh from them, with a short README in that language and the
    glossary (the language's own when it has one, else the English), and nothing of the teacher's
    (no solution or teacher cells, no guide). Written atomically; an existing ``out`` is refused.
    Returns ``out``."""
    import zipfile

    import nbformat

    from deepfake_edu.errors import LabError
    from deepfake_edu.fileio import atomic_path, check_output_file

    _placeholders(language)
    labs_dir, out = Path(labs_dir), Path(out)
    notebooks = pack_notebooks(labs_dir, language)
    if not notebooks:
        where = labs_dir if language == "en" else labs_dir / language
        raise LabError(f"no lab notebooks in {where}: make the pack from the lab's own folder (a clone of the project)")
    check_output_file(out, (".zip",))
    if out.exists():
        raise LabError(f"{out} exists: choose a new name or delete it first")
    with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for path in notebooks:
            student = student_notebook(nbformat.read(path, as_version=4), language)
            pack.writestr(f"deepfake-edu-student/{path.name}", nbformat.writes(student) + "\n")
        pack.writestr("deepfake-edu-student/README.md", STUDENT_READMES.get(language, STUDENT_README))
        for name in PACK_EXTRAS:
            for source in (notebooks[0].parent / name, labs_dir / name):
                if source.is_file():
                    pack.write(source, f"deepfake-edu-student/{name}")
                    break
    return out


def labs_folder() -> Path:
    """The project's labs/ folder beside the package (a clone or an editable install)."""
    return Path(__file__).resolve().parents[2] / "labs"
