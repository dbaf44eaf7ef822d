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


# --- why faces were dropped, and keeping the most varied ------------------------------------------

REAL_VIDEOS = Path(__file__).resolve().parents[2].parent / "shared" / "real-videos"


def _dlib_or_skip():
    from deepfake_edu.faces.backends import dlib_backend

    if not dlib_backend.available():
        pytest.skip(dlib_backend.missing())


def _real_video(name: str) -> Path:
    path = REAL_VIDEOS / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (the shared real videos live beside the clone)")
    return path


@pytest.mark.parametrize("case, reason", [("cut", "cut by the frame's edge"), ("small", "too small"), ("no-face", "no face found")])
def test_a_bad_photo_says_why_in_one_line_and_writes_nothing(lab_home, tmp_path, capsys, astronaut, case, reason):
    import cv2

    _dlib_or_skip()
    if case == "cut":  # the face box starts at x=179 and is 87 wide: cut through the left eye
        picture = np.ascontiguousarray(astronaut[:, 179 + 26 :])
    elif case == "small":  # a 26 px face: found, but under the 40 px that landmarks need
        picture = cv2.resize(astronaut, None, fx=0.3, fy=0.3, interpolation=cv2.INTER_AREA)
    else:
        picture = pytest.importorskip("skimage.data").coffee()
    source = write_image(tmp_path / f"{case}.png", picture)
    assert main(["faces", "extract", str(source), "--name", "x", "--consent", CONSENT]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("error: ") and reason in error and "nothing was written" in error and len(error) < 300
    assert not (lab_home / "datasets" / "x").exists()


def test_cut_and_turned_faces_are_measured_from_landmarks(astronaut):
    from deepfake_edu.faces.align import align_face
    from deepfake_edu.faces.backends import get_backend
    from deepfake_edu.faces.extract import face_turn, share_outside

    _dlib_or_skip()
    face = get_backend("dlib").detect(astronaut)[0]
    assert face_turn(face.landmarks) < 0.2  # facing the camera
    crop = align_face(astronaut, face, "swap", 128)
    assert share_outside(crop.inverse, "swap", 128, astronaut.shape) == 0.0
    assert share_outside(crop.inverse, "swap", 128, (astronaut.shape[0], int(face.box[0] + face.box[2] / 2))) > 0.3  # frame ends mid-face
    profile = face.landmarks.copy()
    profile[30, 0] = profile[1, 0]  # the nose tip on the near cheek's contour: how a profile's landmarks look
    assert face_turn(profile) == pytest.approx(1.0, abs=0.05)


def test_turned_faces_of_a_real_video_are_dropped_and_counted():
    """d3 turns her head up to about 30 degrees (turn ~0.5): under max_turn=0.3 those frames go."""
    _dlib_or_skip()
    video = _real_video("d3.mp4")
    result = extract_faces(video, ExtractOptions(max_turn=0.3, max_frames=120, duplicate_distance=0.0))
    assert result.counts["dropped_profile"] > 0
    assert all(record["turn"] <= 0.3 for record in result.records)
    assert result.counts["faces_seen"] == len(result.records) + result.counts["dropped_profile"]
    assert "turned to the side (turn over 0.3)" in result.dropped_summary()


def _moving_astronaut(frames: int = 30) -> list:
    """The astronaut sliding and zooming a little on a 600x560 canvas: a varied clip."""
    import cv2

    clip = []
    for step in range(frames):
        scale = 0.85 + 0.15 * np.sin(step / 3.0)
        picture = cv2.resize(astronaut_image(), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        canvas = np.full((560, 600, 3), 40, np.uint8)
        x = int(10 + 40 * (1 + np.cos(step / 5.0)))
        canvas[: picture.shape[0], x : x + picture.shape[1]] = picture[:560, : 600 - x]
        clip.append(canvas)
    return clip


def astronaut_image():
    return pytest.importorskip("skimage.data").astronaut()


def test_keep_chooses_the_most_varied_crops_in_frame_order():
    from deepfake_edu.faces.extract import crop_variety

    clip = _moving_astronaut()
    everything = extract_faces(iter(clip), ExtractOptions(duplicate_distance=0.0))
    kept = extract_faces(iter(clip), ExtractOptions(keep=8))
    assert len(kept.records) == 8 and kept.counts["dropped_similar"] == len(everything.records) - 8
    frames = [record["frame"] for record in kept.records]
    assert frames == sorted(frames) and kept.counts["dropped_duplicate"] == 0
    assert kept.variety() > crop_variety(everything.crops[:8])  # more varied than the first 8 frames
    assert "less varied than the kept ones (--keep 8)" in kept.dropped_summary()
    assert len(extract_faces(iter(clip), ExtractOptions(keep=1000)).records) == len(everything.records)  # fewer than asked: all


def test_the_summary_line_says_why_faces_were_dropped_and_what_keeps_more(lab_home, tmp_path, capsys, astronaut):
    from deepfake_edu.data.video import write_video

    still = np.ascontiguousarray(astronaut[:320, 60:420])  # her face only (dlib also takes the mission patch for one)
    clip = write_video(tmp_path / "still.avi", [still] * 8, fps=10)
    assert main(["faces", "extract", str(clip), "--name", "still", "--consent", CONSENT]) == 0
    out = capsys.readouterr().out
    summary = next(line for line in out.splitlines() if line.startswith("wrote "))
    stored = json.loads((lab_home / "datasets" / "still" / "dataset.json").read_text())
    duplicates = stored["counts"]["dropped_duplicate"]
    assert duplicates >= 5 and stored["count"] + duplicates == 8 and stored["options"]["keep"] is None
    assert f"{stored['count']} crops" in summary and f"dropped: {duplicates} near-duplicates (changed under 1.5 grey levels)" in summary
    assert f"hint: {duplicates} faces barely changed" in out and "--keep" in out and "--min-change" in out
    assert main(["faces", "extract", str(clip), "--name", "all", "--consent", CONSENT, "--min-change", "0"]) == 0
    assert "8 crops" in capsys.readouterr().out


@pytest.mark.slow
def test_thirty_seconds_of_a_real_video_give_200_varied_crops_with_keep():
    """d6 (33.6 s, 30 fps): its first 900 frames (30 s), the near-duplicate rule against --keep 250."""
    _dlib_or_skip()
    video = _real_video("d6.mp4")
    rule = extract_faces(video, ExtractOptions(max_frames=900))
    kept = extract_faces(video, ExtractOptions(max_frames=900, keep=250))
    assert len(kept.records) == 250
    assert kept.variety() > rule.variety()  # seen: 8.5 against 3.1 grey levels (whole clip)
    assert max(np.diff([r["frame"] for r in kept.records])) < 60  # spread over the clip: no 2-second hole
