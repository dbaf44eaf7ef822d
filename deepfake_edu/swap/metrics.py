"""How good is a swap? SSIM and PSNR against the true answer, and their curves over training.

With real people nobody knows what B would look like wearing A's expression. With the
synthetic twins we do: the twins generator renders identity B with A's factors (pose,
expression, light), the exact picture a perfect swap would produce. ``true_answer_sets``
builds those pairs; ``SwapMetricsHook`` scores the model on them during training and logs
``swap_ssim`` / ``swap_psnr`` (mean over directions) and per direction ``swap_ssim_0to1`` etc.,
plus ``swap_face_ssim``: SSIM over the true answer's face only (the part a conversion keeps).
For a merged frame (the face pasted back into a picture): ``detail_kept``, the fake's detail
(variance of the Laplacian) over the original's where the face was pasted, and ``region_ssim``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import torch

from deepfake_edu.swap.losses import psnr, ssim, ssim_map


@dataclass
class TrueAnswerSet:
    """Faces of identity ``source`` and what they must become as identity ``target``."""

    source: int  # decoder index of the person in ``faces``
    target: int  # decoder index to swap to
    faces: torch.Tensor  # float (N, 3, S, S): faces of ``source``
    truth: torch.Tensor  # float (N, 3, S, S): ``target`` rendered with the same factors
    face_masks: torch.Tensor | None = None  # float (N, 1, S, S): the skin of the true answer's face (twins), or None

    @property
    def label(self) -> str:
        return f"{self.source}to{self.target}"


def swap_scores(model, faces: torch.Tensor, truth: torch.Tensor, to_identity: int, batch: int = 128, face_masks: torch.Tensor | None = None) -> dict[str, float]:
    """Mean SSIM and PSNR (dB) of ``model.swap(faces, to_identity)`` against ``truth`` (both (N, 3, S, S)).

    With ``face_masks`` (N, 1, S, S) also "face_ssim": SSIM over the face only, the part a
    conversion pastes into the picture (the crop's background is thrown away by the blend).
    """
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    ssims, psnrs, face_ssims = [], [], []
    with torch.no_grad():
        for start in range(0, len(faces), batch):
            swapped = model.swap(faces[start : start + batch].to(device), to_identity).float()
            answer = truth[start : start + batch].to(device).float()
            ssims.append(ssim(swapped, answer, reduction="none"))
            psnrs.append(psnr(swapped, answer, reduction="none"))
            if face_masks is not None:
                similarity = ssim_map(swapped, answer).mean(dim=1, keepdim=True)
                crop = (answer.shape[-1] - similarity.shape[-1]) // 2
                weights = face_masks[start : start + batch].to(device)[..., crop : crop + similarity.shape[-2], crop : crop + similarity.shape[-1]]
                face_ssims.append((similarity * weights).sum(dim=(1, 2, 3)) / weights.sum(dim=(1, 2, 3)).clamp_min(1e-6))
    model.train(was_training)
    scores = {"ssim": float(torch.cat(ssims).mean()), "psnr": float(torch.cat(psnrs).mean())}
    if face_ssims:
        scores["face_ssim"] = float(torch.cat(face_ssims).mean())
    return scores


def evaluate_swaps(model, answer_sets: list[TrueAnswerSet]) -> dict[str, float]:
    """Scores per direction (``swap_ssim_0to1``...) and their means (``swap_ssim``, ``swap_psnr``)."""
    results: dict[str, float] = {}
    for answers in answer_sets:
        scores = swap_scores(model, answers.faces, answers.truth, answers.target, face_masks=answers.face_masks)
        results[f"swap_ssim_{answers.label}"] = scores["ssim"]
        results[f"swap_psnr_{answers.label}"] = scores["psnr"]
        if "face_ssim" in scores:
            results[f"swap_face_ssim_{answers.label}"] = scores["face_ssim"]
    if answer_sets:
        for name in ("swap_ssim", "swap_psnr", "swap_face_ssim"):
            values = [results[f"{name}_{a.label}"] for a in answer_sets if f"{name}_{a.label}" in results]
            if values:
                results[name] = float(np.mean(values))
    return results


class SwapMetricsHook:
    """A Trainer hook: ``(every, SwapMetricsHook(sets))`` logs swap SSIM/PSNR into the history."""

    def __init__(self, answer_sets: list[TrueAnswerSet]) -> None:
        self.answer_sets = answer_sets

    def __call__(self, trainer, step: int) -> None:
        trainer.log(step, evaluate_swaps(trainer.model, self.answer_sets))


def true_answer_sets(face_sets, size: int, n_faces: int = 64, clean: bool = True) -> list[TrueAnswerSet]:
    """True-answer pairs for identities 0 -> 1 and 1 -> 0 when the faces are synthetic twins.

    The twins generator renders the target person with each source face's factors. With
    ``clean`` the camera noise and JPEG of the source image are left out of the answer: they
    are not part of the face, and no autoencoder can (or should) copy a noise pattern.
    Returns [] for faces without factors (real people: there is no true answer).
    """
    if len(face_sets.names) < 2 or any(not records or "factors" not in records[0] for records in face_sets.records[:2]):
        return []
    from deepfake_edu.data import twins

    people = [twin_identity(twins, face_sets.records[i][0], face_sets.dataset_infos[i]) for i in (0, 1)]
    sets = []
    for source, target in ((0, 1), (1, 0)):
        records = face_sets.records[source][:n_faces]
        crops = [true_answer_crop(twins, people[target], record["factors"], size, clean) for record in records]
        truth = np.stack([image for image, _ in crops])
        masks = np.stack([mask for _, mask in crops])
        faces = face_sets.faces[source][: len(records)]
        face_masks = torch.from_numpy(np.ascontiguousarray(masks, dtype=np.float32))[:, None]
        sets.append(TrueAnswerSet(source, target, _to_float(faces), _to_float(truth), face_masks))
    return sets


def true_answer_crop(twins_module, identity, factors: dict, size: int, clean: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The true answer as the model must draw it: the ``size`` px swap crop of ``identity``
    rendered with ``factors``. Returns (uint8 (size, size, 3), float32 (size, size) face skin).

    It is rendered big enough (128 px for a 64 px crop) that cutting the crop only shrinks.
    """
    from deepfake_edu.faces.align import twins_transform, warp_crop

    shrinks = lambda side: abs(np.linalg.det(twins_transform(side, size)[:, :2])) <= 1  # noqa: E731
    render_size = next((side for side in twins_module.SIZES if shrinks(side)), max(twins_module.SIZES))
    render = render_true_answer(twins_module, identity, factors, render_size, clean)
    transform = twins_transform(render_size, size)
    return warp_crop(render.image, transform, size), np.clip(warp_crop(render.mask.astype(np.float32), transform, size), 0, 1)


def twin_identity(twins_module, record: dict, dataset_info: dict):
    """The twins ``Identity`` behind a dataset record (rebuilt from the generator's seed and index)."""
    generator = dataset_info.get("generator", {})
    index = record.get("identity_index")
    if index is None:
        index = int(str(record["identity"]).rsplit("-", 1)[-1])
    return twins_module.make_identity(int(index), int(generator.get("seed", 0)))


def render_true_answer(twins_module, identity, factors: dict, size: int, clean: bool = True):
    """The twins' FaceRender of ``identity`` with another image's ``factors`` (a dict): .image
    uint8 (size, size, 3) and .mask float32 (size, size), the face's skin."""
    values = dict(factors)
    if clean:
        values.update(noise=0.0, jpeg_quality=0)
    return twins_module.true_swap(identity, twins_module.Factors(**values), size, with_mask=True)


# --- a merged frame against its original and its true answer ------------------------------------


def detail_kept(fake: np.ndarray, original: np.ndarray, region: np.ndarray) -> float:
    """How much of the original frame's detail a fake keeps where its face was pasted: variance of
    the Laplacian of the grey fake over ``region`` (bool (H, W)) / the same of the original.

    Both uint8 RGB (H, W, 3). 1: as detailed; a 64 px face stretched over a 256 px frame with no
    merge-time restoration keeps a few hundredths (``deepfake-edu bench swap --only merge``).
    """
    from deepfake_edu.swap.merge import laplacian_variance

    return laplacian_variance(fake, region) / max(laplacian_variance(original, region), 1e-9)


def region_ssim(image: np.ndarray, truth: np.ndarray, region: np.ndarray) -> float:
    """SSIM of uint8 RGB ``image`` against ``truth`` (both (H, W, 3)), averaged over the pixels of
    ``region`` (bool (H, W)) where the 11-pixel window fits (the SSIM map is "valid")."""
    x, y = _to_float(np.asarray(image)[None]), _to_float(np.asarray(truth)[None])
    similarity = ssim_map(x, y)[0].mean(dim=0).numpy()
    top, left = (image.shape[0] - similarity.shape[0]) // 2, (image.shape[1] - similarity.shape[1]) // 2
    inside = np.asarray(region, bool)[top : top + similarity.shape[0], left : left + similarity.shape[1]]
    return float(similarity[inside].mean()) if inside.any() else float("nan")


def _to_float(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float().div(255)


def plot_swap_curves(history: list[dict], out: str | os.PathLike | None = None, x: str = "time_s"):
    """SSIM and PSNR of the swap over training (``x``: "time_s" or "step"); saves a PNG when ``out``.

    Returns the matplotlib Figure.
    """
    import matplotlib

    if out is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rows = [row for row in history if "swap_ssim" in row]
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    xs = [row[x] / (60 if x == "time_s" else 1) for row in rows]
    keys = sorted({key for row in rows for key in row if key.startswith("swap_ssim_")})
    for key in keys:
        left.plot(xs, [row.get(key, np.nan) for row in rows], label=key.removeprefix("swap_ssim_").replace("to", " as "))
        right.plot(xs, [row.get(key.replace("ssim", "psnr"), np.nan) for row in rows], label=key.removeprefix("swap_ssim_").replace("to", " as "))
    left.set_ylabel("SSIM against the true answer")
    right.set_ylabel("PSNR (dB)")
    for axis in (left, right):
        axis.set_xlabel("training minutes" if x == "time_s" else "step")
        axis.grid(alpha=0.3)
        if keys:
            axis.legend()
    left.set_ylim(0, 1)
    figure.tight_layout()
    if out is not None:
        from deepfake_edu.fileio import save_figure

        save_figure(figure, out, dpi=100)
    return figure
