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
in ``optimize_for_inference``; the modules above it stay the readable reference.
"""

from __future__ import annotations

import contextlib
import copy
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Literal

import torch
import torch.nn as nn
import torch.nn.functional as F

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


# ---------------------------------------------------------------------------------------------
# Fast inference
# ---------------------------------------------------------------------------------------------


class _FoldedBlock(nn.Module):
    """A MesoBlock for inference with its BatchNorm removed: same outputs, less memory traffic.

    BatchNorm here comes AFTER the ReLU, so it cannot simply be folded into the conv before it.
    But per channel it is y = s * relu(z) + t, and for s > 0: s * relu(z) = relu(s * z), while a
    per-channel max commutes with ReLU and with adding t. So the block becomes: conv scaled by s
    (no ReLU) -> max-pool -> ReLU -> + t, the last two on a 4x (or 16x) smaller tensor. If some
    s <= 0 (none in the authors' weights) the block keeps ReLU and the affine before pooling.
    """

    def __init__(self, block: MesoBlock):
        super().__init__()
        norm = block.norm
        scale = (norm.weight / torch.sqrt(norm.running_var + norm.eps)).detach()
        shift = (norm.bias - norm.running_mean * scale).detach()
        self.features = copy.deepcopy(block.features)
        self.fold_scale = bool((scale > 0).all())
        if self.fold_scale:
            start = 0
            for conv, parent, relu_index in _output_convs(self.features):  # in concatenation order
                rows = scale[start : start + conv.out_channels]
                with torch.no_grad():
                    conv.weight.mul_(rows.view(-1, 1, 1, 1))
                    conv.bias.mul_(rows)
                parent[relu_index] = nn.Identity()  # the ReLU moves after the pooling
                start += conv.out_channels
        self.register_buffer("scale", scale.view(1, -1, 1, 1).clone())
        self.register_buffer("shift", shift.view(1, -1, 1, 1).clone())
        self.pool_size = block.pool.kernel_size
        self.pool = block.pool
        # The pooled conv as one stride-2 conv with four times the outputs (see _phase_conv);
        # FastMesoNet keeps it only for the blocks where it measures faster on this machine.
        self.use_phases = False
        weight = bias = None
        conv = _single_conv(self.features)
        if self.fold_scale and self.pool_size == 2 and conv is not None:
            weight, bias, self.phase_padding = _phase_conv(conv)
        self.register_buffer("phase_weight", weight)  # buffers (None when unused), so .to() moves them
        self.register_buffer("phase_bias", bias)

    def max_pool(self, x: torch.Tensor) -> torch.Tensor:
        if self.pool_size == 2 and x.shape[2] % 2 == 0 and x.shape[3] % 2 == 0:
            # Rows, then columns: ~3x quicker than max_pool2d on channels-last CPU tensors, same values.
            rows = torch.maximum(x[:, :, 0::2], x[:, :, 1::2])
            return torch.maximum(rows[:, :, :, 0::2], rows[:, :, :, 1::2])
        return self.pool(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.use_phases and x.shape[2] % 2 == 0 and x.shape[3] % 2 == 0:
            phases = F.conv2d(x, self.phase_weight, self.phase_bias, stride=2, padding=self.phase_padding)
            c = phases.shape[1] // 4
            half = torch.maximum(phases[:, : 2 * c], phases[:, 2 * c :])  # two maxima of wide, contiguous runs
            return torch.maximum(half[:, :c], half[:, c:]).clamp_min_(0).add_(self.shift)
        x = self.features(x)
        if self.fold_scale:
            return self.max_pool(x).clamp_min_(0).add_(self.shift)
        return self.max_pool(x * self.scale + self.shift)


def _single_conv(features: nn.Module) -> nn.Conv2d | None:
    """The conv of a conv_relu block (ReLU already moved out), if it is a plain 'same' stride-1 one."""
    if not (isinstance(features, nn.Sequential) and len(features) == 2 and isinstance(features[0], nn.Conv2d)):
        return None
    conv = features[0]
    k = conv.kernel_size[0]
    if conv.kernel_size != (k, k) or k % 2 == 0 or conv.stride != (1, 1) or conv.dilation != (1, 1) or conv.padding != (k // 2, k // 2):
        return None
    return conv


def _phase_conv(conv: nn.Conv2d) -> tuple[torch.Tensor, torch.Tensor, int]:
    """A k x k 'same' conv followed by 2x2 max-pooling, as one stride-2 conv and a max.

    Output pixel (2i + dy, 2j + dx) of the conv, for the four phases (dy, dx) in {0, 1}^2, is the
    stride-2 conv of a (k+1) x (k+1) kernel that holds the k x k kernel shifted by (dy, dx). Stack
    the four shifted kernels as 4 x C outputs and the pool becomes a max over the four groups:
    exactly the same numbers, but a conv with 4 x C outputs fills the CPU's vector registers where
    a thin one (C = 8) leaves half of them idle. Returns (weight (4C, in, k+1, k+1), bias (4C,), padding).
    """
    k = conv.kernel_size[0]
    out_channels = conv.out_channels
    weight = torch.zeros(4 * out_channels, conv.in_channels, k + 1, k + 1)
    for phase, (dy, dx) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):
        weight[phase * out_channels : (phase + 1) * out_channels, :, dy : dy + k, dx : dx + k] = conv.weight.detach()
    return weight.contiguous(memory_format=torch.channels_last), conv.bias.detach().repeat(4), k // 2


def _output_convs(features: nn.Module) -> list[tuple[nn.Conv2d, nn.Sequential, int]]:
    """The convs whose outputs leave a block (one for conv_relu, the last of each Inception
    branch), each with the Sequential holding it and the index of the ReLU that follows it."""
    if isinstance(features, Inception):
        last_pairs = [features.branch_a, features.branch_b[1], features.branch_c[1], features.branch_d[1]]
    else:
        last_pairs = [features]
    return [(pair[0], pair, 1) for pair in last_pairs]


def _reach(features: nn.Module) -> int:
    """How many input pixels beyond its own position one output pixel of ``features`` sees."""
    if isinstance(features, Inception):
        branches = (features.branch_a, features.branch_b, features.branch_c, features.branch_d)
        return max(_reach(branch) for branch in branches)
    if isinstance(features, nn.Conv2d):
        return features.dilation[0] * (features.kernel_size[0] - 1) // 2
    return sum(_reach(child) for child in features.children())


class FastMesoNet(nn.Module):
    """Inference-only MesoNet: folded BatchNorm, channels-last, work split over worker threads.

    Why threads and not PyTorch's own (OpenMP) threads: every operation ends with a barrier
    where all OpenMP threads wait for each other. On a 2-core laptop that is also running a
    browser, one of them is often descheduled and the others stall; measured on a busy 2-core
    machine, Meso-4 at batch 1 fell to 5 images/s with 2 OpenMP threads against 120-250 with
    this scheme. Here each worker runs single-threaded on its own share and the workers meet
    once per call:

    - a batch is cut into micro-batches of ``micro_batch`` images (their activations stay in
      the CPU caches, which matters more than batch size for these thin layers);
    - a single image (fewer images than workers) is cut into horizontal strips, each computed
      with a margin (``halo``) wide enough that its strip of the final 8x8 map is exact, the
      calling thread taking one of them; or the calling thread computes it whole, single-threaded;
      whichever measures quicker when the model is built;
    - a block's conv and 2x2 max-pool run as one stride-2 conv over four phases where that
      measures quicker (``_phase_conv``). Every choice gives the same numbers.

    ``forward``: float (B, 3, 256, 256) in [0, 1] -> logit (B,), oriented like the source model.
    """

    def __init__(self, model: MesoNet, workers: int | None = None, micro_batch: int = 4):
        super().__init__()
        self.blocks = nn.Sequential(*[_FoldedBlock(block) for block in model.blocks])
        self.dense1 = copy.deepcopy(model.head.dense1)
        self.dense2 = copy.deepcopy(model.head.dense2)
        with torch.no_grad():  # the output orientation, folded into the last layer
            self.dense2.weight.mul_(model.output_sign)
            self.dense2.bias.mul_(model.output_sign)
        self.leaky_slope = model.config.leaky_slope
        self.micro_batch = micro_batch
        # Input rows per final row (256 -> 8: 32), and the margin a strip needs, rounded up to it.
        self.stride = math.prod(block.pool.kernel_size for block in model.blocks)
        reach, scale = 0, 1
        for block in model.blocks:
            reach += _reach(block.features) * scale
            scale *= block.pool.kernel_size
        self.halo = -(-reach // self.stride) * self.stride
        self.workers = workers or torch.get_num_threads()
        self._pool = _single_threaded_pool(self.workers) if self.workers > 1 else None
        self.eval().to(memory_format=torch.channels_last)
        for parameter in self.parameters():
            parameter.requires_grad_(False)
        self.split_single_images = self._pool is not None
        if self._pool is None:
            self._choose_phase_convs()
        else:
            self._pool.submit(self._choose_phase_convs).result()  # timed as the workers run: one thread
            self._choose_single_image_split()

    def _choose_phase_convs(self, repeats: int = 5) -> None:
        """Per block, keep the stride-2 phase conv only if it is quicker here (both are exact)."""
        with torch.inference_mode():
            x = torch.rand(1, 3, IMAGE_SIZE, IMAGE_SIZE).contiguous(memory_format=torch.channels_last)
            for block in self.blocks:
                if block.phase_weight is not None:
                    block.use_phases = False
                    plain = _seconds(block, x, repeats)
                    block.use_phases = True
                    block.use_phases = _seconds(block, x, repeats) < plain
                x = block(x)

    def _choose_single_image_split(self, repeats: int = 5) -> None:
        """Strips shared by the calling thread and the workers, or the whole image in the calling
        thread alone: whichever is quicker here. Waking another core costs a fraction of a
        millisecond on some machines (virtual ones especially), as much as the strips save."""
        x = torch.rand(1, 3, IMAGE_SIZE, IMAGE_SIZE).contiguous(memory_format=torch.channels_last)
        timings = {}
        for split in (True, False, True, False):  # alternate, so a passing load hits both alike
            self.split_single_images = split
            timings[split] = min(timings.get(split, math.inf), _seconds(self, x, repeats))
        self.split_single_images = timings[True] < timings[False]

    def choices(self) -> dict:
        """What the timing at construction chose, for benchmarks' reports."""
        return {"workers": self.workers,
                "phase_conv_per_block": [block.use_phases for block in self.blocks],
                "single_image": "strips" if self._pool is not None and self.split_single_images else "calling thread"}

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) -> (B, 16, H/32, W/32), the last block's output."""
        with torch.inference_mode():
            return self.blocks(images.contiguous(memory_format=torch.channels_last))

    def head(self, features: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(features.contiguous(), 1)  # torch's (C, H, W) order
        x = F.leaky_relu(self.dense1(x), self.leaky_slope)
        return self.dense2(x).squeeze(1)

    def _strips(self, images: torch.Tensor) -> torch.Tensor:
        """Features of few images computed as ``workers`` horizontal strips, then joined: the
        calling thread computes the first strip itself, the pool's workers the others."""
        rows = images.shape[2] // self.stride  # final rows (8)
        bounds = [round(i * rows / self.workers) for i in range(self.workers + 1)]
        strips = []
        for top, bottom in zip(bounds[:-1], bounds[1:]):
            start = max(0, top * self.stride - self.halo)
            stop = min(images.shape[2], bottom * self.stride + self.halo)
            strips.append((images[:, :, start:stop], slice(top - start // self.stride, bottom - start // self.stride)))
        jobs = [self._pool.submit(self.features, strip) for strip, _ in strips[1:]]
        with _one_thread():
            parts = [self.features(strips[0][0])]
        parts += [job.result() for job in jobs]
        return torch.cat([part[:, :, keep] for part, (_, keep) in zip(parts, strips)], dim=2)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            if self._pool is None:
                return self.head(torch.cat([self.features(c) for c in images.split(self.micro_batch)]))
            if images.shape[0] < self.workers:
                if self.split_single_images and images.shape[2] % self.stride == 0:
                    return self.head(self._strips(images))
                with _one_thread():
                    return self.head(self.features(images))
            return self.head(torch.cat(list(self._pool.map(self.features, images.split(self.micro_batch)))))


@contextlib.contextmanager
def _one_thread():
    """Run torch single-threaded in the calling thread for a while (see FastMesoNet: no OpenMP
    barriers), then give it back its own thread count."""
    previous = torch.get_num_threads()
    if previous == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _seconds(module: nn.Module, x: torch.Tensor, repeats: int) -> float:
    """Wall time of ``repeats`` calls of ``module(x)`` after one warm-up call."""
    with torch.inference_mode():
        module(x)
        start = time.perf_counter()
        for _ in range(repeats):
            module(x)
        return time.perf_counter() - start


_POOLS: dict[int, ThreadPoolExecutor] = {}


def _single_threaded_pool(workers: int) -> ThreadPoolExecutor:
    """A shared pool of ``workers`` threads in which torch runs single-threaded (see FastMesoNet)."""
    if workers not in _POOLS:
        main_threads = torch.get_num_threads()
        started = threading.Barrier(workers + 1)

        def start_worker():
            # torch's thread count is per thread once set; this also sets the default for new
            # threads, so the main thread puts its own value back below.
            torch.set_num_threads(1)
            started.wait()

        pool = ThreadPoolExecutor(workers, thread_name_prefix="mesonet")
        for _ in range(workers):
            pool.submit(start_worker)
        started.wait()
        torch.set_num_threads(main_threads)
        _POOLS[workers] = pool
    return _POOLS[workers]


def optimize_for_inference(model: MesoNet, workers: int | None = None, micro_batch: int = 4) -> FastMesoNet:
    """A fast, inference-only copy of ``model`` (in eval mode): the same logits within float
    rounding (~1e-5 relative), several times quicker on a small CPU. ``workers`` defaults to
    torch.get_num_threads(). The original model is left untouched and stays the one to train."""
    if model.training:
        raise ValueError("optimize_for_inference needs the model in eval mode (call model.eval())")
    return FastMesoNet(model, workers=workers, micro_batch=micro_batch)
