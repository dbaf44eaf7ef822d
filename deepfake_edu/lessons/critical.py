"""Lab 7, thinking critically: spot the fake (human against machine) and what provenance proves."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from deepfake_edu.errors import LabError


def spot_the_fake_set(dataset, count: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``count`` faces of a RealFakeSet, half real and half fake, shuffled: (images, labels 1 = fake)."""
    rng = np.random.default_rng(seed)
    real, fake = np.flatnonzero(dataset.labels == 0), np.flatnonzero(dataset.labels == 1)
    half = count // 2
    if len(real) < half or len(fake) < count - half:
        raise LabError(f"the set has {len(real)} real and {len(fake)} fake faces: too few for {count}")
    chosen = np.concatenate([rng.choice(real, half, replace=False), rng.choice(fake, count - half, replace=False)])
    rng.shuffle(chosen)
    return dataset.images[chosen], dataset.labels[chosen]


def guesses_to_labels(guesses, count: int) -> np.ndarray:
    """The numbers (1-based, as shown under the pictures) a student calls fake -> labels (count,)."""
    if guesses is Ellipsis or guesses is None:
        raise LabError("write your guesses first: the numbers of the faces you think are fake, e.g. [2, 5, 7]")
    labels = np.zeros(count, np.int64)
    for guess in guesses:
        if not isinstance(guess, (int, np.integer)) or not 1 <= guess <= count:
            raise LabError(f"write the numbers shown under the pictures (1 to {count}), e.g. [2, 5, 7]; {guess!r} is not one")
        labels[guess - 1] = 1
    return labels


def accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    return float((np.asarray(predicted) == np.asarray(labels)).mean())


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

    lines = [f"{'file':<14}{'visible label':>15}{'invisible mark':>16}{'C2PA':>14}"]
    for name, path in paths.items():
        report = check_file(path)
        lines.append(f"{name:<14}{('found' if report.label_found else '-'):>15}{('found' if report.mark_found else '-'):>16}{report.c2pa_state:>14}")
    return "\n".join(lines)
