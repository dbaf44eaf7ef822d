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


def read_image(path: str | os.PathLike, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read an image file as uint8 RGB (H, W, 3); a one-line LabError for any bad file."""
    path = Path(path)
    if not path.exists():
        raise LabError(f"no such file: {path} (check the path)")
    if path.is_dir():
        raise LabError(f"{path} is a folder, not an image file")
    data = path.read_bytes()
    if not data:
        raise LabError(f"{path} is empty (0 bytes): choose another image")
    return decode_image(data, name=str(path), max_pixels=max_pixels)


def decode_image(data: bytes, name: str = "image", max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode image bytes as uint8 RGB (H, W, 3)."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    # Read the header first (IMREAD_REDUCED would still decode): refuse huge images cheaply.
    size = _header_size(data)
    if size is not None and size[0] * size[1] > max_pixels:
        raise LabError(f"{name} is {size[0]}x{size[1]} pixels, too large: resize it below {max_pixels // 1_000_000} megapixels")
    bgr = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    if bgr is None:
        raise LabError(f"{name} is not a readable image (corrupt or not PNG/JPEG/...): choose another file")
    if bgr.shape[0] * bgr.shape[1] > max_pixels:
        raise LabError(f"{name} is {bgr.shape[1]}x{bgr.shape[0]} pixels, too large: resize it first")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG or JPEG header, or None if the header is not recognised."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                height = int.from_bytes(data[i + 5 : i + 7], "big")
                width = int.from_bytes(data[i + 7 : i + 9], "big")
                return width, height
            i += 2 + length
    return None


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
