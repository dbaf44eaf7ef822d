"""Write the French lab notebooks into labs/fr/ (teacher versions) and labs/fr/student/ (student
versions), from the English notebooks and labs/translations/fr/*.json.

Run from the lab's folder after changing a notebook (and after make_student_versions.py):

    python labs/make_french_versions.py           # refuses, listing them, while a translation is out of step
    python labs/make_french_versions.py --sync    # then: each changed cell's new English beside its old
                                                  # translation, in labs/translations/fr/, to finish by hand
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a clone without installing

from deepfake_edu.errors import LabError  # noqa: E402
from deepfake_edu.lessons.notebook_i18n import sync_translations, write_translated_versions  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sync", action="store_true", help="bring the translation files in the notebooks' order and mark what changed")
    args = parser.parse_args()
    labs = Path(__file__).resolve().parent
    if args.sync:
        for path in sync_translations(labs, "fr"):
            print("updated", path)
    try:
        for path in write_translated_versions(labs, "fr"):
            print("wrote", path)
    except LabError as error:
        sys.exit(str(error))
