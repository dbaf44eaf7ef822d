"""Lab 2, the swap: A as B against the true answer, and what the shared code holds."""

from __future__ import annotations

import numpy as np
import torch


def swap_against_truth(model, answers) -> dict[str, float]:
    """SSIM against the true answer of (a) the swap and (b) A's untouched face.

    answers: one ``swap.metrics.TrueAnswerSet`` (faces of A, B rendered with A's factors).
    If the swap is no closer than the face it started from, the model has not learned B yet.
    """
    from deepfake_edu.swap.losses import ssim
    from deepfake_edu.swap.metrics import swap_scores

    with torch.no_grad():
        source = float(ssim(answers.faces.float(), answers.truth.float(), reduction="none").mean())
    return {"swap": swap_scores(model, answers.faces, answers.truth, answers.target)["ssim"], "source": source}


def swap_examples(model, answers, count: int = 6) -> dict[str, torch.Tensor]:
    """Rows to show: A's faces, A rebuilt, A as B (the swap), and B's true answer; float (n, 3, S, S)."""
    model.eval()
    faces = answers.faces[:count]
    with torch.no_grad():
        rebuilt = model.decode(model.encode(faces), answers.source)
        swapped = model.swap(faces, answers.target)
    return {"A": faces, "A rebuilt by A's decoder": rebuilt, "A as B (the swap)": swapped, "B, true answer": answers.truth[:count]}


def code_similarity(model, answers) -> dict[str, float]:
    """Mean cosine similarity of the shared codes of pairs of faces.

    same_expression: A's face and B rendered with the same pose, expression and light;
    random_pairs: A's face and B's true answer for a DIFFERENT face of A (shuffled).
    If the first is higher, the code describes the expression more than the person.
    """
    model.eval()
    with torch.no_grad():
        codes_a = model.encode(answers.faces.float())
        codes_b = model.encode(answers.truth.float())
    codes_a = codes_a - codes_a.mean(0, keepdim=True)  # compare what varies, not the common offset
    codes_b = codes_b - codes_b.mean(0, keepdim=True)
    same = torch.nn.functional.cosine_similarity(codes_a, codes_b, dim=1)
    shift = max(1, len(codes_b) // 2)  # pair face i with the answer of face i + n/2: never its own
    order = (np.arange(len(codes_b)) + shift) % len(codes_b)
    shuffled = torch.nn.functional.cosine_similarity(codes_a, codes_b[torch.from_numpy(order)], dim=1)
    return {"same_expression": float(same.mean()), "random_pairs": float(shuffled.mean())}


def parameter_table(model) -> str:
    """Parameters of the shared encoder and of each decoder."""
    encoder = sum(p.numel() for p in model.encoder.parameters())
    total = sum(p.numel() for p in model.parameters())
    lines = [f"shared encoder: {encoder:>12,}"]
    lines += [f"decoder {i}:      {sum(p.numel() for p in d.parameters()):>12,}" for i, d in enumerate(model.decoders)]
    lines.append(f"whole model:    {total:>12,}")
    return "\n".join(lines)
