"""The funnel experiment: one model per width, trained once, and a face squeezed through each."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.errors import LabError


def test_one_width_list_for_lab_1_and_the_demo():
    import nbformat

    from deepfake_edu.lessons.funnel import WIDTHS
    from deepfake_edu.swap.model import faceswap
    from tests.labs.test_notebooks import LABS

    assert WIDTHS == tuple(sorted(WIDTHS)) and faceswap("classroom").config.bottleneck in WIDTHS
    source = "\n".join(cell.source for cell in nbformat.read(LABS / "01_the_funnel.ipynb", as_version=4).cells)
    assert "from deepfake_edu.lessons.funnel import WIDTHS" in source and "WIDTHS = [" not in source


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A lab home with funnel models of widths 4 and 8 (2 steps each) on a tiny twins set."""
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.lessons.funnel import funnel_models

    home = tmp_path_factory.mktemp("funnel-home")
    twins = generate_twins_dataset(home / "datasets" / "twins", identities=2, per_identity=6, size=64, seed=0)
    widths = funnel_models((4, 8), twins=twins.root, home=home, steps=2, batch_size=4, progress=False)
    return home, widths, twins


def test_funnel_models_train_each_width_once(trained):
    from deepfake_edu.lessons.funnel import funnel_dir, funnel_models, trained_widths

    home, widths, twins = trained
    assert widths == {4: funnel_dir(home, 4), 8: funnel_dir(home, 8)} == trained_widths(home)
    stamps = {w: sorted(p.stat().st_mtime_ns for p in folder.rglob("*.safetensors")) for w, folder in widths.items()}
    funnel_models((4, 8), twins=twins.root, home=home, steps=2, batch_size=4, progress=False)  # nothing to do
    assert stamps == {w: sorted(p.stat().st_mtime_ns for p in folder.rglob("*.safetensors")) for w, folder in widths.items()}


def test_a_face_goes_through_the_chosen_funnel(trained):
    from deepfake_edu.lessons.funnel import FACE_SIZE, describe_layers, draw_funnel, funnel_faces, rebuild_face
    from deepfake_edu.swap.train import load_swap_model

    home, widths, twins = trained
    faces = funnel_faces(twins, "twin-01", limit=3)
    assert faces.shape == (3, FACE_SIZE, FACE_SIZE, 3)
    views = {w: rebuild_face(*load_swap_model(folder), faces[1], "twin-01") for w, folder in widths.items()}
    narrow = views[4]
    assert narrow.original.shape == narrow.rebuilt.shape == (FACE_SIZE, FACE_SIZE, 3) and np.array_equal(narrow.original, faces[1])
    assert narrow.width == 4 and narrow.steps == 2 and 0 < narrow.mse < 1 and -1 <= narrow.ssim <= 1
    assert {row["name"]: row for row in narrow.layers}["encoder bottleneck"]["shape"] == (4,)
    assert not np.array_equal(views[4].rebuilt, views[8].rebuilt)  # two models, two rebuilt faces
    assert "**4 numbers**" in narrow.summary() and narrow.funnel is None
    assert draw_funnel(narrow.layers).ndim == 3 and "| encoder bottleneck | 4 |" in describe_layers(narrow.layers)
    with pytest.raises(LabError, match="funnel models know twin-00, twin-01"):
        funnel_faces(twins, "twin-02")
