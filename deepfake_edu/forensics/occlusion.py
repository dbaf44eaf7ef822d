"""Occlusion by facial region: hide the eyes, the mouth, the nose, the cheeks or the background
of many faces, one region at a time, and measure how much a detector's P(fake) moves.

The seed interview says the eyes played an important role in what MesoNet looked at; this is
how a student checks that on the lab's fakes or their own. The regions come from landmarks
(``faces.regions``): on real faces found by dlib they follow the 68 points' polygons and the
brows are a region of their own; on the twins and OpenCV's eyes-only faces they are the ellipse
approximation, whose eyes take in the brows. Faces and their landmarks come from a dataset or a
folder (``load_faces_with_landmarks``).
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import cv2
import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.faces.regions import REGIONS, REGIONS_68, landmarks_for_crop, landmarks_from_record, region_masks, scale_landmarks
from deepfake_edu.forensics.explain import fake_probability


def occlude(image: np.ndarray, mask: np.ndarray, fill: str = "blur") -> np.ndarray:
    """Hide the pixels under ``mask`` (bool (H, W)) in uint8 RGB (H, W, 3); others stay unchanged.

    fill="blur" (default) replaces them by a strong Gaussian blur of the image (sigma = 1/12 of
    the side): the region keeps its colour and rough shading, so the face still looks like a face,
    but the mesoscopic detail a detector reads (eyelids, lashes, teeth, blending seams) is gone.
    fill="mean" paints the region with its own mean colour: harsher, it also removes shading and
    leaves an edge that a network may react to by itself.
    """
    mask = np.asarray(mask, bool)
    if mask.shape != image.shape[:2]:
        raise LabError(f"mask {mask.shape} does not match image {image.shape[:2]}")
    out = image.copy()
    if not mask.any():
        return out
    if fill == "blur":
        sigma = max(image.shape[:2]) / 12
        filled = cv2.GaussianBlur(image, (0, 0), sigmaX=sigma, sigmaY=sigma, borderType=cv2.BORDER_REFLECT)
        out[mask] = filled[mask]
    elif fill == "mean":
        out[mask] = np.uint8(np.rint(image[mask].astype(np.float64).mean(0)))
    else:
        raise LabError(f"fill must be 'blur' or 'mean', not {fill!r}")
    return out


def occlusion_study(
    model,
    images: np.ndarray,
    landmarks_list: Sequence[Mapping],
    regions: Iterable[str] | None = None,
    fill: str = "blur",
) -> list[dict]:
    """How much hiding each region moves P(fake), over many faces; rows ranked, strongest first.

    model: a torch model (logits) or a detector with ``predict_proba``; images: uint8 (N, S, S, 3);
    landmarks_list: N landmark dicts in those images' pixels. regions: names from
    ``REGIONS_68``; default: ``REGIONS_68`` when every face has 68 points ("points_68"), else
    ``REGIONS``. "brows" needs 68 points on every face; when it is not studied, a 68-point face's
    brows are hidden with its eyes, so "eyes" means eyes and brows for every face alike.
    Row per region: region, mean_abs_delta (mean |P(occluded) - P(original)|), mean_delta
    (signed: negative = hiding it makes the face look more real), std_abs_delta, mean_area
    (share of the image hidden), n.
    """
    images = np.asarray(images)
    if images.ndim != 4 or len(images) != len(landmarks_list):
        raise LabError(f"give images (N, H, W, 3) and one landmark dict per image; got {images.shape} and {len(landmarks_list)}")
    masks = [region_masks(landmarks, images.shape[1:3]) for landmarks in landmarks_list]
    with_brows = sum("brows" in m for m in masks)
    regions = list(regions) if regions is not None else list(REGIONS_68 if with_brows == len(masks) else REGIONS)
    unknown = [r for r in regions if r not in REGIONS_68]
    if unknown:
        raise LabError(f"unknown regions {unknown}; choose from {', '.join(REGIONS_68)}")
    if "brows" in regions and with_brows < len(masks):
        raise LabError(f"only {with_brows} of the {len(masks)} faces have 68 landmarks, which the brows need: leave 'brows' out (the eyes then include them)")
    if "brows" not in regions:
        masks = [{**m, "eyes": m["eyes"] | m["brows"]} if "brows" in m else m for m in masks]
    base = fake_probability(model, images)
    rows = []
    for region in regions:
        occluded = np.stack([occlude(image, m[region], fill) for image, m in zip(images, masks)])
        delta = fake_probability(model, occluded) - base
        rows.append(
            {
                "region": region,
                "mean_abs_delta": float(np.abs(delta).mean()),
                "mean_delta": float(delta.mean()),
                "std_abs_delta": float(np.abs(delta).std()),
                "mean_area": float(np.mean([m[region].mean() for m in masks])),
                "n": int(len(images)),
            }
        )
    rows.sort(key=lambda row: row["mean_abs_delta"], reverse=True)
    return rows


def format_occlusion(rows: list[dict]) -> str:
    header = f"{'region':<12} {'mean |dP|':>9} {'mean dP':>8} {'area':>6} {'n':>5}"
    lines = [header, "-" * len(header)]
    lines += [f"{r['region']:<12} {r['mean_abs_delta']:>9.4f} {r['mean_delta']:>+8.4f} {r['mean_area']:>6.1%} {r['n']:>5d}" for r in rows]
    return "\n".join(lines)


def plot_occlusion(rows: list[dict], path, title: str = "What hiding each region does to P(fake)"):
    """A bar chart of mean |delta P(fake)| per region (PNG), written atomically."""

    from deepfake_edu.fileio import use_headless_backend

    use_headless_backend()
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import save_figure

    figure, axes = plt.subplots(figsize=(6, 3.2), dpi=120)
    names = [row["region"] for row in rows]
    axes.bar(names, [row["mean_abs_delta"] for row in rows], yerr=[row["std_abs_delta"] for row in rows], color="#4c72b0", capsize=3)
    for index, row in enumerate(rows):
        axes.text(index, row["mean_abs_delta"], f" {row['mean_area']:.0%} of the image", ha="center", va="bottom", fontsize=7, rotation=90)
    axes.set_ylabel("mean |change of P(fake)|")
    axes.set_title(f"{title} (n = {rows[0]['n'] if rows else 0})", fontsize=9)
    figure.tight_layout()
    return save_figure(figure, path)


def load_faces_with_landmarks(path, size: int = 256, limit: int | None = None, label: str | None = "fake") -> tuple[np.ndarray, list[dict], int]:
    """Square face crops and their landmark dicts, for ``occlusion_study``.

    path: a lab dataset (landmarks from its records, see ``landmarks_from_record``), or a folder
    of crops (with real/ and fake/ (or df/, f2f/) subfolders when ``label`` is given; faces found again by
    ``landmarks_for_crop``: dlib's 68 points where dlib is installed, else OpenCV's eyes).
    label: "fake", "real" or None for all. Crops are resized to ``size``. Returns
    (images uint8 (N, size, size, 3), landmark dicts, number of crops skipped for want of landmarks).
    """
    from pathlib import Path

    from deepfake_edu.data.images import IMAGE_SUFFIXES, read_image

    root = Path(path)
    pairs: list[tuple[np.ndarray, dict | None]] = []
    if (root / "dataset.json").exists():
        from deepfake_edu.data.dataset import load_dataset

        dataset = load_dataset(root)
        # records without a "label" (faces extracted from real people) count as real
        records = [r for r in dataset.records if label is None or r.get("label", "real") == label]
        for record in records[:limit]:
            pairs.append((dataset.image(record), landmarks_from_record(record)))
    elif root.is_dir():
        # the MesoNet authors' test folders name their fakes "df" (Deepfake) and "f2f" (Face2Face)
        names = {"fake": ("fake", "df", "f2f"), "real": ("real",)}.get(label, ())
        folder = next((root / name for name in names if (root / name).is_dir()), root)
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)[:limit]
        for file in files:
            image = read_image(file)
            pairs.append((image, landmarks_for_crop(image)))
    else:
        raise LabError(f"no such folder: {root} (give a lab dataset or a folder of face crops)")
    if not pairs:
        raise LabError(f"{root} holds no {label or ''} face crops".replace("  ", " "))
    images, landmarks_list, skipped = [], [], 0
    for image, landmarks in pairs:
        if landmarks is None:
            skipped += 1
            continue
        if image.shape[0] != image.shape[1]:
            raise LabError(f"the crops in {root} are not square: extract faces first (deepfake-edu faces extract)")
        factor = size / image.shape[0]
        if image.shape[0] != size:
            image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)
            landmarks = scale_landmarks(landmarks, factor)
        images.append(image)
        landmarks_list.append(landmarks)
    if not images:
        raise LabError(f"no face in {root} has landmarks and none could be found again: use crops from `deepfake-edu faces extract` or the twins")
    return np.stack(images), landmarks_list, skipped
