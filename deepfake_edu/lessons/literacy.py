"""Lab 7, media literacy beyond the model: the zététique checklist, a short history of photo
manipulation, what to look at in a face (the cues of MIT Media Lab's Detect Fakes), and why this
lab's face swap is not a GAN.

Everything a student reads here is in this file's tables, in English, and in ``literacy_fr``
beside it in French, chosen by ``lessons.i18n`` as in ``lessons.quiz``: ``TEXTS`` (the sentences
around the exercises), ``QUESTIONS`` (the checklist), ``CASES`` (invented, harmless posts to
practise it on), ``HISTORY`` (dated events), ``CUES`` (what to look at in a face) and
``NOT_A_GAN``. The English tables are the reference, and say which answers are right; a
translation gives words only. ``TEXTS`` answers in the current language (``TEXTS["cues_video"]``),
its English is ``ENGLISH_TEXTS``. The notebook prints them with ``checklist_text``,
``cases_text``, ``history_puzzle``, ``history_text``, ``cues_text`` and ``not_a_gan_text``.

The four exercises register in ``check_kit.CHECKS`` on import (``checks`` imports this module),
and each works its answer out from the tables, not from a copy written elsewhere:

- ``literacy.checklist``: for each case, which of the five questions exposes it (six cases, five
  questions: 15,625 ways to answer);
- ``literacy.history_order``: the events, shown shuffled and undated, put in order (40,320 ways);
- ``literacy.video_cues``: which cues need a moving face, not one photo (256 ways);
- ``literacy.not_a_gan``: in a few words, what a GAN has and this lab's autoencoder lacks (read
  for its key idea, with tolerance for spelling).

What a student answers with stays as code is written (the cases' names, the questions' keys, the
letters); the words a student may use for a question, and the sentence about a GAN, are read in
English and in French alike, whatever the language the lessons speak.
"""

from __future__ import annotations

import difflib
import itertools
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from deepfake_edu.lessons import i18n, literacy_fr
from deepfake_edu.lessons.check_kit import Outcome, as_word, exercise

T = TypeVar("T")

# The sentences around the exercises, one entry per sentence a student can see (English, the
# reference; French in ``literacy_fr.TEXTS``). The code reads them through ``TEXTS``, below.
ENGLISH_TEXTS: dict[str, str] = {
    "checklist_title": "Five questions to ask before you believe or share a picture or a video:",
    "cases_intro": (
        "Each post below went viral. You checked it with the five questions, and the findings are listed "
        "(in no particular order). Four findings are reassuring; one is not. Which question caught it?"
    ),
    "case_heading": "{key}: {title}",
    "case_post": "The post: {post}",
    "case_findings": "What you found:",
    "checklist_need_dict": "Answer with one question for each case, e.g. snowman=\"date\"; the cases are: {cases}.",
    "checklist_missing": "Fill in every case first (replace each ... with a question); still missing: {cases}.",
    "checklist_unknown": "{case}: {given!r} is not one of the five questions. Use one of: {keys}.",
    "checklist_all_right": "All {count} right. What each one teaches:",
    "checklist_some_right": "{right} of {count} right. Look again at:",
    "checklist_case_right": "  {title}: {why}",
    "checklist_case_wrong": "  {title}: the question '{given}' finds nothing wrong here. {clue}",
    "checklist_hint": "For each case, read the five findings: four are reassuring; which one is not?",
    "history_intro": "Put these events in order, oldest first (answer with their letters, e.g. \"c, a, ...\"):",
    "history_title": "A short history of photo manipulation:",
    "history_need_letters": "Answer with all {count} letters {letters}, each once, oldest first.",
    "history_unknown": "{bad!r} is not one of the letters {letters}.",
    "history_repeat": "Use each letter once: {letters} appear more than once.",
    "history_incomplete": "Put all {count} events in order; missing: {letters}.",
    "history_right": "Right: {order}. Run the next cell for the dates.",
    "history_wrong": "{placed} of {count} events are in their right place. Look again at ({first}) and ({second}): which of the two came first?",
    "cues_title": "What to look at in a face (the cues of MIT Media Lab's Detect Fakes project, in our words):",
    "cues_video": " (needs a video)",
    "cue_line": "  ({letter}) {name}{extra}: {look}",
    "cue_quoted": "'{name}'",
    "and": " and ",
    "cues_need_letters": "Answer with the letters of the cues, e.g. \"a, d\"; the letters are {letters}.",
    "cues_unknown": "{bad!r} is not one of the letters {letters}.",
    "cues_right": "Right: {names} need the face to move or speak. On one photo, such as the faces above, use the others.",
    "cues_still": "({letter}) {name}: you can check it on a single photo. {why}",
    "cues_missed": "One more cue needs the face to move or speak: which one can a single photo never show?",
    "cues_empty": "Some of the cues do need a video: which ones can a single photo never show?",
    "gan_title": "Is this lab's face swap a GAN?",
    "gan_need_text": "Write a few words: what does a GAN have that our face-swap model does not?",
    "gan_right": "Right: a GAN has a discriminator, a second network that tries to tell its pictures from real ones. Our model has none: it learns only by comparing the faces it rebuilds with the real ones (SSIM and pixel error).",
    "gan_ours_too": "Our face-swap model has {part} too. What does a GAN add: a second network with which job?",
    "gan_generator": "Our decoders already generate faces, so they play the GAN's generator. What is the GAN's OTHER network, and what does it do?",
    "gan_hint": "Think of the 'adversarial' in Generative Adversarial Network: against whom does the generator play? Name that network or say what it does.",
}
_TEXTS = {"en": ENGLISH_TEXTS, "fr": literacy_fr.TEXTS}


class _Spoken(Mapping[str, str]):
    """A catalogue read in the current language: ``TEXTS["key"]`` is the sentence a student reads
    now, English where the translation lacks it; its keys are the English ones."""

    def __init__(self, catalogues: Mapping[str, Mapping[str, str]]):
        self._catalogues = catalogues

    def __getitem__(self, key: str) -> str:
        if key not in self._catalogues["en"]:
            raise KeyError(key)
        return i18n.lookup(self._catalogues, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalogues["en"])

    def __len__(self) -> int:
        return len(self._catalogues["en"])


TEXTS: Mapping[str, str] = _Spoken(_TEXTS)


def _catalogues(table: Iterable[T], key_of: Callable[[T], str], translations: Mapping[str, Mapping[str, dict]]) -> dict[str, dict[str, T]]:
    """A table's entries by key, per language: the English entry, and in each translation the same
    entry with the words that translation gives it (which answers are right stays the English's)."""
    english = {key_of(entry): entry for entry in table}
    found = {code: {key: replace(english[key], **words) for key, words in given.items() if key in english}
             for code, given in translations.items()}
    return {"en": english, **found}


def _plain(text: str) -> str:
    """Lower case without accents: "Générateur" -> "generateur" (English words are unchanged)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))


# ----------------------------------------------------------------------------- the checklist


@dataclass(frozen=True)
class Question:
    key: str  # the word a student answers with
    text: str  # the question, as the student reads it
    words: tuple[str, ...]  # other words a student may use for it (lower case)


QUESTIONS: tuple[Question, ...] = (
    Question("source", "SOURCE: who made it, or who posted it first? Can you find that first post, and is the account what it says it is?",
             ("who made it", "who posted", "first post", "author", "account", "poster", "maker", "creator", "origin")),
    Question("date", "DATE: when was it really taken? Is it new, or an old picture with a new caption?",
             ("when", "time", "old", "age", "year", "day")),
    Question("original", "ORIGINAL: can you find the full, unedited version? Was something cut out or added?",
             ("full", "uncut", "unedited", "crop", "cropped", "edited", "complete", "whole")),
    Question("corroboration", "CORROBORATION: do other, independent sources confirm it, or is there only this one picture and its copies?",
             ("confirm", "confirmed", "corroborate", "independent", "other sources", "others", "elsewhere", "evidence")),
    Question("benefit", "WHO BENEFITS: who gains if you believe it and share it: money, votes, attention?",
             ("who benefits", "benefits", "gain", "gains", "who gains", "profit", "money", "motive", "interest", "advert")),
)
_QUESTIONS = _catalogues(QUESTIONS, lambda question: question.key, {"fr": literacy_fr.QUESTIONS})
# the words for a question that read_question knows, in every language (without accents)
_QUESTION_WORDS = {question.key: question.words + tuple(_plain(word) for word in literacy_fr.QUESTION_WORDS.get(question.key, ()))
                   for question in QUESTIONS}


@dataclass(frozen=True)
class Case:
    key: str  # the name a student answers under (a Python name)
    title: str
    post: str  # what went viral
    findings: dict[str, str]  # question key -> what checking that question found
    exposed_by: str  # the one question whose finding gives it away
    why: str  # shown once the answer is right
    clue: str  # shown when the answer is wrong; must not name the question


# Invented, harmless posts: no real person, no real event, no politics. In each, the finding of
# one question is a red flag and the other four are reassuring, so the student has to apply all
# five questions. A question may expose more than one case, so elimination does not help.
CASES: tuple[Case, ...] = (
    Case(
        "snowman", "The desert snowman",
        "a photo of a snowman on orange sand dunes. Caption: \"It snowed in the desert last night! Nature is crazy.\" Shared 200,000 times.",
        {
            "source": "The first copy you can find was posted by an account whose profile says: \"Digital artist. Everything I post is a photo-montage.\"",
            "date": "The oldest copy is two days old: an image search finds nothing older.",
            "original": "The first copy is the same picture, only larger: nothing was cut off.",
            "corroboration": "A weather service's website says that a little snow really did fall in that desert two nights ago.",
            "benefit": "The artist sells nothing, and the post has no advert and no link.",
        },
        "source",
        "the person who first posted it says that everything they post is a montage. The snow was real (the weather service says so), yet this picture is no evidence of it: a true event can travel with a false picture.",
        "The snow really fell; so why is this picture still no evidence of it?",
    ),
    Case(
        "hailstones", "Hailstones like tennis balls",
        "a street covered in hailstones the size of tennis balls. Caption: \"Our town this afternoon!!! Stay inside!\" Posted by a neighbour.",
        {
            "source": "The neighbour is a real person from the town, who has posted ordinary photos of it for years.",
            "date": "An image search finds the very same photo in a newspaper article from eleven years ago.",
            "original": "Larger copies of the photo show the same scene: nothing was cut off or added.",
            "corroboration": "The weather service did warn of hail in the region this afternoon.",
            "benefit": "The post has no link, no advert and asks for nothing: the neighbour seems to want to warn people.",
        },
        "date",
        "the photo is real and untouched, but eleven years old. An old picture with a new caption is one of the commonest tricks, and it needs no editing at all.",
        "The warning was real, and the photo is untouched. What is wrong with it, then?",
    ),
    Case(
        "fair", "The empty school fair",
        "rows of empty chairs in a school yard. Caption: \"The school's charity fair: NOBODY came. What a flop.\"",
        {
            "source": "The photo first appeared on the school's own website, taken by the school's photographer.",
            "date": "The school's website posted it on the day of the fair.",
            "original": "On the school's website the photo is much wider: next to the empty chairs, a big crowd stands round the stage.",
            "corroboration": "The local paper also says that the fair took place that day.",
            "benefit": "The people sharing it seem to find it funny; nobody sells or asks for anything.",
        },
        "original",
        "nothing was painted in or out: the picture was cropped. The full photo shows the crowd standing next to the empty chairs. A crop can say the opposite of the whole picture.",
        "Is the photo fake, or only part of the story?",
    ),
    Case(
        "meteorite", "The meteorite in the park",
        "a short night video of a glowing rock falling into a football pitch. Caption: \"A METEORITE just landed in our park! Filmed it from my window!!\"",
        {
            "source": "The account is eight years old and belongs to a person from that town, who mostly posts photos of their dog.",
            "date": "The video was first posted two days ago, on the night it speaks of, and no older copy exists.",
            "original": "This account's upload is the full, longest version; the copies going round were cut from it.",
            "corroboration": "Two days later, no newspaper, police, astronomy club or neighbour has reported a flash, a bang or a hole; other people's photos of the pitch look normal.",
            "benefit": "The video has no advert or link, and the account asks for nothing.",
        },
        "corroboration",
        "an event that big would be seen and heard by many people and leave traces. When the only evidence is one video and its copies, wait before believing it.",
        "Nothing about this video itself looks wrong. What is missing around it?",
    ),
    Case(
        "dolphin", "The dolphin in the car park",
        "a dolphin swimming in a flooded supermarket car park after a storm. Caption: \"You won't believe what I saw this morning\".",
        {
            "source": "The post came from a local person's account, which has posted ordinary photos of the town for years.",
            "date": "It was posted the morning after the storm, and no older copy exists.",
            "original": "An image search finds the same car park, the same cars and the same water on the local paper's website: but no dolphin.",
            "corroboration": "The local paper confirms that the car park flooded during the storm.",
            "benefit": "The post has no advert or link, and asks for nothing.",
        },
        "original",
        "the original photo, on the local paper's website, shows the flood without the dolphin: someone pasted it in. The flood was real; the dolphin was not.",
        "What did the image search turn up, and how does it differ from the post?",
    ),
    Case(
        "burger", "The queue for the new burger bar",
        "a long queue outside a new burger bar. Caption: \"The whole town is crazy about the new burger bar!\" Posted by a local food blogger.",
        {
            "source": "The blogger is a real person who has written about local cafés for years.",
            "date": "The photo was taken yesterday, on the opening day.",
            "original": "The blogger's full-size photo shows the same queue; nothing was cut off or added.",
            "corroboration": "The local paper also reports a long queue on the opening day.",
            "benefit": "In small print the post says \"#ad, paid partnership\": the burger bar paid for it, and gave a free burger to everyone in the queue.",
        },
        "benefit",
        "the blogger was paid by the burger bar, which also gave free burgers to the queue. The photo is real and untouched, but \"the whole town is crazy about it\" is an advert.",
        "The queue was real and the photo untouched. Why was there a queue, and why was it posted?",
    ),
)
_CASES = _catalogues(CASES, lambda case: case.key, {"fr": literacy_fr.CASES})


def _case(case: Case) -> Case:
    """The case in the current language."""
    return i18n.lookup(_CASES, case.key)


def _question(key: str) -> Question:
    return next(question for question in QUESTIONS if question.key == key)


def checklist_text() -> str:
    """The five questions, numbered."""
    lines = [TEXTS["checklist_title"]]
    lines += [f"  {number}. {i18n.lookup(_QUESTIONS, question.key).text}" for number, question in enumerate(QUESTIONS, 1)]
    return "\n".join(lines)


def _finding_order(case_index: int) -> list[str]:
    """The order a case's findings are shown in: rotated case by case, so that the red flag is
    not always in the same place and its place does not give away which question caught it."""
    keys = [question.key for question in QUESTIONS]
    shift = (2 * case_index + 1) % len(keys)
    return keys[shift:] + keys[:shift]


def cases_text() -> str:
    """Every case: the post and its five findings, unlabelled, in a rotated order."""
    lines = [TEXTS["cases_intro"], ""]
    for index, case in enumerate(map(_case, CASES)):
        lines.append(TEXTS["case_heading"].format(key=case.key, title=case.title))
        lines.append("  " + TEXTS["case_post"].format(post=case.post))
        lines.append("  " + TEXTS["case_findings"])
        lines += [f"    - {case.findings[key]}" for key in _finding_order(index)]
        lines.append("")
    return "\n".join(lines).rstrip()


def read_question(answer) -> str | None:
    """The question key a student's answer names: its key, its number (1-5), or a word for it; None if none."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int) and 1 <= answer <= len(QUESTIONS):
        return QUESTIONS[answer - 1].key
    given = as_word(answer).strip(" .!?\"'")
    if given.isdigit() and 1 <= int(given) <= len(QUESTIONS):
        return QUESTIONS[int(given) - 1].key
    given = re.sub(r"^(?:(?:the|a|la|le|les|une?)\s+|l')|\s+question$", "", _plain(given))  # "the date", "la source", "l'original"
    if not given:
        return None
    for question in QUESTIONS:  # the key itself, a start of it ("corrob"), or a word for it, in English or in French
        if given == question.key or (len(given) >= 4 and question.key.startswith(given)) or given in _QUESTION_WORDS[question.key]:
            return question.key
    close = difflib.get_close_matches(given, [question.key for question in QUESTIONS], n=1, cutoff=0.8)
    return close[0] if close else None  # "corroberation", "orignal"


@exercise("literacy.checklist")
def _literacy_checklist(answer, **_) -> Outcome:
    """answer: {case key: question}, e.g. dict(snowman="source", hailstones=...)."""
    names = ", ".join(case.key for case in CASES)
    if not isinstance(answer, dict):
        return Outcome(False, TEXTS["checklist_need_dict"].format(cases=names))
    missing = [case.key for case in CASES if answer.get(case.key, Ellipsis) in (Ellipsis, None)]
    if missing:
        return Outcome(False, TEXTS["checklist_missing"].format(cases=", ".join(missing)))
    keys = ", ".join(question.key for question in QUESTIONS)
    read = {}
    for case in CASES:
        read[case.key] = read_question(answer[case.key])
        if read[case.key] is None:
            return Outcome(False, TEXTS["checklist_unknown"].format(case=case.key, given=answer[case.key], keys=keys))
    wrong = [_case(case) for case in CASES if read[case.key] != case.exposed_by]
    if not wrong:
        lines = [TEXTS["checklist_all_right"].format(count=len(CASES))]
        lines += [TEXTS["checklist_case_right"].format(title=case.title, why=case.why) for case in map(_case, CASES)]
        return Outcome(True, "\n".join(lines))
    lines = [TEXTS["checklist_some_right"].format(right=len(CASES) - len(wrong), count=len(CASES))]
    lines += [TEXTS["checklist_case_wrong"].format(title=case.title, given=read[case.key], clue=case.clue) for case in wrong]
    lines.append(TEXTS["checklist_hint"])
    return Outcome(False, "\n".join(lines))


# ------------------------------------------------------------------------------- the history


@dataclass(frozen=True)
class Event:
    key: str
    year: int  # for the order; ``when`` is what the student reads
    when: str
    text: str
    in_puzzle: bool = True  # shown, undated, in the ordering exercise


# Well-documented events only, each told as modestly as the record allows.
HISTORY: tuple[Event, ...] = (
    Event("lincoln", 1865, "1860s",
          "A famous portrait of US president Abraham Lincoln is a composite: Lincoln's head was put on the body of another politician, John C. Calhoun."),
    Event("fairies", 1917, "1917",
          "Two young cousins in Cottingley, England, photograph 'fairies' in their garden. Many people, the writer Arthur Conan Doyle among them, believe the photos; decades later the cousins, by then old women, admit that the fairies were paper cut-outs."),
    Event("yezhov", 1940, "late 1930s",
          "In Stalin's Soviet Union, people who fell from power were painted out of photos. Nikolai Yezhov, head of the secret police, walks beside Stalin in a photo; after Yezhov's arrest and execution, the photo is published without him."),
    Event("pyramids", 1982, "1982",
          "National Geographic moves two of the Giza pyramids closer together with a computer, so that the picture fits its tall cover. It is still a famous example whenever people argue about editing news photos."),
    Event("photoshop", 1990, "1990",
          "Adobe sells the first version of Photoshop. Editing photos on a home computer becomes ordinary, and 'to photoshop' becomes a verb."),
    Event("gan", 2014, "2014",
          "Ian Goodfellow and his colleagues describe generative adversarial networks (GANs): two networks trained against each other, one making pictures and one judging them."),
    Event("deepfakes", 2017, "2017",
          "A user called 'deepfakes' posts face-swapped videos, made without the consent of the people shown, with a shared-encoder autoencoder: the method of this lab. The user's name becomes the name of the whole kind of fake."),
    Event("fakeapp", 2018, "January 2018",
          "FakeApp puts the method into a program anyone can use without writing code. The interview says a fake then took about half a day of training on a computer with a good graphics card.",
          in_puzzle=False),
    Event("belgium", 2018, "2018",
          "A Belgian political party posts a fake video of Donald Trump telling Belgium to leave the Paris climate agreement. The party says it was meant to be seen as a fake and to start a debate on climate; many viewers take it as real.",
          in_puzzle=False),
    Event("mesonet", 2018, "2018",
          "Darius Afchar, Vincent Nozick, Junichi Yamagishi and Isao Echizen publish MesoNet, the small detector of labs 4-6.",
          in_puzzle=False),
    Event("c2pa", 2021, "2021",
          "Technology and news companies, among them Adobe, Microsoft and the BBC, found the C2PA, to agree on a standard way to sign where a picture comes from and how it was edited."),
)
_EVENTS = _catalogues(HISTORY, lambda event: event.key, {"fr": literacy_fr.HISTORY})


def puzzle_events() -> list[Event]:
    """The ordering exercise's events, in the shuffled order they are shown (a fixed shuffle, so
    every notebook and the teacher's guide show the same letters)."""
    events = [event for event in HISTORY if event.in_puzzle]
    order = sorted(range(len(events)), key=lambda index: (index * 5 + 3) % len(events))
    return [events[index] for index in order]


def history_puzzle() -> str:
    """The puzzle's events, lettered, undated, shuffled."""
    lines = [TEXTS["history_intro"]]
    lines += [f"  ({letter}) {i18n.lookup(_EVENTS, event.key).text}" for letter, event in zip(string.ascii_lowercase, puzzle_events())]
    return "\n".join(lines)


def history_order() -> str:
    """The puzzle's right answer, as letters oldest first (the teacher's guide prints it)."""
    events = puzzle_events()
    letters = dict(zip((event.key for event in events), string.ascii_lowercase))
    return ", ".join(letters[event.key] for event in sorted(events, key=lambda event: event.year))


def history_text() -> str:
    """The whole timeline, dated, oldest first."""
    events = [i18n.lookup(_EVENTS, event.key) for event in sorted(HISTORY, key=lambda event: event.year)]
    width = max(13, *(len(event.when) + 1 for event in events))  # 13 in English
    lines = [TEXTS["history_title"]]
    lines += [f"  {event.when:<{width}} {event.text}" for event in events]
    return "\n".join(lines)


def _letters(answer, allowed: list[str]) -> list[str] | None:
    """The letters in "c, a, b", "c a b", "cab", ["c", "a"] or "(c)(a)"; None for something else."""
    if isinstance(answer, str):
        text = answer.strip().lower()
        parts = [part for part in re.split(r"[\s,;()\->]+", text) if part]
        if len(parts) == 1 and len(parts[0]) > 1 and all(letter in allowed for letter in parts[0]):
            parts = list(parts[0])  # "cab"
        return parts
    if isinstance(answer, (list, tuple)):
        return [str(part).strip().strip("()").lower() for part in answer]
    return None


@exercise("literacy.history_order")
def _literacy_history_order(answer, **_) -> Outcome:
    events = puzzle_events()
    letters = list(string.ascii_lowercase[: len(events)])
    shown = ", ".join(letters)
    given = _letters(answer, letters)
    if not given:
        return Outcome(False, TEXTS["history_need_letters"].format(count=len(events), letters=shown))
    for part in given:
        if part not in letters:
            return Outcome(False, TEXTS["history_unknown"].format(bad=part, letters=shown))
    repeated = sorted({part for part in given if given.count(part) > 1})
    if repeated:
        return Outcome(False, TEXTS["history_repeat"].format(letters=", ".join(repeated)))
    missing = [letter for letter in letters if letter not in given]
    if missing:
        return Outcome(False, TEXTS["history_incomplete"].format(count=len(events), letters=", ".join(missing)))
    year = {letter: event.year for letter, event in zip(letters, events)}
    right = sorted(letters, key=year.get)
    if [year[letter] for letter in given] == [year[letter] for letter in right]:
        return Outcome(True, TEXTS["history_right"].format(order=", ".join(given)))
    placed = sum(year[a] == year[b] for a, b in zip(given, right))
    first, second = next((a, b) for a, b in itertools.pairwise(given) if year[a] > year[b])  # the first neighbours out of order
    return Outcome(False, TEXTS["history_wrong"].format(placed=placed, count=len(events), first=first, second=second))


# -------------------------------------------------------------------------------- the cues


@dataclass(frozen=True)
class Cue:
    name: str
    look: str  # what to look at, as a question
    needs_video: bool  # True when a single photo cannot show it
    why_still: str = ""  # for a still cue: why one photo is enough (shown when a student says it needs a video)


# Paraphrased from the list of MIT Media Lab's Detect Fakes project, with the twins in mind.
CUES: tuple[Cue, ...] = (
    Cue("the whole face", "Swaps usually change the face only. Does the face fit the head, the neck, the hair and the light of the rest of the picture? Look at its edge.",
        False, "The edge of a pasted face and its light are there in every frame."),
    Cue("skin: cheeks and forehead", "Is the skin too smooth or too wrinkled? Does it look as old as the hair and the eyes?",
        False, "Smooth or wrinkled skin shows in one picture."),
    Cue("eyes and eyebrows", "Are the shadows where the light says they should be? Do both eyes look the same way, with the same shine?",
        False, "Shadows and reflections are in one picture."),
    Cue("glasses", "Is there glare on the lenses? Too much, or none at all under bright light? Do the frames stay whole at the edge of the face?",
        False, "Glare and broken frames show in one picture."),
    Cue("beard and moustache", "Does the facial hair look real, or painted on? Does it stop at a strange line?",
        False, "Painted-on hair shows in one picture."),
    Cue("moles and marks", "Does a mole or a freckle look real, or blurred and only half there?",
        False, "A blurry or half-erased mole shows in one picture."),
    Cue("blinking", "Does the person blink, and how often: not at all, or far too much?",
        True),
    Cue("lips and speech", "Do the lips move with the words you hear? Are the teeth and tongue clear when the mouth opens and closes?",
        True),
)
_CUES = _catalogues(CUES, lambda cue: cue.name, {"fr": literacy_fr.CUES})


def _cue(index: int) -> Cue:
    """The cue of that letter's place, in the current language."""
    return i18n.lookup(_CUES, CUES[index].name)


def cues_text(mark_video: bool = False) -> str:
    """The cues, lettered; with ``mark_video`` the ones that need a video say so (after the exercise)."""
    lines = [TEXTS["cues_title"]]
    for index, letter in zip(range(len(CUES)), string.ascii_lowercase):
        cue = _cue(index)
        extra = TEXTS["cues_video"] if mark_video and cue.needs_video else ""
        lines.append(TEXTS["cue_line"].format(letter=letter, name=cue.name, extra=extra, look=cue.look))
    return "\n".join(lines)


@exercise("literacy.video_cues")
def _literacy_video_cues(answer, **_) -> Outcome:
    """answer: the letters of the cues that need a video ("g, h", ["g", "h"])."""
    letters = list(string.ascii_lowercase[: len(CUES)])
    shown = ", ".join(letters)
    given = _letters(answer, letters)
    if given is None:
        return Outcome(False, TEXTS["cues_need_letters"].format(letters=shown))
    for part in given:
        if part not in letters:
            return Outcome(False, TEXTS["cues_unknown"].format(bad=part, letters=shown))
    chosen = set(given)
    right = {letter for letter, cue in zip(letters, CUES) if cue.needs_video}
    if chosen == right:
        names = TEXTS["and"].join(TEXTS["cue_quoted"].format(name=_cue(index).name) for index, cue in enumerate(CUES) if cue.needs_video)
        return Outcome(True, TEXTS["cues_right"].format(names=names))
    if not chosen:
        return Outcome(False, TEXTS["cues_empty"])
    lines = [TEXTS["cues_still"].format(letter=letter, name=_cue(letters.index(letter)).name, why=_cue(letters.index(letter)).why_still)
             for letter in sorted(chosen - right)]
    if right - chosen:
        lines.append(TEXTS["cues_missed"])
    return Outcome(False, "\n".join(lines))


# ------------------------------------------------------------------------- not a GAN

NOT_A_GAN: tuple[str, ...] = (
    "The interview says Deepfake 'belongs to the GAN family'. The face swap you trained in lab 2 is not a GAN.",
    ("A GAN (generative adversarial network, 2014) trains two networks against each other: a generator makes pictures, "
     "and a discriminator tries to tell them from real ones. Each gets better by beating the other, like a forger and an art expert."),
    ("Our face swap has an encoder and two decoders, and no discriminator: nothing in it plays against it. It learns by "
     "comparing each rebuilt face with the real one, with a fixed measure (SSIM and pixel error)."),
    "Some later face-swap tools add a discriminator as an option, to make the faces sharper; that is why people mix the two up.",
)
_PARAGRAPHS = {"en": dict(enumerate(NOT_A_GAN)), "fr": dict(enumerate(literacy_fr.NOT_A_GAN))}


def not_a_gan_text() -> str:
    return "\n\n".join([TEXTS["gan_title"], *(i18n.lookup(_PARAGRAPHS, index) for index in range(len(NOT_A_GAN)))])


# the key idea, and words close to it, in English and in French (without accents); a student's
# words are compared one by one, with tolerance for spelling
_GAN_NAMES = ("discriminator", "discriminators", "discriminate", "discriminates", "critic", "adversary", "adversarial", "adversaries", "opponent",
              "discriminateur", "discriminateurs", "discriminer", "discrimine", "critique", "adversaire", "adversaires", "antagoniste")
_JUDGE_WORDS = ("judge", "judges", "judging", "tell", "tells", "spot", "spots", "catch", "catches", "detect", "detects", "detector",
                "decide", "decides", "guess", "guesses", "check", "checks", "classify", "classifies", "distinguish", "distinguishes",
                "juge", "jugent", "juger", "distingue", "distinguent", "distinguer", "repere", "reperent", "reperer", "detecte", "detecter",
                "detecteur", "decider", "devine", "deviner", "verifie", "verifier", "reconnait", "reconnaitre", "differencie", "differencier")
_REAL_FAKE = ("real", "fake", "fakes", "genuine", "forged", "forgery",
              "vrai", "vraie", "vrais", "vraies", "reel", "reelle", "reels", "reelles", "faux", "fausse", "fausses", "truquee", "truquees", "authentique", "authentiques")
_GENERATE = ("generator", "generators", "generate", "generates", "generateur", "generateurs", "generer", "genere", "generent")
# parts our model has too: (the words a student may write, how the hint names the part, in English: literacy_fr.PARTS has the French)
_OURS = ((("encoder", "encoders", "encodeur", "encodeurs"), "an encoder"), (("decoder", "decoders", "decodeur", "decodeurs"), "decoders"),
         (("bottleneck", "bottlenecks", "funnel", "goulot", "entonnoir"), "a bottleneck"),
         (("loss", "losses", "perte", "pertes"), "a loss"), (("weight", "weights", "poids"), "weights"), (("layer", "layers", "couche", "couches"), "layers"),
         (("neuron", "neurons", "neurone", "neurones"), "neurons"), (("code", "codes"), "a code"))
_PARTS = {"en": {said: said for _, said in _OURS}, "fr": literacy_fr.PARTS}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", _plain(text))


def _near(word: str, vocabulary, cutoff: float = 0.8) -> bool:
    return word in vocabulary or bool(difflib.get_close_matches(word, vocabulary, n=1, cutoff=cutoff))


@exercise("literacy.not_a_gan")
def _literacy_not_a_gan(answer, **_) -> Outcome:
    """answer: a word or a line: what a GAN has that our autoencoder lacks (a discriminator)."""
    if not isinstance(answer, str) or not answer.strip():
        return Outcome(False, TEXTS["gan_need_text"])
    words = _words(answer)
    names_it = any(len(word) >= 6 and _near(word, _GAN_NAMES) for word in words)
    judges = any(_near(word, _JUDGE_WORDS, 0.85) for word in words) and any(_near(word, _REAL_FAKE, 0.85) for word in words)
    if names_it or judges:
        return Outcome(True, TEXTS["gan_right"])
    if any(_near(word, _GENERATE) for word in words):
        return Outcome(False, TEXTS["gan_generator"])
    for written, said in _OURS:
        if any(word in written for word in words):
            return Outcome(False, TEXTS["gan_ours_too"].format(part=i18n.lookup(_PARTS, said)))
    return Outcome(False, TEXTS["gan_hint"])
