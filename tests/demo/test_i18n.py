"""The demo in French beside English: the catalogue (``demo.texts``), the page built on its keys,
the served config a French browser reads, the forced language, and ``--lang``.

Gradio 6 translates in the browser (``navigator.language``, English where a key lacks a text);
without a browser these tests check what it is given: the markers in the config and the
catalogues beside them. Handlers' texts follow the event's Accept-Language header."""

from __future__ import annotations

import json
import re
import string
from types import SimpleNamespace

import gradio as gr
import httpx
import pytest

from deepfake_edu.demo import texts
from deepfake_edu.demo.texts import EN, FIELDS, FR, english, marker_key
from deepfake_edu.errors import LabError
from deepfake_edu.lessons import i18n

# Keys only handlers say (not on the page as built), and the one the page shows without models.
HANDLER_KEYS = {"your_guess", "generic_error", "no_funnel_model"}
NO_MODEL_KEYS = {"funnel_missing"}
SAME_IN_FRENCH = {"person_a"}  # "A" is A in both
# The English words the other demo tests (and the browser tests) look for on the page.
ENGLISH_LOOKED_FOR = ["look inside a deepfake", "what you upload is seen by you only", "2. Make a fake", "3. Catch the fake",
                      "4. Spot the fake", "5. Check a file", "squeeze and rebuild", "make the fake", "catch it", "next face",
                      "reset the class's tally...", "yes, reset it", "cancel", "check it", "real or fake?", "who becomes whom"]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def outside_code(text: str) -> str:
    return re.sub(r"`[^`]*`", "", text)


# --- the catalogue --------------------------------------------------------------------------


def test_every_key_has_both_languages_with_the_same_fields():
    assert set(EN) == set(FR) and set(texts.CATALOGUES) == set(i18n.LANGUAGES)
    for key in EN:
        assert fields(EN[key]) == fields(FR[key]) <= set(FIELDS), key
        english_text, french_text = texts.text(key, "en"), texts.text(key, "fr")
        assert re.findall(r"\d+", english_text) == re.findall(r"\d+", french_text), key  # tab numbers, sizes, 100, C2PA
        assert re.findall(r"`[^`]*`", english_text) == re.findall(r"`[^`]*`", french_text), key  # commands stay as typed
        assert english_text.count("**") == french_text.count("**") and english_text.startswith("#") == french_text.startswith("#"), key
        assert (english_text == french_text) == (key in SAME_IN_FRENCH), key  # translated, not copied


def test_the_frontend_gets_no_icu_syntax_and_french_spacing():
    """The frontend reads each text as an ICU message: a brace, a tag, or a quote before one would
    be taken as syntax. French puts a space before : ; ? and !"""
    for code, texts_of in texts.catalogue().items():
        for key, text in texts_of.items():
            assert not re.search(r"[{}<>]|'[{}#|'<]", text), (code, key, text)
    for key in FR:
        french = outside_code(texts.text(key, "fr"))
        assert not re.search(r"[^\s\u00a0\u202f][:;?!](\s|$)", french), (key, french)
        assert not re.search(r"\d [a-zA-Zé%]", french), (key, french)  # a number keeps its unit: a no-break space


def test_texts_that_name_a_tab_name_it_as_the_tab_says():
    for code in i18n.LANGUAGES:
        tab = texts.text("quiz_tab", code)
        assert f"**{tab}**" in texts.text("classroom_intro", code)
        assert tab.split(". ", 1)[1] in texts.text("teacher_heading", code)


def test_forcing_a_language_puts_its_texts_under_every_language():
    both = texts.catalogue()
    assert both["en"]["catch"] == "catch it" and both["fr"]["catch"] == "lancer la détection"
    assert both["en"]["make_clip"] == "make a 24-frame clip (twins)" and "24\u00a0images" in both["fr"]["make_clip"]
    for forced in ("fr", "en"):
        assert all(each == both[forced] for each in texts.catalogue(forced).values()), forced
    made = texts.make_i18n("fr")
    assert isinstance(made, gr.I18n) and made.translations_dict["en"]["quiz_tab"] == "4. Repérer le faux"


def test_gradios_own_missing_words_travel_in_every_catalogue():
    """Gradio's frontend asks for "common.complete" when an event ends and its catalogues lack it:
    without ours the page would show the key itself."""
    for code, texts_of in texts.catalogue().items():
        assert texts_of["common.complete"] == texts.GRADIO_MISSING[code]["common.complete"], code
    assert texts.catalogue("fr")["en"]["common.complete"] == "Terminé"
    assert set(texts.GRADIO_MISSING) == set(texts.CATALOGUES) and not set(texts.GRADIO_MISSING["en"]) & set(EN)


def test_markers_and_their_english():
    marker = texts.t("catch")
    assert marker_key(marker) == "catch" and marker_key(str(marker)) == "catch" and english(str(marker)) == "catch it"
    assert marker_key("catch it") is None and english("catch it") == "catch it" and english(None) is None
    with pytest.raises(KeyError, match="no demo text"):
        texts.t("no such key")


def test_the_language_forced_by_the_option_or_the_variable(monkeypatch):
    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)
    assert texts.forced_language() is None and texts.forced_language("fr") == "fr" and texts.forced_language("browser") is None
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "fr_FR.UTF-8")
    assert texts.forced_language() == "fr" and texts.forced_language("en") == "en" and texts.forced_language("browser") is None
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "de")
    with pytest.raises(LabError, match=i18n.ENVIRONMENT_VARIABLE):
        texts.forced_language()


@pytest.mark.parametrize("header, expected", [
    ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"),
    ("fr-CA", "fr"),
    ("en-US,en;q=0.9,fr;q=0.8", "en"),
    ("en;q=0.4, fr", "fr"),  # the weights decide, not the order
    ("de-DE,fr;q=0.5", "en"),  # a German browser: the page falls back on English, and so do the handlers
    ("", "en"),
])
def test_a_handler_speaks_the_language_the_request_asks_for(header, expected):
    assert texts.request_language(gr.Request(headers={"accept-language": header})) == expected
    assert texts.request_language(gr.Request(headers={"accept-language": header}), forced="en") == "en"


def test_a_request_without_headers_is_answered_in_english():
    assert texts.request_language(None) == "en" and texts.request_language(SimpleNamespace(client=None)) == "en"
    assert texts.request_language(None, forced="fr") == "fr"


def test_an_unexpected_failure_says_so_in_the_requests_language():
    from deepfake_edu.demo.app import GENERIC_ERROR, guarded

    def broken(request: gr.Request = None):
        raise RuntimeError("a bug")

    french = gr.Request(headers={"accept-language": "fr-FR,fr"})
    with pytest.raises(gr.Error) as caught:
        guarded(broken)(french)
    assert caught.value.message == texts.text("generic_error", "fr") != GENERIC_ERROR
    with pytest.raises(gr.Error) as caught:
        guarded(broken)()
    assert caught.value.message == GENERIC_ERROR
    with pytest.raises(gr.Error) as caught:
        guarded(lang="fr")(broken)()
    assert caught.value.message == texts.text("generic_error", "fr")


# --- the page ---------------------------------------------------------------------------------


def page_keys(app) -> set[str]:
    """Every text key the built page holds; fails on a label, button or Markdown left as plain text."""
    keys = set()
    for block in app.blocks.values():
        shown = [getattr(block, "label", None)]
        if isinstance(block, (gr.Button, gr.Markdown)):
            shown.append(block.value)
        for value in shown:
            if value in (None, ""):
                continue
            key = marker_key(value)
            assert key in EN, (type(block).__name__, value)
            keys.add(key)
    return keys


def config_keys(value) -> set[str]:
    """The text keys anywhere in a (nested) config."""
    if isinstance(value, dict):
        return set().union(*map(config_keys, value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*map(config_keys, value)) if value else set()
    key = marker_key(value)
    return {key} if key else set()


@pytest.fixture(scope="module")
def apps(small_lab):
    from deepfake_edu.demo.app import build_app
    from deepfake_edu.demo.classroom import Classroom

    return build_app(small_lab), build_app(small_lab, classroom=Classroom(host="127.0.0.1", port=7997, code="KMN479"), lang="fr")


def test_the_page_is_built_of_keys_and_uses_every_one(apps):
    alone, classroom = apps
    used = page_keys(alone) | page_keys(classroom)
    assert "classroom_intro" not in page_keys(alone) and {"classroom_intro", "pooled_heading", "save_csv"} <= page_keys(classroom)
    assert used | HANDLER_KEYS | NO_MODEL_KEYS == set(EN) and not used & HANDLER_KEYS
    config = alone.get_config_file()
    assert config_keys(config) == page_keys(alone)
    assert "2. Make a fake" not in json.dumps(config, default=str)  # the words travel in the catalogue, not in the layout


def test_the_quiz_asks_in_the_requests_language_or_the_forced_one(apps):
    alone, classroom = apps
    french = gr.Request(headers={"accept-language": "fr-FR,fr;q=0.9"})
    (ask,) = [fn for fn in alone.fns.values() if fn.api_name == "quiz_next"]
    assert ask.fn(None)[2] == "Your guess?" and ask.fn(None, french)[2] == "À vous : réel ou faux ?"
    (forced,) = [fn for fn in classroom.fns.values() if fn.api_name == "quiz_next"]  # lang="fr": any browser, any client
    student = SimpleNamespace(client=SimpleNamespace(host="10.0.0.7"), username="Ana", session_hash="s-ana")
    assert forced.fn(None, student)[2] == "À vous : réel ou faux ?"


def test_the_quiz_advises_and_tallies_in_the_requests_language(apps):
    """The advice and the tally come from the library's lesson texts: the browser's language too."""
    alone, _ = apps
    french = gr.Request(headers={"accept-language": "fr-FR,fr;q=0.9"})
    (ask,) = [fn for fn in alone.fns.values() if fn.api_name == "quiz_next"]
    (say_fake,) = [fn for fn in alone.fns.values() if fn.api_name == "quiz_fake"]
    turn = ask.fn(None, french)[1]
    advice, tally, turn = say_fake.fn(turn, french)
    assert "la machine donne P(faux)" in advice and "la classe" in tally
    final, _, _ = say_fake.fn(turn, french)
    assert re.search(r"Ce visage est \*\*(réel|faux)\*\*", final)
    english_turn = ask.fn(None)[1]
    advice, tally, _ = say_fake.fn(english_turn)
    assert "The machine's P(fake)" in advice and "the class" in tally


def test_launch_options_carry_the_catalogue_and_the_login_in_the_forced_language():
    from deepfake_edu.demo.app import launch_options
    from deepfake_edu.demo.classroom import LOGIN_MESSAGE, Classroom

    room = Classroom(host="127.0.0.1", port=7996, code="KMN479")
    browser = launch_options(classroom=room)
    assert browser["i18n"].translations_dict == texts.catalogue() and browser["auth_message"] == LOGIN_MESSAGE
    french = launch_options(classroom=room, lang="fr")
    assert french["i18n"].translations_dict["en"]["check_tab"] == "5. Vérifier un fichier"
    assert "Rejoindre la classe" in french["auth_message"]


# --- served -----------------------------------------------------------------------------------


def test_a_french_request_is_given_french_and_an_english_one_english(running_app):
    """The page and its /config hold the keys and both catalogues; the browser's language picks
    one (Gradio's frontend: navigator.language, "fr-FR" is "fr", English for the rest)."""
    _, url = running_app
    french = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
    config = httpx.get(f"{url}config", headers=french, timeout=30).json()
    catalogues = config["i18n_translations"]
    assert catalogues["fr"]["quiz_tab"] == "4. Repérer le faux" and catalogues["fr"]["check_tab"] == "5. Vérifier un fichier"
    assert catalogues["en"]["quiz_tab"] == "4. Spot the fake"
    labels = {marker_key(each["props"].get("label")) for each in config["components"]}
    assert {"funnel_tab", "fake_tab", "catch_tab", "quiz_tab", "check_tab", "whose_face"} <= labels
    page = httpx.get(url, headers=french, timeout=30).text
    embedded = json.loads(re.search(r"window\.gradio_config = (.*?);</script>", page, re.S).group(1))
    assert embedded["i18n_translations"]["fr"]["intro"].startswith("# deepfake-edu : voir comment marche un hypertrucage")
    for words in ENGLISH_LOOKED_FOR:  # what the English tests look for is still what an English browser reads
        assert any(words in text for text in catalogues["en"].values()), words


def test_a_french_clients_event_is_answered_in_french(running_app):
    from gradio_client import Client

    _, url = running_app
    client = Client(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"}, verbose=False)
    try:
        assert client.predict(api_name="/quiz_next")[1] == "À vous : réel ou faux ?"  # (face, reveal): the turn stays in the page
    finally:
        client.close()


# --- the command ------------------------------------------------------------------------------


def test_lang_option_forces_the_page_and_the_lessons_language(monkeypatch, capsys):
    import argparse

    from deepfake_edu import lab
    from deepfake_edu.demo import app as demo_app
    from deepfake_edu.demo import commands

    parser = argparse.ArgumentParser()
    commands.register(parser.add_subparsers())
    with pytest.raises(SystemExit):
        parser.parse_args(["demo", "--lang", "de"])
    capsys.readouterr()
    launched = {}
    running = SimpleNamespace(block_thread=lambda: None, close=lambda: None, share_url=None)
    monkeypatch.setattr(lab, "load_lab", lambda: "assets")
    monkeypatch.setattr(demo_app, "launch_app", lambda assets, **options: launched.update(options) or (running, "http://127.0.0.1:1/"))
    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)
    try:
        args = parser.parse_args(["demo", "--no-prepare", "--lang", "fr"])
        assert args.handler(args) == 0 and launched["lang"] == "fr" and i18n.language() == "fr"
        i18n.set_language(None)
        args = parser.parse_args(["demo", "--no-prepare"])
        assert args.handler(args) == 0 and launched["lang"] is None and i18n.language() == "en"
        monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "fr")
        args.handler(args)
        assert launched["lang"] == "fr"
        args = parser.parse_args(["demo", "--no-prepare", "--lang", "browser"])
        args.handler(args)
        assert launched["lang"] is None
    finally:
        i18n.set_language(None)
