"""Image files in and out, and the conversion between the edge and library conventions.

Edge: uint8 RGB arrays (H, W, 3). Library: float32 tensors in [0, 1], (B, 3, H, W).
BGR appears only inside the OpenCV calls here.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import torch

from deepfake_edu.errors import LabError
from deepfake_edu.fileio import atomic_path

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")
MAX_PIXELS = 40_000_000  # about 8K x 5K: anything larger is refused before decoding
MAX_FILE_BYTES = 200_000_000  # an image file larger than this is refused before it is read


def read_image(path: str | os.PathLike, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read an image file as uint8 RGB (H, W, 3); a one-line LabError for any bad file."""
    path = Path(path)
    if not path.exists():
        raise LabError(f"no such file: {path} (check the path)")
    if path.is_dir():
        raise LabError(f"{path} is a folder, not an image file")
    if not path.is_file():  # a FIFO would block the read, a device (/dev/zero) never ends
        raise LabError(f"{path} is not a regular file (a pipe or a device): give an image file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise LabError(f"{path} is {size / 1e6:.0f} MB, too large for an image here: keep pictures under {MAX_FILE_BYTES // 1_000_000} MB")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
    if not data:
        raise LabError(f"{path} is empty (0 bytes): choose another image")
    if len(data) > MAX_FILE_BYTES:
        raise LabError(f"{path} grew past {MAX_FILE_BYTES // 1_000_000} MB while it was read: give a finished image file")
    return decode_image(data, name=str(path), max_pixels=max_pixels)


def decode_image(data: bytes, name: str = "image", max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode image bytes as uint8 RGB (H, W, 3); the size is checked before any pixel is decoded."""
    width, height = image_size(data, name)
    if width * height > max_pixels:
        raise LabError(f"{name} is {width}x{height} pixels, too large: resize it below {max_pixels // 1_000_000} megapixels")
    bgr = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise LabError(f"{name} is not a readable image (corrupt or not PNG/JPEG/...): choose another file")
    if bgr.shape[0] * bgr.shape[1] > max_pixels:
        raise LabError(f"{name} is {bgr.shape[1]}x{bgr.shape[0]} pixels, too large: resize it first")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def image_size(data: bytes, name: str = "image") -> tuple[int, int]:
    """(width, height) of encoded image bytes, read from the header by Pillow without decoding.

    Pillow knows every format the lab reads (PNG, JPEG with its fill bytes and any SOF marker,
    BMP including RLE, WebP, TIFF), so a small file that claims a huge picture is refused before
    OpenCV would allocate it. Bytes Pillow cannot identify are refused: OpenCV could decode some
    of them, but without a size to check first.
    """
    import io
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the lab checks the size itself
            with Image.open(io.BytesIO(data)) as image:
                return image.size
    except Image.DecompressionBombError:
        # Pillow refuses to describe a picture past twice its own limit (about 179 megapixels).
        raise LabError(f"{name} is too large (over {2 * Image.MAX_IMAGE_PIXELS // 1_000_000} megapixels): resize it first") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):  # SyntaxError: Pillow's word for a broken header
        raise LabError(f"{name} is not a readable image (corrupt or not PNG/JPEG/...): choose another file") from None


def write_image(path: str | os.PathLike, rgb: np.ndarray, jpeg_quality: int = 95) -> Path:
    """Write uint8 RGB (H, W, 3) atomically; the format follows the suffix."""
    path = Path(path)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise LabError(f"cannot write {path}: use one of {', '.join(IMAGE_SUFFIXES)}")
    params = [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)] if path.suffix.lower() in (".jpg", ".jpeg") else []
    with atomic_path(path) as tmp:
        if not cv2.imwrite(str(tmp), cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR), params):
            raise LabError(f"could not write {path}")
    return path


def jpeg_roundtrip(rgb: np.ndarray, quality: int) -> np.ndarray:
    """Compress uint8 RGB (H, W, 3) as JPEG at ``quality`` (1-100) and decode it again."""
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    assert ok
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 RGB (H, W, 3) or (N, H, W, 3) -> float32 (N, 3, H, W) in [0, 1]."""
    if images.ndim == 3:
        images = images[None]
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float().div_(255.0)


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """float (N, 3, H, W) or (3, H, W) in [0, 1] -> uint8 RGB (N, H, W, 3) or (H, W, 3)."""
    array = images.detach().float().clamp(0, 1).mul(255).round().byte().cpu()
    return array.permute(*range(array.ndim - 3), -2, -1, -3).numpy()
