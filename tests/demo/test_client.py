"""Every endpoint of the served app through gradio_client, as another program (or the page) calls it."""

from __future__ import annotations

from pathlib import Path

import pytest

RUN = "twins (the lab's classroom model)"
DETECTOR = "Meso-4 trained on twins (the lab's)"


@pytest.fixture(scope="module")
def client(running_app):
    from gradio_client import Client

    return Client(running_app[1], verbose=False)


def exercise_every_endpoint(client, photo: Path) -> dict:
    """Call each api_name once (the network test reuses this); returns their answers."""
    from gradio_client import handle_file

    answers = {}
    answers["funnel_gallery"] = client.predict("twin-01", api_name="/funnel_gallery")
    answers["rebuild"] = client.predict("twin-00", 1, "16", api_name="/rebuild")
    answers["fake_directions"] = client.predict(RUN, api_name="/fake_directions")
    answers["make_fake"] = client.predict(RUN, "twin-01 -> twin-00", 3, api_name="/make_fake")
    answers["catch"] = client.predict(handle_file(str(photo)), DETECTOR, api_name="/catch")
    answers["quiz_reset"] = client.predict(api_name="/quiz_reset")
    answers["quiz_next"] = client.predict(api_name="/quiz_next")
    answers["quiz_advice"] = client.predict(api_name="/quiz_fake")  # the first answer: the machine's advice
    answers["quiz_fake"] = client.predict(api_name="/quiz_fake")  # the final answer: the truth
    answers["quiz_tally"] = client.predict(api_name="/quiz_tally")
    answers["check_file"] = client.predict(handle_file(answers["make_fake"][4]), api_name="/check_file")
    return answers


def test_every_endpoint_answers(client, face_photo):
    answers = exercise_every_endpoint(client, face_photo)
    assert len(answers["funnel_gallery"]) > 0
    original, rebuilt, summary, funnel, layers = answers["rebuild"]
    assert Path(original).is_file() and Path(rebuilt).is_file() and "**16 numbers**" in summary
    directions = answers["fake_directions"]  # an update of the dropdown: its choices and value
    assert directions["value"] == "twin-00 -> twin-01" and len(directions["choices"]) == 2
    source, fake, truth, summary, download = answers["make_fake"]
    assert Path(fake).is_file() and Path(download).suffix == ".png" and "SSIM against the true answer" in summary
    summary, faces, curve = answers["catch"]
    assert "scored by" in summary and "face 1: P(fake) = " in summary and Path(faces).is_file()
    face, reveal = answers["quiz_next"]  # the question number stays in the session (gr.State)
    assert Path(face).is_file() and reveal == "Your guess?"
    advice, _ = answers["quiz_advice"]
    assert "The machine's P(fake)" in advice and "This face is" not in advice
    reveal, tally = answers["quiz_fake"]
    assert "This face is **" in reveal and "| the class |" in tally and "| the class, after seeing the machine |" in tally
    assert "| the class | 0 | 1 |" in answers["quiz_tally"] or "| the class | 1 | 1 |" in answers["quiz_tally"]  # one answer since the reset
    assert "visible label: found" in answers["check_file"] and "invisible mark: found" in answers["check_file"]
    assert "| the class | 0 | 0 | - |" in answers["quiz_reset"]


def test_the_clip_endpoint_makes_a_marked_clip(client):
    preview, video, summary = client.predict(RUN, "twin-00 -> twin-01", api_name="/make_clip")
    assert Path(preview).suffix == ".gif" and Path(video).suffix == ".mp4" and "24 frames" in summary


def fresh_client(client):
    """Another visitor: a client of its own, with its own session."""
    from gradio_client import Client

    return Client(client.src, verbose=False)


def test_a_second_answer_on_the_same_face_is_counted_once(client):
    client.predict(api_name="/quiz_next")
    client.predict(api_name="/quiz_real")  # the first answer; the machine's advice comes back
    first, tally = client.predict(api_name="/quiz_real")  # the final answer, the same one kept
    again, same = client.predict(api_name="/quiz_fake")  # the face is still on screen
    assert "This face is **" in first and "already answered this face" in again and first in again and same == tally


def test_errors_arrive_as_one_line_not_a_traceback(client, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    with pytest.raises(AppError) as caught:
        client.predict(handle_file(str(bad)), DETECTOR, api_name="/catch")
    assert "not a readable image" in str(caught.value) and "Traceback" not in str(caught.value)
    with pytest.raises(AppError, match="no face on screen"):
        fresh_client(client).predict(api_name="/quiz_real")  # a new client session has no face on screen
    with pytest.raises(AppError, match="not in the list of choices"):  # Gradio refuses before our code runs
        client.predict("/etc", "twin-00 -> twin-01", 0, api_name="/make_fake")
