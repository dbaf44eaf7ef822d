"""`deepfake-edu student-pack`: the notebooks a class gets, without the answers."""

from __future__ import annotations

import argparse

from deepfake_edu.cli_types import output_name


def register(sub: argparse._SubParsersAction) -> None:
    pack = sub.add_parser("student-pack", help="a zip of the notebooks without the answers, for students' laptops",
                          description="Write the student version of every lab notebook (solutions and teacher cells taken out), "
                                      "a short README and the glossary into one zip. The teacher notebooks and the guide stay "
                                      "with the teacher.")
    pack.add_argument("out", metavar="OUT.zip", type=output_name, help="the zip to write (refused if it exists)")
    pack.set_defaults(handler=_student_pack)


def _student_pack(args: argparse.Namespace) -> int:
    from deepfake_edu.lessons.student import labs_folder, write_student_pack

    out = write_student_pack(labs_folder(), args.out)
    print(f"wrote {out}: give it to the students; keep labs/ (the answers) and labs/TEACHER_GUIDE.md to yourself")
    return 0
