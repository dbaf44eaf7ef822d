from __future__ import annotations

import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.lessons.quiz import QUIZZES, answer, get_quiz, quiz


@pytest.mark.parametrize("key", sorted(QUIZZES))
def test_every_quiz_has_a_right_option_and_explains_every_option(key):
    found = get_quiz(key)
    assert sum(option.correct for option in found.options) >= 1
    assert all(len(option.why) > 20 for option in found.options)
    for index in range(len(found.options)):
        right, explanation = found.feedback(index)
        assert explanation.startswith("✓" if right else "✗")
        assert found.options[index].why in explanation


def test_text_fallback_answers_by_letter(capsys):
    right_letter = next(letter for letter, option in zip(get_quiz("swap.which_decoder").letters(), get_quiz("swap.which_decoder").options) if option.correct)
    assert answer("swap.which_decoder", right_letter) is True
    assert "✓" in capsys.readouterr().out
    assert answer("swap.which_decoder", "(A)") is (right_letter == "a")
    with pytest.raises(LabError, match="letters"):
        answer("swap.which_decoder", "z")


def test_quiz_prints_the_question_as_text_even_with_widgets(capsys):
    quiz("funnel.why_narrow")
    out = capsys.readouterr().out
    assert get_quiz("funnel.why_narrow").question in out and "(a)" in out and 'answer("funnel.why_narrow"' in out


def test_fast_mode_switch(monkeypatch):
    from deepfake_edu.lessons import fast_mode, mode_line, pick

    monkeypatch.setenv("DEEPFAKE_EDU_FAST", "1")
    assert fast_mode() and pick(1, 2) == 1 and mode_line().startswith("FAST")
    monkeypatch.setenv("DEEPFAKE_EDU_FAST", "0")
    assert not fast_mode() and pick(1, 2) == 2
    monkeypatch.delenv("DEEPFAKE_EDU_FAST")
    assert not fast_mode()
