"""A blind sheet: real and fake twins frames, shuffled and numbered, answers in a separate file.

Anyone can try it (a class, a reader of the benchmark): which faces are fakes? The fakes are
twin-00 and twin-01 frames swapped by a run (``convert.FaceSwapper``, the merge of ``swap apply``)
onto the other person; the real frames are the same two people, rendered with new poses,
expressions and light (factor seed ``FACTOR_SEED``, which no dataset of the lab uses). Real and
fake frames go through the same JPEG quality, so compression tells nothing.

The single faces carry no label (that would give the answer away); the sheet as a whole carries
the lab's visible label and invisible mark, and its header says that it holds fakes.

    sheet.jpg      the numbered grid (uint8 RGB, JPEG 92), labelled and marked
    answers.json   number -> real | fake, who is shown and, for a fake, whose frame it was made from
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from deepfake_edu.errors import LabError

FACTOR_SEED = 90_210  # seeds the sheet's poses and light; no lab dataset uses it
COLUMNS = 8
CAPTION_PX = 18  # height of the number strip under each face
HEADER_PX = 28
JPEG_QUALITY = 90  # every frame, real or fake, is compressed once at this quality


def sheet_frames(swap_run: str | Path, count: int = 20, size: int = 128) -> list[tuple[np.ndarray, dict]]:
    """``count`` real and ``count`` fake frames (uint8 RGB (size, size, 3), record), in order:
    real then fake, alternating the two people."""
    import cv2

    from deepfake_edu.data import twins
    from deepfake_edu.swap.convert import FaceSwapper, locator_for
    from deepfake_edu.swap.train import load_swap_model

    model, info = load_swap_model(swap_run)
    names = list(info.get("identities", []))
    if len(names) != 2 or not all(name.startswith("twin-") for name in names):
        raise LabError(f"{swap_run} is not a swap pair of two twins: the blind sheet needs one (e.g. the lab's swap-lab run)")
    people = [twins.make_identity(int(name.removeprefix("twin-"))) for name in names]
    swappers = [FaceSwapper(model, target, locator_for(info, model.config.input_size)) for target in (0, 1)]

    def compressed(image: np.ndarray) -> np.ndarray:
        _, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)

    frames = []
    for index in range(2 * count):
        who = index % 2
        factors = twins.with_factors(twins.sample_factors(FACTOR_SEED + index), jpeg_quality=0)
        if index < count:  # a real frame of person `who`
            frame = twins.render_face(people[who], factors, size).image
            record = {"label": "real", "shows": names[who]}
        else:  # the other person's frame, swapped to `who`
            source = 1 - who
            frame, found = swappers[who].swap_frame(twins.render_face(people[source], factors, size).image)
            if not found:
                raise LabError(f"the swap found no face in a {names[source]} frame: check {swap_run}")
            record = {"label": "fake", "shows": names[who], "made_from": names[source]}
        frames.append((compressed(np.ascontiguousarray(frame)), {**record, "factor_seed": FACTOR_SEED + index}))
    return frames


def write_blind_sheet(swap_run: str | Path, out: str | Path, count: int = 20, size: int = 128, shuffle_seed: int = 0) -> tuple[Path, Path]:
    """Write ``out``/sheet.jpg and ``out``/answers.json; returns both paths."""
    import cv2

    from deepfake_edu.fileio import write_text_atomic
    from deepfake_edu.provenance.check import save_marked_image

    frames = sheet_frames(swap_run, count, size)
    order = np.random.default_rng(shuffle_seed).permutation(len(frames))
    from deepfake_edu.provenance.label import banner_geometry

    rows = -(-len(frames) // COLUMNS)
    cell = size + CAPTION_PX
    height, width = HEADER_PX + rows * cell, COLUMNS * size
    banner = banner_geometry(height, width)[0]  # the label's banner goes below the grid, not over it
    sheet = np.full((height + banner + 4, width, 3), 255, np.uint8)
    cv2.putText(sheet, f"{count} real, {count} fake: which are fakes? (answers.json)", (6, HEADER_PX - 9),
                cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    answers = {}
    for number, position in enumerate(order, start=1):
        image, record = frames[position]
        row, column = divmod(number - 1, COLUMNS)
        top, left = HEADER_PX + row * cell, column * size
        sheet[top : top + size, left : left + size] = image
        cv2.putText(sheet, str(number), (left + size // 2 - 8, top + size + CAPTION_PX - 5), cv2.FONT_HERSHEY_SIMPLEX,
                    0.45, (0, 0, 0), 1, cv2.LINE_AA)
        answers[str(number)] = record
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sheet_path = save_marked_image(out / "sheet.jpg", sheet, {"generator": "deepfake-edu", "kind": "blind sheet of face swaps"})
    answers_path = out / "answers.json"
    write_text_atomic(answers_path, json.dumps({"swap_run": Path(swap_run).name, "size_px": size, "answers": answers}, indent=2))
    return sheet_path, answers_path
