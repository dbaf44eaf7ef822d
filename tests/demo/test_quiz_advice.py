"""Tab 4 after issue 19: a first answer shows the machine's P(fake) (not the truth), the second is the
final answer (kept or revised), and the tally and the classroom pool count both apart."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from deepfake_edu.demo import logic
from deepfake_edu.demo.classroom import Classroom, describe_pool


def request_from(host: str, name: str):
    return SimpleNamespace(client=SimpleNamespace(host=host), username=name, session_hash=f"{host}-{name}")


def test_the_first_answer_shows_the_machines_p_fake_and_the_second_is_counted_as_revised(demo_lab):
    demo_lab.tally.reset()
    _, turn = logic.quiz_turn(demo_lab)
    number = turn["number"]
    truth = demo_lab.spot.faces()[1][number]["label"]
    wrong = "real" if truth == "fake" else "fake"
    advice, tally, advised = logic.quiz_guess(demo_lab, turn, truth)
    p = demo_lab.spot.machine_p_fake(number)
    assert f"P(fake) for this face is **{p:.2f}**" in advice and f"Press **{truth}** again" in advice
    assert truth not in ("",) and "This face is" not in advice and tally["human"]["answered"] == 0  # nothing counted, nothing told
    text, tally, after = logic.quiz_guess(demo_lab, advised, wrong)  # misled: right, then wrong
    assert f"This face is **{truth}**" in text and f"then {wrong} after seeing the machine" in text
    assert tally["human"] == {"right": 1, "answered": 1} and tally["revised"] == {"right": 0, "answered": 1}
    assert tally["advice"] == {"right_to_wrong": 1, "wrong_to_right": 0} and tally["machine"]["answered"] == 1
    again, tally, _ = logic.quiz_guess(demo_lab, after, truth)
    assert again.startswith(logic.ALREADY_ANSWERED) and tally["revised"]["answered"] == 1


def test_moving_on_after_a_first_answer_counts_it_alone(demo_lab):
    demo_lab.tally.reset()
    _, turn = logic.quiz_turn(demo_lab)
    _, _, advised = logic.quiz_guess(demo_lab, turn, "fake")
    _, fresh = logic.quiz_turn(demo_lab, advised)
    counts = demo_lab.tally.read()
    assert counts["human"]["answered"] == 1 and counts["revised"]["answered"] == 0 and fresh.get("first") is None
    logic.quiz_turn(demo_lab, fresh)  # a face never answered is not counted
    assert demo_lab.tally.read()["human"]["answered"] == 1


def test_the_pool_keeps_first_and_revised_answers_and_shows_three_accuracies(demo_lab):
    room = Classroom(host="127.0.0.1", port=7999, code="KMN479")
    ana, ben = request_from("10.0.0.4", "Ana"), request_from("10.0.0.5", "Ben")
    _, turn = logic.pooled_turn(demo_lab, room, ana)
    advice, pooled, advised = logic.pooled_guess(demo_lab, room, ana, turn, "fake")
    assert "The machine's P(fake)" in advice and room.pool.answers() == [] and room.pool.students() == 0
    text, pooled, _ = logic.pooled_guess(demo_lab, room, ana, advised, "real")
    (answer,) = room.pool.answers()
    assert answer.guess == "fake" and answer.revised == "real" and answer.revised_right == (answer.truth == "real")
    for row in ("| the class |", "| the machine (Meso-4) |", "| the class, after seeing the machine | "):
        assert row in pooled
    _, turn = logic.pooled_turn(demo_lab, room, ben)
    _, _, advised = logic.pooled_guess(demo_lab, room, ben, turn, "real")
    logic.pooled_turn(demo_lab, room, ben, advised)  # Ben moves on: his first answer is pooled without a revision
    first, second = room.pool.answers()
    assert second.student == "s02" and second.revised == "" and second.revised_right is None
    tally = room.pool.tally()
    assert tally["human"]["answered"] == 2 and tally["revised"]["answered"] == 1 and "2 students answered" in describe_pool(room.pool)
    assert "revised" in room.pool.to_csv().splitlines()[0]


def test_the_classroom_tabs_handlers_give_advice_then_pool_the_revision(small_lab):
    import gradio as gr

    from deepfake_edu.demo.app import build_app

    room = Classroom(host="127.0.0.1", port=7998, code="KMN479")
    app = build_app(small_lab, classroom=room)
    by_name = {fn.api_name: fn for fn in app.fns.values() if fn.api_name}
    student = request_from("10.0.0.9", "Cleo")
    _, turn, prompt = by_name["quiz_next"].fn(None, student)
    assert prompt == "Your guess?"
    advice, pooled, turn = by_name["quiz_fake"].fn(turn, student)
    assert "The machine's P(fake)" in advice and room.pool.answers() == []
    reveal, pooled, turn = by_name["quiz_fake"].fn(turn, student)
    assert "This face is **" in reveal and room.pool.answers()[0].revised == "fake"
    assert "| the class, after seeing the machine | " in pooled
    with pytest.raises(gr.Error, match="no face on screen"):
        by_name["quiz_real"].fn(None, student)
