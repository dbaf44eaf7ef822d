"""Lab 1, the funnel: autoencoders at several bottleneck widths, and what each one loses.

``region_errors`` measures how badly a model rebuilds each part of the face (eyes, brows, nose,
mouth, cheeks, background) on faces it did not train on, using the twins' landmarks and masks.
"""

from __future__ import annotations

import numpy as np

REGION_ORDER = ("eyes", "brows", "nose", "mouth", "cheeks", "background")


def region_masks_for(record: dict, dataset_info: dict, size: int) -> dict[str, np.ndarray]:
    """Bool masks (size, size) of each region of one twins record's ``size`` px swap crop."""
    from deepfake_edu.data import twins
    from deepfake_edu.faces.align import apply_affine
    from deepfake_edu.faces.align import twins_transform, warp_crop
    from deepfake_edu.faces.regions import twins_region_box
    from deepfake_edu.swap.metrics import twin_identity

    side = int(dataset_info["size"])
    transform = twins_transform(side, size)
    landmarks = apply_affine(transform, twins.landmarks_from_dict(record["landmarks"]))
    masks = {name: twins_region_box(landmarks, name, size) for name in ("eyes", "brows", "nose", "mouth")}
    masks["cheeks"] = twins_region_box(landmarks, "cheek_left", size) | twins_region_box(landmarks, "cheek_right", size)
    identity = twin_identity(twins, record, dataset_info)
    face = twins.face_mask(identity, twins.Factors(**record["factors"]), side)
    masks["background"] = warp_crop(face.astype(np.float32), transform, size) < 0.5
    return masks


def region_errors(model, images: np.ndarray, records: list[dict], dataset_info: dict, identity: int) -> dict[str, float]:
    """Mean absolute error (0-255 grey levels) of the rebuilt faces inside each region.

    images: uint8 (N, S, S, 3) of ``identity``; records: their twins manifest records.
    """
    from deepfake_edu.lessons.training import rebuild

    rebuilt = rebuild(model, images, identity).astype(np.float32)
    error = np.abs(rebuilt - images.astype(np.float32)).mean(axis=-1)  # (N, S, S)
    sums = {name: 0.0 for name in REGION_ORDER}
    counts = {name: 0 for name in REGION_ORDER}
    for face_error, record in zip(error, records):
        for name, mask in region_masks_for(record, dataset_info, images.shape[1]).items():
            sums[name] += float(face_error[mask].sum())
            counts[name] += int(mask.sum())
    return {name: sums[name] / max(counts[name], 1) for name in REGION_ORDER}


def held_out_faces(dataset_path, identity: str, count: int, size: int = 64) -> tuple[np.ndarray, list[dict], dict]:
    """The LAST ``count`` faces of ``identity`` as ``size`` px swap crops (training takes the
    first ones when limited), with their records."""
    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.faces.align import twins_crops

    dataset = load_dataset(dataset_path)
    records = [r for r in dataset.records if r["identity"] == identity][-count:]
    return twins_crops(np.stack([dataset.image(r) for r in records]), size), records, dataset.info


def error_table(errors: dict[int, dict[str, float]]) -> str:
    """Widths as rows, regions as columns, plus each region's growth from the widest to the narrowest."""
    widths = sorted(errors, reverse=True)
    regions = list(errors[widths[0]])
    lines = [f"{'width':>7}" + "".join(f"{r:>12}" for r in regions)]
    for width in widths:
        lines.append(f"{width:>7}" + "".join(f"{errors[width][r]:>12.1f}" for r in regions))
    growth = {r: errors[widths[-1]][r] / max(errors[widths[0]][r], 1e-9) for r in regions}
    lines.append(f"{'growth':>7}" + "".join(f"{growth[r]:>11.2f}x" for r in regions))
    return "\n".join(lines)
