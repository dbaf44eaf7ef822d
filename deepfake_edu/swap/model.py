"""The face-swap autoencoder: one shared encoder, one decoder per person.

The idea of the 2017 face-swap model, in one file. An encoder squeezes a face through a narrow
funnel (the *bottleneck*, about a thousand numbers) and a decoder rebuilds the face from them.
All identities share ONE encoder, so the bottleneck learns what faces have in common: pose,
expression, light. Each identity has ITS OWN decoder, which learns how to paint that person.
The swap: encode a face of A, decode it with B's decoder, and get B wearing A's expression.

Shapes for the ``original`` preset (64 px input, B faces):

    input                       (B, 3, 64, 64)
    encoder  down 1  5x5/2 conv (B, 128, 32, 32)   LeakyReLU 0.1
             down 2  5x5/2 conv (B, 256, 16, 16)
             down 3  5x5/2 conv (B, 512,  8,  8)
             down 4  5x5/2 conv (B, 1024, 4,  4)
             flatten            (B, 16384)
             bottleneck Dense   (B, 1024)          <- the funnel's narrowest point: the code
             expand Dense       (B, 16384) -> reshape (B, 1024, 4, 4)
             upscale            (B, 512, 8, 8)     3x3 conv to 4x512, LeakyReLU 0.1, pixel shuffle
    decoder  upscale 1          (B, 256, 16, 16)
             upscale 2          (B, 128, 32, 32)
             upscale 3          (B, 64, 64, 64)
             to RGB 5x5 conv    (B, 3, 64, 64)     sigmoid: pixels in [0, 1]

Parameter count of ``original`` (weights + biases; a Dense is in*out + out, a conv k*k*in*out + out):

    down 1   5*5*3*128    + 128   =      9,728
    down 2   5*5*128*256  + 256   =    819,456
    down 3   5*5*256*512  + 512   =  3,277,312
    down 4   5*5*512*1024 + 1024  = 13,108,224
    bottleneck 16384*1024 + 1024  = 16,778,240
    expand   1024*16384 + 16384   = 16,793,600
    upscale  3*3*1024*2048 + 2048 = 18,876,416
    encoder total                 = 69,662,976
    decoder upscale 1  3*3*512*1024 + 1024 = 4,719,616
            upscale 2  3*3*256*512  + 512  = 1,180,160
            upscale 3  3*3*128*256  + 256  =   295,168
            to RGB     5*5*64*3     + 3    =     4,803
    one decoder total                      = 6,199,747
    the model (2 identities) = 69,662,976 + 2 * 6,199,747 = 82,062,470

Registered as ``faceswap`` (``create_model("faceswap", preset="classroom", bottleneck=256)``);
``SwapConfig.from_preset`` fills a preset's fields, keyword arguments override them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import torch
import torch.nn as nn

from deepfake_edu.registry import register_model

PRESETS: dict[str, dict] = {
    # Faithful to the 2017 model: 64 px, ~82 M parameters, ~11 GFLOP per training image.
    "original": dict(
        input_size=64,
        bottleneck=1024,
        encoder_filters=(128, 256, 512, 1024),
        seed_channels=1024,
        encoder_upscale=512,
        decoder_filters=(256, 128, 64),
        learning_rate=5e-5,
    ),
    # Light enough to train in a lesson on a 2-core laptop: ~2.5 M parameters, ~100x fewer FLOPs.
    # Narrow decoders matter most: their convs run at the largest sides (16, 32, 64 px).
    "classroom": dict(
        input_size=64,
        bottleneck=256,
        encoder_filters=(32, 64, 128, 128),
        seed_channels=128,
        encoder_upscale=64,
        decoder_filters=(64, 32, 16),
        learning_rate=5e-4,
    ),
}


@dataclass
class SwapConfig:
    """Everything that rebuilds the model; saved in every checkpoint (``asdict``)."""

    preset: str = "original"  # the preset these values came from ("original" | "classroom"), for display
    input_size: int = 64  # side of the square face crop in pixels: 64 or 128
    bottleneck: int = 1024  # width of the funnel: how many numbers describe a face
    n_identities: int = 2  # how many people, hence how many decoders (1: a face prior's one generic decoder)
    encoder_filters: tuple[int, ...] = (128, 256, 512, 1024)  # channels of the 5x5 stride-2 convs, one per halving
    seed_channels: int = 1024  # channels of the small (seed_size x seed_size) map the expand layer makes from the code
    encoder_upscale: int = 512  # channels after the shared encoder's upscale block (what every decoder receives)
    decoder_filters: tuple[int, ...] = (256, 128, 64)  # channels of each decoder upscale block (64 px; 128 px adds one more)
    negative_slope: float = 0.1  # LeakyReLU slope for negative inputs
    learning_rate: float = 5e-5  # Adam's step size that suits this preset (2017 recipe: 5e-5, beta1 0.5)

    def __post_init__(self) -> None:
        self.encoder_filters = tuple(int(f) for f in self.encoder_filters)
        self.decoder_filters = tuple(int(f) for f in self.decoder_filters)
        if self.input_size not in (64, 128):
            raise ValueError(f"input_size must be 64 or 128, not {self.input_size}")
        if self.input_size == 128 and len(self.encoder_filters) == 4:
            # One more halving and one more upscale keep the funnel's 4x4 seed at 128 px.
            self.encoder_filters = (self.encoder_filters[0] // 2,) + self.encoder_filters
            self.decoder_filters = self.decoder_filters + (self.decoder_filters[-1] // 2,)
        if self.n_identities < 1:
            raise ValueError("a model needs at least 1 decoder (a face swap needs 2 identities, a face prior 1)")
        if self.bottleneck < 1:
            raise ValueError("bottleneck must be at least 1")

    @property
    def seed_size(self) -> int:
        """Side of the map the encoder's convs end at (4 for 64 px with four halvings)."""
        return self.input_size // 2 ** len(self.encoder_filters)

    @classmethod
    def from_preset(cls, preset: str = "original", **overrides) -> "SwapConfig":
        """A preset's values with ``overrides`` on top (None values are ignored)."""
        if preset not in PRESETS:
            from deepfake_edu.errors import LabError

            raise LabError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}")
        known = {f.name for f in fields(cls)}
        values = {**PRESETS[preset], **{k: v for k, v in overrides.items() if v is not None and k in known}}
        values["preset"] = preset
        return cls(**values)

    @classmethod
    def from_dict(cls, values: dict) -> "SwapConfig":
        """Rebuild from a checkpoint's ``config`` (asdict output: already expanded for 128 px)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


class Downscale(nn.Sequential):
    """5x5 convolution with stride 2 and LeakyReLU: halves the side, (B, Cin, H, W) -> (B, Cout, H/2, W/2)."""

    def __init__(self, in_channels: int, out_channels: int, slope: float) -> None:
        super().__init__(nn.Conv2d(in_channels, out_channels, 5, stride=2, padding=2), nn.LeakyReLU(slope))


class Upscale(nn.Sequential):
    """3x3 conv to 4x the channels, LeakyReLU, pixel shuffle: (B, Cin, H, W) -> (B, Cout, 2H, 2W).

    Pixel shuffle rearranges each group of 4 channels into a 2x2 block of pixels: a learned
    upsampling without the checkerboard artefacts of transposed convolutions.
    """

    def __init__(self, in_channels: int, out_channels: int, slope: float) -> None:
        super().__init__(nn.Conv2d(in_channels, out_channels * 4, 3, padding=1), nn.LeakyReLU(slope), nn.PixelShuffle(2))


class Encoder(nn.Module):
    """The shared half. ``squeeze``: face -> code (B, bottleneck); ``unsqueeze``: code -> map every decoder reads."""

    def __init__(self, config: SwapConfig) -> None:
        super().__init__()
        self.config = config
        channels = [3, *config.encoder_filters]
        self.down = nn.Sequential(*[Downscale(c_in, c_out, config.negative_slope) for c_in, c_out in zip(channels, channels[1:])])
        flat = config.encoder_filters[-1] * config.seed_size**2
        self.bottleneck = nn.Linear(flat, config.bottleneck)  # no activation, as in 2017
        self.expand = nn.Linear(config.bottleneck, config.seed_channels * config.seed_size**2)
        self.upscale = Upscale(config.seed_channels, config.encoder_upscale, config.negative_slope)

    def squeeze(self, faces: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) -> (B, bottleneck)."""
        return self.bottleneck(self.down(faces).flatten(1))

    def unsqueeze(self, code: torch.Tensor) -> torch.Tensor:
        """(B, bottleneck) -> (B, encoder_upscale, 2*seed, 2*seed)."""
        seed = self.expand(code).view(-1, self.config.seed_channels, self.config.seed_size, self.config.seed_size)
        return self.upscale(seed)

    def forward(self, faces: torch.Tensor) -> torch.Tensor:
        return self.unsqueeze(self.squeeze(faces))


class Decoder(nn.Module):
    """One person's painter: (B, encoder_upscale, 2*seed, 2*seed) -> (B, 3, S, S) in [0, 1]."""

    def __init__(self, config: SwapConfig) -> None:
        super().__init__()
        channels = [config.encoder_upscale, *config.decoder_filters]
        self.up = nn.Sequential(*[Upscale(c_in, c_out, config.negative_slope) for c_in, c_out in zip(channels, channels[1:])])
        self.to_rgb = nn.Conv2d(channels[-1], 3, 5, padding=2)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.to_rgb(self.up(features)))


class FaceSwapModel(nn.Module):
    """One shared ``encoder`` and ``decoders[i]`` for identity i.

    ``forward([faces_0, faces_1, ...])`` rebuilds every identity's faces with its own decoder in
    ONE call (what DDP needs: every parameter takes part in each forward).
    """

    def __init__(self, config: SwapConfig) -> None:
        super().__init__()
        self.config = config
        self.encoder = Encoder(config)
        self.decoders = nn.ModuleList([Decoder(config) for _ in range(config.n_identities)])
        self.apply(_keras_init)

    def forward(self, faces: list[torch.Tensor]) -> list[torch.Tensor]:
        """faces[i]: (B_i, 3, S, S) of identity i -> rebuilt[i]: (B_i, 3, S, S)."""
        if len(faces) != len(self.decoders):
            raise ValueError(f"expected faces for {len(self.decoders)} identities, got {len(faces)}")
        features = self.encoder(torch.cat(list(faces)))  # one encoder pass over everyone
        parts = features.split([f.shape[0] for f in faces])
        return [decoder(part) for decoder, part in zip(self.decoders, parts)]

    def encode(self, faces: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) -> the code (B, bottleneck): the numbers a face is squeezed into."""
        return self.encoder.squeeze(faces)

    def decode(self, code: torch.Tensor, identity: int) -> torch.Tensor:
        """(B, bottleneck) -> (B, 3, S, S), painted by ``identity``'s decoder."""
        return self.decoders[identity](self.encoder.unsqueeze(code))

    def swap(self, faces: torch.Tensor, to_identity: int) -> torch.Tensor:
        """Faces of anyone (B, 3, S, S) -> the same pose and expression on ``to_identity``."""
        return self.decode(self.encode(faces), to_identity)

    def layer_sizes(self) -> list[dict]:
        """Each stage's name, output shape (without batch) and parameter count, input to output.

        The demo draws the funnel from this. Runs one blank face through the encoder and
        decoder 0 (no gradients).
        """
        stages: list[tuple[str, nn.Module]] = []
        for i, block in enumerate(self.encoder.down):
            stages.append((f"encoder down {i + 1}", block))
        stages += [("encoder bottleneck", self.encoder.bottleneck), ("encoder expand", self.encoder.expand), ("encoder upscale", self.encoder.upscale)]
        decoder = self.decoders[0]
        stages += [(f"decoder upscale {i + 1}", block) for i, block in enumerate(decoder.up)]
        stages.append(("decoder to RGB", decoder.to_rgb))
        shapes: dict[str, tuple[int, ...]] = {}
        handles = [module.register_forward_hook(lambda m, i, o, name=name: shapes.__setitem__(name, tuple(o.shape[1:]))) for name, module in stages]
        try:
            parameter = next(self.parameters())
            with torch.no_grad():
                decoder(self.encoder(torch.zeros(1, 3, self.config.input_size, self.config.input_size, device=parameter.device, dtype=parameter.dtype)))
        finally:
            for handle in handles:
                handle.remove()
        rows = [{"name": "input", "shape": (3, self.config.input_size, self.config.input_size), "values": 3 * self.config.input_size**2, "parameters": 0}]
        for name, module in stages:
            rows.append({"name": name, "shape": shapes[name], "values": math.prod(shapes[name]), "parameters": sum(p.numel() for p in module.parameters())})
        return rows

    def describe_funnel(self) -> str:
        """A printable table of :meth:`layer_sizes`, with the model's parameter count."""
        lines = [f"{'stage':<22}{'output shape':>18}{'numbers':>12}{'parameters':>14}"]
        for row in self.layer_sizes():
            shape = "x".join(str(s) for s in row["shape"])
            lines.append(f"{row['name']:<22}{shape:>18}{row['values']:>12,}{row['parameters']:>14,}")
        lines.append(f"total parameters: {count_parameters(self):,} ({len(self.decoders)} decoders, one shared encoder)")
        return "\n".join(lines)


def _keras_init(module: nn.Module) -> None:
    """Glorot-uniform weights and zero biases, the 2017 model's (Keras) defaults."""
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        nn.init.xavier_uniform_(module.weight)
        nn.init.zeros_(module.bias)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def build_swap_model(config: SwapConfig) -> FaceSwapModel:
    return FaceSwapModel(config)


@register_model("faceswap")
def faceswap(preset: str = "original", **overrides) -> FaceSwapModel:
    """``create_model("faceswap", preset="classroom", bottleneck=128, input_size=64, n_identities=2)``.

    A full checkpoint config (``asdict(SwapConfig)``) is accepted too.
    """
    return FaceSwapModel(SwapConfig.from_preset(preset, **overrides))


def config_dict(config: SwapConfig) -> dict:
    """JSON-able config for checkpoints (tuples become lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()}
