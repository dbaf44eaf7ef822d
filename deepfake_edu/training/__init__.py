"""The training core shared by the face-swap model and MesoNet: device choice, seeding,
progress and history, previews, atomic safetensors checkpoints, resume, and torchrun."""

from deepfake_edu.training.checkpoint import (
    latest_checkpoint,
    list_snapshots,
    load_checkpoint,
    load_model_file,
    load_state_into,
    save_checkpoint,
    save_model_file,
    save_snapshot,
)
from deepfake_edu.training.device import pick_device
from deepfake_edu.training.seeding import batch_indices, sample_rng, seed_everything
from deepfake_edu.training.trainer import TrainConfig, Trainer

__all__ = [
    "TrainConfig",
    "Trainer",
    "batch_indices",
    "latest_checkpoint",
    "list_snapshots",
    "load_checkpoint",
    "load_model_file",
    "load_state_into",
    "pick_device",
    "sample_rng",
    "save_checkpoint",
    "save_model_file",
    "save_snapshot",
    "seed_everything",
]
