"""MesoNet: Meso-4 and MesoInception-4 (Afchar et al., 2018), layer for layer as the authors' Keras code.

Both networks look at a 256x256 RGB face crop in [0, 1] and answer with ONE number per image.
Four blocks shrink the image 256 -> 128 -> 64 -> 32 -> 8 while they learn "mesoscopic" features
(between pixel noise and whole-face meaning); a small two-layer head turns the 16x8x8 result
into the answer. Each block is, in the authors' order:

    features (convolutions with ReLU) -> BatchNorm -> MaxPool            ('same' padding everywhere)

Meso-4 uses plain 3x3/5x5 convolutions. MesoInception-4 replaces the first two with an
Inception layer: four parallel branches (1x1; 1x1 then 3x3; 1x1 then 3x3 dilated by 2; 1x1 then
3x3 dilated by 3) whose outputs are stacked. Trainable parameters: 27,977 and 28,615.

Which way does the answer point?  (the one place this is decided: ``MesoConfig.output``)
    The authors' last layer outputs sigmoid(logit) = P(REAL): their training folders were read
    alphabetically, so "df" = 0 and "real" = 1. The lab's convention for every detector is the
    opposite, sigmoid(logit) = P(FAKE). The last Dense layer here computes the authors' logit
    (so their weights import unchanged); ``forward`` returns its NEGATIVE when
    ``output == "p_fake"`` (the default). Since sigmoid(-z) = 1 - sigmoid(z), this turns P(real)
    into P(fake) exactly. A model trained in the lab with label fake = 1 learns the same layout.

Training works as in Keras: ``model.train()`` switches BatchNorm to batch statistics and turns
the two dropout layers on (p = 0.5); ``model.eval()`` uses the running statistics. BatchNorm's
epsilon (1e-3) and momentum (Keras 0.99, i.e. torch 0.01) and the Glorot-uniform initial weights
follow Keras' defaults, so the port also trains like the original.

Fast inference (BatchNorm folded, channels-last, work split over single-threaded workers) lives
in ``detect.fast`` (``optimize_for_inference``); the modules here stay the readable reference.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import torch
import torch.nn as nn

from deepfake_edu.registry import register_model

IMAGE_SIZE = 256  # the authors' input side; the head's 1024 inputs assume it


@dataclass
class MesoConfig:
    """Settings shared by Meso-4 and MesoInception-4 (defaults = the authors' network)."""

    output: Literal["p_fake", "p_real"] = "p_fake"  # sigmoid(forward()) is P(fake) (lab convention) or P(real) (authors')
    dropout: float = 0.5  # dropout probability before each Dense layer (Keras Dropout(0.5)), active only in train()
    leaky_slope: float = 0.1  # negative slope of the LeakyReLU after the first Dense layer (Keras alpha=0.1)
    hidden: int = 16  # units of the first Dense layer
    bn_eps: float = 1e-3  # BatchNorm epsilon; Keras' default 1e-3, not torch's 1e-5 (matters for imported weights)
    bn_momentum: float = 0.01  # torch momentum = 1 - Keras momentum (0.99): running stats move 1% per batch


@dataclass
class Meso4Config(MesoConfig):
    """Meso-4: four Conv(ReLU) -> BatchNorm -> MaxPool blocks."""

    channels: tuple[int, int, int, int] = (8, 8, 16, 16)  # output channels of the four convolutions
    kernels: tuple[int, int, int, int] = (3, 5, 5, 5)  # square kernel sizes of the four convolutions


@dataclass
class MesoInception4Config(MesoConfig):
    """MesoInception-4: two Inception blocks, then two Conv(ReLU) blocks as in Meso-4."""

    inception1: tuple[int, int, int, int] = (1, 4, 4, 2)  # branch widths (a, b, c, d) of the first Inception layer
    inception2: tuple[int, int, int, int] = (2, 4, 4, 2)  # branch widths of the second (the paper's text prints other sizes)
    channels: tuple[int, int] = (16, 16)  # output channels of the two 5x5 convolutions that follow


def conv_relu(in_channels: int, out_channels: int, kernel: int, dilation: int = 1) -> nn.Sequential:
    """Keras Conv2D(padding='same', activation='relu'): (B, in, H, W) -> (B, out, H, W)."""
    padding = dilation * (kernel - 1) // 2  # 'same' for odd kernels, stride 1
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel, padding=padding, dilation=dilation),
        nn.ReLU(inplace=True),
    )


class Inception(nn.Module):
    """Four parallel branches, concatenated: (B, in, H, W) -> (B, a+b+c+d, H, W).

    Branch order (and creation order, which the Keras importer relies on): a = 1x1;
    b = 1x1 -> 3x3; c = 1x1 -> 3x3 dilated 2; d = 1x1 -> 3x3 dilated 3. Every conv has a ReLU.
    """

    def __init__(self, in_channels: int, a: int, b: int, c: int, d: int):
        super().__init__()
        self.branch_a = conv_relu(in_channels, a, 1)
        self.branch_b = nn.Sequential(conv_relu(in_channels, b, 1), conv_relu(b, b, 3))
        self.branch_c = nn.Sequential(conv_relu(in_channels, c, 1), conv_relu(c, c, 3, dilation=2))
        self.branch_d = nn.Sequential(conv_relu(in_channels, d, 1), conv_relu(d, d, 3, dilation=3))
        self.out_channels = a + b + c + d

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch_a(x), self.branch_b(x), self.branch_c(x), self.branch_d(x)], dim=1)


class MesoBlock(nn.Module):
    """features (with ReLU inside) -> BatchNorm -> MaxPool: (B, in, H, W) -> (B, C, H/pool, W/pool)."""

    def __init__(self, features: nn.Module, channels: int, pool: int, config: MesoConfig):
        super().__init__()
        self.features = features
        self.norm = nn.BatchNorm2d(channels, eps=config.bn_eps, momentum=config.bn_momentum)
        # Keras 'same' pooling pads at the bottom/right when H is not a multiple of the pool: ceil_mode.
        self.pool = nn.MaxPool2d(pool, ceil_mode=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(self.norm(self.features(x)))


class MesoHead(nn.Module):
    """Flatten -> Dropout -> Dense(16) -> LeakyReLU(0.1) -> Dropout -> Dense(1): (B, C, 8, 8) -> (B,).

    Returns the authors' logit (sigmoid = P(real)). Flatten is torch's (C, H, W) order; the
    importer reorders the authors' first Dense kernel, which follows Keras' (H, W, C) order.
    """

    def __init__(self, in_features: int, config: MesoConfig):
        super().__init__()
        self.dropout1 = nn.Dropout(config.dropout)
        self.dense1 = nn.Linear(in_features, config.hidden)
        self.activation = nn.LeakyReLU(config.leaky_slope)
        self.dropout2 = nn.Dropout(config.dropout)
        self.dense2 = nn.Linear(config.hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dropout1(torch.flatten(x, 1))  # (B, C*8*8)
        x = self.dropout2(self.activation(self.dense1(x)))  # (B, 16)
        return self.dense2(x).squeeze(1)  # (B,)


class MesoNet(nn.Module):
    """Four MesoBlocks and the head. ``forward``: float (B, 3, 256, 256) in [0, 1] -> logit (B,)."""

    def __init__(self, blocks: list[MesoBlock], config: MesoConfig):
        super().__init__()
        if config.output not in ("p_fake", "p_real"):
            raise ValueError(f"output must be 'p_fake' or 'p_real', not {config.output!r}")
        self.config = config
        self.blocks = nn.Sequential(*blocks)
        last_channels = blocks[-1].norm.num_features
        self.head = MesoHead(last_channels * (IMAGE_SIZE // 32) ** 2, config)  # 16 x 8 x 8 = 1024
        # The sign that turns the authors' logit into the configured one (see the module docstring).
        self.output_sign = -1.0 if config.output == "p_fake" else 1.0
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Keras' initial weights: Glorot-uniform kernels, zero biases (BatchNorm: 1 and 0)."""
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def authors_logit(self, images: torch.Tensor) -> torch.Tensor:
        """The last Dense layer's output, the authors' orientation: sigmoid = P(real). (B,)"""
        return self.head(self.blocks(images))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """images: float (B, 3, 256, 256) in [0, 1] -> logit (B,); sigmoid = P(fake) by default."""
        return self.output_sign * self.authors_logit(images)


class Meso4(MesoNet):
    def __init__(self, config: Meso4Config | None = None):
        config = config or Meso4Config()
        c1, c2, c3, c4 = config.channels
        k1, k2, k3, k4 = config.kernels
        blocks = [
            MesoBlock(conv_relu(3, c1, k1), c1, pool=2, config=config),  # (B, 8, 128, 128)
            MesoBlock(conv_relu(c1, c2, k2), c2, pool=2, config=config),  # (B, 8, 64, 64)
            MesoBlock(conv_relu(c2, c3, k3), c3, pool=2, config=config),  # (B, 16, 32, 32)
            MesoBlock(conv_relu(c3, c4, k4), c4, pool=4, config=config),  # (B, 16, 8, 8)
        ]
        super().__init__(blocks, config)


class MesoInception4(MesoNet):
    def __init__(self, config: MesoInception4Config | None = None):
        config = config or MesoInception4Config()
        inception1 = Inception(3, *config.inception1)
        inception2 = Inception(inception1.out_channels, *config.inception2)
        c3, c4 = config.channels
        blocks = [
            MesoBlock(inception1, inception1.out_channels, pool=2, config=config),  # (B, 11, 128, 128)
            MesoBlock(inception2, inception2.out_channels, pool=2, config=config),  # (B, 12, 64, 64)
            MesoBlock(conv_relu(inception2.out_channels, c3, 5), c3, pool=2, config=config),  # (B, 16, 32, 32)
            MesoBlock(conv_relu(c3, c4, 5), c4, pool=4, config=config),  # (B, 16, 8, 8)
        ]
        super().__init__(blocks, config)


def _config_from(config_class, overrides: dict):
    fields = {name: tuple(value) if isinstance(value, list) else value for name, value in overrides.items()}
    return config_class(**fields)


@register_model("meso4")
def create_meso4(**config) -> Meso4:
    return Meso4(_config_from(Meso4Config, config))


@register_model("mesoinception4")
def create_mesoinception4(**config) -> MesoInception4:
    return MesoInception4(_config_from(MesoInception4Config, config))


def config_dict(model: MesoNet) -> dict:
    """The model's config as JSON-able dict (for checkpoint info)."""
    return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(model.config).items()}


def count_trainable_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
