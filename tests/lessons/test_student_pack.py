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
