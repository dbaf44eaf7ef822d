"""Fast, exact MesoNet inference on a CPU: ``optimize_for_inference(model)`` -> ``FastMesoNet``.

What it does: an inference-only copy of a Meso-4 or MesoInception-4 (``mesonet``, which stays
the readable reference and the model to train) that gives the same logits several times quicker
on a small CPU. BatchNorm is folded away, tensors are channels-last, and the work is split over
single-threaded worker threads instead of PyTorch's own OpenMP threads, whose per-operation
barriers stall on a busy 2-core laptop (see ``FastMesoNet``).

Why it is exact (within float rounding, ~1e-5 relative): every change is an identity, not an
approximation. A block's BatchNorm follows its ReLU, y = s * relu(z) + t per channel; for s > 0,
s * relu(z) = relu(s * z), and a per-channel max commutes with ReLU and with adding t, so s goes
into the conv's weights and ReLU and t move after the pool (``_FoldedBlock``; a block with some
s <= 0 keeps its affine before the pool). A conv followed by a 2x2 max-pool equals one stride-2
conv over the four pooling phases and a max (``_phase_conv``). A horizontal strip computed with a
margin as wide as the network's reach gives exactly its rows of the final 8x8 map (``_reach``).

Which choices it times, once, when the fast model is built, and why: two of them depend on the
CPU (vector width, cores, how quickly a sleeping core wakes), so they are measured, not guessed.
Every option gives the same numbers; only the speed differs.

- per block, the plain conv + pool or the stride-2 phase conv: the phase conv's 4 x C outputs
  fill AVX registers that an 8-channel conv leaves half empty, but it does more arithmetic;
- for a single image (fewer images than workers), strips shared by the calling thread and the
  workers, or the whole image in the calling thread: waking another core costs a fraction of a
  millisecond on some machines (virtual ones especially), as much as the strips save.
"""

from __future__ import annotations

import contextlib
import copy
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import torch
import torch.nn as nn
import torch.nn.functional as F

from deepfake_edu.detect.mesonet import IMAGE_SIZE, Inception, MesoBlock, MesoNet


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
