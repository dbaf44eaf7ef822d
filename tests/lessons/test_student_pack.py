"""The student pack: every notebook without its answers, and nothing of the teacher's."""

from __future__ import annotations

import json
import zipfile

import pytest

from deepfake_edu.cli import main
from deepfake_edu.errors import LabError
from deepfake_edu.lessons.student import SOLUTION_TAG, TEACHER_TAG, labs_folder, write_student_pack


def test_the_pack_holds_every_notebook_and_no_answer(tmp_path):
    out = write_student_pack(labs_folder(), tmp_path / "pack.zip")
    with zipfile.ZipFile(out) as pack:
        names = pack.namelist()
        notebooks = [n for n in names if n.endswith(".ipynb")]
        assert len(notebooks) == len(list(labs_folder().glob("*.ipynb"))) >= 8
        assert not any("TEACHER" in n.upper() for n in names)
        for name in notebooks:
            cells = json.loads(pack.read(name))["cells"]
            tags = {tag for cell in cells for tag in cell.get("metadata", {}).get("tags", [])}
            assert SOLUTION_TAG not in tags and TEACHER_TAG not in tags, name
    # The teacher notebooks do hold answers: the pack took them out (this test would pass on an empty pack otherwise).
    teacher = json.loads((labs_folder() / "02_the_swap.ipynb").read_text(encoding="utf-8"))["cells"]
    assert any(SOLUTION_TAG in cell.get("metadata", {}).get("tags", []) for cell in teacher)


def test_the_pack_never_replaces_a_file(tmp_path):
    existing = tmp_path / "pack.zip"
    existing.write_bytes(b"the teacher's own file")
    with pytest.raises(LabError, match="exists"):
        write_student_pack(labs_folder(), existing)
    assert existing.read_bytes() == b"the teacher's own file"


def test_the_pack_refuses_other_names_and_folders_without_notebooks(tmp_path):
    with pytest.raises(LabError, match=r"\.zip"):
        write_student_pack(labs_folder(), tmp_path / "pack.tar")
    with pytest.raises(LabError, match="no lab notebooks"):
        write_student_pack(tmp_path, tmp_path / "pack.zip")


def test_the_command_writes_the_pack(tmp_path, capsys):
    assert main(["student-pack", str(tmp_path / "class.zip")]) == 0
    assert "give it to the students" in capsys.readouterr().out and (tmp_path / "class.zip").stat().st_size > 0
    assert main(["student-pack", str(tmp_path / "class.zip")]) == 2


def test_the_french_pack_holds_the_french_student_notebooks(tmp_path):
    french = labs_folder() / "fr"
    out = write_student_pack(labs_folder(), tmp_path / "classe.zip", language="fr")
    with zipfile.ZipFile(out) as pack:
        names = pack.namelist()
        notebooks = sorted(n for n in names if n.endswith(".ipynb"))
        assert [n.split("/")[-1] for n in notebooks] == sorted(p.name for p in labs_folder().glob("*.ipynb"))
        for name in notebooks:
            # Made fresh from labs/fr, so the same as the stored French student versions (tests/labs/test_notebooks_fr.py).
            assert pack.read(name).decode("utf-8") == (french / "student" / name.split("/")[-1]).read_text(encoding="utf-8")
            cells = json.loads(pack.read(name))["cells"]
            code = [cell for cell in cells if cell["cell_type"] == "code"]
            assert 'i18n.set_language("fr")' in "".join(code[0]["source"]), name
            tags = {tag for cell in cells for tag in cell.get("metadata", {}).get("tags", [])}
            assert SOLUTION_TAG not in tags and TEACHER_TAG not in tags, name
        assert "les notebooks de l'élève" in pack.read("deepfake-edu-student/README.md").decode("utf-8")
        assert "deepfake-edu-student/GLOSSARY.md" in names and not any("TEACHER" in n.upper() for n in names)


def test_the_command_writes_the_french_pack(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DEEPFAKE_EDU_LANG", raising=False)
    assert main(["student-pack", str(tmp_path / "classe.zip"), "--lang", "fr"]) == 0
    assert "(français): give it to the students" in capsys.readouterr().out
    with zipfile.ZipFile(tmp_path / "classe.zip") as pack:
        assert "votre réponse ici" in pack.read("deepfake-edu-student/01_the_funnel.ipynb").decode("utf-8")
    monkeypatch.setenv("DEEPFAKE_EDU_LANG", "fr")  # the teacher's language is the default
    assert main(["student-pack", str(tmp_path / "par-defaut.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "par-defaut.zip") as pack:
        assert "votre réponse ici" in pack.read("deepfake-edu-student/01_the_funnel.ipynb").decode("utf-8")
    assert main(["student-pack", str(tmp_path / "english.zip"), "--lang", "en"]) == 0
    with zipfile.ZipFile(tmp_path / "english.zip") as pack:
        assert "your answer here" in pack.read("deepfake-edu-student/01_the_funnel.ipynb").decode("utf-8")
    assert main(["student-pack", str(tmp_path / "other.zip"), "--lang", "de"]) == 2 and not (tmp_path / "other.zip").exists()
