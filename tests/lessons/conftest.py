import pytest


@pytest.fixture(autouse=True)
def lessons_speak_english(monkeypatch):
    """Every lesson test starts in the default language, whatever the shell that runs the tests sets."""
    from deepfake_edu.lessons import i18n

    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)
