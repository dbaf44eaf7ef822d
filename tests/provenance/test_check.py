import json
import warnings

import cv2
import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.errors import LabError
from deepfake_edu.provenance import c2pa_manifest
from deepfake_edu.provenance.check import check_file, mark_image, mark_file, mark_video_frame, save_marked_image
from deepfake_edu.provenance.label import find_label
from deepfake_edu.provenance.watermark import read_mark
from tests.provenance.conftest import resized


def test_check_file_finds_label_and_mark_in_a_written_jpeg(photos, tmp_path):
    path = save_marked_image(tmp_path / "fake.jpg", resized(photos["chelsea"], 640, 480), {"model": "swap-test"})
    report = check_file(path)
    assert report.label_found and report.mark_found and report.payload is not None
    assert "proves nothing" in report.explain()
    if c2pa_manifest.c2pa_available():
        assert report.c2pa_state == "present" and "trainedAlgorithmicMedia" in report.c2pa_summary
    else:
        assert report.c2pa_state == "not checked" and "deepfake-edu[provenance]" in report.c2pa_summary


def test_check_file_on_an_untouched_photo_finds_nothing(photos, tmp_path):
    path = tmp_path / "real.png"
    cv2.imwrite(str(path), cv2.cvtColor(photos["coffee"], cv2.COLOR_RGB2BGR))
    report = check_file(path)
    assert not report.label_found and not report.mark_found and report.c2pa_state != "present"
    assert "proves nothing" in report.explain()


def test_small_images_get_the_label_only(photos):
    crop = resized(photos["astronaut"], 128, 128)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        marked = mark_image(crop)
    assert any("label only" in str(w.message) for w in caught)
    assert find_label(marked) and not read_mark(marked).found


def test_video_frames_carry_their_frame_number(photos):
    frame = resized(photos["grace_hopper"], 1280, 720)
    result = read_mark(mark_video_frame(frame, 17))
    assert result.found and result.payload & 0xFFFF == 17


def test_marked_video_file_is_found_by_check(photos, tmp_path):
    source = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(source), cv2.VideoWriter_fourcc(*"MJPG"), 10, (320, 256))
    base = resized(photos["coffee"], 320, 256)
    for shift in range(4):
        writer.write(cv2.cvtColor(np.roll(base, 3 * shift, axis=1), cv2.COLOR_RGB2BGR))
    writer.release()
    marked = mark_file(source, tmp_path / "marked.avi")
    report = check_file(marked)
    assert report.frames_checked == 4 and report.frames_with_label == 4 and report.frames_with_mark >= 3
    assert set(report.mark_frames) <= {0, 1, 2, 3} and report.mark_frames
    assert not check_file(source).mark_found


def test_cli_check_and_mark_exit_codes(photos, tmp_path, capsys):
    source = tmp_path / "in.png"
    cv2.imwrite(str(source), cv2.cvtColor(resized(photos["camera"], 400, 300), cv2.COLOR_RGB2BGR))
    assert main(["provenance", "mark", str(source), str(tmp_path / "out.jpg")]) == 0
    capsys.readouterr()
    assert main(["provenance", "check", str(tmp_path / "out.jpg")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "visible label: found" and lines[1].startswith("invisible mark: found") and lines[2].startswith("C2PA:")
    assert main(["provenance", "check", str(tmp_path / "out.jpg"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mark_found"] is True
    assert main(["provenance", "check", str(tmp_path / "missing.jpg")]) == 2
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    assert main(["provenance", "check", str(broken)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error: ") for line in err)


def test_bad_paths_raise_lab_error(tmp_path):
    with pytest.raises(LabError):
        check_file(tmp_path / "nothing.mp4")
    with pytest.raises(LabError):
        check_file(tmp_path)
