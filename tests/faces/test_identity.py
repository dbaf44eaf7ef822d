"""Whose face is it: crops measured with dlib's identity embedding, a dataset's cached mean (that
`forget` deletes with the dataset), and the report's distances and share."""

import json

import cv2
import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.faces import identity
from deepfake_edu.faces.backends import dlib_backend

CONSENT = "Test photos shipped with scikit-image and matplotlib, used for the lab's tests"


@pytest.fixture(scope="module")
def dlib_finder():
    pytest.importorskip("dlib", reason="dlib is not installed: pip install -e '.[faces]'")
    if not dlib_backend.available():
        pytest.skip(dlib_backend.missing())
    from deepfake_edu.faces.backends import get_backend

    return get_backend("dlib")


def _crop(finder, picture, size=128):
    from deepfake_edu.faces.align import align_face

    return align_face(picture, finder.detect(picture)[0], "swap", size).image


def _variants(picture):
    """The same photo a little smaller, larger and mirrored: several crops of one person."""
    return [picture, cv2.resize(picture, None, fx=0.8, fy=0.8, interpolation=cv2.INTER_AREA),
            cv2.resize(picture, None, fx=1.2, fy=1.2, interpolation=cv2.INTER_CUBIC), np.ascontiguousarray(picture[:, ::-1])]


def test_missing_dlib_is_one_line_naming_the_install(monkeypatch):
    monkeypatch.setattr(dlib_backend, "missing", lambda: f"dlib is not installed: {dlib_backend.INSTALL}")
    with pytest.raises(LabError) as error:
        identity.embed_crops([np.zeros((64, 64, 3), np.uint8)])
    message = str(error.value)
    assert "\n" not in message and 'pip install -e ".[faces]"' in message and message.startswith("identity needs dlib")


def test_crops_of_one_person_are_near_and_of_two_people_far(dlib_finder, astronaut, grace_hopper):
    """Measured from 128 px and 64 px swap crops (a swap's face is 64 px)."""
    astronaut_crops = [_crop(dlib_finder, p) for p in _variants(astronaut)]
    hopper = identity.embed_crop(_crop(dlib_finder, grace_hopper))
    vectors = identity.embed_crops(astronaut_crops + [cv2.resize(astronaut_crops[0], (64, 64), interpolation=cv2.INTER_AREA)])
    assert vectors.shape == (5, 128) and vectors.dtype == np.float32
    same = np.linalg.norm(vectors[1:] - vectors[0], axis=1)
    assert same.max() < identity.SAME_PERSON  # seen: 0.05-0.20
    assert np.linalg.norm(vectors - hopper, axis=1).min() > identity.SAME_PERSON  # seen: 0.7 and more


def test_a_bad_crop_is_refused_in_one_line(dlib_finder):
    for bad in (np.zeros((64, 48, 3), np.uint8), np.zeros((64, 64, 3), np.float32), np.zeros((8, 8, 3), np.uint8)):
        with pytest.raises(LabError) as error:
            identity.embed_crop(bad)
        assert "\n" not in str(error.value)


def _dataset(name, pictures, root=None):
    from deepfake_edu.faces.extract import consent_record, extract_faces, save_extraction

    frames = iter(pictures)  # tracked as one person; duplicates allowed
    from deepfake_edu.faces.extract import ExtractOptions

    extraction = extract_faces(frames, ExtractOptions(backend="dlib", duplicate_distance=0.0, detect_every=1))
    return save_extraction(name, extraction, consent_record(CONSENT, "test photos", name), root=root)


def test_a_dataset_mean_is_cached_inside_it_and_forget_deletes_it(dlib_finder, lab_home, astronaut, monkeypatch):
    from deepfake_edu.data.forget import forget

    face = np.ascontiguousarray(astronaut[:320, 60:420])  # her face only (dlib also takes the mission patch for one)
    dataset = _dataset("ann", [cv2.resize(face, (360 - 30 * k, 320 - 26 * k), interpolation=cv2.INTER_AREA) for k in range(3)])
    mean = identity.dataset_mean_embedding("ann")
    direct = identity.embed_crops(list(dataset.images())).mean(axis=0)
    assert mean.shape == (128,) and np.allclose(mean, direct, atol=1e-5)
    cache = lab_home / "datasets" / "ann" / identity.CACHE_NAME
    stored = json.loads(cache.read_text())
    assert len(stored["means"]) == 1 and next(iter(stored["means"].values()))["faces"] == len(dataset.records)

    def no_measuring(crops):
        raise AssertionError("the cached mean should have been used")

    with monkeypatch.context() as patch:
        patch.setattr(identity, "embed_crops", no_measuring)
        assert np.allclose(identity.dataset_mean_embedding("ann"), mean, atol=1e-6)
    # A changed manifest is measured again: the cache is keyed by its SHA-256.
    manifest = lab_home / "datasets" / "ann" / "manifest.jsonl"
    manifest.write_text("".join(manifest.read_text().splitlines(keepends=True)[:1]))
    one = identity.dataset_mean_embedding("ann")
    assert np.allclose(one, identity.embed_crops([dataset.image(dataset.records[0])])[0], atol=1e-5)
    forget("ann")
    assert not cache.exists() and not (lab_home / "datasets" / "ann").exists()


def test_a_dataset_outside_the_lab_is_measured_but_not_written_to(dlib_finder, lab_home, tmp_path, astronaut):
    elsewhere = tmp_path / "elsewhere" / "ann"
    _dataset("ann", [np.ascontiguousarray(astronaut[:320, 60:420])] * 2, root=elsewhere)
    before = sorted(p.name for p in elsewhere.iterdir())
    assert identity.dataset_mean_embedding(elsewhere).shape == (128,)
    assert sorted(p.name for p in elsewhere.iterdir()) == before


def test_report_distances_and_share_from_embeddings():
    source, target = np.zeros(128, np.float32), np.zeros(128, np.float32)
    target[0] = 1.0
    fakes = np.zeros((4, 128), np.float32)
    fakes[:, 0] = [0.1, 0.4, 0.6, 0.9]  # two nearer the source, two nearer the target
    report = identity.identity_report(fakes, source, target, names=("ann", "ben"))
    assert np.allclose(report.to_source, [0.1, 0.4, 0.6, 0.9]) and np.allclose(report.to_target, [0.9, 0.6, 0.4, 0.1])
    assert report.share_closer_to_target == 0.5 and report.closer_to_target == 2 and report.gap == pytest.approx(1.0)
    assert report.mean_to_source == pytest.approx(0.5) and report.faces == 4
    line = report.summary()
    assert "\n" not in line and "2 of 4 faces (50%) closer to ben" in line
    assert report.to_dict()["share_closer_to_target"] == 0.5
    with pytest.raises(LabError):
        identity.identity_report(fakes, source[:10], target)


def test_report_on_crops_names_the_person_shown(dlib_finder, astronaut, grace_hopper):
    ann = identity.embed_crops([_crop(dlib_finder, p) for p in _variants(astronaut)[:3]]).mean(axis=0)
    ben = identity.embed_crops([_crop(dlib_finder, p) for p in _variants(grace_hopper)[:3]]).mean(axis=0)
    shown = [_crop(dlib_finder, _variants(grace_hopper)[3], 64)]  # Grace Hopper, mirrored, as a 64 px face
    report = identity.identity_report(shown, ann, ben, names=("astronaut", "hopper"))
    assert report.share_closer_to_target == 1.0 and report.mean_to_target < identity.SAME_PERSON < report.mean_to_source
