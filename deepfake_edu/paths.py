"""Where the lab keeps what it writes: datasets/, runs/, models/, outputs/ under one home folder.

The home is ``$DEEPFAKE_EDU_HOME`` when set. Otherwise it is the lab's own folder when the
package runs from a clone (``pip install -e .``): the demo, the command line and the notebooks
(whose working folder is ``labs/`` or ``labs/student/``) then share one prepared lab, whatever
folder they were started from. An installed copy with no clone uses ``~/deepfake-edu``.

Everything the lab writes by default lies under the home, in the folders this module names;
the clone's ``.gitignore`` lists exactly these, so using the lab leaves ``git status`` clean
(a test checks it).
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_VARIABLE = "DEEPFAKE_EDU_HOME"
LEDGER_NAME = "outputs.jsonl"  # the forget ledger: every file the lab made, and whose faces it used


def source_checkout() -> Path | None:
    """The clone this package runs from (the folder with pyproject.toml and datasets/), if any."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "datasets").is_dir() and (root / "deepfake_edu").is_dir():
        return root
    return None


def lab_home() -> Path:
    chosen = os.environ.get(HOME_VARIABLE)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return source_checkout() or (Path.home() / "deepfake-edu")


def datasets_dir() -> Path:
    return lab_home() / "datasets"


def runs_dir() -> Path:
    """Training runs: checkpoints, previews, loss history."""
    return lab_home() / "runs"


def models_dir() -> Path:
    """Ready models: imported weights and the demo's prepared models."""
    return lab_home() / "models"


def outputs_dir() -> Path:
    """What the lab makes for people: the demo's fakes and pictures, the tour's clips, studies, heatmaps."""
    return lab_home() / "outputs"


# The lab's prepared assets (``deepfake_edu.lab.prepare_lab`` makes them), named here so that any
# capability can find them without importing the lab, which sits above every capability.
LAB_TWINS = "twins-lab"  # datasets/: 128 px twins, 8 invented people
LAB_SWAP_RUN = "swap-lab"  # runs/: the classroom face-swap model of twin-00 and twin-01
LAB_REALFAKE = "twins-realfake"  # datasets/: 256 px real twins and the same frames swapped
LAB_PRIOR = "face-prior"  # models/: the shared encoder and a generic decoder pretrained on hundreds of twins
LAB_DETECTOR = "meso4-twins"  # models/: Meso-4 trained on that set, twins 06 and 07 held out
LAB_HELD_OUT = ("twin-06", "twin-07")  # the people the lab's detector never sees while it learns


def lab_folders() -> list[Path]:
    """Every folder the lab writes into under the home (what ``fileio.sweep_stale`` looks through)."""
    return [datasets_dir(), runs_dir(), models_dir(), outputs_dir()]


def ledger_path() -> Path:
    return lab_home() / LEDGER_NAME


def default_output(name: str) -> Path:
    """``outputs/<name>`` under the home: where a command writes when no --out is given."""
    return outputs_dir() / name
