"""The quizzes in French beside English: every text exists in both, the French one holds words only
(the right answers stay in the English table), and switching the language changes what a student
sees, never how an answer is judged."""

from __future__ import annotations

import re

import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import i18n, quiz_fr
from deepfake_edu.lessons.quiz import (
    _QUIZZES,
    QUIZZES,
    TEXTS,
    _translated,
    _widget,
    answer,
    get_quiz,
    quiz,
)
from tests.lessons.text_tools import fields, numbers

KEYS = sorted(QUIZZES)
SEVERAL = [key for key in KEYS if QUIZZES[key].several_right]
SINGLE = [key for key in KEYS if not QUIZZES[key].several_right]



def in_language(code: str, key: str):
    i18n.set_language(code)
    try:
        return get_quiz(key)
    finally:
        i18n.set_language(None)




def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def every_text(key: str):
    """(what, English, French) for the question and each option's text and explanation, by letter."""
    english, french = in_language("en", key), in_language("fr", key)
    yield "question", english.question, french.question
    for letter, en, fr in zip(english.letters(), english.options, french.options):
        yield f"({letter}) text", en.text, fr.text
        yield f"({letter}) why", en.why, fr.why


# --- the catalogue is complete and in step with the English -------------------------------------

def test_every_quiz_and_every_sentence_exists_in_both_languages():
    assert set(quiz_fr.QUIZZES) == set(QUIZZES)
    assert set(quiz_fr.TEXTS) == set(TEXTS)
    for table in (TEXTS, quiz_fr.TEXTS):
        assert all(isinstance(text, str) and text.strip() for text in table.values())


@pytest.mark.parametrize("key", KEYS)
def test_each_french_quiz_has_the_same_options_letters_and_right_answers(key):
    english, french = in_language("en", key), in_language("fr", key)
    question, options = quiz_fr.QUIZZES[key]
    assert len(options) == len(english.options), f"quiz_fr.py: {key} needs {len(english.options)} options"
    assert all(len(pair) == 2 and all(isinstance(part, str) and part.strip() for part in pair) for pair in options), \
        f"quiz_fr.py: each option of {key} is (text, explanation), nothing else"
    assert french.language == "fr" and french.question == question  # the French really is served
    assert french.letters() == english.letters()
    assert french.right_letters() == english.right_letters()
    assert french.several_right == english.several_right
    texts = [option.text.strip().lower() for option in french.options]
    whys = [option.why.strip().lower() for option in french.options]
    assert len(set(texts)) == len(texts) and len(set(whys)) == len(whys)


@pytest.mark.parametrize("key", KEYS)
def test_numbers_and_code_match_between_the_languages(key):
    """A translation keeps every number and every `command`: a cheap guard against an option's
    text paired with another option's explanation, or a figure changed in passing."""
    for what, en, fr in every_text(key):
        assert numbers(fr) == numbers(en), f"{key} {what}: numbers {numbers(en)} in English, {numbers(fr)} in French"
        assert code_spans(fr) == code_spans(en), f"{key} {what}: `code` must stay as in English"


@pytest.mark.parametrize("key", KEYS)
def test_nothing_is_left_untranslated(key):
    for what, en, fr in every_text(key):
        assert fr != en, f"{key} {what} is still in English"
        assert TEXTS["choose_all"] not in fr


def test_every_sentence_keeps_its_format_fields():
    for name, english in TEXTS.items():
        assert fields(quiz_fr.TEXTS[name]) == fields(english), f"quiz_fr.TEXTS[{name!r}] must use the fields of the English"
        assert quiz_fr.TEXTS[name] != english, f"quiz_fr.TEXTS[{name!r}] is still in English"
    # the code a student copies stays the code they must type
    for name in ("text_hint_one", "text_hint_all"):
        assert re.findall(r'answer\([^)]*\)', quiz_fr.TEXTS[name]) == re.findall(r'answer\([^)]*\)', TEXTS[name])


@pytest.mark.parametrize("code", ["en", "fr"])
def test_a_question_says_choose_all_exactly_when_several_options_are_right(code):
    mark = (TEXTS if code == "en" else quiz_fr.TEXTS)["choose_all"]
    for key in KEYS:
        assert (mark in in_language(code, key).question) == QUIZZES[key].several_right, key


def test_the_longest_french_option_is_no_rule_of_thumb_either():
    def longest_is_right(key: str) -> bool:
        options = in_language("fr", key).options
        longest = max(len(option.text) for option in options)
        return any(option.correct for option in options if len(option.text) == longest)

    hits = [key for key in KEYS if longest_is_right(key)]
    assert len(hits) <= len(KEYS) / 2, hits


# --- answers are judged the same way ------------------------------------------------------------

@pytest.mark.parametrize("key", KEYS)
def test_every_answer_is_judged_the_same_in_both_languages(key):
    english, french = in_language("en", key), in_language("fr", key)
    right = english.right_letters()
    wrong = [letter for letter in english.letters() if letter not in right]
    choices: list = [right if english.several_right else right[0], ", ".join(right), [english.letters().index(r) for r in right]]
    if english.several_right:
        choices += [right[:-1], right + wrong[:1], english.letters()]
    else:
        choices += list(english.letters())
    for choice in choices:
        en_right, _ = english.feedback(choice)
        fr_right, fr_text = french.feedback(choice)
        assert fr_right is en_right, f"{key}: {choice!r}"
        assert fr_text.startswith("✓" if fr_right else "✗")
        if not english.several_right:
            assert fr_text.startswith(quiz_fr.TEXTS["right" if fr_right else "not_quite"])
    for index, option in enumerate(french.options):  # each option's French explanation is the one shown
        if not english.several_right:
            assert option.why in french.feedback(index)[1]


def test_several_right_feedback_is_french_option_by_option():
    key = SEVERAL[0]
    french = in_language("fr", key)
    right = french.right_letters()
    wrong = [letter for letter in french.letters() if letter not in right]
    ok, text = french.feedback([right[0], wrong[0]])
    by_letter = dict(zip(french.letters(), french.options))
    assert not ok and text.startswith(quiz_fr.TEXTS["not_all_right"])
    assert quiz_fr.TEXTS["chosen_right"].format(letter=right[0], why=by_letter[right[0]].why) in text
    assert quiz_fr.TEXTS["chosen_wrong"].format(letter=wrong[0], why=by_letter[wrong[0]].why) in text
    for letter in right[1:]:
        assert quiz_fr.TEXTS["missed"].format(letter=letter, why=by_letter[letter].why) in text
    ok, text = french.feedback(right)
    assert ok and text.startswith(quiz_fr.TEXTS["all_right"]) and "✗" not in text


def test_a_french_option_text_is_an_answer_too():
    key = SINGLE[0]
    french = in_language("fr", key)
    right = french.options[french.letters().index(french.right_letters()[0])]
    assert french.feedback(right.text)[0] is True


def test_wrong_letters_get_a_french_line_that_names_the_letters():
    several, single = in_language("fr", SEVERAL[0]), in_language("fr", SINGLE[0])
    for found, bad in [(several, "a, z"), (single, "z"), (single, 9)]:
        with pytest.raises(LabError, match="lettres") as error:
            found.feedback(bad)
        assert "\n" not in str(error.value) and ", ".join(found.letters()) in str(error.value)
    with pytest.raises(LabError, match="UNE SEULE"):
        single.feedback("a, b")
    i18n.set_language("fr")
    with pytest.raises(LabError, match="pas de quiz"):
        get_quiz("nope.nothing")


# --- switching the language -----------------------------------------------------------------------

def test_switching_the_language_changes_what_the_quiz_shows(capsys):
    key = SINGLE[0]
    english, french = QUIZZES[key], quiz_fr.QUIZZES[key]
    quiz(key)
    out = capsys.readouterr().out
    assert english.question in out and french[0] not in out and 'answer("' in out
    i18n.set_language("fr")
    assert i18n.language() == "fr"
    quiz(key)
    out = capsys.readouterr().out
    assert french[0] in out and english.question not in out
    assert quiz_fr.TEXTS["text_hint_one"].format(key=key) in out
    assert all(text in out for text, _why in french[1])
    right = get_quiz(key).right_letters()[0]
    assert answer(key, right) is True
    assert capsys.readouterr().out.startswith(quiz_fr.TEXTS["right"])
    i18n.set_language("en")
    assert answer(key, right) is True
    assert capsys.readouterr().out.startswith(TEXTS["right"])


def test_the_teacher_sets_the_language_once_in_the_environment(monkeypatch):
    key = KEYS[0]
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "fr")
    assert i18n.language() == "fr" and get_quiz(key).question == quiz_fr.QUIZZES[key][0]
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "fr_FR.UTF-8")  # a locale, as a shell may hold one
    assert i18n.language() == "fr"
    i18n.set_language("en")  # a notebook's own choice wins
    assert get_quiz(key).question == QUIZZES[key].question
    i18n.set_language(None)
    assert i18n.language() == "fr"
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "")
    assert i18n.language() == "en"


def test_a_speaking_block_holds_for_its_own_thread_only():
    """A server answering two browsers at once: each handler's block speaks its own language."""
    import threading

    i18n.set_language("en")
    inside, started, finish = [], threading.Event(), threading.Event()

    def french_visitor():
        with i18n.speaking("fr"):
            started.set()
            finish.wait(5)
            inside.append(i18n.language())

    visitor = threading.Thread(target=french_visitor)
    visitor.start()
    started.wait(5)
    assert i18n.language() == "en"  # the French block does not leak into this thread
    with i18n.speaking("fr-CA"):
        assert i18n.language() == "fr" and get_quiz(KEYS[0]).question == quiz_fr.QUIZZES[KEYS[0]][0]
        with i18n.speaking(None):
            assert i18n.language() == "fr"  # None changes nothing
    assert i18n.language() == "en"
    finish.set()
    visitor.join(5)
    assert inside == ["fr"]
    with pytest.raises(LabError, match="fr \\(français\\)"):
        with i18n.speaking("de"):
            pass


@pytest.mark.parametrize("bad", ["de", "french", "", "  "])
def test_an_unknown_language_is_one_line_that_names_the_languages(bad):
    i18n.set_language("fr")
    with pytest.raises(LabError) as error:
        i18n.set_language(bad)
    message = str(error.value)
    assert "\n" not in message and "en (English)" in message and "fr (français)" in message
    assert i18n.language() == "fr"  # a failed switch changes nothing


def test_an_unknown_language_in_the_environment_says_where_it_came_from(monkeypatch):
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "klingon")
    with pytest.raises(LabError, match=i18n.ENVIRONMENT_VARIABLE) as error:
        get_quiz(KEYS[0])
    assert "\n" not in str(error.value) and "fr (français)" in str(error.value)


def test_the_widget_speaks_the_language_of_its_quiz(capsys):
    widgets = pytest.importorskip("ipywidgets")
    key = SINGLE[0]
    i18n.set_language("fr")
    found = get_quiz(key)
    choices, button, _output = _widget(found, widgets).children
    assert button.description == quiz_fr.TEXTS["check_button"]
    assert [label for label, _ in choices.options] == [f"({letter}) {option.text}" for letter, option in zip(found.letters(), found.options)]
    button.click()
    assert quiz_fr.TEXTS["choose_first"] in capsys.readouterr().out
    i18n.set_language("en")  # a widget already shown keeps its language
    choices.value = found.letters().index(found.right_letters()[0])
    button.click()
    out = capsys.readouterr().out
    assert quiz_fr.TEXTS["right"] in out and TEXTS["right"] not in out


# --- a missing translation falls back to English ------------------------------------------------

def test_a_missing_french_text_falls_back_to_english(monkeypatch):
    monkeypatch.delitem(quiz_fr.TEXTS, "right")
    key = SINGLE[0]
    french = in_language("fr", key)
    text = french.feedback(french.right_letters()[0])[1]
    assert text.startswith(TEXTS["right"]) and french.options[0].why in "".join(
        french.feedback(i)[1] for i in range(len(french.options)))
    assert i18n.lookup({"en": {"k": "hello"}, "fr": {}}, "k", "fr") == "hello"
    assert i18n.lookup({"en": {"k": "hello"}}, "k", "fr") == "hello"
    assert i18n.lookup({"en": {"k": "hello"}, "fr": {"k": "bonjour"}}, "k", "fr") == "bonjour"


def test_a_french_quiz_out_of_step_is_served_in_english_not_with_wrong_answers(monkeypatch):
    key = KEYS[0]
    question, options = quiz_fr.QUIZZES[key]
    served = _translated(QUIZZES[key], "fr", (question, options[:-1]))
    assert served is QUIZZES[key]
    monkeypatch.delitem(_QUIZZES["fr"], key)
    assert in_language("fr", key) is QUIZZES[key]
