"""The invisible mark: a keyed spread-spectrum pattern in the brightness of an image.

How it works (a teaching-grade design, not a secure one):

* **The message.** 32 payload bits and their CRC-32 make 64 message bits. A convolutional code
  (rate 1/2, constraint length 7, the classic 171/133 pair, six zero tail bits) turns them into
  140 code bits, and keyed whitening bits are XORed onto those.
* **The canonical grid.** The picture is seen through a G x G grid of cells stretched over the
  whole frame (G in ``GRID_SIZES``: the largest whose cells span at least ``MIN_CELL_PX`` pixels
  of the short side). The grid is tied to the picture's edges, not to its pixels, so any resize
  leaves it in place: the reader resamples to G x G again. Each cell belongs to one code bit (a
  keyed shuffle) and carries a keyed +-1 chip.
* **The pattern.** Cell values (chip x code-bit sign x that bit's gain) are enlarged to full size
  by bilinear interpolation, so the pattern is smooth, with no block edges to read as grain, and
  it is multiplied by a **visibility mask**: full strength where the picture has texture of its
  own (local brightness spread of 4 grey levels or more), down to an eighth of it in flat areas
  such as sky or a plain wall, where any pattern shows. It is added equally to R, G and B: a
  change of brightness only.
* **The reader.** It resamples the luminance to G x G, removes the picture itself with a
  high-pass (each cell minus its blurred neighbourhood), divides by the local contrast, clips
  outliers (edges, the visible label) and weights each cell the way the mask weighted it, divided
  by the local contrast once more (a matched filter: a cell counts in proportion to the mark it
  is expected to hold over the noise the picture puts there). Each code bit's cells are
  correlated with their chips into a z-score; a Viterbi decoder turns the 140 soft z-scores into
  the 64 message bits, correcting the code bits an attack flipped.
* **Informed embedding.** The picture correlates with the chips by chance, and JPEG and resizing
  eat part of the mark, differently on every picture. So the embedder measures it: it marks
  once, attacks the result the ways the mark must survive (JPEG 50, half size, both, and none),
  reads every code bit's z-score after each, and refits each code bit's gain so that every code
  bit reaches ``TARGET_Z`` after every attack, spending no more than that (a calm, easy picture
  gets a weaker mark). Three rounds of measuring and refitting (up to three more for a picture
  still short of its target with budget to spare) correct what the linear first guess got wrong.
* **The PSNR floor is hard.** The mark never takes the picture below ``MIN_PSNR_DB`` against
  its input (checked on the rounded, clipped result). When the target does not fit in that budget
  the embedder marks what it can (every code bit as far up as the budget reaches, the decoder
  correcting a few that stay wrong) and warns if its own check says the mark will not survive
  one of those attacks (``embed_report`` returns that check instead of warning).
* **False alarms.** A mark is *found* only when the 32 decoded check bits equal the CRC-32 of
  the 32 decoded payload bits. On an unmarked picture the z-scores are symmetric noise, and the
  code is linear, so the decoded message is a uniform random one: each grid passes by chance one
  time in 2**32, and the reader's five grids make a false alarm about 1.2e-9 per picture.

Limits: cropping, rotation, flips or heavy filtering move the grid and the mark is lost; anyone
with the key (it is in this file) can read, forge or remove it. Pictures smaller than
``MIN_SIDE_PX`` on their short side are refused. An absent mark proves nothing about a picture.
Marks made by the earlier design (square cells, no code) are not read by this one.
"""

from __future__ import annotations

import hashlib
import warnings
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np

from deepfake_edu.errors import LabError

PAYLOAD_BITS = 32  # what the caller stores: an int below 2**32, or up to 4 bytes
CHECK_BITS = 32  # CRC-32 of the payload: a random picture passes 1 time in 4.3 billion per grid
MESSAGE_BITS = PAYLOAD_BITS + CHECK_BITS
CODE_GENERATORS = (0o171, 0o133)  # rate 1/2, constraint length 7 (the NASA / Voyager code)
CODE_MEMORY = 6  # bits of state; as many zero tail bits end the message
CODED_BITS = len(CODE_GENERATORS) * (MESSAGE_BITS + CODE_MEMORY)  # 140 code bits on the grid
GRID_SIZES = (256, 180, 128, 96, 64)  # canonical grids, largest first; the reader tries each
MIN_CELL_PX = 4.0  # a cell must span this many pixels of the short side when marking
MIN_SIDE_PX = int(min(GRID_SIZES) * MIN_CELL_PX)  # 256: the smallest short side we mark
DEFAULT_KEY = "deepfake-edu/teaching-mark/v1"
MIN_PSNR_DB = 42.0  # hard floor: the marked picture never goes below this against its input
TARGET_Z = 3.0  # z-score every code bit aims for after each attack (less if the budget is short)
MIN_GAIN = 0.3  # grey levels of nudge a code bit keeps even where the picture already agrees
READ_FLOOR = 1.0  # grey levels: the local contrast never counts as less than this
MASK_FLAT = 0.5  # visibility mask: (local spread + MASK_FLAT) / MASK_FULL, at most 1, so a flat
MASK_FULL = 4.0  # area (spread 0) gets 1/8 of the strength and texture of 3.5 grey levels all of it
MASK_SIGMA = 2.0  # pixels: the neighbourhood the mask measures the local spread over
READ_MASK = (0.5, 2.0)  # the reader's guess of the mask from a cell's contrast: min(1, (c + a) / b)
REFITS = 3  # rounds of attack, measure, refit after the first guess
EXTRA_REFITS = 3  # more rounds while a picture is still short of its target with budget to spare
PROBE_GAIN = 2.0  # grey levels: the first, uniform mark the response is measured on


@dataclass
class MarkResult:
    """What ``read_mark`` found. ``payload`` is an int (None when not found). ``score`` is the
    mean |z| per code bit on the best grid: about 0.8 on unmarked pictures, higher on marked
    ones; the decision is the CRC check, not the score. ``grid`` is the grid read (0: not found)."""

    found: bool
    payload: int | None
    score: float
    grid: int = 0

    @property
    def payload_hex(self) -> str | None:
        return None if self.payload is None else f"{self.payload:08x}"


@dataclass
class EmbedReport:
    """What ``embed_report`` measured on the picture it marked: its PSNR against the input, the
    grid, the smallest code-bit z-score after each attack (above 0: every code bit right before
    decoding) and whether the mark reads back after each (``found``, by attack name)."""

    psnr: float
    grid: int
    min_z: dict[str, float] = field(default_factory=dict)
    found: dict[str, bool] = field(default_factory=dict)

    @property
    def survives(self) -> bool:
        """True when the embedder's own check finds the mark after every attack it models."""
        return all(self.found.values())


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


# --- the convolutional code -----------------------------------------------------------------
# The encoder's state is the last CODE_MEMORY message bits; each message bit (then each of the
# zero tail bits) emits one code bit per generator: the parity of (bit, state) masked by it.


def _parity(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.int64)
    result = np.zeros_like(values)
    while np.any(values):
        result ^= values & 1
        values = values >> 1
    return result


def _encode(message: np.ndarray) -> np.ndarray:
    """64 message bits -> CODED_BITS code bits (uint8)."""
    state, out = 0, []
    for bit in [int(b) for b in message] + [0] * CODE_MEMORY:
        register = (bit << CODE_MEMORY) | state
        out += [(register & generator).bit_count() & 1 for generator in CODE_GENERATORS]
        state = register >> 1
    return np.array(out, dtype=np.uint8)


@lru_cache(maxsize=1)
def _trellis() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every next state n: its two previous states (n's low bits shifted up, plus 0 or 1),
    the message bit that led there (n's top bit), and the +-1 code bits each of the two
    transitions emits, shaped (2, states, rate)."""
    states = np.arange(1 << CODE_MEMORY)
    bit = states >> (CODE_MEMORY - 1)
    previous = np.stack([(states << 1) & ((1 << CODE_MEMORY) - 1), ((states << 1) & ((1 << CODE_MEMORY) - 1)) | 1])
    register = (bit << CODE_MEMORY) | previous  # (2, states)
    emitted = np.stack([2.0 * _parity(register & g) - 1.0 for g in CODE_GENERATORS], axis=-1)
    return previous, bit, emitted


def _viterbi(soft: np.ndarray) -> np.ndarray:
    """Most likely 64 message bits for CODED_BITS soft values (positive: code bit 1), the path
    starting and ending in state 0 that correlates best with them."""
    previous, bit, emitted = _trellis()
    rate = len(CODE_GENERATORS)
    metric = np.full(1 << CODE_MEMORY, -np.inf)
    metric[0] = 0.0
    choices = []
    for step in range(MESSAGE_BITS + CODE_MEMORY):
        candidates = metric[previous] + emitted @ soft[rate * step : rate * (step + 1)]  # (2, states)
        if step >= MESSAGE_BITS:  # tail: only zero bits
            candidates[:, bit == 1] = -np.inf
        choice = np.argmax(candidates, axis=0)
        choices.append(choice)
        metric = candidates[choice, np.arange(candidates.shape[1])]
    state, bits = 0, []
    for choice in reversed(choices):
        bits.append(int(bit[state]))
        state = int(previous[choice[state], state])
    return np.array(bits[::-1][:MESSAGE_BITS], dtype=np.uint8)


# --- the grid, the reader ---------------------------------------------------------------------


@lru_cache(maxsize=16)
def _layout(key: str, grid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keyed layout of one grid: chips (G, G) of +-1, owner code bit of each cell (G, G),
    whitening bits (CODED_BITS,)."""
    seed = int.from_bytes(hashlib.sha256(f"{key}|{grid}|coded".encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    chips = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(grid, grid))
    owner = (rng.permutation(grid * grid) % CODED_BITS).reshape(grid, grid)
    whitening = rng.integers(0, 2, CODED_BITS, dtype=np.uint8)
    return chips, owner, whitening


def _luma(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB (H, W, 3) -> float32 luminance (H, W), 0..255 (BT.601 weights, OpenCV's grey:
    rounded to whole grey levels, which the grid's averaging makes negligible, and fast)."""
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).astype(np.float32)


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


def _weighted_residual(luma: np.ndarray, grid: int) -> np.ndarray:
    """(G, G) what each cell says about its chip: the high-pass of the luminance on the grid,
    divided by the local contrast and clipped (so neither busy texture nor sharp edges or the
    label dominate), then weighted by the mark the cell is expected to hold (the mask, guessed
    from the contrast) over the contrast once more: a matched filter."""
    luma_grid = cv2.resize(luma, (grid, grid), interpolation=cv2.INTER_AREA)
    residual = luma_grid - cv2.GaussianBlur(luma_grid, (0, 0), sigmaX=1.0, borderType=cv2.BORDER_REFLECT)
    local = np.sqrt(cv2.GaussianBlur(residual * residual, (0, 0), sigmaX=1.0, borderType=cv2.BORDER_REFLECT))
    noise = local + READ_FLOOR
    expected = np.minimum(1.0, (local + READ_MASK[0]) / READ_MASK[1])
    return np.clip(residual / noise, -2.5, 2.5) * expected / noise


def _code_z(luma: np.ndarray, key: str, grid: int) -> np.ndarray:
    """(CODED_BITS,) z-score of each code bit (before de-whitening) in a picture's luminance
    (``_luma``): the chip correlation of its cells over its noise scale; 0 where a picture holds
    no signal at all."""
    chips, owner, _ = _layout(key, grid)
    weighted = _weighted_residual(luma, grid) * chips
    sums = np.bincount(owner.ravel(), weights=weighted.ravel(), minlength=CODED_BITS)
    energy = np.bincount(owner.ravel(), weights=(weighted**2).ravel(), minlength=CODED_BITS)
    return sums / np.sqrt(energy + 1e-6)


def _read_grid(luma: np.ndarray, key: str, grid: int) -> MarkResult:
    """Decode one grid of a picture's luminance: found when the decoded check bits are the CRC-32
    of the decoded payload."""
    z = _code_z(luma, key, grid)
    score = float(np.mean(np.abs(z)))
    if np.count_nonzero(np.abs(z) > 1e-3) < CODED_BITS // 2:  # a flat picture: no evidence to decode
        return MarkResult(found=False, payload=None, score=score)
    _, _, whitening = _layout(key, grid)
    bits = _viterbi(np.where(whitening == 1, -z, z))
    payload = _bits_int(bits[:PAYLOAD_BITS])
    if _bits_int(bits[PAYLOAD_BITS:]) == zlib.crc32(payload.to_bytes(4, "big")):
        return MarkResult(found=True, payload=payload, score=score, grid=grid)
    return MarkResult(found=False, payload=None, score=score)


def read_mark(rgb: np.ndarray, key: str = DEFAULT_KEY) -> MarkResult:
    """Look for the mark on every canonical grid in uint8 RGB (H, W, 3)."""
    _check_image(rgb)
    best = MarkResult(found=False, payload=None, score=0.0)
    luma = _luma(rgb)
    for grid in GRID_SIZES:
        if min(rgb.shape[:2]) < grid // 2:  # cells under half a pixel: nothing left to read
            continue
        result = _read_grid(luma, key, grid)
        if result.found:
            return result
        best = max(best, result, key=lambda r: r.score)
    return best


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB between two uint8 images of the same shape."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def _jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    _, encoded = cv2.imencode(".jpg", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def _half(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    return cv2.resize(rgb, (max(1, width // 2), max(1, height // 2)), interpolation=cv2.INTER_AREA)


def simulated_attack(rgb: np.ndarray) -> np.ndarray:
    """JPEG quality 50, then a half-size resize: what a shared picture typically goes through."""
    return _half(_jpeg(rgb, 50))


ATTACK_NAMES = ("jpeg50+half", "jpeg50", "half", "none")  # what the embedder makes the mark survive


def _attacked(rgb: np.ndarray) -> list[np.ndarray]:
    """The picture after each of ATTACK_NAMES (one JPEG round trip serves two of them)."""
    compressed = _jpeg(rgb, 50)
    return [_half(compressed), compressed, _half(rgb), rgb]


def _visibility_mask(rgb: np.ndarray) -> np.ndarray:
    """(H, W) strength of the mark at each pixel: the picture's local brightness spread (standard
    deviation over a MASK_SIGMA neighbourhood) + MASK_FLAT, over MASK_FULL, at most 1."""
    luma = _luma(rgb)
    mean = cv2.GaussianBlur(luma, (0, 0), MASK_SIGMA)
    variance = cv2.GaussianBlur(luma * luma, (0, 0), MASK_SIGMA) - mean * mean
    return np.minimum(1.0, (np.sqrt(np.maximum(variance, 0.0)) + MASK_FLAT) / MASK_FULL).astype(np.float32)


def _fit_gains(zero_gain: np.ndarray, slope: np.ndarray, bit_energy: np.ndarray, budget: float) -> np.ndarray:
    """Per code bit gains reaching the highest target z (at most TARGET_Z) after every attack
    that the budget allows, on the linear model z(gain) = zero_gain + slope * gain (arrays shaped
    (attacks, CODED_BITS)). ``budget``: the mean square of the nudge allowed."""

    def gains_for(target: float) -> np.ndarray:
        return np.maximum(MIN_GAIN, np.max((target - zero_gain) / slope, axis=0))

    def cost(gains: np.ndarray) -> float:
        return float(np.sum(bit_energy * gains**2))

    if cost(gains_for(TARGET_Z)) <= budget:
        return gains_for(TARGET_Z).astype(np.float32)
    low, high = -2.0, TARGET_Z  # below 0: the budget cannot even make every code bit right
    for _ in range(24):
        middle = (low + high) / 2
        if cost(gains_for(middle)) <= budget:
            low = middle
        else:
            high = middle
    return gains_for(low).astype(np.float32)


def embed_report(rgb: np.ndarray, payload: bytes | int, key: str = DEFAULT_KEY) -> tuple[np.ndarray, EmbedReport]:
    """``embed_mark`` without the warning: (marked uint8 RGB, what the embedder's own check found)."""
    _check_image(rgb)
    height, width = rgb.shape[:2]
    grid = grid_for(height, width)
    chips, owner, whitening = _layout(key, grid)
    signs = 2.0 * (_encode(_message_bits(payload_to_int(payload))) ^ whitening).astype(np.float32) - 1.0
    base = rgb.astype(np.int16)
    mask = _visibility_mask(rgb)
    unit = cv2.resize(chips, (width, height), interpolation=cv2.INTER_LINEAR) * mask
    norm = 1.0 / max(float(np.sqrt(np.mean(unit**2))), 1e-6)  # gain 1 everywhere: 1 grey level RMS
    owner_full = cv2.resize(owner.astype(np.float32), (width, height), interpolation=cv2.INTER_NEAREST).astype(np.int64)
    bit_energy = np.bincount(owner_full.ravel(), weights=((unit * norm) ** 2).ravel(), minlength=CODED_BITS) / unit.size
    floor_ms = (255.0 * 10 ** (-MIN_PSNR_DB / 20)) ** 2  # the largest mean square error allowed
    budget = 0.97 * floor_ms  # planned below the floor: rounding to 8 bits adds a little

    def render(gains: np.ndarray) -> np.ndarray:
        cells = chips * (signs * gains)[owner]
        nudge = norm * mask * cv2.resize(cells, (width, height), interpolation=cv2.INTER_LINEAR)
        while True:  # the hard floor, on the rounded and clipped result
            step = np.round(nudge).astype(np.int16)
            out = base + step[..., None]
            if out.min() >= 0 and out.max() <= 255:  # nothing clipped: every channel moved by step
                flat = step.ravel().astype(np.float32)
                mse = float(flat @ flat) / flat.size
            else:
                np.clip(out, 0, 255, out=out)
                change = (out - base).ravel().astype(np.float32)
                mse = float(change @ change) / change.size
            if mse <= floor_ms:
                return np.clip(out, 0, 255).astype(np.uint8)
            nudge *= min(0.98, float(np.sqrt(budget / mse)))

    def code_margins(image: np.ndarray) -> np.ndarray:
        """(attacks, CODED_BITS): each code bit's z-score in the direction it should point."""
        return np.array([_code_z(_luma(attacked), key, grid) * signs for attacked in _attacked(image)])

    # z(gain) is close to linear per code bit and attack: measure it unmarked and with a uniform
    # probe, fit the gains, then refit on the marked picture's measured z-scores, updating each
    # slope from the last two measurements (secant), which corrects what the linear guess missed.
    unmarked = code_margins(rgb)
    previous_gains = np.full(CODED_BITS, PROBE_GAIN, dtype=np.float32)
    previous = code_margins(render(previous_gains))
    slope = np.maximum((previous - unmarked) / PROBE_GAIN, 0.05)
    gains = _fit_gains(previous - slope * previous_gains, slope, bit_energy, budget)
    for round_ in range(REFITS + EXTRA_REFITS):
        marked = render(gains)
        current = code_margins(marked)
        if round_ >= REFITS and (current.min() >= TARGET_Z - 1 or psnr(rgb, marked) < MIN_PSNR_DB + 0.5):
            break  # extra rounds only for a picture still short of its target with budget to spare
        step = gains - previous_gains
        moved = np.abs(step) > 0.05 * np.maximum(gains, previous_gains)
        secant = (current - previous) / np.where(moved, step, 1.0)
        slope = np.where(moved & (secant > 0.05), 0.5 * (slope + secant), slope)
        previous_gains, previous = gains, current
        gains = _fit_gains(current - slope * gains, slope, bit_energy, budget)
    marked = render(gains)
    payload_int = payload_to_int(payload)
    report = EmbedReport(psnr=psnr(rgb, marked), grid=grid)
    for name, attacked in zip(ATTACK_NAMES, _attacked(marked)):
        luma = _luma(attacked)
        result = _read_grid(luma, key, grid)
        report.found[name] = bool(result.found and result.payload == payload_int)
        report.min_z[name] = float((_code_z(luma, key, grid) * signs).min())
    return marked, report


def embed_mark(rgb: np.ndarray, payload: bytes | int, key: str = DEFAULT_KEY) -> np.ndarray:
    """Add the invisible mark carrying ``payload`` (32 bits) to uint8 RGB (H, W, 3).

    Raises LabError below ``MIN_SIDE_PX`` pixels on the short side. The result is never below
    ``MIN_PSNR_DB`` against the input. When that budget is too small for the mark to survive
    JPEG 50 and a half-size resize (the embedder checks), it warns and returns its best try.
    Cost: about a dozen JPEG round trips of the picture, resizes and reads.
    """
    marked, report = embed_report(rgb, payload, key)
    if not report.survives:
        lost = ", ".join(name for name, ok in report.found.items() if not ok)
        warnings.warn(
            f"the invisible mark on this {rgb.shape[1]}x{rgb.shape[0]} picture may not survive {lost}: "
            f"at {MIN_PSNR_DB:g} dB the picture leaves it too little room (the visible label still says what it is)",
            stacklevel=2,
        )
    return marked
