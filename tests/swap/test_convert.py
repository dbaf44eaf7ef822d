import cv2
import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.swap.convert import (
    FaceSwapper, apply_swap, face_mask, reinhard_colour_transfer, swap_video,
)
from deepfake_edu.swap.model import faceswap
from deepfake_edu.swap.train import SwapTrainOptions, train_swap
from tests.swap.conftest import blob_faces


def _write_video(path, frames, fps):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (frames.shape[2], frames.shape[1]))
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()


def _frames(n=7, width=96, height=80):
    faces = blob_faces(0, n, size=64)
    frames = np.full((n, height, width, 3), 90, np.uint8)
    frames[:, 8:72, 16:80] = faces
    return frames


def test_video_swap_keeps_frame_count_size_and_rate(tmp_path):
    source = tmp_path / "clip.avi"
    _write_video(source, _frames(), fps=12.5)
    swapper = FaceSwapper(faceswap("classroom", bottleneck=16), to_identity=1)
    result = swap_video(swapper, source, tmp_path / "fake.mp4", progress=False)
    capture = cv2.VideoCapture(str(tmp_path / "fake.mp4"))
    count = 0
    while capture.read()[0]:
        count += 1
    assert count == result.frames == 7 and result.faces_swapped == 7
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(12.5, abs=0.01)
    assert (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))) == (96, 80)
    assert not list(tmp_path.glob(".*partial*"))


def test_swap_changes_the_face_not_the_corners():
    frame = _frames(1, 120, 120)[0]
    out, faces = FaceSwapper(faceswap("classroom", bottleneck=16), 1, colour="none").swap_frame(frame)
    assert faces == 1 and out.shape == frame.shape
    assert np.array_equal(out[:4, :4], frame[:4, :4])
    assert np.abs(out[50:70, 50:70].astype(int) - frame[50:70, 50:70]).mean() > 5



def test_reinhard_moves_colours_toward_the_reference():
    reference = np.zeros((32, 32, 3), np.uint8) + np.array([200, 120, 90], np.uint8)
    reference[::2] += 20
    source = np.zeros((32, 32, 3), np.uint8) + np.array([60, 90, 160], np.uint8)
    source[::3] += 10
    moved = reinhard_colour_transfer(source, reference)
    assert np.abs(moved.mean((0, 1)) - reference.mean((0, 1))).max() < 6


def test_feathered_mask_is_soft():
    mask = face_mask(64)
    assert mask.max() == pytest.approx(1.0, abs=1e-3) and mask[0, 0] == 0
    assert ((mask > 0.05) & (mask < 0.95)).sum() > 100


def test_apply_swap_on_a_photo_from_a_trained_run(tmp_path):
    from deepfake_edu.swap.facesets import FaceSets
    from deepfake_edu.data.images import read_image, write_image

    sets = FaceSets(["ann", "ben"], [blob_faces(0, 8), blob_faces(1, 8)], None, ["blobs"], [[{}] * 8, [{}] * 8], [{}, {}])
    options = SwapTrainOptions(preset="classroom", bottleneck=16, steps=2, batch_size=2, run=str(tmp_path / "run"), progress=False, timelapse_every=0, metrics_every=0)
    train_swap(options, face_sets=sets)
    write_image(tmp_path / "photo.png", _frames(1)[0])
    result = apply_swap(tmp_path / "run", tmp_path / "photo.png", "ben", tmp_path / "out.png", "whole", device="cpu")
    assert read_image(result.path).shape == (80, 96, 3) and result.faces_swapped == 1
    with pytest.raises(LabError, match="knows ann, ben"):
        apply_swap(tmp_path / "run", tmp_path / "photo.png", "carl", tmp_path / "out2.png", "whole", device="cpu")


def test_swapped_video_frames_and_photos_carry_the_provenance_marks(tmp_path):
    from deepfake_edu.data.images import write_image
    from deepfake_edu.provenance import check_file

    frames = np.stack([cv2.resize(frame, (320, 272)) for frame in _frames(3)])
    source = tmp_path / "clip.avi"
    _write_video(source, frames, fps=10)
    swapper = FaceSwapper(faceswap("classroom", bottleneck=16), to_identity=1)
    swap_video(swapper, source, tmp_path / "fake.avi", progress=False)
    report = check_file(tmp_path / "fake.avi")
    assert report.label_found and report.mark_found
    write_image(tmp_path / "photo.png", frames[0])
    from deepfake_edu.swap.convert import swap_image
    swap_image(swapper, frames[0], tmp_path / "fake.png")
    photo = check_file(tmp_path / "fake.png")
    assert photo.label_found and photo.mark_found


def test_a_picture_or_a_video_with_no_face_is_refused_and_nothing_is_written_or_recorded(tiny_swap_run, tmp_path, capsys):
    from deepfake_edu.cli import main
    from deepfake_edu.data.forget import read_ledger
    from deepfake_edu.data.images import write_image
    from deepfake_edu.data.video import write_video

    grey = np.full((256, 256, 3), 128, np.uint8)
    photo = write_image(tmp_path / "grey.png", grey)
    clip = write_video(tmp_path / "grey.avi", [grey] * 4, fps=10)
    before = read_ledger()
    for source, out in ((photo, tmp_path / "fake.png"), (clip, tmp_path / "fake.avi")):
        assert main(["swap", "apply", str(source), "--run", str(tiny_swap_run), "--to", "twin-01", "--out", str(out), "--locate", "faces"]) == 2
        error = capsys.readouterr().err
        errors = [line for line in error.splitlines() if line.startswith("error:")]  # (a notice may say which face finder ran)
        assert len(errors) == 1 and "no face found" in errors[0] and "Traceback" not in error
        assert not out.exists()
    assert read_ledger() == before and sorted(p.name for p in tmp_path.iterdir()) == ["grey.avi", "grey.png"]


def test_plain_merge_is_the_old_paste_and_the_default_one_is_reproducible():
    from deepfake_edu.faces.align import paste_back

    frame = _frames(1, 120, 120)[0]
    model = faceswap("classroom", bottleneck=16)
    plain = FaceSwapper(model, 1, grain=0, sharpen=0)
    out, _ = plain.swap_frame(frame)
    crop, transform = plain.locate(frame)[0]
    face = reinhard_colour_transfer(plain.swap_crops([crop])[0], crop, plain.mask)
    assert np.array_equal(out, paste_back(frame, face, transform, plain.mask)) and plain.restorations == []
    merged = FaceSwapper(model, 1)
    first, _ = merged.swap_frame(frame)
    again, _ = merged.swap_frame(frame)
    assert np.array_equal(first, again) and len(merged.restorations) == 1
    assert np.array_equal(first[:4, :4], frame[:4, :4])


def test_the_glasses_mask_reaches_the_temples_and_unknown_options_are_refused():
    face, glasses = face_mask(64), face_mask(64, cover="glasses")
    assert (glasses >= face - 1e-6).all()
    eye_row = round(0.38 * 64)
    assert face[eye_row, round(0.2 * 64)] < 0.2 and glasses[eye_row, round(0.2 * 64)] > 0.7  # the outer part of a lens
    assert glasses[round(0.8 * 64), round(0.2 * 64)] == face[round(0.8 * 64), round(0.2 * 64)]  # below the eyes: the same
    model = faceswap("classroom", bottleneck=16)
    for options, message in (({"mask": "hat"}, "unknown mask"), ({"grain_spectrum": "pink"}, "grain spectrum"), ({"grain": -1}, "grain must be")):
        with pytest.raises(LabError, match=message):
            FaceSwapper(model, 1, **options)


def test_a_perfect_swapper_pastes_each_face_back_as_it_was():
    """The ceiling of the detail measures: no decoder, every other step of a swap. A plain merge
    gives the frame back but for what the crop's 64 px cannot hold (the blobs' sharp edges)."""
    from deepfake_edu.swap.convert import PerfectSwapper

    frame = _frames(1, 120, 120)[0]
    model = faceswap("classroom", bottleneck=16)
    perfect, swapped = PerfectSwapper(model, 1, grain=0, sharpen=0), FaceSwapper(model, 1, grain=0, sharpen=0)
    crop, _ = perfect.locate(frame)[0]
    assert np.array_equal(perfect.swap_crops([crop])[0], crop)
    kept, _ = perfect.swap_frame(frame)
    changed, _ = swapped.swap_frame(frame)
    error = np.abs(kept.astype(int) - frame.astype(int))
    assert np.percentile(error, 99) <= 32 and error.mean() < 1.5  # resampled there and back
    assert np.abs(changed.astype(int) - frame.astype(int)).mean() > 4 * error.mean()  # an untrained decoder is far off

