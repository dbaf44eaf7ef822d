"""The invisible mark: a keyed spread-spectrum pattern in the brightness of an image.

How it works (a teaching-grade design, not a secure one):

* The image is seen through a coarse **canonical grid** of G x G cells stretched over the whole
  picture (G = 128 or 64: the largest whose cells span at least ``MIN_CELL_PX`` pixels).
  The grid is tied to the picture's edges, not to its pixels, so resizing the picture (half
  size, any size) leaves the grid where it was: the reader resamples to G x G again.
* The 64 message bits (32 payload bits + their CRC-32) are whitened with keyed bits. Each grid
  cell belongs to one bit (a keyed shuffle) and carries a keyed +-1 chip; the cell is nudged up
  or down by a few grey levels, chip x bit sign. The cells are stretched to full resolution and
  added equally to R, G and B: a change of brightness only, a little stronger in calm areas,
  where the reader hears it best (square-root weighting, so flat sky does not show it).
* The reader resamples the luminance to G x G, removes the picture itself with a high-pass
  (each cell minus its blurred neighbourhood), divides by the local contrast, clips outliers
  (edges, the visible label) and correlates each bit's cells with their chips: the sign is the
  bit, the normalised sum (a z-score) its confidence.
* The picture itself correlates with the chips by chance (the "host interference"), so the
  embedder is *informed*: it measures, per bit, how the picture after JPEG 50 and a half-size
  resize already leans, and spends more nudge on the bits the picture works against, within a
  PSNR floor (``MIN_PSNR_DB``). Then it checks itself once more.
* A mark is *found* only when the 32 decoded check bits equal the CRC-32 of the 32 decoded
  payload bits. On an unmarked picture the decoded bits are coin flips, so each grid passes
  by chance one time in 2**32; two grids make a false alarm about 5e-10 per picture.

Limits: cropping, rotation, flips or heavy filtering move the grid and the mark is lost; anyone
with the key (it is in this file) can read, forge or remove it. Pictures smaller than
``MIN_SIDE_PX`` on their short side are refused. An absent mark proves nothing about a picture.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from deepfake_edu.errors import LabError

PAYLOAD_BITS = 32  # what the caller stores: an int below 2**32, or up to 4 bytes
CHECK_BITS = 32  # CRC-32 of the payload: a random picture passes 1 time in 4.3 billion per grid
MESSAGE_BITS = PAYLOAD_BITS + CHECK_BITS
GRID_SIZES = (128, 64)  # canonical grids, largest first; the reader tries each
MIN_CELL_PX = 4.0  # a cell must span this many pixels of the short side when marking
MIN_SIDE_PX = int(min(GRID_SIZES) * MIN_CELL_PX)  # 256: the smallest short side we mark
DEFAULT_KEY = "deepfake-edu/teaching-mark/v1"
MAX_TARGET_Z = 4.0  # z-score each bit aims to keep after JPEG 50 + half size (less if the budget is short)
MIN_GAIN = 0.5  # grey levels of nudge a bit gets even where the picture already agrees with it
MIN_PSNR_DB = 38.5  # never go below this, whatever the strengthening wants
NOISE_FLOOR = 2.0  # grey levels: the local contrast never counts as less than this
WEIGHT_POWER = 0.5  # nudge per cell ~ (reader weight) ** this: 0 uniform, 1 all in calm areas
UPSAMPLE = cv2.INTER_NEAREST  # crisp cells survive the reader's resampling best (measured)


@dataclass
class MarkResult:
    """What ``read_mark`` found. ``payload`` is an int (None when not found). ``score`` is the
    mean |z| per bit on the best grid: about 0.8 on unmarked pictures, higher on marked ones;
    the decision is the CRC check, not the score. ``grid`` is the grid read (0: not found)."""

    found: bool
    payload: int | None
    score: float
    grid: int = 0

    @property
    def payload_hex(self) -> str | None:
        return None if self.payload is None else f"{self.payload:08x}"


def payload_to_int(payload: bytes | int) -> int:
    """Accept an int in [0, 2**32) or at most 4 bytes (big-endian)."""
    if isinstance(payload, (bytes, bytearray)):
        if len(payload) > PAYLOAD_BITS // 8:
            raise LabError(f"the mark holds {PAYLOAD_BITS // 8} bytes; got {len(payload)}: shorten the payload")
        return int.from_bytes(bytes(payload), "big")
    value = int(payload)
    if not 0 <= value < 2**PAYLOAD_BITS:
        raise LabError(f"the mark holds an integer in [0, 2**{PAYLOAD_BITS}); got {value}")
    return value


def _int_bits(value: int, count: int) -> np.ndarray:
    return np.array([(value >> (count - 1 - i)) & 1 for i in range(count)], dtype=np.uint8)


def _message_bits(payload: int) -> np.ndarray:
    """64 bits: the payload, then the CRC-32 of its 4 bytes."""
    check = zlib.crc32(payload.to_bytes(4, "big"))
    return np.concatenate([_int_bits(payload, PAYLOAD_BITS), _int_bits(check, CHECK_BITS)])


def _bits_int(bits: np.ndarray) -> int:
    return int("".join(str(int(b)) for b in bits), 2)


@lru_cache(maxsize=16)
def _layout(key: str, grid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keyed layout of one grid: chips (G, G) of +-1, owner bit of each cell (G, G), whitening bits (64,)."""
    seed = int.from_bytes(hashlib.sha256(f"{key}|{grid}".encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    chips = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(grid, grid))
    owner = (rng.permutation(grid * grid) % MESSAGE_BITS).reshape(grid, grid)
    whitening = rng.integers(0, 2, MESSAGE_BITS, dtype=np.uint8)
    return chips, owner, whitening


def _luma(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB (H, W, 3) -> float32 luminance (H, W), 0..255 (BT.601 weights)."""
    rgb = rgb.astype(np.float32)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


def _check_image(rgb: np.ndarray) -> None:
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise LabError("expected a uint8 RGB image shaped (H, W, 3)")


def can_mark(height: int, width: int) -> bool:
    """True when a picture of this size is large enough for the invisible mark."""
    return min(height, width) >= MIN_SIDE_PX


def grid_for(height: int, width: int) -> int:
    """The canonical grid a picture of this size is marked on; LabError below ``MIN_SIDE_PX``."""
    short = min(height, width)
    for grid in GRID_SIZES:
        if short / grid >= MIN_CELL_PX:
            return grid
    raise LabError(f"the picture is {width}x{height}: the invisible mark needs at least {MIN_SIDE_PX} pixels on the short side")


def _weighted_residual(rgb: np.ndarray, grid: int) -> np.ndarray:
    """(G, G) high-pass of the luminance on the canonical grid, divided by the local contrast and
    clipped, so that neither busy texture nor sharp edges (or the label) dominate the sums."""
    luma_grid = cv2.resize(_luma(rgb), (grid, grid), interpolation=cv2.INTER_AREA)
    residual = luma_grid - cv2.GaussianBlur(luma_grid, (0, 0), sigmaX=1.0, borderType=cv2.BORDER_REFLECT)
    local = np.sqrt(cv2.GaussianBlur(residual * residual, (0, 0), sigmaX=2.0, borderType=cv2.BORDER_REFLECT))
    return np.clip(residual / (local + NOISE_FLOOR), -2.5, 2.5)


def _bit_sums(rgb: np.ndarray, key: str, grid: int) -> tuple[np.ndarray, np.ndarray]:
    """Per message bit (before de-whitening): the chip correlation sum and its noise scale."""
    chips, owner, _ = _layout(key, grid)
    weighted = _weighted_residual(rgb, grid) * chips
    sums = np.bincount(owner.ravel(), weights=weighted.ravel(), minlength=MESSAGE_BITS)
    energy = np.bincount(owner.ravel(), weights=(weighted**2).ravel(), minlength=MESSAGE_BITS)
    return sums, np.sqrt(energy + 1e-6)


def read_mark(rgb: np.ndarray, key: str = DEFAULT_KEY) -> MarkResult:
    """Look for the mark on every canonical grid in uint8 RGB (H, W, 3)."""
    _check_image(rgb)
    best = MarkResult(found=False, payload=None, score=0.0)
    for grid in GRID_SIZES:
        if min(rgb.shape[:2]) < grid // 2:  # cells under half a pixel: nothing left to read
            continue
        sums, scale = _bit_sums(rgb, key, grid)
        z = sums / scale
        _, _, whitening = _layout(key, grid)
        bits = (z > 0).astype(np.uint8) ^ whitening
        score = float(np.mean(np.abs(z)))
        payload = _bits_int(bits[:PAYLOAD_BITS])
        if _bits_int(bits[PAYLOAD_BITS:]) == zlib.crc32(payload.to_bytes(4, "big")):
            return MarkResult(found=True, payload=payload, score=score, grid=grid)
        best = max(best, MarkResult(found=False, payload=None, score=score), key=lambda r: r.score)
    return best


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB between two uint8 images of the same shape."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def _jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    _, encoded = cv2.imencode(".jpg", np.ascontiguousarray(rgb[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return np.ascontiguousarray(cv2.imdecode(encoded, cv2.IMREAD_COLOR)[..., ::-1])


def _half(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    return cv2.resize(rgb, (max(1, width // 2), max(1, height // 2)), interpolation=cv2.INTER_AREA)


def simulated_attack(rgb: np.ndarray) -> np.ndarray:
    """JPEG quality 50, then a half-size resize: what a shared picture typically goes through.
    (Optimising for the reverse order as well was measured to do worse on both.)"""
    return _half(_jpeg(rgb, 50))


def _cell_weights(rgb: np.ndarray, grid: int) -> np.ndarray:
    """(G, G) how much each cell's nudge counts for the reader (it divides by local contrast):
    a nudge in a calm area is read far better than one in busy texture."""
    luma_grid = cv2.resize(_luma(rgb), (grid, grid), interpolation=cv2.INTER_AREA)
    residual = luma_grid - cv2.GaussianBlur(luma_grid, (0, 0), sigmaX=1.0, borderType=cv2.BORDER_REFLECT)
    local = np.sqrt(cv2.GaussianBlur(residual * residual, (0, 0), sigmaX=2.0, borderType=cv2.BORDER_REFLECT))
    return (1.0 / (local + NOISE_FLOOR)).astype(np.float32)


def _fit_gains(host: np.ndarray, scale: np.ndarray, response: np.ndarray, bit_energy: np.ndarray, max_rms: float) -> np.ndarray:
    """Per-bit gains reaching the highest target z in [0, MAX_TARGET_Z] that the budget allows."""

    def gains_for(target: float) -> np.ndarray:
        return np.maximum(MIN_GAIN, (target * scale - host) / response)

    low, high = 0.0, MAX_TARGET_Z
    if np.sum(bit_energy * gains_for(high) ** 2) <= max_rms**2:
        return gains_for(high).astype(np.float32)
    for _ in range(20):
        middle = (low + high) / 2
        if np.sum(bit_energy * gains_for(middle) ** 2) <= max_rms**2:
            low = middle
        else:
            high = middle
    return gains_for(low).astype(np.float32)


def embed_mark(rgb: np.ndarray, payload: bytes | int, key: str = DEFAULT_KEY) -> np.ndarray:
    """Add the invisible mark carrying ``payload`` (32 bits) to uint8 RGB (H, W, 3).

    Raises LabError below ``MIN_SIDE_PX`` pixels on the short side. The result stays at or above
    ``MIN_PSNR_DB`` against the input. Cost: three JPEG round trips of the picture and a few resizes.
    """
    _check_image(rgb)
    height, width = rgb.shape[:2]
    grid = grid_for(height, width)
    chips, owner, whitening = _layout(key, grid)
    signs = 2.0 * (_message_bits(payload_to_int(payload)) ^ whitening).astype(np.float32) - 1.0
    base = rgb.astype(np.float32)
    # Spend more where the reader listens (calm areas), but only as the square root of it: a
    # nudge concentrated in flat sky would start to show.
    cells = chips * _cell_weights(rgb, grid) ** WEIGHT_POWER
    unit = cv2.resize(cells, (width, height), interpolation=UPSAMPLE)
    unit /= np.sqrt(np.mean(unit**2))  # one grey level RMS per unit of gain
    owner_full = cv2.resize(owner.astype(np.float32), (width, height), interpolation=cv2.INTER_NEAREST).astype(np.int64)
    max_rms = 255.0 * 10 ** (-MIN_PSNR_DB / 20)

    def render(gains: np.ndarray) -> np.ndarray:
        nudge = unit * (signs * gains)[owner_full]
        rms = float(np.sqrt(np.mean(nudge**2)))
        if rms > max_rms:
            nudge *= max_rms / rms
        return np.clip(base + nudge[..., None], 0, 255).round().astype(np.uint8)

    def leaning(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sums, scale = _bit_sums(simulated_attack(image), key, grid)
        return sums * signs, scale

    # The system is close to linear per bit: margin(gain) ~ host + response * gain, and the
    # nudge's mean square is sum(bit_energy * gain**2). Pick the highest target z (up to
    # MAX_TARGET_Z) whose gains fit the PSNR budget; repeat once with the lean measured on the
    # marked picture, which corrects what the linear guess got wrong.
    bit_energy = np.bincount(owner_full.ravel(), weights=(unit**2).ravel(), minlength=MESSAGE_BITS) / unit.size
    host, scale = leaning(rgb)
    probe_gain = 2.0
    probe, _ = leaning(render(np.full(MESSAGE_BITS, probe_gain, dtype=np.float32)))
    response = np.maximum((probe - host) / probe_gain, 1e-3)
    gains = _fit_gains(host, scale, response, bit_energy, max_rms)
    margins, scale = leaning(render(gains))
    host = margins - response * gains  # the lean the linear guess missed, folded into "host"
    marked = render(_fit_gains(host, scale, response, bit_energy, max_rms))
    return marked
