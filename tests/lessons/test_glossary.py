"""labs/GLOSSARY.md: every entry well-formed (a bold term, then one to three short, plain sentences),
in alphabetical order, its cross-references resolved, the words the labs rely on all there, and
the glossary linked from the labs' README, the teacher guide and lab 7."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

LABS = Path(__file__).resolve().parents[2] / "labs"
GLOSSARY = LABS / "GLOSSARY.md"
ENTRY = re.compile(r"^\*\*(?P<term>[^*]+)\*\*: (?P<text>\S.*)$")
# the words the labs, the demo and the command line use and a student may not know
REQUIRED = {
    "Accuracy", "AUC", "Autoencoder", "Balanced accuracy", "Bottleneck", "C2PA", "Calibration", "Code", "Compression",
    "Confusion matrix", "Corroboration", "Decoder", "Deepfake", "Detector", "Discriminator", "EER", "Encoder", "GAN",
    "Grad-CAM", "Heatmap", "JPEG", "Label", "Landmarks", "Loss", "Meso-4", "MesoNet", "Mesoscopic", "Noise", "Occlusion",
    "Provenance", "PSNR", "ROC", "Semantics", "SSIM", "Threshold", "Training", "Twins", "Watermark", "Weights", "Zététique",
}
MAX_WORDS_PER_SENTENCE = 40


def entries() -> dict[str, str]:
    found = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if match:
            assert match["term"] not in found, f"{match['term']} is defined twice"
            found[match["term"]] = match["text"]
    return found


def sentences(text: str) -> list[str]:
    """Split at . ! ? followed by a space or the end (0.5 and P(fake) = 0.8 stay whole)."""
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9*\"'])", text.strip()) if part]


def test_every_line_is_a_heading_an_entry_or_prose_and_entries_are_sorted():
    text = GLOSSARY.read_text(encoding="utf-8")
    assert text.startswith("# Glossary\n")
    bold_lines = [line for line in text.splitlines() if line.startswith("**")]
    assert all(ENTRY.match(line) for line in bold_lines), [line for line in bold_lines if not ENTRY.match(line)]
    terms = list(entries())
    assert terms == sorted(terms, key=str.casefold), "keep the glossary in alphabetical order"


def test_the_words_the_labs_rely_on_are_all_there():
    missing = REQUIRED - set(entries())
    assert not missing, f"labs/GLOSSARY.md lacks {sorted(missing)}"


@pytest.mark.parametrize("term", sorted(entries()))
def test_each_entry_is_one_to_three_short_sentences(term):
    text = entries()[term]
    parts = sentences(text)
    assert 1 <= len(parts) <= 3, f"{term}: {len(parts)} sentences: {parts}"
    assert text.endswith((".", "!", "?", '."', ".'")), f"{term}: end the entry with a full stop"
    for part in parts:
        assert len(part.split()) <= MAX_WORDS_PER_SENTENCE, f"{term}: a sentence of {len(part.split())} words is too long for a 15-year-old: {part}"
    for abbreviation in ("e.g.", "i.e.", "etc."):
        assert abbreviation not in text, f"{term}: write it out instead of {abbreviation}"


def test_every_cross_reference_has_its_own_entry():
    terms = {term.casefold() for term in entries()}
    for term, text in entries().items():
        for reference in re.findall(r"(?<!\*)\*([^*]+)\*(?!\*)", text):
            assert reference.casefold() in terms, f"{term} refers to *{reference}*, which has no entry"


def test_the_glossary_is_linked():
    assert "(GLOSSARY.md)" in (LABS / "README.md").read_text(encoding="utf-8")
    assert "(GLOSSARY.md)" in (LABS / "TEACHER_GUIDE.md").read_text(encoding="utf-8")
    nbformat = pytest.importorskip("nbformat")
    first = nbformat.read(LABS / "07_thinking_critically.ipynb", as_version=4).cells[0].source
    assert "GLOSSARY.md" in first
