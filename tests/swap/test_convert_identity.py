"""Whose face a real-face fake shows: `swap apply` measures it against both people's training faces
(dlib identity embedding); twins runs are not measured (they have true answers)."""

import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.errors import LabError
from tests.real_pair import train_real_pair


@pytest.fixture
def lab_home(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def real_pair(lab_home, tmp_path):
    run = tmp_path / "run"
    return run, train_real_pair(run)


def test_apply_on_a_real_pair_prints_whose_face_it_is(real_pair, tmp_path, lab_home, capsys):
    from deepfake_edu.data.images import write_image
    from deepfake_edu.faces.identity import CACHE_NAME

    run, astronaut = real_pair
    photo = write_image(tmp_path / "ann.png", astronaut)
    assert main(["swap", "apply", str(photo), "--run", str(run), "--to", "ben", "--out", str(tmp_path / "fake.png"), "--device", "cpu"]) == 0
    lines = capsys.readouterr().out.splitlines()
    line = next(line for line in lines if line.startswith("whose face:"))
    assert "from ben (target)" in line and "from ann (source)" in line and "of 1 faces" in line
    for name in ("ann", "ben"):  # the means were cached inside each dataset, where `forget` finds them
        assert (lab_home / "datasets" / name / CACHE_NAME).is_file()


def test_the_library_report_for_the_demo(real_pair, tmp_path):
    from deepfake_edu.data.images import write_image
    from deepfake_edu.swap.convert import apply_swap, fake_identity_report
    from deepfake_edu.swap.train import load_swap_model

    run, astronaut = real_pair
    photo = write_image(tmp_path / "ann.png", astronaut)
    result = apply_swap(run, photo, "ben", tmp_path / "fake.png", device="cpu")
    report = result.identity
    assert report is not None and result.identity_note is None and report.faces == 1 and report.names == ("ann", "ben")
    assert np.isfinite(report.mean_to_source) and np.isfinite(report.mean_to_target) and report.gap > 0.6  # two people
    _, info = load_swap_model(run)
    from deepfake_edu.faces.align import align_face
    from deepfake_edu.faces.backends import get_backend

    real = align_face(astronaut, get_backend("dlib").detect(astronaut)[0], "swap", 128).image
    as_if_unswapped = fake_identity_report(info, "ben", [real])  # Ann's own face: closer to Ann, the source
    assert as_if_unswapped.share_closer_to_target == 0.0 and as_if_unswapped.mean_to_source < 0.6
    assert apply_swap(run, photo, "ben", tmp_path / "fake2.png", device="cpu", identity=False).identity is None


def test_without_dlib_the_fake_is_written_and_the_note_says_what_to_install(real_pair, tmp_path, capsys, monkeypatch):
    from deepfake_edu.data.images import write_image
    from deepfake_edu.faces.backends import dlib_backend

    run, astronaut = real_pair
    photo = write_image(tmp_path / "ann.png", astronaut)
    from deepfake_edu.swap import convert

    # The swap itself still finds the face with dlib; only the identity measure is told dlib is absent.
    monkeypatch.setattr(convert, "locator_for", lambda info, size, name=None: convert.real_faces_locator(max(64, size), "dlib"))
    monkeypatch.setattr(dlib_backend, "missing", lambda: f"dlib is not installed: {dlib_backend.INSTALL}")
    assert main(["swap", "apply", str(photo), "--run", str(run), "--to", "ben", "--out", str(tmp_path / "fake.png"), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "fake.png").exists()
    note = next(line for line in out.splitlines() if line.startswith("whose face: not measured"))
    assert 'pip install -e ".[faces]"' in note


def test_a_twins_run_is_not_measured(tiny_swap_run, tmp_path):
    from deepfake_edu.swap.convert import fake_identity_report
    from deepfake_edu.swap.train import load_swap_model

    _, info = load_swap_model(tiny_swap_run)
    with pytest.raises(LabError, match="twins run has true answers"):
        fake_identity_report(info, 1, [np.zeros((64, 64, 3), np.uint8)])


def test_a_fake_photo_of_real_people_says_whose_face_it_shows(real_pair, tmp_path, monkeypatch):
    """The demo's make-a-fake (swap.fakes) measures the swapped face it shows; without dlib it says why not."""
    from deepfake_edu.swap import convert
    from deepfake_edu.swap.fakes import make_fake_photo, training_faces
    from deepfake_edu.swap.train import load_swap_model

    run, _ = real_pair
    model, info = load_swap_model(run)
    faces = training_faces(model, info, limit=2)
    photo = make_fake_photo(model, info, faces, "ann -> ben", 0, tmp_path / "fake.png")
    assert photo.truth is None and photo.identity_note is None
    assert photo.identity.faces == 1 and photo.identity.names == ("ann", "ben") and photo.identity.gap > 0.6
    summary = photo.summary()
    assert f"{photo.identity.mean_to_target:.2f} from ben" in summary and f"{photo.identity.mean_to_source:.2f} from ann" in summary
    closer = "ben" if photo.identity.mean_to_target < photo.identity.mean_to_source else "ann"
    assert f"closer to **{closer}**" in summary

    def no_dlib(*args, **kwargs):
        raise LabError("dlib is not installed: pip install dlib-bin")

    monkeypatch.setattr(convert, "fake_identity_report", no_dlib)
    unmeasured = make_fake_photo(model, info, faces, "ben -> ann", 1, tmp_path / "fake2.png")
    assert unmeasured.identity is None and unmeasured.path.exists()
    assert "Whose face it shows: not measured (dlib is not installed: pip install dlib-bin)." in unmeasured.summary()
