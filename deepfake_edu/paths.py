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


def ledger_path() -> Path:
    return lab_home() / LEDGER_NAME


def default_output(name: str) -> Path:
    """``outputs/<name>`` under the home: where a command writes when no --out is given."""
    return outputs_dir() / name
