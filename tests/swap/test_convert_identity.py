"""Whose face a real-face fake shows: `swap apply` measures it against both people's training faces
(dlib identity embedding); twins runs are not measured (they have true answers)."""

import cv2
import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.errors import LabError

CONSENT = "Test photos shipped with scikit-image and matplotlib, used for the lab's tests"


@pytest.fixture
def lab_home(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _need_dlib():
    from deepfake_edu.faces.backends import dlib_backend

    if not dlib_backend.available():
        pytest.skip(dlib_backend.missing())


def _person(name: str, picture: np.ndarray) -> None:
    """datasets/NAME: the photo at four sizes, as one person's swap crops."""
    from deepfake_edu.faces.extract import ExtractOptions, consent_record, extract_faces, save_extraction

    frames = [cv2.resize(picture, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) for f in (1.0, 0.95, 0.9, 0.85)]
    extraction = extract_faces(iter(frames), ExtractOptions(backend="dlib", duplicate_distance=0.0, detect_every=1))
    assert len(extraction.records) == 4
    save_extraction(name, extraction, consent_record(CONSENT, "test photos", name))


@pytest.fixture
def real_pair(lab_home, tmp_path):
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap

    _need_dlib()
    skimage_data = pytest.importorskip("skimage.data")
    import matplotlib.cbook

    from deepfake_edu.data.images import read_image

    astronaut = np.ascontiguousarray(skimage_data.astronaut()[:320, 60:420])
    hopper = read_image(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    _person("ann", astronaut)
    _person("ben", hopper)
    run = tmp_path / "run"
    train_swap(SwapTrainOptions(data=["ann", "ben"], preset="classroom", bottleneck=16, steps=2, batch_size=2, run=str(run),
                                progress=False, preview_every=0, timelapse_every=0, metrics_every=0, device="cpu"))
    return run, astronaut


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
