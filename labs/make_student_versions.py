"""Write the student versions of the lab notebooks (solutions taken out) into labs/student/.

Run from the lab's folder after changing a notebook:  python labs/make_student_versions.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a clone without installing

from deepfake_edu.lessons.student import write_student_versions  # noqa: E402

if __name__ == "__main__":
    for path in write_student_versions(Path(__file__).resolve().parent):
        print("wrote", path)
