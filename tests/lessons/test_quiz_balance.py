"""The quizzes cannot be passed by a rule of thumb (pick the longest, pick the same letter), and
the quizzes with several right options are judged on the whole set."""

from __future__ import annotations

from collections import Counter

import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.lessons.quiz import QUIZZES, TEXTS, answer, get_quiz, quiz

SEVERAL = sorted(key for key, found in QUIZZES.items() if found.several_right)
SINGLE = sorted(key for key, found in QUIZZES.items() if not found.several_right)
# the keys the notebooks and the teacher guide name: they must stay
KEPT_KEYS = {
    "setup.consent", "setup.labels", "funnel.why_narrow", "funnel.what_is_lost", "swap.why_shared", "swap.which_decoder",
    "ownfaces.variety", "meso.why_short", "meso.video_rule", "compression.why_noise_fails", "compression.meso_scale",
    "explain.heatmap_meaning", "critical.no_mark", "critical.doubt",
}


def longest_is_right(key: str) -> bool:
    """Would 'pick the longest option' score here? A tie for longest counts when any tied option is right."""
    options = get_quiz(key).options
    longest = max(len(option.text) for option in options)
    return any(option.correct for option in options if len(option.text) == longest)


def test_no_key_was_lost():
    assert KEPT_KEYS <= set(QUIZZES)


def test_the_longest_option_is_right_in_at_most_half_of_the_quizzes():
    hits = [key for key in QUIZZES if longest_is_right(key)]
    print(f"the longest option is right in {len(hits)} of {len(QUIZZES)} quizzes: {hits}")
    assert len(hits) <= len(QUIZZES) / 2, hits


def test_the_shortest_option_is_not_a_rule_of_thumb_either():
    def shortest_is_right(key: str) -> bool:
        options = get_quiz(key).options
        shortest = min(len(option.text) for option in options)
        return any(option.correct for option in options if len(option.text) == shortest)

    hits = [key for key in SINGLE if shortest_is_right(key)]
    assert len(hits) <= len(SINGLE) / 2, hits


@pytest.mark.parametrize("key", sorted(QUIZZES))
def test_every_quiz_is_well_formed(key):
    found = get_quiz(key)
    assert 3 <= len(found.options) <= 5
    assert any(option.correct for option in found.options)
    assert all(option.text.strip() and option.why.strip() for option in found.options)
    texts = [option.text.strip().lower() for option in found.options]
    whys = [option.why.strip().lower() for option in found.options]
    assert len(set(texts)) == len(texts), "two options read the same"
    assert len(set(whys)) == len(whys), "every option needs its own explanation"
    assert ("choose all that apply" in found.question.lower()) == found.several_right


def test_several_quizzes_have_several_right_answers():
    assert len(SEVERAL) >= 4, SEVERAL
    for key in SEVERAL:
        assert "(choose all that apply)" in get_quiz(key).question


def test_the_right_letter_is_spread_over_the_single_answer_quizzes():
    letters = Counter(get_quiz(key).right_letters()[0] for key in SINGLE)
    print(f"right letters of the {len(SINGLE)} single-answer quizzes: {dict(sorted(letters.items()))}")
    assert max(letters.values()) <= len(SINGLE) / 2, letters


@pytest.mark.parametrize("key", SEVERAL)
def test_a_multi_answer_quiz_is_right_only_with_exactly_the_right_set(key):
    found = get_quiz(key)
    right = found.right_letters()
    wrong = [letter for letter in found.letters() if letter not in right]
    assert found.feedback(", ".join(right))[0] is True
    assert found.feedback(list(reversed(right)))[0] is True  # order does not matter
    assert found.feedback(" ".join(f"({letter.upper()})" for letter in right))[0] is True
    assert found.feedback([found.letters().index(letter) for letter in right])[0] is True
    assert found.feedback(right[:-1])[0] is False  # a subset
    assert found.feedback(right[:1])[0] is False
    assert found.feedback(right + wrong[:1])[0] is False  # a superset
    assert found.feedback(found.letters())[0] is False  # everything


@pytest.mark.parametrize("key", SEVERAL)
def test_multi_answer_feedback_explains_each_option_chosen_or_missed(key):
    found = get_quiz(key)
    right = found.right_letters()
    wrong = [letter for letter in found.letters() if letter not in right]
    chosen = [right[0], wrong[0]]  # one right, one wrong; the other right ones are missed
    ok, text = found.feedback(chosen)
    assert not ok and text.startswith("✗")
    by_letter = dict(zip(found.letters(), found.options))
    for letter in right:
        assert f"({letter})" in text and by_letter[letter].why in text
    assert by_letter[wrong[0]].why in text
    for letter in wrong[1:]:  # rightly left out: nothing to say
        assert by_letter[letter].why not in text
    assert TEXTS["chosen_right"].format(letter=right[0], why=by_letter[right[0]].why) in text
    assert TEXTS["chosen_wrong"].format(letter=wrong[0], why=by_letter[wrong[0]].why) in text
    for letter in right[1:]:
        assert TEXTS["missed"].format(letter=letter, why=by_letter[letter].why) in text
    ok, text = found.feedback(right)
    assert ok and text.startswith("✓") and "✗" not in text
    assert all(by_letter[letter].why in text for letter in right)


def test_answer_takes_every_letter_of_a_multi_answer_quiz(capsys):
    key = SEVERAL[0]
    right = get_quiz(key).right_letters()
    assert answer(key, ", ".join(right)) is True
    assert answer(key, right) is True
    assert answer(key, right[0]) is False
    out = capsys.readouterr().out
    assert "✓ Right" in out and "✗ Not quite" in out


def test_wrong_letters_get_one_line_that_names_the_letters():
    several, single = get_quiz(SEVERAL[0]), get_quiz(SINGLE[0])
    for found, bad in [(several, "a, z"), (several, ["a", "zz"]), (several, [0, 9]), (single, "z"), (single, 7)]:
        with pytest.raises(LabError, match="letters") as error:
            found.feedback(bad)
        assert "\n" not in str(error.value) and ", ".join(found.letters()) in str(error.value)
    for found in (several, single):
        with pytest.raises(LabError, match="letters"):
            found.feedback("")
        with pytest.raises(LabError, match="letters"):
            found.feedback([])
    with pytest.raises(LabError, match="ONE of the letters"):
        single.feedback("a, b")


def test_a_single_answer_quiz_still_takes_one_letter_or_the_option_text():
    found = get_quiz(SINGLE[0])
    right = found.right_letters()[0]
    text = found.options[found.letters().index(right)].text
    assert found.feedback(right)[0] and found.feedback([right])[0] and found.feedback(text)[0]
    assert found.feedback(f"({right.upper()})")[0]


def test_the_text_hint_matches_the_kind_of_quiz(capsys):
    quiz(SEVERAL[0])
    out = capsys.readouterr().out
    assert "(choose all that apply)" in out and f'answer("{SEVERAL[0]}", "a, c")' in out
    quiz(SINGLE[0])
    assert f'answer("{SINGLE[0]}", "a")' in capsys.readouterr().out


def test_the_widget_shows_tick_boxes_for_several_answers_and_checks_the_set(capsys):
    widgets = pytest.importorskip("ipywidgets")
    from deepfake_edu.lessons.quiz import _widget

    found = get_quiz(SEVERAL[0])
    box = _widget(found, widgets)
    choices, button, _output = box.children
    ticks = list(choices.children)
    assert all(isinstance(tick, widgets.Checkbox) for tick in ticks) and len(ticks) == len(found.options)
    button.click()
    assert TEXTS["choose_some_first"] in capsys.readouterr().out
    for tick, option in zip(ticks, found.options):
        tick.value = option.correct
    button.click()
    assert TEXTS["all_right"] in capsys.readouterr().out
    ticks[0].value = not ticks[0].value
    button.click()
    assert TEXTS["not_all_right"] in capsys.readouterr().out

    single = get_quiz(SINGLE[0])
    choices, button, _output = _widget(single, widgets).children
    assert isinstance(choices, widgets.RadioButtons)
    button.click()
    assert TEXTS["choose_first"] in capsys.readouterr().out
    choices.value = single.letters().index(single.right_letters()[0])
    button.click()
    assert TEXTS["right"] in capsys.readouterr().out


def test_the_teacher_guide_lists_the_right_answers_of_every_quiz():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "labs" / "TEACHER_GUIDE.md").read_text(encoding="utf-8")
    for key, each in QUIZZES.items():
        rights = "; ".join(f"({letter}) {option.text}" for letter, option in zip(each.letters(), each.options) if option.correct)
        assert f"| `{key}` | {rights} |" in guide, f"labs/TEACHER_GUIDE.md: the answer of {key} is out of date"
