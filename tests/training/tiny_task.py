"""A tiny training job for the training core's tests, runnable as a script and under torchrun.

    python tests/training/tiny_task.py --run-dir DIR --steps 40 [--batch 8] [--no-resume]
    torchrun --standalone --nproc_per_node 2 tests/training/tiny_task.py --run-dir DIR ...

A small convolutional autoencoder learns to rebuild deterministic random images. Every batch
is a pure function of (seed, step), so the job is reproducible, resumable and splittable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from deepfake_edu.training import TrainConfig, Trainer, batch_indices, seed_everything  # noqa: E402

N_IMAGES = 64
SIZE = 16


def make_images(seed: int = 123) -> torch.Tensor:
    """(N_IMAGES, 3, SIZE, SIZE) smooth random images in [0, 1]."""
    rng = np.random.default_rng(seed)
    coarse = torch.from_numpy(rng.random((N_IMAGES, 3, 4, 4), dtype=np.float32))
    return F.interpolate(coarse, size=SIZE, mode="bilinear", align_corners=False)


def build_model() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.LeakyReLU(0.1),
        nn.Conv2d(8, 8, 3, padding=1), nn.LeakyReLU(0.1),
        nn.Upsample(scale_factor=2), nn.Conv2d(8, 3, 3, padding=1), nn.Sigmoid(),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-every", type=int, default=1)
    parser.add_argument("--step-delay", type=float, default=0.0, help="seconds of sleep per step (for kill tests)")
    parser.add_argument("--no-resume", action="store_true")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    images = make_images()
    seed_everything(args.seed)
    model = build_model()

    def make_batch(step: int, rank: int, world: int) -> torch.Tensor:
        chosen = batch_indices(args.seed, step, N_IMAGES, args.batch)
        local = args.batch // world
        return images[chosen[rank * local : (rank + 1) * local]]

    def loss_fn(net: nn.Module, batch: torch.Tensor):
        if args.step_delay:
            import time

            time.sleep(args.step_delay)
        loss = F.mse_loss(net(batch), batch)
        return loss, {}

    config = TrainConfig(steps=args.steps, batch_size=args.batch, seed=args.seed, device="cpu",
                         checkpoint_every=args.checkpoint_every, log_every=1, progress=False)
    trainer = Trainer(model, lambda p: torch.optim.Adam(p, lr=1e-2), make_batch, loss_fn, args.run_dir, config,
                      info={"model": "tiny", "config": {"size": SIZE}, "datasets": []})
    trainer.fit(resume=not args.no_resume)


if __name__ == "__main__":
    main()
