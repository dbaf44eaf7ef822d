"""The exercise checks of labs 0-7 in French beside English: every text of each catalogue exists in
both languages with the same {fields} and numbers, the French tables of lab 7's media literacy
match the English ones, and with the lessons speaking French a check prints French, right answer
or wrong, and no English sentence that moved to a catalogue. Which answer is right never depends on
the language."""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import fields as dataclass_fields
from pathlib import Path
from types import SimpleNamespace

import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import (
    checks,
    checks_fr,
    critical,
    critical_fr,
    exercises_detecting,
    exercises_detecting_fr,
    exercises_making,
    exercises_making_fr,
    i18n,
    literacy,
    literacy_fr,
)
from deepfake_edu.lessons.checks import check, evaluate
from tests.lessons.text_tools import fields, numbers

CATALOGUES = {
    "checks": (checks.TEXTS, checks_fr.TEXTS),
    "exercises_making": (exercises_making.TEXTS, exercises_making_fr.TEXTS),
    "exercises_detecting": (exercises_detecting.TEXTS, exercises_detecting_fr.TEXTS),
    "critical": (critical.TEXTS, critical_fr.TEXTS),
    "literacy": (literacy.ENGLISH_TEXTS, literacy_fr.TEXTS),
}
SAME_IN_BOTH = {"c2pa.absent"}  # the same word in both languages


@pytest.fixture
def french():
    """The lessons speak French for one test, and English again after it, whatever happens."""
    i18n.set_language("fr")
    try:
        yield
    finally:
        i18n.set_language(None)




def plain(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))


# --- every text in both languages ----------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(CATALOGUES))
def test_every_text_exists_in_both_languages_with_the_same_fields_and_numbers(module):
    english, french = CATALOGUES[module]
    assert set(french) == set(english), f"{module}: only in English {set(english) - set(french)}, only in French {set(french) - set(english)}"
    for key, text in english.items():
        translated = french[key]
        assert isinstance(translated, str) and translated.strip(), key
        assert fields(translated) == fields(text), f"{module}_fr.TEXTS[{key!r}] must use the fields of the English"
        assert numbers(translated) == numbers(text), f"{module} {key}: numbers {numbers(text)} in English, {numbers(translated)} in French"
        assert translated != text or key in SAME_IN_BOTH, f"{module}_fr.TEXTS[{key!r}] is still in English"


@pytest.mark.parametrize("module", [exercises_making, exercises_detecting, critical, checks])
def test_every_key_the_code_asks_for_is_written_and_every_text_is_used(module):
    source = Path(module.__file__).read_text(encoding="utf-8")
    asked = set(re.findall(r'\btext\(\s*["\']([^"\'{]+)["\']', source))  # text("key", ...)
    asked |= set(re.findall(r'\belse "(\w+\.[\w.]+)"\)', source))  # text("key" if ... else "other.key")
    assert asked <= set(module.TEXTS), f"asked for but not written: {asked - set(module.TEXTS)}"
    dynamic = ("ownfaces.dropped.", "c2pa.")  # looked up from data: a drop reason, a C2PA state
    unused = {key for key in module.TEXTS if key not in asked and not key.startswith(dynamic)}
    assert not unused, f"written but never shown: {unused}"


# --- lab 7's media-literacy tables in French ------------------------------------------------------------


def _word_fields(cls, *not_words: str) -> set[str]:
    return {field.name for field in dataclass_fields(cls)} - set(not_words)


def test_the_french_tables_have_every_entry_of_the_english_ones_and_words_only():
    questions = {question.key for question in literacy.QUESTIONS}
    assert set(literacy_fr.QUESTIONS) == questions and set(literacy_fr.QUESTION_WORDS) == questions
    for key, words in literacy_fr.QUESTIONS.items():
        assert set(words) == {"text"}, key
    assert set(literacy_fr.CASES) == {case.key for case in literacy.CASES}
    for case in literacy.CASES:
        words = literacy_fr.CASES[case.key]
        assert set(words) == _word_fields(literacy.Case, "key", "exposed_by"), case.key
        assert set(words["findings"]) == questions, case.key
        assert numbers(words["post"]) == numbers(case.post), case.key
    assert set(literacy_fr.HISTORY) == {event.key for event in literacy.HISTORY}
    for event in literacy.HISTORY:
        words = literacy_fr.HISTORY[event.key]
        assert set(words) == _word_fields(literacy.Event, "key", "year", "in_puzzle"), event.key
        assert numbers(words["when"]) == numbers(event.when) and numbers(words["text"]) == numbers(event.text), event.key
    assert set(literacy_fr.CUES) == {cue.name for cue in literacy.CUES}
    for cue in literacy.CUES:
        words = literacy_fr.CUES[cue.name]
        assert set(words) == ({"name", "look"} if cue.needs_video else {"name", "look", "why_still"}), cue.name
    assert len(literacy_fr.NOT_A_GAN) == len(literacy.NOT_A_GAN)
    assert [numbers(paragraph) for paragraph in literacy_fr.NOT_A_GAN] == [numbers(paragraph) for paragraph in literacy.NOT_A_GAN]
    assert set(literacy_fr.PARTS) == {said for _, said in literacy._OURS}


def test_a_french_clue_names_no_question_either():
    for case in literacy.CASES:
        clue = plain(literacy_fr.CASES[case.key]["clue"])
        words = (case.exposed_by, *literacy_fr.QUESTION_WORDS[case.exposed_by], *literacy._question(case.exposed_by).words)
        named = [word for word in words if re.search(rf"\b{re.escape(plain(word))}\b", clue)]
        assert not named, f"{case.key}: the French clue names its question through {named}"


def test_french_words_for_a_question_are_read_in_either_language():
    assert literacy.read_question("À qui profite ?") == "benefit"
    assert literacy.read_question("la source") == "source"
    assert literacy.read_question("l'original") == "original"
    assert literacy.read_question("quand") == "date"
    assert literacy.read_question("recoupement") == "corroboration"
    assert literacy.read_question("who gains") == "benefit"  # English still
    for nonsense in ("banane", "la", "x"):
        assert literacy.read_question(nonsense) is None
    answers = {"snowman": "la source", "hailstones": "quand", "fair": "recadrage", "meteorite": "confirmer", "dolphin": "l'original", "burger": "qui profite"}
    assert evaluate("literacy.checklist", answers).ok


# --- a check speaks French, right or wrong -------------------------------------------------------------


def _english_sentences() -> list[str]:
    """Every English text that moved to a catalogue or a table, cut at its {fields}: the parts of
    three words or more, which a French message must not contain."""
    texts = [text for english, _ in CATALOGUES.values() for text in english.values()]
    texts += [question.text for question in literacy.QUESTIONS]
    texts += [part for case in literacy.CASES for part in (case.title, case.post, case.why, case.clue, *case.findings.values())]
    texts += [event.text for event in literacy.HISTORY]
    texts += [part for cue in literacy.CUES for part in (cue.name, cue.look, cue.why_still) if part]
    texts += list(literacy.NOT_A_GAN)
    parts = [literal.strip() for text in texts for literal, *_ in string.Formatter().parse(text)]
    return sorted({part for part in parts if len(part.split()) >= 3})


ENGLISH = _english_sentences()


def said_in_french(capsys, name, answer, **context) -> tuple[bool, str]:
    right = check(name, answer, **context)
    out = capsys.readouterr().out
    left = [sentence for sentence in ENGLISH if sentence in out]
    assert not left, f"{name} {answer!r} still says in English: {left}"
    return right, out


def test_the_checks_of_labs_0_to_3_speak_french(french, capsys):
    from deepfake_edu.swap.model import faceswap

    model = faceswap("classroom")
    side, code = model.config.input_size, model.config.bottleneck
    right, out = said_in_french(capsys, "funnel.compression", side * side * 3 / code, model=model)
    assert right and out.startswith("✓ ") and f"{side * side * 3 / code:.0f} fois plus petit que l'image" in out
    right, out = said_in_french(capsys, "funnel.compression", code / (side * side * 3), model=model)
    assert not right and out.startswith("✗ ") and "retournez la fraction" in out
    share = checks.shared_fraction(model)
    right, out = said_in_french(capsys, "swap.shared_fraction", share * 100, model=model)  # a numeric hint, with its numbers
    assert not right and f"C'est un pourcentage ; donnez-le sous forme de fraction ({share * 100:.0f}% = {share:.2f})." in out
    right, out = said_in_french(capsys, "swap.decoder_for", 1)
    assert right and "Le décodeur 1 (twin-01) peint twin-01" in out
    right, out = said_in_french(capsys, "swap.decoder_for", "the encoder")
    assert not right and "un seul encodeur" in out
    extraction = SimpleNamespace(crops=[0] * 23, counts={"frames_read": 90, "faces_seen": 114, "dropped_blurred": 13, "dropped_other_people": 2})
    right, out = said_in_french(capsys, "ownfaces.faces_kept", 23, extraction=extraction)
    assert right and "23 visages gardés. Écartés : 13 flous, 2 montrant d'autres personnes." in out
    right, out = said_in_french(capsys, "ownfaces.faces_kept", 90, extraction=extraction)
    assert not right and "nombre d'images lues" in out
    right, out = said_in_french(capsys, "ownfaces.consent_note", "Sam Martin, le 2 mars 2025, uniquement pour le cours")
    assert right and "Une bonne trace" in out
    errors = {4: {"eyes": 30.0, "background": 40.0}, 256: {"eyes": 10.0, "background": 35.0}}
    right, out = said_in_french(capsys, "funnel.lost_first", "eyes", errors=errors)
    assert right and "est multipliée par 3.00 entre la largeur 256 et la largeur 4" in out


def test_the_checks_of_labs_4_to_7_speak_french(french, capsys):
    confusion = [[40, 10], [30, 20]]
    right, out = said_in_french(capsys, "meso.balanced_accuracy", 0.6, confusion=confusion)
    assert right and "(40/50 vrais visages reconnus + 20/50 faux reconnus) / 2 = 0.600" in out
    right, out = said_in_french(capsys, "meso.balanced_accuracy", 60, confusion=confusion)
    assert not right and "pas de pourcentage" in out
    right, out = said_in_french(capsys, "meso.feature_side", 16)
    assert not right and "le quatrième regroupe par 4" in out
    rows = [
        {"detector": "noise residuals", "condition": "clean", "accuracy": 0.95},
        {"detector": "noise residuals", "condition": "jpeg30", "accuracy": 0.5},
        {"detector": "Meso-4", "condition": "clean", "accuracy": 0.9},
        {"detector": "Meso-4", "condition": "jpeg30", "accuracy": 0.8},
    ]
    right, out = said_in_french(capsys, "compression.bigger_drop", "noise", rows=rows)
    assert right and "noise residuals perd 45 points d'exactitude ; Meso-4 en perd 10." in out
    right, out = said_in_french(capsys, "compression.bigger_drop", "Meso-4", rows=rows)
    assert not right and "laquelle baisse le plus" in out
    right, out = said_in_french(capsys, "meso.video_verdict", "likely fake", p_fake=[0.9, 0.8, 0.7, 0.2, 0.1])
    assert right and "60% des images" in out
    right, out = said_in_french(capsys, "critical.who_won", "machine", human=0.5, machine=0.75)
    assert right and "Vous : 50%, le détecteur : 75%." in out
    right, out = said_in_french(capsys, "critical.who_won", "human", human=0.5, machine=0.75)
    assert not right and "Comparez les deux exactitudes" in out


def test_the_media_literacy_checks_speak_french(french, capsys):
    answers = {"snowman": "source", "hailstones": "date", "fair": "original", "meteorite": "corroboration", "dolphin": "original", "burger": "benefit"}
    right, out = said_in_french(capsys, "literacy.checklist", answers)
    assert right and "Les 6 réponses sont justes." in out
    assert all(literacy_fr.CASES[key]["why"] in out for key in answers)
    right, out = said_in_french(capsys, "literacy.checklist", dict(answers, snowman="date"))
    assert not right and "5 réponses justes sur 6" in out and literacy_fr.CASES["snowman"]["clue"] in out
    assert literacy_fr.CASES["snowman"]["why"] not in out
    right, out = said_in_french(capsys, "literacy.video_cues", "g, h")
    assert right and "« le clignement des yeux » et « les lèvres et la parole »" in out
    right, out = said_in_french(capsys, "literacy.video_cues", "a, g, h")
    assert not right and "(a) le visage entier : cela se vérifie sur une seule photo." in out
    right, out = said_in_french(capsys, "literacy.history_order", list(reversed(literacy.history_order().split(", "))))
    assert not right and "sont à leur place" in out
    right, out = said_in_french(capsys, "literacy.not_a_gan", "un discriminateur")
    assert right and "discriminateur" in out
    right, out = said_in_french(capsys, "literacy.not_a_gan", "un second réseau qui distingue les vraies images des fausses")
    assert right
    right, out = said_in_french(capsys, "literacy.not_a_gan", "un encodeur")
    assert not right and "a lui aussi un encodeur" in out and "discriminateur" not in out


def test_what_lab_7_prints_is_french(french):
    for shown in (literacy.checklist_text(), literacy.cases_text(), literacy.history_puzzle(), literacy.history_text(),
                  literacy.cues_text(mark_video=True), literacy.not_a_gan_text()):
        left = [sentence for sentence in ENGLISH if sentence in shown]
        assert not left, f"still in English: {left}"
    assert not re.search(r"\b(1[5-9]\d\d|20\d\d)s?\b", literacy.history_puzzle()), "the puzzle must not print a year"
    assert literacy.cues_text(mark_video=True).count(literacy_fr.TEXTS["cues_video"]) == sum(cue.needs_video for cue in literacy.CUES)
    assert "fin des années 1930  Dans l'Union soviétique" in literacy.history_text()  # the dates' column fits the longest


def test_the_framework_speaks_french(french, capsys):
    assert check("setup.cores", ...) is False
    assert capsys.readouterr().out == "✗ " + checks_fr.TEXTS["not_answered"] + "\n"
    with pytest.raises(LabError, match="il n'y a pas d'exercice 'funnel.nope'"):
        evaluate("funnel.nope", 1)
    with pytest.raises(LabError, match=r"^donnez les scores : check\("):
        evaluate("swap.closer", "swap")


def test_the_provenance_table_speaks_french(french, monkeypatch):
    from deepfake_edu import provenance

    found = {"original": (False, False, "absent"), "fake": (True, True, "present"), "cropped": (False, False, "not checked")}
    monkeypatch.setattr(provenance, "check_file", lambda path: SimpleNamespace(label_found=found[path][0], mark_found=found[path][1], c2pa_state=found[path][2]))
    lines = critical.provenance_table({name: name for name in found}).splitlines()
    assert lines[0].split() == ["fichier", "étiquette", "visible", "marque", "invisible", "C2PA"]
    assert lines[2].split() == ["fake", "trouvée", "trouvée", "présent"] and lines[3].split()[-2:] == ["non", "vérifié"]
    assert len({len(line) for line in lines}) == 1  # the columns line up
    i18n.set_language(None)
    assert critical.provenance_table({name: name for name in found}).splitlines()[0] == f"{'file':<14}{'visible label':>15}{'invisible mark':>16}{'C2PA':>14}"


def test_going_back_to_english_restores_every_text(french):
    assert evaluate("setup.cores", "many").message == exercises_making_fr.TEXTS["setup.cores.give_number"]
    i18n.set_language(None)
    assert evaluate("setup.cores", "many").message == exercises_making.TEXTS["setup.cores.give_number"]
    assert evaluate("setup.cores", ...).message == checks.NOT_ANSWERED
    assert literacy.TEXTS["cues_video"] == literacy.ENGLISH_TEXTS["cues_video"]
    assert literacy.not_a_gan_text().startswith(literacy.ENGLISH_TEXTS["gan_title"])


def test_the_language_changes_the_words_never_the_verdict(french):
    """The same answers are right and wrong in both languages."""
    cases = [
        ("meso.balanced_accuracy", 0.6, {"confusion": [[40, 10], [30, 20]]}),
        ("meso.balanced_accuracy", 0.7, {"confusion": [[40, 10], [30, 20]]}),
        ("swap.decoder_for", 0, {}),
        ("literacy.video_cues", "g, h", {}),
        ("literacy.not_a_gan", "a discriminator", {}),
        ("critical.who_won", "tie", {"human": 0.5, "machine": 0.5}),
    ]
    in_french = [evaluate(name, answer, **context).ok for name, answer, context in cases]
    i18n.set_language(None)
    assert [evaluate(name, answer, **context).ok for name, answer, context in cases] == in_french
