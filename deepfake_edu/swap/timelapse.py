"""Pictures of a swap run's progress: the preview grid, and the timelapse joined into a GIF and a strip.

The Trainer saves a preview grid (``preview_grid``) now and then; a hook (``timelapse_hook``)
writes one fixed face swapped to ``<run>/timelapse/step-*.png`` every few steps, and
``write_timelapse`` joins those frames when training ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch

from deepfake_edu.swap.model import FaceSwapModel


def preview_grid(model: FaceSwapModel, faces: list[torch.Tensor], pad: int = 2) -> np.ndarray:
    """uint8 RGB picture: rows A, A rebuilt, A as B, B, B rebuilt, B as A (identities 0 and 1);
    for a face prior (one decoder), rows faces and rebuilt.

    faces: two float (n, 3, S, S) tensors on the model's device (n columns); one for a prior.
    """
    from deepfake_edu.data.images import to_uint8

    was_training = model.training
    model.eval()
    with torch.no_grad():
        if len(model.decoders) == 1:
            rows = [faces[0], model(faces[:1])[0]]
            model.train(was_training)
            return tile_rows([to_uint8(row.float()) for row in rows], pad=pad)
        a, b = faces[0], faces[1]
        a_rebuilt, b_rebuilt = model([a, b])
        rows = [a, a_rebuilt, model.swap(a, 1), b, b_rebuilt, model.swap(b, 0)]
    model.train(was_training)
    return tile_rows([to_uint8(row.float()) for row in rows], pad=pad)


def tile_rows(rows: list[np.ndarray], pad: int = 2) -> np.ndarray:
    """Rows of uint8 (n, S, S, 3) images -> one uint8 picture with ``pad`` white pixels between."""
    n, size = rows[0].shape[0], rows[0].shape[1]
    canvas = np.full((len(rows) * (size + pad) + pad, n * (size + pad) + pad, 3), 255, np.uint8)
    for r, row in enumerate(rows):
        for c, image in enumerate(row):
            y, x = pad + r * (size + pad), pad + c * (size + pad)
            canvas[y : y + size, x : x + size] = image
    return canvas


def timelapse_hook(face: torch.Tensor) -> Callable[..., None]:
    """A Trainer hook that writes ``face`` (float (1, 3, S, S), identity 0) swapped into identity 1
    as ``<run>/timelapse/step-<step>.png``: one frame of the timelapse."""

    def write_frame(trainer, step: int) -> None:
        from deepfake_edu.data.images import to_uint8, write_image

        m = trainer.model
        m.eval()
        with torch.no_grad():
            dev = next(m.parameters()).device
            swapped = m.swap(face.to(dev), 1)
        m.train()
        write_image(trainer.run_dir / "timelapse" / f"step-{step:08d}.png", to_uint8(swapped[0]))

    return write_frame


def write_timelapse(run_dir: str | Path, max_frames: int = 48) -> tuple[Path, Path] | None:
    """Join ``run_dir/timelapse/step-*.png`` into timelapse.gif and a strip timelapse.png."""
    from PIL import Image

    from deepfake_edu.data.images import read_image, write_image
    from deepfake_edu.fileio import atomic_path

    run_dir = Path(run_dir)
    frames_paths = sorted((run_dir / "timelapse").glob("step-*.png"))
    if not frames_paths:
        return None
    keep = np.unique(np.linspace(0, len(frames_paths) - 1, min(max_frames, len(frames_paths))).round().astype(int))
    frames = [read_image(frames_paths[i]) for i in keep]
    gif = run_dir / "timelapse.gif"
    with atomic_path(gif) as tmp:
        pictures = [Image.fromarray(f) for f in frames]
        pictures[0].save(tmp, format="GIF", save_all=True, append_images=pictures[1:], duration=200, loop=0)
    strip_frames = [frames[i] for i in np.unique(np.linspace(0, len(frames) - 1, min(12, len(frames))).round().astype(int))]
    strip = write_image(run_dir / "timelapse.png", tile_rows([np.stack(strip_frames)]))
    return gif, strip
