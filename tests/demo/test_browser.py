"""The demo in a real browser: Debian's chromium, headless, driven by playwright; every tab used.

Screenshots land in a temporary folder (printed); set DEMO_SCREENSHOTS=/some/folder to keep them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install Debian's chromium (apt-get install chromium) to run the browser test")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


# The truth after a final answer. Playwright matches a plain string in any case and anywhere, and
# the advice before it ("... P(fake) for this face is 0.44") would match "This face is".
TRUTH = re.compile(r"This face is (real|fake)")


# A translation key shown instead of its text ("common.complete", "next_face"), even for a moment:
# every text node the page ever holds is looked at as it appears.
RAW_KEYS = r"""
// Gradio's own catalogues' sections (its frontend's locale files); ours are snake_case words.
const GRADIO_KEY = /^(common|errors|upload_text|blocks|chatbot|chat_interface|dataframe|dropdown|file|image|image_editor|label|login|number|plot|radio|slider|status|video|audio|checkbox|code|color_picker|annotated_image|highlighted_text)\.[a-z_]+$/;
window.__rawKeys = [];
new MutationObserver(records => {
  for (const record of records) {
    const nodes = record.type === "characterData" ? [record.target] : [...record.addedNodes];
    for (const node of nodes) {
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      for (let text = node.nodeType === 3 ? node : walker.nextNode(); text; text = walker.nextNode()) {
        const words = text.textContent.trim();
        if (GRADIO_KEY.test(words) || /^[a-z]+(_[a-z0-9]+)+$/.test(words)) window.__rawKeys.push(words);
        if (node.nodeType === 3) break;
      }
    }
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def open_page(browser, url: str, locale: str = "en-US"):
    """A new page in a browser set to ``locale``, watching for raw keys (``raw_keys``), on ``url``."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 1000})
    context.add_init_script(RAW_KEYS)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    return page


def raw_keys(page) -> list[str]:
    return sorted(set(page.evaluate("window.__rawKeys")))


def click_until(page, button: str, text, tries: int = 5, wait_ms: int = 15_000) -> None:
    """Click ``button`` until ``text`` shows, as a student clicks again when nothing happened.

    A button ignores clicks while its last event is still finishing (Gradio's trigger_mode
    "once"), which can be just after that event's text shows: a second answer clicked at once
    would be lost without a second try."""
    locator = page.get_by_text(text).first
    for _ in range(tries):
        page.get_by_role("button", name=button, exact=True).click()
        try:
            locator.wait_for(timeout=wait_ms)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: click again
            continue
    locator.wait_for()


def test_every_tab_works_in_a_browser(browser, running_app, face_photo, tmp_path):
    shots = Path(os.environ.get("DEMO_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page = open_page(browser, running_app[1])
    page.get_by_text("look inside a deepfake").wait_for()

    # 1. inside the autoencoder: a click on a face rebuilds it, no button needed
    page.set_viewport_size({"width": 1024, "height": 768})  # a classroom projector
    page.locator("#funnel-gallery button.thumbnail-item").nth(2).click()
    page.locator("#funnel-summary").get_by_text("in the bottleneck", exact=False).wait_for()
    gallery = page.locator("#funnel-gallery .grid-wrap").evaluate("e => [e.scrollWidth - e.clientWidth, e.scrollHeight - e.clientHeight]")
    assert gallery == [0, 0], gallery  # the gallery fits: no scrollbars
    page.screenshot(path=shots / "1-funnel-1024x768.png")
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.get_by_role("button", name="squeeze and rebuild").click()
    page.get_by_text("numbers** in the bottleneck", exact=False).or_(page.get_by_text("in the bottleneck: error")).first.wait_for()
    page.screenshot(path=shots / "1-funnel.png", full_page=True)

    # 2. make a fake
    page.get_by_role("tab", name="2. Make a fake").click()
    page.get_by_role("button", name="make the fake").click()
    page.get_by_text("SSIM against the true answer").wait_for()
    page.screenshot(path=shots / "2-fake.png", full_page=True)

    # 3. catch the fake: upload a photo
    page.get_by_role("tab", name="3. Catch the fake").click()
    page.locator("#catch-upload input[type=file]").set_input_files(str(face_photo))
    page.get_by_role("button", name="catch it").click()
    page.get_by_text("scored by").wait_for()
    page.screenshot(path=shots / "3-catch.png", full_page=True)

    # a bad upload is one line in the page, no traceback
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    page.locator("#catch-upload").get_by_role("button", name="Clear").click()  # the upload area comes back
    page.locator("#catch-upload input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="catch it").click()
    page.get_by_text("not a readable image").first.wait_for()
    assert page.get_by_text("Traceback").count() == 0
    page.screenshot(path=shots / "3-catch-error.png", full_page=True)

    # the arms race, as measured (the repository's own race is always in the list)
    page.get_by_text("The arms race: a detector against a fake", exact=False).click()
    page.get_by_role("button", name="show it").click()
    page.locator("#arms-race-plot img").wait_for()
    page.get_by_text("what the detectors say", exact=False).or_(page.get_by_role("table")).first.wait_for()
    page.screenshot(path=shots / "3-arms-race.png", full_page=True)

    # 4. spot the fake: it opens on a face; a second answer on it is not counted; reset asks first
    page.get_by_role("tab", name="4. Spot the fake").click()
    page.locator("#quiz-face img").wait_for()  # before any click
    page.get_by_role("button", name="next face").click()
    page.get_by_text("Your guess?").wait_for()
    click_until(page, "fake", "The machine's P(fake)")  # the first answer: the machine's advice
    click_until(page, "fake", TRUTH)  # the final answer: the truth
    page.get_by_role("button", name="real", exact=True).click()
    page.get_by_text("already answered this face").wait_for()
    page.get_by_role("button", name="reset the class's tally...").click()
    page.get_by_role("button", name="yes, reset it").wait_for()
    page.get_by_role("button", name="cancel").click()
    page.get_by_role("button", name="yes, reset it").wait_for(state="hidden")
    page.screenshot(path=shots / "4-quiz.png", full_page=True)

    # 5. check a file
    page.get_by_role("tab", name="5. Check a file").click()
    page.locator("#check-upload input[type=file]").set_input_files(str(face_photo))
    page.locator("#check-preview img").wait_for()  # the upload is shown, not only named
    page.get_by_role("button", name="check it").click()
    page.get_by_text("proves nothing").wait_for()
    page.screenshot(path=shots / "5-check.png", full_page=True)
    print(f"screenshots in {shots}")
    assert raw_keys(page) == []
    page.context.close()


def test_a_french_browser_reads_the_page_in_french(browser, running_app, tmp_path):
    """A browser set to French gets the page in French from the same server, no key left showing."""
    shots = Path(os.environ.get("DEMO_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page = open_page(browser, running_app[1], locale="fr-FR")
    page.get_by_role("tab", name="1. Au cœur de l'auto-encodeur").wait_for()
    assert page.get_by_text("look inside a deepfake").count() == 0
    page.screenshot(path=shots / "fr-1-funnel.png", full_page=True)

    page.get_by_role("tab", name="2. Fabriquer un faux").click()
    page.get_by_role("button", name="fabriquer le faux").click()
    page.get_by_text("SSIM", exact=False).first.wait_for()
    page.screenshot(path=shots / "fr-2-fake.png", full_page=True)

    page.get_by_role("tab", name="4. Repérer le faux").click()
    page.get_by_role("button", name="visage suivant").click()
    page.get_by_text("À vous : réel ou faux ?").wait_for()
    click_until(page, "faux", "la machine donne P(faux)")  # the advice, in the browser's language
    click_until(page, "faux", re.compile(r"Ce visage est (réel|faux)"))
    page.screenshot(path=shots / "fr-4-quiz.png", full_page=True)
    assert page.get_by_text("Traceback").count() == 0
    assert raw_keys(page) == []
    page.context.close()
