import json
from pathlib import Path

import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.data.images import write_image
from deepfake_edu.errors import LabError
from deepfake_edu.faces.extract import ExtractOptions, extract_faces

CONSENT = "Test photos shipped with scikit-image and matplotlib, used for the lab's tests"


def _manifest(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "manifest.jsonl").read_text().splitlines()]


def test_photo_folder_gives_level_crops_of_one_size(tmp_path, lab_home, astronaut, grace_hopper):
    photos = tmp_path / "photos"
    write_image(photos / "a.png", astronaut)
    write_image(photos / "b.jpg", grace_hopper)
    assert main(["faces", "extract", str(photos), "--name", "class", "--consent", CONSENT, "--size", "96"]) == 0
    root = lab_home / "datasets" / "class"
    records = _manifest(root)
    assert len(records) == 2 and {r["identity"] for r in records} == {"class"}
    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.faces.align import apply_affine

    dataset = load_dataset("class")
    assert dataset.images().shape == (2, 96, 96, 3)
    for record in records:
        eyes = apply_affine(np.array(record["transform"]), [record["eyes"]["left"], record["eyes"]["right"]])
        assert abs(eyes[0, 1] - eyes[1, 1]) < 0.01 * 96  # level
        assert np.allclose(apply_affine(np.array(record["inverse"]), eyes), [record["eyes"]["left"], record["eyes"]["right"]], atol=0.05)
    consent = json.loads((root / "consent.json").read_text())
    assert consent["consent"] == CONSENT and "forget class" in consent["withdraw"]


def test_video_frames_keep_their_order_and_sampling(megamind):
    result = extract_faces(megamind, ExtractOptions(every=10, max_frames=12))
    frames = [r["frame"] for r in result.records]
    assert result.counts["frames_read"] == 12
    assert all(frame % 10 == 0 and frame <= 110 for frame in frames)
    assert frames == sorted(frames) and len(set(frames)) == len(frames)  # one main track: one crop per frame
    assert len({r["track"] for r in result.records}) == 1
    assert 0 < len(frames) <= 12


def test_all_faces_keeps_one_identity_per_track(lab_home, megamind):
    # OpenCV finds a second face in these frames (dlib, the default where installed, finds one)
    main_only = extract_faces(megamind, ExtractOptions(backend="opencv", every=5, max_frames=8))
    everyone = extract_faces(megamind, ExtractOptions(backend="opencv", every=5, max_frames=8, all_faces=True))
    assert len(everyone.records) > len(main_only.records)
    from deepfake_edu.faces.extract import consent_record, save_extraction

    dataset = save_extraction("mm", everyone, consent_record(CONSENT, "megamind", "mm"))
    assert len(dataset.identities()) == everyone.counts["tracks"] > 1
    assert all(identity.startswith("mm-track") for identity in dataset.identities())


def test_webcam_style_frame_iterator_is_tracked(astronaut):
    """Frames from any iterator (a webcam's): the astronaut sliding right, 12 frames."""
    canvas = np.zeros((480, 900, 3), np.uint8)
    frames = []
    for step in range(12):
        frame = canvas.copy()
        frame[:, 20 * step : 20 * step + 512][:480] = astronaut[:480]
        frames.append(frame)
    result = extract_faces(iter(frames), ExtractOptions(detect_every=3, duplicate_distance=0.0))
    assert len({r["track"] for r in result.records}) == 1
    assert [r["frame"] for r in result.records] == list(range(12))
    xs = [r["box"][0] for r in result.records]
    assert xs[-1] - xs[0] == pytest.approx(220, abs=12)  # the box followed the face between detections


def test_near_duplicates_and_blurred_faces_are_dropped(astronaut):
    import cv2

    still = extract_faces(iter([astronaut] * 6), ExtractOptions())
    assert len(still.records) == 1 and still.counts["dropped_duplicate"] == 5
    blurred = cv2.GaussianBlur(astronaut, (0, 0), 2.5)
    with pytest.raises(LabError):
        extract_faces(blurred, ExtractOptions(min_sharpness=1e6))


def test_extract_refuses_without_consent_and_writes_nothing(lab_home, capsys, astronaut, tmp_path):
    photo = write_image(tmp_path / "a.png", astronaut)
    assert main(["faces", "extract", str(photo), "--name", "x"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: record consent first") and "\n" not in error
    assert not (lab_home / "datasets").exists()


@pytest.mark.parametrize("case", ["missing", "corrupt", "no-face", "bad-video"])
def test_bad_inputs_give_one_line_errors_and_write_nothing(lab_home, tmp_path, capsys, case):
    if case == "missing":
        source = tmp_path / "nope.jpg"
    elif case == "corrupt":
        source = tmp_path / "broken.jpg"
        source.write_bytes(b"\xff\xd8 this is not a jpeg")
    elif case == "no-face":
        skimage_data = pytest.importorskip("skimage.data")
        source = write_image(tmp_path / "coffee.png", skimage_data.coffee())
    else:
        source = tmp_path / "clip.mp4"
        source.write_bytes(b"not a video at all")
    assert main(["faces", "extract", str(source), "--name", "x", "--consent", CONSENT]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]  # after any progress bar
    assert error.startswith("error: ") and len(error) < 300
    assert not (lab_home / "datasets" / "x").exists()


def test_webcam_without_a_camera_is_a_clear_error(lab_home, capsys, monkeypatch):
    import cv2

    class NoCamera:
        def __init__(self, index):
            pass

        def isOpened(self):
            return False

        def release(self):
            pass

    monkeypatch.setattr(cv2, "VideoCapture", NoCamera)
    assert main(["faces", "extract", "--webcam", "--name", "me", "--consent", CONSENT]) == 2
    assert "no camera found at index 0" in capsys.readouterr().err
    assert not (lab_home / "datasets" / "me").exists()


def test_existing_dataset_is_not_overwritten_by_accident(lab_home, tmp_path, capsys, astronaut):
    photo = write_image(tmp_path / "a.png", astronaut)
    assert main(["faces", "extract", str(photo), "--name", "a", "--consent", CONSENT]) == 0
    assert main(["faces", "extract", str(photo), "--name", "a", "--consent", CONSENT]) == 2
    assert "already exists" in capsys.readouterr().err
