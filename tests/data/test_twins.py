"""The synthetic twins: deterministic, controllable one factor at a time, aligned, and usable
as a dataset and as short videos."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.data.dataset import load_dataset
from deepfake_edu.data.twins import (
    EYE_LEFT,
    EYE_RIGHT,
    LANDMARK_INDEX,
    LANDMARK_NAMES,
    Factors,
    generate_twins_dataset,
    landmarks_from_dict,
    make_identities,
    make_identity,
    render_face,
    render_video,
    sample_factors,
    true_swap,
    video_factors,
    write_video,
)
from deepfake_edu.errors import LabError
from deepfake_edu.faces.regions import twins_region_box

REPO = Path(__file__).resolve().parents[2]

# A clean camera: no noise, no JPEG, so that a change shows only where the scene changed.
CLEAN = Factors(light_azimuth=30, light_elevation=25, light_strength=0.9, background_seed=7)


@pytest.fixture(scope="module")
def people():
    return make_identities(4, seed=0)


def changed(a: np.ndarray, b: np.ndarray, threshold: int = 2) -> np.ndarray:
    """bool (H, W): pixels that differ by more than ``threshold`` in any channel."""
    return (np.abs(a.astype(int) - b.astype(int)) > threshold).any(axis=-1)


def test_same_seed_same_image_and_reproducible_true_swap(people):
    factors = sample_factors(11)
    first = render_face(people[0], factors, 128)
    again = render_face(make_identity(0, seed=0), sample_factors(11), 128)
    assert np.array_equal(first.image, again.image)
    assert np.array_equal(first.landmarks, again.landmarks)
    assert np.array_equal(true_swap(people[1], factors, 128).image, render_face(people[1], factors, 128).image)


def test_identities_differ_from_each_other_and_across_seeds(people):
    a, b = people[0], people[1]
    assert a != b and a.name == "twin-00" and b.name == "twin-01"
    assert make_identity(0, seed=1) != make_identity(0, seed=0)
    # distinguishable by eye: many visible attributes differ between any two of the first four
    visible = ("hair_style", "hair_rgb", "skin_rgb", "iris_rgb", "beard", "glasses", "jaw_width", "nose_length")
    for i in range(4):
        for j in range(i + 1, 4):
            differences = sum(getattr(people[i], f) != getattr(people[j], f) for f in visible)
            assert differences >= 5
    face_a = render_face(a, CLEAN, 64, with_mask=True)
    face_b = render_face(b, CLEAN, 64)
    inside = face_a.mask > 0.9
    assert np.abs(face_a.image.astype(int) - face_b.image.astype(int))[inside].mean() > 10


@pytest.mark.parametrize("size", [64, 128, 256])
def test_sizes_and_level_eyes_at_the_declared_positions(people, size):
    face = render_face(people[2], CLEAN, size)
    assert face.image.shape == (size, size, 3) and face.image.dtype == np.uint8
    assert face.landmarks.shape == (len(LANDMARK_NAMES), 2)
    expected_left = np.array(EYE_LEFT) * size - 0.5
    expected_right = np.array(EYE_RIGHT) * size - 0.5
    assert np.allclose(face.landmark("eye_left"), expected_left, atol=0.05 * size / 64)
    assert np.allclose(face.landmark("eye_right"), expected_right, atol=0.05 * size / 64)
    # at zero roll the eyes stay level and centred on the same midpoint whatever the yaw and pitch
    turned = render_face(people[2], replace(CLEAN, yaw=25, pitch=-12), size)
    left, right = turned.landmark("eye_left"), turned.landmark("eye_right")
    assert abs(left[1] - right[1]) < 0.01 * size
    assert np.allclose((left + right) / 2, (expected_left + expected_right) / 2, atol=0.01 * size)
    rolled = render_face(people[2], replace(CLEAN, roll=15), size)
    left, right = rolled.landmark("eye_left"), rolled.landmark("eye_right")
    assert np.degrees(np.arctan2(right[1] - left[1], right[0] - left[0])) == pytest.approx(15, abs=0.5)


def test_blink_changes_only_the_eyes(people):
    open_eyes = render_face(people[0], CLEAN, 128)
    closed = render_face(people[0], replace(CLEAN, blink=1.0), 128)
    diff = changed(open_eyes.image, closed.image)
    eyes = twins_region_box(open_eyes.landmarks, "eyes", 128)
    assert diff.sum() > 40  # the eyes visibly close
    assert not (diff & ~eyes).any()


def test_mouth_opening_changes_only_the_mouth(people):
    shut = render_face(people[1], CLEAN, 128)
    wide = render_face(people[1], replace(CLEAN, mouth_open=1.0), 128)
    diff = changed(shut.image, wide.image)
    mouth = twins_region_box(wide.landmarks, "mouth", 128) | twins_region_box(shut.landmarks, "mouth", 128)
    assert diff.sum() > 40
    assert not (diff & ~mouth).any()
    assert wide.landmark("lower_lip")[1] > shut.landmark("lower_lip")[1] + 2


def test_background_changes_only_outside_the_face(people):
    first = render_face(people[3], CLEAN, 128, with_mask=True)
    other = render_face(people[3], replace(CLEAN, background_seed=99), 128)
    diff = changed(first.image, other.image)
    assert diff.mean() > 0.2  # a visible change of background
    assert not (diff & (first.mask > 0.999)).any()
    assert not (diff & (first.alpha > 0.999)).any()


def test_light_changes_the_face_shading_but_not_the_background(people):
    left_lit = render_face(people[0], replace(CLEAN, light_azimuth=-70), 128, with_mask=True)
    right_lit = render_face(people[0], replace(CLEAN, light_azimuth=70), 128)
    diff = changed(left_lit.image, right_lit.image)
    assert (diff & (left_lit.mask > 0.5)).sum() > 0.3 * (left_lit.mask > 0.5).sum()
    assert not (diff & (left_lit.alpha < 0.001)).any()
    # light from the image's left makes the left half of the face the brighter one
    face = left_lit.mask > 0.9
    half = np.zeros_like(face)
    half[:, :64] = True
    brightness = left_lit.image.mean(axis=-1)
    assert brightness[face & half].mean() > brightness[face & ~half].mean() + 10


def test_yaw_moves_the_nose_tip_horizontally(people):
    front = render_face(people[1], CLEAN, 128)
    right = render_face(people[1], replace(CLEAN, yaw=30), 128)
    left = render_face(people[1], replace(CLEAN, yaw=-30), 128)
    nose = LANDMARK_INDEX["nose_tip"]
    assert right.landmarks[nose, 0] > front.landmarks[nose, 0] + 2
    assert left.landmarks[nose, 0] < front.landmarks[nose, 0] - 2
    assert abs(right.landmarks[nose, 1] - front.landmarks[nose, 1]) < 3


def test_true_swap_keeps_pose_and_changes_identity(people):
    factors_a = replace(sample_factors(5), yaw=20, pitch=8, roll=6)
    a = render_face(people[0], factors_a, 128, with_mask=True)
    b = true_swap(people[2], factors_a, 128)
    key_points = [LANDMARK_INDEX[n] for n in ("eye_left", "eye_right", "nose_tip", "mouth_center")]
    distance = np.linalg.norm(a.landmarks[key_points] - b.landmarks[key_points], axis=1)
    assert distance.max() < 0.06 * 128  # same pose: key points land close
    inside = a.mask > 0.9
    assert np.abs(a.image.astype(int) - b.image.astype(int))[inside].mean() > 8  # someone else


def test_masks_cover_the_face_and_landmarks_lie_inside(people):
    face = render_face(people[2], CLEAN, 128, with_mask=True)
    assert face.mask.shape == (128, 128) and face.mask.dtype == np.float32
    assert 0.1 < (face.mask > 0.5).mean() < 0.6
    assert (face.alpha >= face.mask - 1e-6).all()
    for name in ("eye_left", "eye_right", "nose_tip", "mouth_center"):
        x, y = np.round(face.landmark(name)).astype(int)
        assert face.mask[y, x] > 0.5, name


def test_video_factors_move_smoothly_with_blinks_and_speech(people):
    factors = video_factors(100, seed=3, fps=25)
    series = {name: np.array([getattr(f, name) for f in factors]) for name in ("yaw", "pitch", "roll", "mouth_open", "blink", "gaze_x")}
    for name in ("yaw", "pitch", "roll"):
        assert np.abs(np.diff(series[name])).max() < 1.5, name  # degrees per frame
    assert np.abs(np.diff(series["gaze_x"])).max() < 0.1
    assert np.abs(np.diff(series["mouth_open"])).max() < 0.5
    assert series["blink"].max() > 0.9 and (series["blink"] < 0.05).mean() > 0.6  # blinks, mostly open
    assert series["mouth_open"].max() > 0.4 and series["mouth_open"].min() < 0.05  # talks
    frames, clip_factors = render_video(people[0], 6, 64, seed=3)
    assert frames.shape == (6, 64, 64, 3) and frames.dtype == np.uint8
    assert clip_factors == factors[:6]
    assert np.abs(np.diff(frames.astype(int), axis=0)).mean() < 20  # consecutive frames alike


def test_write_video_roundtrip(tmp_path, people):
    import cv2

    frames, _ = render_video(people[1], 5, 64, seed=1)
    path = write_video(tmp_path / "clip.mp4", frames)
    capture = cv2.VideoCapture(str(path))
    count = 0
    while capture.read()[0]:
        count += 1
    capture.release()
    assert count == 5
    assert not list(tmp_path.glob(".*partial*"))
    with pytest.raises(LabError):
        write_video(tmp_path / "clip.gif", frames)


def test_dataset_is_deterministic_and_ordered_with_workers(tmp_path):
    one = generate_twins_dataset(tmp_path / "one", identities=2, per_identity=3, size=64, seed=4, workers=1)
    two = generate_twins_dataset(tmp_path / "two", identities=2, per_identity=3, size=64, seed=4, workers=2)
    assert [r["seed"] for r in one.records] == [r["seed"] for r in two.records]
    for a, b in zip(one.records, two.records):
        assert np.array_equal(one.image(a), two.image(b))
    # every record re-renders exactly from what the manifest says
    people = make_identities(2, seed=4)
    record = one.records[4]
    again = render_face(people[record["identity_index"]], Factors(**record["factors"]), 64)
    assert np.array_equal(again.image, one.image(record))
    assert np.allclose(landmarks_from_dict(record["landmarks"]), again.landmarks, atol=0.01)


def test_cli_writes_a_dataset(tmp_path, capsys):
    out = tmp_path / "twins"
    assert main(["twins", "--identities", "3", "--per-identity", "4", "--size", "64", "--out", str(out), "--seed", "1", "--workers", "1"]) == 0
    dataset = load_dataset(out)
    assert dataset.info["kind"] == "twins" and dataset.info["count"] == 12 and dataset.size == 64
    assert dataset.info["generator"]["name"] == "deepfake_edu.data.twins" and dataset.info["generator"]["seed"] == 1
    assert dataset.identities() == ["twin-00", "twin-01", "twin-02"]
    assert {len(v) for v in dataset.by_identity().values()} == {4}
    assert dataset.images("twin-01").shape == (4, 64, 64, 3)
    record = dataset.records[0]
    assert set(record) >= {"identity", "identity_index", "factors", "seed", "landmarks"}
    assert set(record["factors"]) == set(asdict(Factors()))
    assert json.loads((out / "dataset.json").read_text())["generator"]["version"] >= 1


@pytest.mark.parametrize(
    "arguments",
    [
        ["--size", "100"],
        ["--identities", "0"],
        ["--per-identity", "-3"],
    ],
)
def test_cli_bad_arguments_exit_2_with_one_line(tmp_path, arguments):
    result = subprocess.run(
        [sys.executable, "-m", "deepfake_edu", "twins", "--out", str(tmp_path / "x"), *arguments],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert not (tmp_path / "x").exists()


def test_cli_refuses_an_unwritable_out(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["twins", "--identities", "1", "--per-identity", "1", "--size", "64", "--out", str(blocker / "twins")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_cli_video(tmp_path):
    out = tmp_path / "clip.avi"
    assert main(["twins", "video", "--identity", "1", "--frames", "4", "--size", "64", "--out", str(out)]) == 0
    assert out.stat().st_size > 0


@pytest.mark.parametrize("pose", [(0, 0, 0), (40, 22, 18), (-40, -22, -18), (35, -20, 10)])
def test_the_blocks_a_render_computes_hold_every_part_of_the_head(people, pose):
    """The renderer computes the face, the hair and the hair mass only inside the blocks their
    silhouettes can reach; a part reaching outside its block would show as a straight cut."""
    from deepfake_edu.data import twins_render as render

    yaw, pitch, roll = pose
    for person in people:
        head = render._head(person)
        crop = render._Frame(head, replace(CLEAN, yaw=yaw, pitch=pitch, roll=roll), 128)
        eye = np.eye(3)
        parts = [(head.cranium_center, head.cranium_axes, eye), (head.jaw_center, head.jaw_axes, eye),
                 (head.nose_center, head.nose_axes, np.array(head.nose_rot)), (head.shell_center, head.shell_axes, eye)]
        if head.mass_center is not None:
            parts.append((head.mass_center, head.mass_axes, eye))
        for center, axes, rot in parts:
            cover = crop.cast(center, axes, rot).cover  # over the whole crop
            block = crop.ellipsoid_box([(center, axes, rot)], 0)
            outside = cover.copy()
            if block is not None:
                outside[block] = 0
            assert outside.max() <= 0.5  # only the antialiased half pixel may lie outside without margin
            block = crop.ellipsoid_box([(center, axes, rot)], 2)  # the margin the renderer uses
            outside = cover.copy()
            if block is not None:
                outside[block] = 0
            assert outside.max() == 0


def test_cli_bench_twins_reports_faces_per_second(tmp_path, capsys):
    out = tmp_path / "twins.json"
    assert main(["bench", "twins", "--count", "16", "--sizes", "64", "--workers", "2", "--json", str(out)]) == 0
    assert "faces/s" in capsys.readouterr().out
    (row,) = json.loads(out.read_text())["results"]
    assert row["size"] == 64
    assert row["faces_per_s_1_process"] > 0 and row["faces_per_s_2_processes"] > 0 and row["faces_per_s_2_processes_with_start"] > 0
