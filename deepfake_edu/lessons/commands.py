"""The lessons' commands: `deepfake-edu student-pack` (the notebooks a class gets, without the
answers) and `deepfake-edu class-results merge` (lab 7's study: every laptop's file into the class's)."""

from __future__ import annotations

import argparse

from deepfake_edu.cli_types import output_name


def register(sub: argparse._SubParsersAction) -> None:
    pack = sub.add_parser("student-pack", help="a zip of the notebooks without the answers, for students' laptops",
                          description="Write the student version of every lab notebook (solutions and teacher cells taken out), "
                                      "a short README and the glossary into one zip. The teacher notebooks and the guide stay "
                                      "with the teacher.")
    pack.add_argument("out", metavar="OUT.zip", type=output_name, help="the zip to write (refused if it exists)")
    pack.add_argument("--lang", choices=("en", "fr"), default=None,
                      help="the notebooks' language: en, or fr for the French notebooks of labs/fr (their own text, and the "
                           "library's checks and quizzes switched to French). Default: DEEPFAKE_EDU_LANG where set, else en")
    pack.set_defaults(handler=_student_pack)

    results = sub.add_parser("class-results", help="lab 7's human-versus-machine study: merge the laptops' results files",
                             description="Lab 7 writes one small results file per laptop (answers and face numbers only). "
                                         "Merge them into the class's result, then show it to the class.")
    actions = results.add_subparsers(dest="action", metavar="ACTION", required=True)
    merge = actions.add_parser("merge", help="merge laptops' results files into one class result",
                               description="Check every file first (damaged, the wrong kind, another study set, the same file "
                                           "twice: one line each), then write the class result atomically.")
    merge.add_argument("files", metavar="FILE.json", nargs="+", help="the laptops' results files")
    merge.add_argument("--out", metavar="CLASS.json", type=output_name, required=True, help="the class result to write (never over an input)")
    merge.set_defaults(handler=_merge_results)


def _student_pack(args: argparse.Namespace) -> int:
    from deepfake_edu.lessons import i18n
    from deepfake_edu.lessons.student import labs_folder, write_student_pack

    language = args.lang or i18n.language()
    out = write_student_pack(labs_folder(), args.out, language=language)
    notebooks = "labs/" if language == "en" else f"labs/{language}/ and labs/"
    print(f"wrote {out} ({i18n.LANGUAGES[language]}): give it to the students; "
          f"keep {notebooks} (the answers) and labs/TEACHER_GUIDE.md to yourself")
    return 0


def _merge_results(args: argparse.Namespace) -> int:
    from deepfake_edu.lessons.human_machine import describe_class, merge_results

    merged = merge_results(args.files, args.out)
    print(describe_class(merged))
    print(f"wrote {args.out}")
    return 0
