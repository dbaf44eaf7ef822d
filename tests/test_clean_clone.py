"""Using the lab leaves a clone's `git status` clean.

Everything the lab writes lies under its home (deepfake_edu/paths.py), in the folders that the
clone's .gitignore lists. The test builds a stand-in clone (the project's .gitignore, a dataset
card, the labs folder), makes it the lab home and the working folder, uses the demo, the tour and
a notebook there, and asks git what changed: nothing may show, in it or in the real clone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def git(folder: Path, *arguments: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *arguments], capture_output=True, text=True, check=True)
    return done.stdout


def status(folder: Path) -> str:
    return git(folder, "status", "--porcelain", "--untracked-files=all")


@pytest.fixture
def clone(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path / "clone"
    (folder / "datasets").mkdir(parents=True)
    shutil.copy(ROOT / ".gitignore", folder / ".gitignore")
    shutil.copy(ROOT / "datasets" / "TWINS.md", folder / "datasets" / "TWINS.md")
    shutil.copytree(ROOT / "labs", folder / "labs", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-q", "-m", "clone")
    return folder


def test_the_default_home_is_the_clone_the_package_runs_from(monkeypatch):
    from deepfake_edu import paths

    monkeypatch.delenv(paths.HOME_VARIABLE, raising=False)
    if paths.source_checkout() is None:
        pytest.skip("the package is installed without its clone")
    assert paths.lab_home() == ROOT  # the demo, the CLI and the notebooks in labs/ share one home
    monkeypatch.chdir(ROOT / "labs")
    assert paths.lab_home() == ROOT and paths.outputs_dir() == ROOT / "outputs"


@pytest.mark.notebook
def test_the_demo_the_tour_and_a_notebook_leave_git_status_clean(clone, tmp_path, monkeypatch):
    from nbclient import NotebookClient
    import nbformat
    from skimage import data

    from deepfake_edu.data.images import write_image
    from deepfake_edu.demo import logic
    from deepfake_edu.lab.tour import run_tour
    from tests.demo.conftest import make_small_lab

    real_clone_before = status(ROOT) if (ROOT / ".git").exists() else None
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(clone))
    monkeypatch.setenv("DEEPFAKE_EDU_FAST", "1")
    monkeypatch.chdir(clone)

    assets = make_small_lab(clone)
    run_tour(minutes=0.5, frames=6, progress=False)

    lab = logic.DemoLab(assets)
    run = next(iter(lab.swap_runs()))
    direction = logic.fake_directions(lab, run)[0]
    logic.make_fake(lab, run, direction, 1)
    logic.make_fake_clip(lab, run, direction, frames=6)
    photo = write_image(tmp_path / "upload" / "astronaut.png", data.astronaut())  # an upload lives outside the clone
    logic.catch_fake(lab, photo, next(iter(lab.detectors())))
    number = logic.quiz_question(lab)[1]
    logic.quiz_answer(lab, number, "fake")

    notebook = nbformat.read(clone / "labs" / "07_thinking_critically.ipynb", as_version=4)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(clone / "labs")}}).execute()

    assert (clone / "outputs").is_dir()  # the lab did write: the demo's fakes, the tour's clips
    assert status(clone) == "", "the lab wrote files that git would show (list them in .gitignore, or write under the lab home):\n" + status(clone)
    if real_clone_before is not None:
        assert status(ROOT) == real_clone_before, "using the lab changed the real clone"
