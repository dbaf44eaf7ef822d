"""The demo's tab functions called directly, as the page calls them."""

from __future__ import annotations

import json
import zlib

import cv2
import numpy as np
import pytest

from deepfake_edu.demo import logic
from deepfake_edu.errors import LabError

RUN = "twins (the lab's classroom model)"


def test_rebuild_face_goes_through_the_chosen_funnel(demo_lab):
    narrow = logic.rebuild_face(demo_lab, "twin-00", 3, 4)
    wide = logic.rebuild_face(demo_lab, "twin-00", 3, 16)
    assert narrow.original.shape == narrow.rebuilt.shape == (logic.SHOWN_SIDE, logic.SHOWN_SIDE, 3)
    bottleneck = {row["name"]: row for row in narrow.layers}["encoder bottleneck"]
    assert bottleneck["shape"] == (4,) and {row["name"]: row for row in wide.layers}["encoder bottleneck"]["shape"] == (16,)
    assert not np.array_equal(narrow.rebuilt, wide.rebuilt)  # two models, two rebuilt faces
    assert 0 < narrow.mse < 1 and -1 <= narrow.ssim <= 1
    assert "4 numbers" in narrow.summary() and narrow.funnel.ndim == 3
    assert "encoder bottleneck" in logic.describe_layers(narrow.layers)


def test_rebuild_face_refuses_untrained_widths_and_unknown_faces(demo_lab):
    with pytest.raises(LabError, match="no autoencoder 999"):
        logic.rebuild_face(demo_lab, "twin-00", 0, 999)
    with pytest.raises(LabError, match="face 500 does not exist"):
        logic.rebuild_face(demo_lab, "twin-00", 500, 4)
    with pytest.raises(LabError, match="funnel models know"):
        logic.funnel_faces(demo_lab, "../../etc")


def test_make_fake_writes_a_marked_recorded_file_with_its_true_answer(demo_lab, small_lab):
    from deepfake_edu.data.forget import read_ledger
    from deepfake_edu.provenance.check import check_file

    assert logic.fake_directions(demo_lab, RUN) == ["twin-00 -> twin-01", "twin-01 -> twin-00"]
    result = logic.make_fake(demo_lab, RUN, "twin-00 -> twin-01", 2)
    assert result.path.is_file() and result.path.parent == small_lab.home / "outputs" / "demo" / "fakes"
    report = check_file(result.path)
    assert report.label_found and report.mark_found
    assert str(result.path.resolve()) in {entry.get("path") for entry in read_ledger()}
    assert result.truth is not None and -1 <= result.ssim <= 1 and "true answer" in result.summary()
    with pytest.raises(LabError, match="unknown direction"):
        logic.make_fake(demo_lab, RUN, "twin-00 -> twin-00", 0)
    with pytest.raises(LabError, match="unknown model"):
        logic.make_fake(demo_lab, "/etc/passwd", "twin-00 -> twin-01", 0)


def test_a_fake_of_real_people_says_whose_face_it_shows(small_lab, tmp_path, monkeypatch):
    """Issue 16: a class's own run of two real people; the page says how far the fake is from each."""
    import dataclasses

    from tests.real_pair import train_real_pair

    home = tmp_path / "home"
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(home))
    train_real_pair(home / "runs" / "pair")
    lab = logic.DemoLab(dataclasses.replace(small_lab, home=home))  # the lab's twins assets, this class's runs
    assert "runs/pair" in lab.swap_runs() and logic.fake_directions(lab, "runs/pair") == ["ann -> ben", "ben -> ann"]
    result = logic.make_fake(lab, "runs/pair", "ann -> ben", 0)
    report = result.photo.identity
    assert result.truth is None and report is not None and report.names == ("ann", "ben")
    assert f"{report.mean_to_target:.2f} from ben" in result.summary() and "closer to **" in result.summary()


def test_a_single_fake_is_pasted_into_its_picture_like_the_clip(demo_lab, small_lab):
    """Issue 20: the single fake showed the swapped crop only (no hair, no background)."""
    from deepfake_edu.data.forget import read_ledger
    from deepfake_edu.provenance.check import check_file
    from deepfake_edu.swap.fakes import FAKE_SIDE

    result = logic.make_fake(demo_lab, RUN, "twin-01 -> twin-00", 4)
    assert result.source.shape == result.fake.shape == (FAKE_SIDE, FAKE_SIDE, 3)  # A's whole picture, and the fake in it
    difference = np.abs(result.fake.astype(int) - result.source.astype(int)).mean(axis=2)
    side = FAKE_SIDE
    hair = difference[: side // 8].mean()  # the top of the head: A's own hair and background, the mark's nudges only
    face = difference[side * 3 // 8 : side * 5 // 8, side * 3 // 8 : side * 5 // 8].mean()  # the pasted face
    assert hair < 4 and face > 3 * hair, (hair, face)
    assert result.path != result.photo.path and "pasted into twin-01's picture" in result.summary()
    ledger = {entry.get("path") for entry in read_ledger()}
    for written in (result.path, result.photo.path):  # the picture and the face alone: both marked and recorded
        report = check_file(written)
        assert report.label_found and report.mark_found and str(written.resolve()) in ledger
    assert result.truth.shape == (logic.SHOWN_SIDE, logic.SHOWN_SIDE, 3) and result.ssim == result.photo.ssim


def test_catch_scores_every_face_of_a_photo_with_a_heatmap(demo_lab, face_photo):
    result = logic.catch_fake(demo_lab, face_photo, next(iter(demo_lab.detectors())))
    assert len(result.faces) == len(result.scores) >= 1
    picture, caption = result.faces[0]
    assert picture.shape == (256, 256, 3) and "P(fake)" in caption
    assert result.heatmaps and all(0 <= p <= 1 for p in result.scores)


def test_catch_gives_a_video_its_curve(demo_lab, small_lab, tmp_path):
    from deepfake_edu.data import twins

    frames, _ = twins.render_video(twins.make_identity(0), 12, size=256)
    video = twins.write_video(tmp_path / "clip.avi", frames)
    result = logic.catch_fake(demo_lab, video, next(iter(demo_lab.detectors())))
    assert result.curve is not None and result.curve.is_file()
    assert len(result.scores) == 12 and "sampled frames" in result.summary
    # Issue 20: video faces got the curve but no heatmaps; now a few frames, first to last, get theirs.
    assert result.heatmaps and len(result.faces) == logic.VIDEO_HEATMAPS
    captions = [caption for _, caption in result.faces]
    assert captions[0].startswith("frame 0 at 0.0 s: P(fake) = ") and captions[-1].startswith("frame 11 at "), captions
    assert all(picture.shape == (256, 256, 3) for picture, _ in result.faces)


def _bad_uploads(folder):
    text = folder / "notes.png"
    text.write_text("this is not a picture")
    corrupt = folder / "broken.jpg"
    ok, encoded = cv2.imencode(".jpg", np.full((64, 64, 3), 128, np.uint8))
    corrupt.write_bytes(encoded.tobytes()[:40])
    empty = folder / "empty.png"
    empty.write_bytes(b"")
    script = folder / "run.sh"
    script.write_text("echo hi")
    huge = folder / "huge.png"  # a PNG header claiming 60000 x 60000 pixels
    def chunk(kind: bytes, payload: bytes) -> bytes:  # a well-formed PNG chunk, checksum included
        return len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")

    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", (60000).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00")
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))
    no_face = folder / "landscape.png"
    cv2.imwrite(str(no_face), np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (200, 1))[..., None].repeat(3, 2))
    long_video = folder / "long.avi"
    writer = cv2.VideoWriter(str(long_video), cv2.VideoWriter_fourcc(*"MJPG"), 1.0, (64, 64))
    for _ in range(int(logic.MAX_VIDEO_SECONDS) + 5):
        writer.write(np.zeros((64, 64, 3), np.uint8))
    writer.release()
    return {
        "not an image": (text, "not a readable image"),
        "corrupt": (corrupt, "not a readable image"),
        "empty": (empty, "empty"),
        "wrong kind": (script, "not an image or video file"),
        "huge": (huge, "too large"),
        "no face": (no_face, "no face found"),
        "too long a video": (long_video, "up to 30 s"),
        "nothing uploaded": (None, "no file yet"),
    }


def test_every_bad_upload_gets_one_line_that_says_what_to_do(demo_lab, tmp_path):
    for name, (path, expected) in _bad_uploads(tmp_path).items():
        with pytest.raises(LabError) as caught:
            logic.catch_fake(demo_lab, path, next(iter(demo_lab.detectors())))
        message = str(caught.value)
        assert expected in message and "\n" not in message, name
        assert path is None or str(path.parent) not in message, name  # the server's folders stay private


def _no_face_uploads() -> dict:
    rng = np.random.default_rng(5)
    rows = np.arange(256)[:, None, None]
    bricks = np.where((rows % 16 < 2) | ((np.arange(256)[None, :, None] + 8 * (rows // 16 % 2)) % 32 < 2), 200, (150, 70, 50))
    return {
        "1x1.png": (np.zeros((1, 1, 3), np.uint8), "only 1x1 pixels"),
        "tiny.jpg": (rng.integers(0, 256, (12, 12, 3), dtype=np.uint8), "only 12x12 pixels"),
        "grey.png": (np.full((256, 256, 3), 128, np.uint8), "one flat colour"),
        "grey.jpg": (np.full((300, 300, 3), 90, np.uint8), "one flat colour"),
        "grey.webp": (np.full((200, 200, 3), 200, np.uint8), "one flat colour"),
        "noise.png": (rng.integers(0, 256, (256, 256, 3), dtype=np.uint8), "the same all over"),
        "noise.bmp": (rng.integers(0, 256, (128, 128, 3), dtype=np.uint8), "the same all over"),
        "wall.jpg": (np.clip(bricks + rng.normal(0, 12, (256, 256, 3)), 0, 255).astype(np.uint8), "the same all over"),
        "strip.png": (np.full((40, 400, 3), 128, np.uint8), "no face found"),
    }


NO_FACE_UPLOADS = _no_face_uploads()


@pytest.mark.parametrize("name", sorted(NO_FACE_UPLOADS))
def test_a_picture_with_no_face_gets_no_verdict(demo_lab, tmp_path, name):
    from deepfake_edu.data.images import write_image

    picture, reason = NO_FACE_UPLOADS[name]
    path = write_image(tmp_path / name, picture)
    with pytest.raises(LabError) as caught:
        logic.catch_fake(demo_lab, path, next(iter(demo_lab.detectors())))
    message = str(caught.value)
    assert message.startswith("no face found") and reason in message and "\n" not in message, message
    assert str(tmp_path) not in message  # the server's folders stay private


def test_check_provenance_says_an_absent_mark_proves_nothing(face_photo):
    text = logic.check_provenance(face_photo)
    assert "visible label: not found" in text and "invisible mark: not found" in text
    assert "absent label, mark or manifest proves nothing" in text
    assert "What the payload is" not in text  # no mark, no payload to explain


def test_check_provenance_says_what_the_payload_is_and_who_made_it(demo_lab):
    """Issue 20: "payload 1ef403ba" was not explained."""
    fake = logic.make_fake(demo_lab, RUN, "twin-00 -> twin-01", 1)
    text = logic.check_provenance(fake.path, demo_lab)
    assert "**What the payload is.**" in text and "32 bits" in text and "names no person" in text
    assert f"this demo's **make a fake** tab, model *{RUN}*" in text  # the demo's own fakes are recognised
    assert "What the payload is" in logic.check_provenance(fake.path)  # without the lab: explained, not matched
    assert "make a fake" not in logic.check_provenance(fake.path)


def test_check_provenance_says_a_video_payload_numbers_its_frame(demo_lab):
    clip = logic.make_fake_clip(demo_lab, RUN, "twin-00 -> twin-01", frames=6)
    text = logic.check_provenance(clip.video, demo_lab)
    assert "`dfed` (the lab's video tag) followed by the frame's own number" in text


def test_an_upload_gets_a_preview_picture_or_its_first_frame(demo_lab, face_photo, tmp_path):
    """Issue 20: an uploaded file showed as a name only."""
    from deepfake_edu.data import twins
    from deepfake_edu.data.images import read_image

    shown = read_image(logic.upload_preview(demo_lab, face_photo))  # the astronaut is 512 x 512
    assert shown.shape == (logic.PREVIEW_SIDE, logic.PREVIEW_SIDE, 3)
    frames, _ = twins.render_video(twins.make_identity(1), 4, size=256)
    video = twins.write_video(tmp_path / "clip.avi", frames)
    first = read_image(logic.upload_preview(demo_lab, video))
    assert first.shape == (256, 256, 3) and np.abs(first.astype(int) - frames[0].astype(int)).mean() < 12  # its first frame
    assert logic.upload_preview(demo_lab, None) is None  # the upload was cleared
    for name, (path, expected) in _bad_uploads(tmp_path).items():
        if path is None or name == "no face":
            continue  # a picture with no face is still a picture to show
        with pytest.raises(LabError) as caught:
            logic.upload_preview(demo_lab, path)
        assert expected in str(caught.value) and "\n" not in str(caught.value) and str(tmp_path) not in str(caught.value), name


def test_the_arms_race_view_draws_a_kept_race_and_refuses_an_unknown_one(demo_lab, tmp_path):
    from deepfake_edu.detect import armsrace

    def row(step, ssim, p_fake):
        return {"step": step, "swap_ssim": ssim, "swap_face_ssim": ssim + 0.03, "swap_psnr": 17.0, "detail_kept": 0.2,
                "detectors": {"meso4-twins": {"mean_p_fake": p_fake, "caught": p_fake, "auc": 0.9}}}

    race = armsrace.ArmsRace("runs/class-race", [row(50, 0.55, 0.9), row(100, 0.62, 0.7)],
                             {"meso4-twins": {"source": "meso4-twins", "real_mean_p_fake": 0.05, "false_alarms": 0.0}},
                             {"identities": [6, 7], "per_identity": 2, "seed": 3, "qualities": [95], "faces": 4, "side": 256})
    armsrace.save_arms_race(race, demo_lab.home / "outputs" / armsrace.RACES_FOLDER / "class-race.json")
    labels = logic.arms_races(demo_lab)
    assert labels[0] == "your lab's: class-race"
    picture, table = logic.arms_race_view(demo_lab, labels[0])
    assert picture.dtype == np.uint8 and picture.ndim == 3 and picture.shape[1] > picture.shape[0]
    assert "| 50 |" in table and "| 100 |" in table
    assert logic.arms_race_view(demo_lab, labels[0])[0] is picture  # drawn once per version of the file
    with pytest.raises(LabError, match="choose one from the list"):
        logic.arms_race_view(demo_lab, "../../etc/passwd")


def test_the_quiz_asks_lab_sevens_study_faces(demo_lab):
    """Faces no lab set renders and the detector never saw, the sharpest fakes: the study's."""
    from deepfake_edu.lessons.human_machine import labels_for, study_identities

    dataset, records = demo_lab.realfake()
    assert demo_lab.spot.fair and {r["identity"] for r in records} <= set(study_identities())
    assert dataset.root.parent == demo_lab.folder and dataset.root.name.startswith("study-")
    assert [r["label"] for r in records] == labels_for({"count": len(records)})


def test_quiz_answer_reveals_the_truth_and_counts_both_players(demo_lab):
    demo_lab.tally.reset()
    _, records = demo_lab.realfake()
    image, number = logic.quiz_question(demo_lab)
    assert image.shape == (256, 256, 3)
    truth = records[number]["label"]
    text, tally = logic.quiz_answer(demo_lab, number, truth)
    assert f"This face is **{truth}**" in text and "You said" in text and "P(fake)" in text
    assert tally["human"] == {"right": 1, "answered": 1} and tally["machine"]["answered"] == 1
    assert json.loads(demo_lab.tally.path.read_text())["human"]["right"] == 1
    with pytest.raises(LabError, match="next face"):
        logic.quiz_answer(demo_lab, None, "real")
    with pytest.raises(LabError, match="answer 'real' or 'fake'"):
        logic.quiz_answer(demo_lab, number, "maybe")


def test_a_second_answer_on_the_same_face_is_not_counted_and_says_so(demo_lab):
    """Issue 20: a second answer said "no face on screen: press 'next face' first" with the face on screen."""
    demo_lab.tally.reset()
    picture, turn = logic.quiz_turn(demo_lab)
    assert turn == {"number": turn["number"], "answered": False} and picture.endswith(".png")
    advice, tally, advised = logic.quiz_guess(demo_lab, turn, "fake")  # the first answer: advice, nothing counted yet
    assert "The machine's P(fake)" in advice and tally["human"]["answered"] == 0 and advised["first"] == "fake"
    text, tally, after = logic.quiz_guess(demo_lab, advised, "fake")
    assert "This face is **" in text and tally["human"]["answered"] == 1
    assert after["answered"] and after["number"] == turn["number"]  # the face stays on screen, answered
    again, tally, still = logic.quiz_guess(demo_lab, after, "real")
    assert again.startswith(logic.ALREADY_ANSWERED) and text in again and "no face on screen" not in again
    assert tally["human"]["answered"] == 1 and demo_lab.tally.read()["human"]["answered"] == 1 and still == after
    _, fresh = logic.quiz_turn(demo_lab, after)
    assert not fresh["answered"] and fresh["number"] != turn["number"]  # next face: another one, to answer
    with pytest.raises(LabError, match="no face on screen"):  # and with truly none on screen, the old line
        logic.quiz_guess(demo_lab, None, "real")


def test_laundering_a_demo_fake_loses_its_manifest_and_shows_it_labelled(demo_lab):
    """Issue 18: laundering as sliders in the demo."""
    from deepfake_edu.provenance import label

    fake = logic.make_fake(demo_lab, RUN, "twin-00 -> twin-01", 1)
    detector = next(iter(demo_lab.detectors()))
    shown, text = logic.launder_upload(demo_lab, fake.path, detector, jpeg_quality=90)
    assert "| invisible mark | found | found |" in text  # the mark is built to survive JPEG 90
    assert "JPEG 90" in text and "P(fake)" in text and label.find_label(shown)
    shown, text = logic.launder_upload(demo_lab, fake.path, detector, keep=0.8)
    assert "| invisible mark | found | not found |" in text  # a crop moves the mark's grid
    assert label.find_label(shown)  # the page still sees the label, put back on
    with pytest.raises(LabError, match="between"):
        logic.launder_upload(demo_lab, fake.path, detector, sigma=9)


def test_laundering_refuses_a_video_and_no_upload(demo_lab, tmp_path):
    detector = next(iter(demo_lab.detectors()))
    with pytest.raises(LabError):
        logic.launder_upload(demo_lab, None, detector)
    clip = logic.make_fake_clip(demo_lab, RUN, "twin-00 -> twin-01", frames=4)
    with pytest.raises(LabError):
        logic.launder_upload(demo_lab, clip.video, detector)
