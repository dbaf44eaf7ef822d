"""Lab 7, thinking critically: what provenance proves (a fake, laundered, and what survives).

The lab's first part, spot the fake (human against machine), lives in ``lessons.spot_the_fake``,
beside the demo's version of the same game; its media-literacy part (the cues to look at in a
face, not a GAN, a history of photo manipulation, the five-question checklist) in
``lessons.literacy``, with its texts and exercises.

The words of the provenance table are in ``TEXTS`` (English) and ``critical_fr.TEXTS`` (French),
chosen by ``lessons.i18n``; the files keep their names (original, fake...), as on disk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from deepfake_edu.lessons import critical_fr, i18n

# Every word of the provenance table a student can see, by key.
TEXTS: dict[str, str] = {
    "table.file": "file",
    "table.label": "visible label",
    "table.mark": "invisible mark",
    "table.found": "found",
    # the states of a file's C2PA manifest (``provenance.check_file``); a state missing here is shown as it is written
    "c2pa.present": "present",
    "c2pa.absent": "absent",
    "c2pa.not checked": "not checked",
    "c2pa.unreadable": "unreadable",
}
_TEXTS = {"en": TEXTS, "fr": critical_fr.TEXTS}

text = i18n.translator(_TEXTS)  # text(key, **fields): in the current language


def provenance_demo(swap_run, out_dir, size: int = 256) -> dict[str, Path]:
    """Make a labelled, marked fake photo, then two 'laundered' copies; returns their paths.

    original: a twin, rendered (not a fake); fake: the same face swapped by the lab (label + mark);
    cropped: the fake with its bottom quarter (the label) cut off and re-saved as JPEG 90;
    squashed: the fake shrunk to a third, enlarged again and saved as JPEG 50.
    """
    import cv2

    from deepfake_edu.data.images import write_image
    from deepfake_edu.data.twins import Factors, make_identity, render_face
    from deepfake_edu.swap.convert import apply_swap
    from deepfake_edu.swap.train import load_swap_model

    out_dir = Path(out_dir)
    _, info = load_swap_model(swap_run)
    names = info.get("identities", ["twin-00", "twin-01"])
    index_a = int(names[0].rsplit("-", 1)[-1])
    original = write_image(out_dir / "original.png", render_face(make_identity(index_a), Factors(smile=0.6, background_seed=3), size).image)
    fake = apply_swap(swap_run, original, names[1], out_dir / "fake.png", progress=False).path
    from deepfake_edu.data.images import read_image

    picture = read_image(fake)
    cropped = write_image(out_dir / "cropped.jpg", np.ascontiguousarray(picture[: picture.shape[0] * 3 // 4]), jpeg_quality=90)
    small = cv2.resize(picture, (picture.shape[1] // 3, picture.shape[0] // 3), interpolation=cv2.INTER_AREA)
    squashed = write_image(out_dir / "squashed.jpg", cv2.resize(small, picture.shape[1::-1], interpolation=cv2.INTER_LINEAR), jpeg_quality=50)
    return {"original": original, "fake": fake, "cropped": cropped, "squashed": squashed}


def provenance_table(paths: dict[str, Path]) -> str:
    """One line per file: label found?, mark found?, C2PA state."""
    from deepfake_edu.provenance import check_file

    label, mark, found = text("table.label"), text("table.mark"), text("table.found")
    label_width, mark_width = max(15, len(label) + 2), max(16, len(mark) + 2)  # the English columns: 15 and 16
    lines = [f"{text('table.file'):<14}{label:>{label_width}}{mark:>{mark_width}}{'C2PA':>14}"]
    for name, path in paths.items():
        report = check_file(path)
        state = text(f"c2pa.{report.c2pa_state}") if f"c2pa.{report.c2pa_state}" in TEXTS else report.c2pa_state
        lines.append(f"{name:<14}{(found if report.label_found else '-'):>{label_width}}{(found if report.mark_found else '-'):>{mark_width}}{state:>14}")
    return "\n".join(lines)
