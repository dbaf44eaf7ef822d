"""Lab 7's media-literacy exercises (``lessons.literacy``): each check accepts the right answers in
the forms a student writes them, refuses wrong ones with a hint that does not give the answer
away, and the student's notebook shows no answer above its check."""

from __future__ import annotations

import itertools
import re
import string
from pathlib import Path

import pytest

from deepfake_edu.lessons import literacy
from deepfake_edu.lessons.checks import CHECKS, NOT_ANSWERED, evaluate

ROOT = Path(__file__).resolve().parents[2]
STUDENT_LAB7 = ROOT / "labs" / "student" / "07_thinking_critically.ipynb"

# The answers as a teacher works them out from the posts, written here independently of the table.
CHECKLIST_ANSWERS = {
    "snowman": "source", "hailstones": "date", "fair": "original",
    "meteorite": "corroboration", "dolphin": "original", "burger": "benefit",
}
HISTORY_OLDEST_FIRST = ["lincoln", "fairies", "yezhov", "pyramids", "photoshop", "gan", "deepfakes", "c2pa"]
VIDEO_CUES = {"blinking", "lips and speech"}


def ok(name, answer):
    outcome = evaluate(name, answer)
    assert outcome.ok, f"{name}: the right answer {answer!r} was refused: {outcome.message}"
    assert outcome.message
    return outcome.message


def refused(name, answer, *words):
    outcome = evaluate(name, answer)
    assert not outcome.ok, f"{name}: the wrong answer {answer!r} was accepted"
    for word in words:
        assert word.lower() in outcome.message.lower(), f"{name}: the hint for {answer!r} should mention {word!r}: {outcome.message}"
    return outcome.message


def test_the_exercises_are_registered_and_say_fill_in_when_unanswered():
    for name in ("literacy.checklist", "literacy.history_order", "literacy.video_cues", "literacy.not_a_gan"):
        assert name in CHECKS
        assert evaluate(name, ...).message == NOT_ANSWERED


# ---------------------------------------------------------------------------- the checklist


def test_every_case_has_one_finding_per_question_and_a_clue_that_names_no_question():
    keys = [question.key for question in literacy.QUESTIONS]
    assert keys == ["source", "date", "original", "corroboration", "benefit"]
    for case in literacy.CASES:
        assert sorted(case.findings) == sorted(keys), case.key
        assert case.exposed_by in keys and case.why and case.clue
        question = next(q for q in literacy.QUESTIONS if q.key == case.exposed_by)
        clue = case.clue.lower()
        assert case.exposed_by not in clue and not any(re.search(rf"\b{re.escape(word)}\b", clue) for word in question.words), case.key
    # more than a handful of ways to answer, and no answer by elimination (a question catches two cases)
    assert len(keys) ** len(literacy.CASES) > 1000
    assert len({case.exposed_by for case in literacy.CASES}) < len(literacy.CASES)


def test_the_shown_cases_carry_no_labels_and_move_the_red_flag():
    text = literacy.cases_text()
    for question in literacy.QUESTIONS:
        assert f"{question.key}:" not in text.lower(), "a finding is labelled with its question"
    flag_places = []
    for index, case in enumerate(literacy.CASES):
        order = literacy._finding_order(index)
        assert sorted(order) == sorted(case.findings)
        flag_places.append(order.index(case.exposed_by))
        for finding in case.findings.values():
            assert finding in text
    assert len(set(flag_places)) > 2, flag_places  # the red flag is not always in the same place


def test_checklist_accepts_the_right_answers_in_the_ways_students_write_them():
    message = ok("literacy.checklist", CHECKLIST_ANSWERS)
    assert message.startswith(literacy.TEXTS["checklist_all_right"].format(count=len(literacy.CASES)))
    for case in literacy.CASES:
        assert case.why in message
    numbers = {q.key: n for n, q in enumerate(literacy.QUESTIONS, 1)}
    ok("literacy.checklist", {case: numbers[question] for case, question in CHECKLIST_ANSWERS.items()})
    ok("literacy.checklist", {case: str(numbers[question]) for case, question in CHECKLIST_ANSWERS.items()})
    spelled = dict(CHECKLIST_ANSWERS, snowman=" The SOURCE ", meteorite="corroberation", burger="who benefits", hailstones="When", fair="crop", dolphin="orignal")
    ok("literacy.checklist", spelled)


def test_checklist_refuses_each_wrong_case_without_giving_the_answer():
    keys = [question.key for question in literacy.QUESTIONS]
    for case in literacy.CASES:
        for wrong in keys:
            if wrong == CHECKLIST_ANSWERS[case.key]:
                continue
            message = refused("literacy.checklist", dict(CHECKLIST_ANSWERS, **{case.key: wrong}), case.title, wrong, case.clue)
            assert f"{len(literacy.CASES) - 1} of {len(literacy.CASES)} right" in message
            line = next(line for line in message.splitlines() if case.title in line)
            assert f"'{CHECKLIST_ANSWERS[case.key]}'" not in line
            assert case.why not in message
    # every other case still quiet: only the wrong ones are named
    message = refused("literacy.checklist", dict(CHECKLIST_ANSWERS, snowman="date", burger="source"))
    named = [case.title for case in literacy.CASES if case.title in message]
    assert named == ["The desert snowman", "The queue for the new burger bar"]


def test_checklist_answer_everything_the_same_scores_low():
    for key in [question.key for question in literacy.QUESTIONS]:
        message = refused("literacy.checklist", {case: key for case in CHECKLIST_ANSWERS})
        right = sum(value == key for value in CHECKLIST_ANSWERS.values())
        assert message.startswith(f"{right} of ")


def test_checklist_asks_for_every_case_and_known_questions():
    refused("literacy.checklist", "source", "snowman")
    refused("literacy.checklist", dict(CHECKLIST_ANSWERS, dolphin=...), "dolphin", "fill in")
    partial = dict(CHECKLIST_ANSWERS)
    del partial["burger"]
    refused("literacy.checklist", partial, "burger")
    refused("literacy.checklist", dict(CHECKLIST_ANSWERS, fair="vibes"), "vibes", "corroboration")
    refused("literacy.checklist", dict(CHECKLIST_ANSWERS, fair=9), "fair")
    refused("literacy.checklist", dict(CHECKLIST_ANSWERS, fair=True), "fair")


def test_read_question_tolerates_words_and_typos_but_not_nonsense():
    assert literacy.read_question("who gains") == "benefit"
    assert literacy.read_question("the date question") == "date"
    assert literacy.read_question("corrob") == "corroboration"
    assert literacy.read_question("originl") == "original"
    for nonsense in ("", "x", "banana", "0", "6"):
        assert literacy.read_question(nonsense) is None


# ------------------------------------------------------------------------------ the history


def _letters_for(keys):
    letter_of = {event.key: letter for letter, event in zip(string.ascii_lowercase, literacy.puzzle_events())}
    return [letter_of[key] for key in keys]


def test_the_history_is_dated_in_order_and_the_puzzle_hides_its_dates():
    years = [event.year for event in literacy.HISTORY]
    assert years == sorted(years)
    assert [event.key for event in sorted(literacy.puzzle_events(), key=lambda e: e.year)] == HISTORY_OLDEST_FIRST
    assert len({event.year for event in literacy.puzzle_events()}) == len(literacy.puzzle_events())  # one right order
    shown = [event.key for event in literacy.puzzle_events()]
    assert shown != HISTORY_OLDEST_FIRST and shown != HISTORY_OLDEST_FIRST[::-1]
    puzzle = literacy.history_puzzle()
    assert not re.search(r"\b(1[5-9]\d\d|20\d\d)s?\b", puzzle), "the puzzle must not print a year"
    timeline = literacy.history_text()
    for event in literacy.HISTORY:
        assert event.when in timeline and event.text in timeline
    assert literacy.history_order() == ", ".join(_letters_for(HISTORY_OLDEST_FIRST))


def test_history_order_accepts_the_right_order_in_several_forms():
    letters = _letters_for(HISTORY_OLDEST_FIRST)
    ok("literacy.history_order", ", ".join(letters))
    ok("literacy.history_order", "".join(letters))
    ok("literacy.history_order", " ".join(f"({letter.upper()})" for letter in letters))
    ok("literacy.history_order", letters)
    ok("literacy.history_order", " -> ".join(letters))


def test_history_order_refuses_wrong_orders_and_points_at_a_real_mistake():
    letters = _letters_for(HISTORY_OLDEST_FIRST)
    year = {letter: event.year for letter, event in zip(string.ascii_lowercase, literacy.puzzle_events())}
    wrong_orders = [letters[::-1], letters[1:] + letters[:1]]
    for i in range(len(letters) - 1):  # every swap of two neighbours
        swapped = list(letters)
        swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
        wrong_orders.append(swapped)
    for order in wrong_orders:
        message = refused("literacy.history_order", order, "right place")
        first, second = re.findall(r"\(([a-h])\)", message)
        assert year[first] > year[second], message  # the pair it names really is out of order
        placed = sum(a == b for a, b in zip(order, letters))
        assert message.startswith(f"{placed} of {len(letters)}")
    refused("literacy.history_order", letters[:-1], "missing")
    refused("literacy.history_order", letters[:-1] + letters[:1], "once")
    refused("literacy.history_order", letters[:-1] + ["z"], "'z'")
    refused("literacy.history_order", "", "letters")
    refused("literacy.history_order", 42, "letters")


# --------------------------------------------------------------------------------- the cues


def test_video_cues_accepts_exactly_the_cues_a_photo_cannot_show():
    letter_of = {cue.name: letter for letter, cue in zip(string.ascii_lowercase, literacy.CUES)}
    right = sorted(letter_of[name] for name in VIDEO_CUES)
    ok("literacy.video_cues", ", ".join(right))
    ok("literacy.video_cues", " ".join(reversed(right)))
    ok("literacy.video_cues", "".join(right))
    ok("literacy.video_cues", right)
    still = [letter for letter in letter_of.values() if letter not in right]
    for letter in still:
        message = refused("literacy.video_cues", right + [letter], f"({letter})", "single photo")
        assert right[0] not in re.findall(r"\(([a-h])\)", message)
    refused("literacy.video_cues", right[:1], "one more")
    refused("literacy.video_cues", right[1:], "one more")
    refused("literacy.video_cues", "", "which ones")
    refused("literacy.video_cues", "z", "'z'")
    # every subset but the right one is refused: 2^8 ways to answer, one right
    letters = list(letter_of.values())
    accepted = [subset for n in range(len(letters) + 1) for subset in itertools.combinations(letters, n) if evaluate("literacy.video_cues", list(subset)).ok]
    assert accepted == [tuple(right)]


def test_the_cue_list_marks_video_cues_only_when_asked():
    marker = literacy.TEXTS["cues_video"]
    assert marker not in literacy.cues_text()
    assert literacy.cues_text(mark_video=True).count(marker) == len(VIDEO_CUES)


# ------------------------------------------------------------------------------- not a GAN


@pytest.mark.parametrize("answer", [
    "discriminator", "a discriminator", "A Discriminator.", "descriminator", "discrimnator",
    "a second network that tells the real pictures from the fake ones",
    "another network that judges if a picture is fake", "a critic", "an adversary that tries to spot fakes",
])
def test_not_a_gan_accepts_the_key_idea_in_many_words(answer):
    assert "discriminator" in ok("literacy.not_a_gan", answer)


@pytest.mark.parametrize("answer, word", [
    ("an encoder", "encoder"), ("two decoders", "decoders"), ("a bottleneck", "bottleneck"), ("more layers", "layers"),
    ("a generator", "generate"), ("nothing", "adversarial"), ("it is fake", "adversarial"), ("", "few words"),
])
def test_not_a_gan_refuses_parts_our_model_has_too(answer, word):
    message = refused("literacy.not_a_gan", answer, word)
    assert "discriminator" not in message.lower()


def test_not_a_gan_text_explains_the_difference():
    text = literacy.not_a_gan_text()
    assert "discriminator" in text and "encoder" in text and "not a GAN" in text


# ---------------------------------------------------------------------- texts and notebook


def test_every_text_is_used_and_formats():
    source = Path(literacy.__file__).read_text(encoding="utf-8")
    for key in literacy.TEXTS:
        assert f'TEXTS["{key}"]' in source, f"TEXTS[{key!r}] is never shown: remove it or use it"


def _check_cells(notebook):
    """{exercise name: index of the cell that checks it} in a notebook."""
    found = {}
    for index, cell in enumerate(notebook.cells):
        for name in re.findall(r'check\("(literacy\.[\w.]+)"', cell.source):
            found[name] = index
    return found


def test_the_student_notebook_shows_no_answer_above_its_check():
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(STUDENT_LAB7, as_version=4)
    checks = _check_cells(notebook)
    assert set(checks) == {"literacy.checklist", "literacy.history_order", "literacy.video_cues", "literacy.not_a_gan"}

    def above(name):
        return "\n".join(cell.source for cell in notebook.cells[: checks[name]])

    # what would give each answer away: the answer itself, or a call that prints it
    letter_of = {cue.name: letter for letter, cue in zip(string.ascii_lowercase, literacy.CUES)}
    giveaways = {
        "literacy.not_a_gan": ["discriminator", "not_a_gan_text()", "history_puzzle()", "history_text()"],
        "literacy.history_order": ["history_text()", literacy.history_order(), "".join(literacy.history_order().split(", "))],
        "literacy.video_cues": ["mark_video=True", ", ".join(sorted(letter_of[name] for name in VIDEO_CUES))],
        "literacy.checklist": [f'{case} = "{question}"' for case, question in CHECKLIST_ANSWERS.items()],
    }
    for name, words in giveaways.items():
        text = above(name)
        for word in words:
            assert word not in text, f"the student sees {word!r} above the check {name}"
    # and the answer cells are empty: every name the check reads is a placeholder
    for name in checks:
        answer_cell = notebook.cells[checks[name] - 1]
        assert "answer" in answer_cell.metadata.get("tags", []), name
        assert re.fullmatch(r"(\w+ = \.\.\.  # your answer here\n?)+", answer_cell.source), answer_cell.source
