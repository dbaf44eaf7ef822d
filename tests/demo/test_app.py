"""The page's wiring: which event runs which handler with which outputs, each handler called as
Gradio calls it (the built app's own functions, found by the component and event that trigger them)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from deepfake_edu.demo import logic
from deepfake_edu.demo.texts import english

RUN = "twins (the lab's classroom model)"
DETECTOR = "Meso-4 trained on twins (the lab's)"


@pytest.fixture(scope="module")
def app(small_lab):
    from deepfake_edu.demo.app import build_app

    return build_app(small_lab)


def component(app, kind, label: str | None = None, value=None, elem_id: str | None = None):
    """The one component of ``kind`` with this label, value (a button's text) or elem_id; a label or
    a text is the one an English browser shows (the page holds ``texts`` keys)."""
    found = [block for block in app.blocks.values() if isinstance(block, kind)
             and (label is None or english(getattr(block, "label", None)) == label)
             and (value is None or english(getattr(block, "value", None)) == value)
             and (elem_id is None or block.elem_id == elem_id)]
    assert len(found) == 1, (kind, label, value, elem_id, len(found))
    return found[0]


def triggered(app, block, event: str) -> list:
    """The functions ``event`` of ``block`` starts (not those chained after them with .then)."""
    return [fn for fn in app.fns.values() if (block._id, event) in fn.targets]


def then(app, first) -> list:
    """The functions chained after ``first`` (``.then``)."""
    return [fn for fn in app.fns.values() if fn.trigger_after == first._id]


def loads(app) -> list:
    return [fn for fn in app.fns.values() if any(event == "load" for _, event in fn.targets)]


def ids(blocks) -> set:
    return {block._id for block in blocks}


# --- tab 1 ------------------------------------------------------------------------------------


def test_clicking_a_face_in_the_gallery_rebuilds_it(app):
    """Issue 20: a click moved the slider only; the button had to be pressed."""
    gallery = component(app, gr.Gallery)
    slider = next(b for b in app.blocks.values() if isinstance(b, gr.Slider) and english(b.label) == "which face" and b.maximum == logic.FACES_PER_PERSON - 1)
    (select,) = triggered(app, gallery, "select")
    images = {component(app, gr.Image, label="the face")._id, component(app, gr.Image, label="rebuilt through the funnel")._id}
    assert slider._id in ids(select.outputs) and images <= ids(select.outputs)
    index, original, rebuilt, summary, funnel, layers = select.fn("twin-00", "16", gr.SelectData(gallery, {"index": 5, "value": None, "selected": True}))
    assert index == 5 and Path(original).is_file() and Path(rebuilt).is_file() and Path(funnel).is_file()
    assert "**16 numbers**" in summary and "encoder bottleneck" in layers
    (button,) = triggered(app, component(app, gr.Button, value="squeeze and rebuild"), "click")
    assert button.fn("twin-00", 5, "16") == (original, rebuilt, summary, funnel, layers)  # as the button would


def test_the_gallery_fits_the_page_and_the_faces_fill_their_frames(app):
    """Issue 20: at 1024x768 the gallery was a strip with scrollbars; the faces ~200 px in wide frames."""
    from deepfake_edu.demo.app import FACE_HEIGHT, GALLERY_COLUMNS, GALLERY_FACES

    gallery = component(app, gr.Gallery)
    assert gallery.height == "auto" and gallery.columns * gallery.rows >= GALLERY_FACES == 2 * GALLERY_COLUMNS
    (faces,) = triggered(app, component(app, gr.Dropdown, label="whose face"), "change")
    assert len(faces.fn("twin-01")) == min(GALLERY_FACES, len(logic.funnel_faces(app.demo_lab, "twin-01")))
    for label in ("the face", "rebuilt through the funnel"):
        image = component(app, gr.Image, label=label)
        assert image.height == FACE_HEIGHT and logic.SHOWN_SIDE >= 256 and image.min_width >= FACE_HEIGHT


# --- tab 2 ------------------------------------------------------------------------------------


def test_switching_direction_clears_the_fake_and_the_clip(app):
    """Issue 20: after switching direction the old clip stayed on screen."""
    direction = component(app, gr.Dropdown, label="who becomes whom")
    clip = component(app, gr.Image, label="the swapped clip")
    fake = component(app, gr.Image, label="A as B, in A's picture (labelled, marked)")
    download = component(app, gr.File, label="the fake, with its marks")
    (cleared,) = triggered(app, direction, "change")
    assert {clip._id, fake._id, download._id} <= ids(cleared.outputs)
    values = cleared.fn()
    assert len(values) == len(cleared.outputs) and all(value in (None, "") for value in values)
    # a new model sets a new direction, which clears in turn
    (directions,) = triggered(app, component(app, gr.Dropdown, label="model (a trained pair)"), "change")
    assert direction._id in ids(directions.outputs)


def test_make_fake_shows_the_pasted_picture_and_offers_it_for_download(app):
    (make,) = triggered(app, component(app, gr.Button, value="make the fake"), "click")
    source, fake, truth, summary, download = make.fn(RUN, "twin-00 -> twin-01", 2)
    assert Path(download).suffix == ".png" and "pasted into twin-00's picture" in summary
    assert all(Path(path).is_file() for path in (source, fake, truth))


# --- tab 3 ------------------------------------------------------------------------------------


def test_an_error_clears_every_output_of_the_previous_verdict(app, face_photo, tmp_path):
    """Issue 20: after "no face found: ..." the previous file's verdict stayed on the page."""
    go = component(app, gr.Button, value="catch it")
    upload = component(app, gr.File, elem_id="catch-upload")
    (clear,) = triggered(app, go, "click")
    (catch,) = then(app, clear)
    assert catch.api_name == "catch" and ids(clear.outputs) == ids(catch.outputs) and len(catch.outputs) == 3
    summary, faces, _curve = catch.fn(str(face_photo), DETECTOR)  # a verdict on screen
    assert "scored by" in summary and faces
    assert clear.fn() == ("", None, None)  # the click clears it first...
    landscape = tmp_path / "landscape.png"
    import cv2
    import numpy as np

    cv2.imwrite(str(landscape), np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (200, 1))[..., None].repeat(3, 2))
    with pytest.raises(gr.Error, match="no face found"):  # ...and an error leaves it cleared
        catch.fn(str(landscape), DETECTOR)
    (new_file,) = triggered(app, upload, "change")  # choosing another file clears it too
    assert ids(new_file.outputs) == ids(catch.outputs) and new_file.fn() == ("", None, None)


# --- tab 4 ------------------------------------------------------------------------------------


def test_the_quiz_opens_on_a_face(app):
    """Issue 20: the quiz opened on an empty picture."""
    face = component(app, gr.Image, label="real or fake?")
    (opening,) = [fn for fn in loads(app) if face._id in ids(fn.outputs)]
    picture, turn, reveal = opening.fn(None)
    assert Path(picture).is_file() and turn["answered"] is False and reveal == "Your guess?"


def test_a_second_answer_on_the_face_on_screen_says_it_was_already_counted(app, demo_lab):
    """Issue 20: the second answer said "no face on screen" while the face was on screen."""
    (ask,) = triggered(app, component(app, gr.Button, value="next face"), "click")
    (say_fake,) = triggered(app, component(app, gr.Button, value="fake"), "click")
    lab = app.demo_lab
    lab.tally.reset()
    _, turn, _ = ask.fn(None)
    advice, tally, turn = say_fake.fn(turn)  # the first answer: the machine's P(fake), not the truth
    assert "The machine's P(fake)" in advice and "This face is" not in advice and "| the class | 0 | 0 |" in tally
    first, tally, turn = say_fake.fn(turn)  # the final answer
    assert "This face is **" in first and "| the class | " in tally and turn is not None
    second, tally, turn = say_fake.fn(turn)
    assert "already answered this face" in second and "no face on screen" not in second
    assert lab.tally.read()["human"]["answered"] == 1 and lab.tally.read()["revised"]["answered"] == 1  # counted once


def test_resetting_the_tally_is_a_small_button_and_asks_first(app):
    """Issue 20: "reset the class's tally" was a full-width red bar with no confirmation."""
    reset = component(app, gr.Button, elem_id="quiz-reset")
    confirm_row = component(app, gr.Row, elem_id="quiz-reset-confirm")
    tally = next(fn for fn in app.fns.values() if fn.api_name == "quiz_tally").outputs[0]
    assert reset.size == "sm" and reset.variant != "stop" and reset.scale == 0 and confirm_row.visible is False
    lab = app.demo_lab
    lab.tally.reset()
    lab.tally.record(True, False)
    (ask,) = triggered(app, reset, "click")
    assert tally._id not in ids(ask.outputs)  # the first click only asks
    shown, button = ask.fn()
    assert shown["visible"] is True and button["visible"] is False and lab.tally.read()["human"]["answered"] == 1
    (cancel,) = triggered(app, component(app, gr.Button, value="cancel"), "click")
    hidden, button = cancel.fn()
    assert hidden["visible"] is False and button["visible"] is True and lab.tally.read()["human"]["answered"] == 1
    (confirm,) = triggered(app, component(app, gr.Button, value="yes, reset it"), "click")
    assert confirm.api_name == "quiz_reset" and ids(confirm.outputs) == {tally._id}
    assert "| the class | 0 | 0 | - |" in confirm.fn() and lab.tally.read()["human"]["answered"] == 0
    (hide,) = then(app, confirm)
    assert hide.fn()[0]["visible"] is False


# --- tab 5 ------------------------------------------------------------------------------------


def test_an_upload_to_check_is_previewed_and_the_old_report_goes(app, face_photo):
    """Issue 20: an uploaded file showed as a name only."""
    upload = component(app, gr.File, elem_id="check-upload")
    preview = component(app, gr.Image, elem_id="check-preview")
    (clear,) = triggered(app, upload, "change")
    (show,) = then(app, clear)
    assert preview._id in ids(clear.outputs) and ids(show.outputs) == {preview._id}
    assert Path(show.fn(str(face_photo))).is_file() and show.fn(None) is None
    (clear_report,) = triggered(app, component(app, gr.Button, value="check it"), "click")
    (check,) = then(app, clear_report)
    assert check.api_name == "check_file" and "What the payload is" not in check.fn(str(face_photo))
