"""The training faces of a swap run: each person's faces as swap crops of one size (``load_face_sets``).

Reads one or more datasets (``data.dataset``), picks the identities, turns every face into the
faces module's swap framing at the model's input size, and moves each face's landmarks with it
into a weight mask for the loss (``faces.regions.priority_mask``): a real face's eyes, brows and
mouth from its 68 landmarks (in crop pixels, through the record's frame -> crop "transform"),
a twin's eyes and mouth from the renderer's named points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.faces.align import twins_crops, twins_transform
from deepfake_edu.faces.regions import landmarks_from_record, priority_mask, scale_landmarks


@dataclass
class FaceSets:
    """Training faces: names[i] and faces[i] uint8 (N_i, S, S, 3); masks[i] float16 (N_i, 1, S, S) or None."""

    names: list[str]
    faces: list[np.ndarray]
    masks: list[np.ndarray] | None
    datasets: list[str]  # dataset names, for checkpoints' "datasets" (forget uses them)
    records: list[list[dict]]  # the manifest records behind faces[i], in order
    dataset_infos: list[dict]  # dataset.json of the dataset each identity came from (twins: its generator)


def _resize_faces(images: np.ndarray, size: int) -> np.ndarray:
    import cv2

    if images.shape[1] == size:
        return images
    interpolation = cv2.INTER_AREA if images.shape[1] > size else cv2.INTER_CUBIC
    return np.stack([cv2.resize(image, (size, size), interpolation=interpolation) for image in images])


def load_face_sets(data: list[str], identities: list[str] | None, size: int, limit: int | None = None) -> FaceSets:
    """Faces of each person as ``size`` px swap crops.

    Extracted real faces already are swap crops and are only resized. A twins picture shows
    the whole head, so its swap crop (brows to chin) is cut out of it (``twins_transform``):
    the model then spends its few thousand classroom steps on the face, not on hair and
    background, as with real faces. Twins rendered at twice ``size`` keep the crop sharp.

    One dataset: ``identities`` name people inside it (default: its first two). Several
    datasets without ``identities``: each dataset is one person. Several datasets with as many
    ``identities``: identity i is taken from dataset i.
    """
    from deepfake_edu.data.dataset import load_dataset

    datasets = [load_dataset(path) for path in data]
    pairs: list[tuple] = []
    if len(datasets) == 1:
        chosen = identities or datasets[0].identities()[:2]
        pairs = [(datasets[0], name) for name in chosen]
    elif identities is None:
        pairs = [(dataset, None) for dataset in datasets]
    elif len(identities) == len(datasets):
        pairs = list(zip(datasets, identities))
    else:
        raise LabError("give one --identities name per dataset, or none (each dataset is then one person)")
    if len(pairs) < 2:
        raise LabError(f"a face swap needs 2 people; {data[0]} has only {', '.join(datasets[0].identities())}: add --data for a second person")
    names, faces, masks, records, infos = [], [], [], [], []
    any_landmarks = False
    for dataset, identity in pairs:
        chosen_records = [r for r in dataset.records if identity is None or r["identity"] == identity][:limit]
        if not chosen_records:
            raise LabError(f"dataset {dataset.name!r} has no faces of {identity!r}; it has {', '.join(dataset.identities())}")
        images = dataset.images(identity, limit=limit) if identity is not None else np.stack([dataset.image(r) for r in chosen_records])
        if len(images) < 2:
            raise LabError(f"{identity or dataset.name} has only {len(images)} face: a swap needs many (hundreds) of each person")
        names.append(identity if identity is not None else dataset.name)
        if "factors" in chosen_records[0]:  # twins
            transform = twins_transform(images.shape[1], size)  # for the landmarks below
            faces.append(twins_crops(images, size))
        else:
            scale = size / images.shape[1]
            transform = np.array([[scale, 0, 0], [0, scale, 0]])
            faces.append(_resize_faces(images, size))
        records.append(chosen_records)
        infos.append(dataset.info)
        person_masks = []
        for record in chosen_records:
            landmarks = record.get("landmarks")
            if landmarks is None:
                person_masks.append(None)
                continue
            any_landmarks = True
            try:
                person_masks.append(_record_priority(record, transform, images.shape[1], size))
            except LabError as error:
                raise LabError(f"{dataset.name}/{record.get('file', '?')}: {error}") from None
        masks.append(person_masks)
    mask_arrays = None
    if any_landmarks:
        mask_arrays = [np.stack([m if m is not None else np.zeros((size, size), np.float32) for m in person])[:, None].astype(np.float16) for person in masks]
    return FaceSets(names, faces, mask_arrays, sorted({d.name for d, _ in pairs}), records, infos)


def _record_priority(record: dict, transform: np.ndarray, stored: int, size: int) -> np.ndarray:
    """float32 (size, size): the loss's priority mask of one record with landmarks.

    An extracted real face (68 frame points and the frame -> crop "transform" of a ``stored`` px
    crop): eyes, brows and mouth of its 68 points in the ``size`` px crop. Anything else (the
    twins' named points, points already in crop pixels): ``transform`` moves them into the crop.
    """
    if "factors" not in record and record.get("transform") is not None:
        found = landmarks_from_record(record)
        if found is not None and "points_68" in found:
            return priority_mask(scale_landmarks(found, size / stored), size)
    return priority_mask(_move_landmarks(record["landmarks"], transform), size)


def _move_landmarks(landmarks, transform: np.ndarray):
    """Landmarks (a list of [x, y], or a dict of [x, y] or of lists of them) moved by a 2x3 ``transform``."""

    def move(points):
        points = np.asarray(points, np.float64)
        return (points @ transform[:, :2].T + transform[:, 2]).tolist()

    if isinstance(landmarks, dict):
        return {key: move(value) for key, value in landmarks.items()}
    return move(landmarks)
