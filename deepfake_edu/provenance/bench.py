"""`deepfake-edu bench provenance`: the invisible mark, measured on a varied set of pictures.

The set (``picture_set``): twins faces rendered at 256 px, the same enlarged to 480 px (as a
swapped video frame is) and 128 px renders enlarged to 256 px (what ``swap.fakes`` marks: the
smoothest pictures the lab marks); the MesoNet authors' test images (``shared/mesonet-original``,
those of 256 px or more); frames of the real videos (``shared/real-videos``); the scikit-image
and matplotlib sample photos, as they are and at 256 px; flat pictures (a sky gradient with a
camera's faint noise, a lit wall, a perfectly flat grey) and textured ones (white noise, fine
"grass", blotchy noise). Folders that are absent are skipped and said so.

For every picture, marked with one payload:

    psnr          PSNR of the marked picture against the unmarked one (RGB, dB); the embedder's
                  floor is ``watermark.MIN_PSNR_DB``
    flat_psnr     the same over the flattest quarter of the picture only: its 8x8 blocks ranked by
                  the unmarked picture's brightness spread, the 25% calmest kept. Whole-picture
                  PSNR hides where the change is, and a change that the picture's own texture does
                  not mask is what an eye sees as grain, so this and flat_rms are the visibility
                  figures.
    flat_rms      the mark's RMS in grey levels of brightness over that calm quarter. For scale:
                  rounding to 8 bits alone is 0.29 RMS; as a rule of thumb (not measured here) a
                  pattern on a flat, clean area starts to show on a good screen at about one grey
                  level. On a picture that is texture everywhere (white noise) the "calmest"
                  quarter is still busy, so there the figure says little.
    found         with the right payload after JPEG 50 then half size (``simulated_attack``),
                  after JPEG 50 alone, after half size alone, as marked (``none``), and as a frame
                  of an .mp4 the lab writes (``mp4v``, what the demo's clips go through)
    false marks   reads of the unmarked picture, as it is and after each attack, that found a mark:
                  must be 0
    warned        pictures where the embedder's own check said the mark may not survive
    timings       seconds to embed one picture (the embedder's own check included) and to read one

    deepfake-edu bench provenance                  # the whole set
    deepfake-edu bench provenance --quick          # a few pictures of each kind
    python -m deepfake_edu.provenance.bench        # the same without the CLI
"""

from __future__ import annotations

import json
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PAYLOAD = 0xC0FFEE42
FLAT_SHARE = 0.25  # the calmest quarter of 8x8 blocks is what flat_psnr / flat_rms look at
FLAT_BLOCK = 8


@dataclass
class Picture:
    name: str
    kind: str  # twins, mesonet, video, photo, flat, texture
    rgb: np.ndarray


def _shared() -> Path:
    """The shared folder beside the repository (``../shared``), or $DEEPFAKE_EDU_SHARED."""
    env = os.environ.get("DEEPFAKE_EDU_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared"


def _resize(rgb: np.ndarray, width: int, height: int, cubic: bool = False) -> np.ndarray:
    import cv2

    enlarging = width > rgb.shape[1]
    interpolation = cv2.INTER_CUBIC if cubic or enlarging else cv2.INTER_AREA
    return cv2.resize(rgb, (width, height), interpolation=interpolation)


def twins_pictures(count: int = 4) -> list[Picture]:
    from deepfake_edu.data.twins import make_identity, render_face, sample_factors

    pictures = []
    for index in range(count):
        person = make_identity(index, seed=11)
        factors = sample_factors(seed=1000 + index)
        face = render_face(person, factors, 256).image
        pictures.append(Picture(f"twin{index}-256", "twins", face))
        pictures.append(Picture(f"twin{index}-480", "twins", _resize(face, 480, 480, cubic=True)))
        small = render_face(person, factors, 128).image
        pictures.append(Picture(f"twin{index}-128to256", "twins", _resize(small, 256, 256, cubic=True)))
    return pictures


def mesonet_pictures(skipped: list[str]) -> list[Picture]:
    from deepfake_edu.data.images import read_image
    from deepfake_edu.provenance.watermark import can_mark

    folder = _shared() / "mesonet-original" / "test_images"
    if not folder.is_dir():
        skipped.append(f"MesoNet test images: {folder} is absent")
        return []
    pictures = []
    for path in sorted(folder.rglob("*.jpg")):
        rgb = read_image(path)
        if can_mark(*rgb.shape[:2]):
            pictures.append(Picture(f"meso-{path.stem}", "mesonet", rgb))
        else:
            skipped.append(f"{path.name}: {rgb.shape[1]}x{rgb.shape[0]} is too small to mark (label only)")
    return pictures


def video_pictures(skipped: list[str], frames_per_video: int = 2) -> list[Picture]:
    from deepfake_edu.data.video import VIDEO_SUFFIXES, sample_frames

    folder = _shared() / "real-videos"
    if not folder.is_dir():
        skipped.append(f"real videos: {folder} is absent")
        return []
    pictures = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES):
        indices, frames, _ = sample_frames(path, frames_per_video)
        pictures += [Picture(f"{path.stem}-f{i}", "video", frame) for i, frame in zip(indices, frames)]
    return pictures


def photo_pictures(skipped: list[str]) -> list[Picture]:
    try:
        from matplotlib import cbook
        from skimage import data
    except ImportError:
        skipped.append("sample photos: scikit-image is not installed")
        return []
    from deepfake_edu.data.images import decode_image

    with cbook.get_sample_data("grace_hopper.jpg") as handle:
        hopper = decode_image(handle.read())
    photos = {"astronaut": data.astronaut(), "coffee": data.coffee(), "chelsea": data.chelsea(),
              "camera": np.repeat(data.camera()[..., None], 3, axis=2), "hopper": hopper}
    pictures = [Picture(name, "photo", rgb) for name, rgb in photos.items()]
    pictures += [Picture(f"{name}-256", "photo", _resize(rgb, 256, 256)) for name, rgb in photos.items()]
    return pictures


def synthetic_pictures() -> list[Picture]:
    """Flat and textured pictures, made here (seeded)."""
    import cv2

    rng = np.random.default_rng(5)
    pictures = []
    for side in (256, 480):
        rows = np.linspace(0, 1, side, dtype=np.float32)[:, None, None]
        sky = (1 - rows) * np.array([70, 130, 215], np.float32) + rows * np.array([190, 215, 240], np.float32)
        sky = np.broadcast_to(sky, (side, side, 3)) + rng.normal(0, 0.7, (side, side, 1))
        pictures.append(Picture(f"sky-{side}", "flat", np.clip(sky, 0, 255).round().astype(np.uint8)))
        light = cv2.GaussianBlur(rng.normal(0, 1, (side, side)).astype(np.float32), (0, 0), side / 6)
        wall = 150 + 25 * light / (np.abs(light).max() + 1e-6) + rng.normal(0, 1.0, (side, side))
        wall = np.stack([wall, 0.93 * wall, 0.82 * wall], axis=2)
        pictures.append(Picture(f"wall-{side}", "flat", np.clip(wall, 0, 255).round().astype(np.uint8)))
        noise = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
        pictures.append(Picture(f"noise-{side}", "texture", noise))
        grass = rng.normal(0, 1, (side, side)).astype(np.float32)
        grass = grass - cv2.GaussianBlur(grass, (0, 0), 3.0)
        green = 100 + 35 * grass / grass.std()
        grass_rgb = np.stack([0.55 * green, green, 0.35 * green], axis=2)
        pictures.append(Picture(f"grass-{side}", "texture", np.clip(grass_rgb, 0, 255).round().astype(np.uint8)))
    pictures.append(Picture("grey-256", "flat", np.full((256, 256, 3), 128, np.uint8)))
    blotches = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    pictures.append(Picture("blotches-600x400", "texture", _resize(blotches, 600, 400, cubic=True)))
    return pictures


def picture_set(quick: bool = False, frames_per_video: int = 2) -> tuple[list[Picture], list[str]]:
    """(pictures, what was skipped and why)."""
    skipped: list[str] = []
    pictures = twins_pictures(2 if quick else 4) + mesonet_pictures(skipped)
    pictures += video_pictures(skipped, 1 if quick else frames_per_video) + photo_pictures(skipped)
    pictures += synthetic_pictures()
    if quick:
        pictures = [p for p in pictures if not p.name.endswith("-480") or p.kind == "twins"][::2]
    return pictures, skipped


def _luma(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.float64)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


def flat_mask(rgb: np.ndarray, share: float = FLAT_SHARE, block: int = FLAT_BLOCK) -> np.ndarray:
    """(H, W) bool: the pixels of the calmest ``share`` of the picture's ``block``-pixel blocks
    (ranked by the standard deviation of their brightness; edge rows that make no whole block are left out)."""
    luma = _luma(rgb)
    rows, cols = luma.shape[0] // block, luma.shape[1] // block
    tiles = luma[: rows * block, : cols * block].reshape(rows, block, cols, block)
    spread = tiles.std(axis=(1, 3))
    order = np.argsort(spread, axis=None, kind="stable")
    calm = np.zeros(rows * cols, bool)
    calm[order[: max(1, round(share * rows * cols))]] = True
    mask = np.zeros(luma.shape, bool)
    mask[: rows * block, : cols * block] = np.repeat(np.repeat(calm.reshape(rows, cols), block, 0), block, 1)
    return mask


def visibility(original: np.ndarray, marked: np.ndarray) -> dict:
    """flat_psnr (dB, RGB) and flat_rms (grey levels of brightness) over the calmest quarter."""
    mask = flat_mask(original)
    difference = marked.astype(np.float64) - original.astype(np.float64)
    mse = float(np.mean(difference[mask] ** 2))
    luma_change = _luma(marked) - _luma(original)
    return {
        "flat_psnr": float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse)),
        "flat_rms": float(np.sqrt(np.mean(luma_change[mask] ** 2))),
    }


def jpeg50(rgb: np.ndarray) -> np.ndarray:
    from deepfake_edu.data.images import jpeg_roundtrip

    return jpeg_roundtrip(rgb, 50)


def half(rgb: np.ndarray) -> np.ndarray:
    return _resize(rgb, rgb.shape[1] // 2, rgb.shape[0] // 2)


def mp4v(rgb: np.ndarray) -> np.ndarray:
    """The picture as the middle frame of a 3-frame .mp4 the lab writes (MPEG-4 part 2, OpenCV's
    default rate): what a marked clip from the demo goes through."""
    import tempfile

    from deepfake_edu.data.video import VideoReader, write_video

    with tempfile.TemporaryDirectory(prefix="bench-provenance-") as folder:
        path = write_video(Path(folder) / "frame.mp4", [rgb] * 3, fps=25)
        with VideoReader(path) as video:
            frames = list(video)
    return frames[len(frames) // 2]


ATTACKS = {  # what the mark is read after (OpenCV's JPEG; half size by area averaging)
    "jpeg50+half": lambda rgb: half(jpeg50(rgb)),
    "jpeg50": jpeg50,
    "half": half,
    "none": lambda rgb: rgb,
    "mp4v": mp4v,
}


def measure_picture(picture: Picture, mark=None, payload: int = PAYLOAD) -> dict:
    """Every figure for one picture (``mark``: the watermark module, default the lab's)."""
    if mark is None:
        from deepfake_edu.provenance import watermark as mark
    rgb = picture.rgb
    row: dict = {"name": picture.name, "kind": picture.kind, "size": f"{rgb.shape[1]}x{rgb.shape[0]}"}
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        marked = mark.embed_mark(rgb, payload)
    row["embed_s"] = time.perf_counter() - started
    row["warned"] = bool(caught)  # the embedder's own check said the mark may not survive
    row["psnr"] = mark.psnr(rgb, marked)
    row.update(visibility(rgb, marked))
    found, false_marks, read_times = {}, 0, []
    for name, attack in ATTACKS.items():
        started = time.perf_counter()
        result = mark.read_mark(attack(marked))
        read_times.append(time.perf_counter() - started)
        found[name] = bool(result.found and result.payload == payload)
        row[f"score_{name}"] = result.score
        false_marks += int(mark.read_mark(attack(rgb)).found)
    row["found"] = found
    row["false_marks"] = false_marks
    row["read_s"] = float(np.median(read_times))
    return row


def summarise(rows: list[dict]) -> dict:
    """Figures over a list of picture rows."""
    def share(attack: str) -> float:
        return sum(row["found"][attack] for row in rows) / len(rows)

    psnrs = [row["psnr"] for row in rows]
    flat = [row["flat_psnr"] for row in rows]
    rms = [row["flat_rms"] for row in rows]
    return {
        "pictures": len(rows),
        "psnr_min": min(psnrs), "psnr_median": float(np.median(psnrs)),
        "flat_psnr_min": min(flat), "flat_psnr_median": float(np.median(flat)),
        "flat_rms_max": max(rms), "flat_rms_median": float(np.median(rms)),
        **{f"found_{attack}": share(attack) for attack in rows[0]["found"]},
        "false_marks": sum(row["false_marks"] for row in rows),
        "warned": sum(row["warned"] for row in rows),
        "embed_s_median": float(np.median([row["embed_s"] for row in rows])),
        "embed_s_max": max(row["embed_s"] for row in rows),
        "read_s_median": float(np.median([row["read_s"] for row in rows])),
    }


def bench(pictures: list[Picture], mark=None, progress: bool = True) -> dict:
    rows = []
    for picture in pictures:
        row = measure_picture(picture, mark)
        rows.append(row)
        if progress:
            lost = [attack for attack, ok in row["found"].items() if not ok]
            print(f"  {row['name']:<18} {row['size']:>9}  PSNR {row['psnr']:5.1f}  flat {row['flat_psnr']:5.1f} dB"
                  f" ({row['flat_rms']:.2f} grey)  embed {row['embed_s']:.2f}s"
                  f"  {'lost after ' + ', '.join(lost) if lost else 'found after every attack'}"
                  f"{'  FALSE MARK' if row['false_marks'] else ''}", flush=True)
    kinds = sorted({row["kind"] for row in rows})
    return {"all": summarise(rows), "by_kind": {kind: summarise([r for r in rows if r["kind"] == kind]) for kind in kinds}, "rows": rows}


def format_table(figures: dict) -> str:
    columns = [("pictures", "n", "{:d}"), ("psnr_min", "PSNR min", "{:.1f}"), ("psnr_median", "med", "{:.1f}"),
               ("flat_psnr_min", "flat min", "{:.1f}"), ("flat_psnr_median", "med", "{:.1f}"),
               ("flat_rms_max", "flat rms max", "{:.2f}"), ("found_jpeg50+half", "jpeg50+half", "{:.0%}"),
               ("found_jpeg50", "jpeg50", "{:.0%}"), ("found_half", "half", "{:.0%}"), ("found_none", "none", "{:.0%}"),
               ("found_mp4v", "mp4v", "{:.0%}"), ("false_marks", "false", "{:d}"), ("warned", "warned", "{:d}"), ("embed_s_median", "embed s", "{:.2f}"), ("embed_s_max", "max", "{:.2f}"),
               ("read_s_median", "read s", "{:.3f}")]
    header = f"{'':<8}" + "".join(f"{title:>{max(len(title), 5) + 2}}" for _, title, _ in columns)
    lines = [header]
    for label, summary in [("all", figures["all"]), *figures["by_kind"].items()]:
        cells = "".join(f"{fmt.format(summary[key]):>{max(len(title), 5) + 2}}" for key, title, fmt in columns)
        lines.append(f"{label:<8}{cells}")
    return "\n".join(lines)


def add_arguments(parser) -> None:
    from deepfake_edu.cli_types import count, ranged

    frames = count(1, 50)
    parser.add_argument("--quick", action="store_true", help="half the pictures, one frame per video")
    parser.add_argument("--frames-per-video", type=frames, default=2, help=ranged("frames taken from each real video", frames, 2))


def run(args) -> int:
    from deepfake_edu.provenance import watermark

    pictures, skipped = picture_set(getattr(args, "quick", False), getattr(args, "frames_per_video", 2))
    for reason in skipped:
        print(f"skipped: {reason}")
    print(f"{len(pictures)} pictures; mark floor {watermark.MIN_PSNR_DB} dB; payload {PAYLOAD:08x}")
    figures = bench(pictures)
    print(format_table(figures))
    figures["skipped"] = skipped
    figures["min_psnr_db"] = watermark.MIN_PSNR_DB
    if getattr(args, "json", None):
        from deepfake_edu.fileio import write_text_atomic

        write_text_atomic(args.json, json.dumps(figures, indent=2))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--json", metavar="FILE", help="also write the figures to this JSON file")
    raise SystemExit(run(parser.parse_args()))
