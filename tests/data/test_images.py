"""Image files in and out: conventions, and one-line errors for bad files."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
import torch

from deepfake_edu.data.images import decode_image, read_image, to_tensor, to_uint8, write_image
from deepfake_edu.errors import LabError


def test_png_round_trip_is_exact_and_rgb(tmp_path):
    image = np.zeros((8, 10, 3), np.uint8)
    image[..., 0] = 255  # pure red must stay in channel 0 (no BGR leak)
    write_image(tmp_path / "x.png", image)
    back = read_image(tmp_path / "x.png")
    assert back.shape == (8, 10, 3) and np.array_equal(back, image)


def test_tensor_conversion_follows_the_library_convention():
    image = np.random.default_rng(0).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    tensor = to_tensor(image)
    assert tensor.shape == (1, 3, 5, 6) and tensor.dtype == torch.float32
    assert float(tensor.max()) <= 1.0
    assert np.array_equal(to_uint8(tensor)[0], image)


@pytest.mark.parametrize(
    "content, message",
    [(None, "no such file"), (b"", "empty"), (b"not an image at all", "not a readable image")],
)
def test_bad_files_give_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.jpg"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LabError, match=message) as caught:
        read_image(path)
    assert "\n" not in str(caught.value)


def test_huge_images_are_refused_from_the_header():
    import cv2

    ok, png = cv2.imencode(".png", np.zeros((10, 10, 3), np.uint8))
    data = bytearray(png.tobytes())
    data[16:20] = (10_000).to_bytes(4, "big")  # claim 10000 x 10000 pixels, with the header's checksum right
    data[20:24] = (10_000).to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    with pytest.raises(LabError, match="10000x10000 pixels, too large"):
        decode_image(bytes(data))


def _small_jpeg_claiming(width: int, height: int, fill_byte: bool) -> bytes:
    """A 16 x 16 JPEG whose frame header (SOF) claims ``width`` x ``height``, optionally behind one
    legal 0xFF fill byte (a naive header reader stops there and lets the decoder allocate it all)."""
    import struct

    import cv2

    _, jpeg = cv2.imencode(".jpg", np.zeros((16, 16, 3), np.uint8))
    data = bytearray(jpeg.tobytes())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data[:sof]) + (b"\xff" if fill_byte else b"") + bytes(data[sof:])


def _rle_bmp_claiming(width: int, height: int) -> bytes:
    """A 70-byte run-length-encoded BMP that claims ``width`` x ``height`` 8-bit pixels."""
    import struct

    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 1, 4, 2835, 2835, 2, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + 8 + 4, 0, 0, 14 + 40) + info + b"\x00" * 4 + b"\xff\xff\xff\x00" + b"\x00\x01"


@pytest.mark.parametrize("side", [12_000, 30_000])
@pytest.mark.parametrize("make", [
    lambda side: _small_jpeg_claiming(side, side, fill_byte=False),
    lambda side: _small_jpeg_claiming(side, side, fill_byte=True),
    lambda side: _rle_bmp_claiming(side, side),
], ids=["jpeg", "jpeg-behind-a-fill-byte", "rle-bmp"])
def test_small_files_claiming_huge_pictures_are_refused_before_decoding(make, side, tmp_path, monkeypatch):
    from deepfake_edu.data import images
    from deepfake_edu.data.images import image_size

    def decoder_must_not_run(*args, **kwargs):
        raise AssertionError("the pixels were decoded (memory in proportion to the claimed size)")

    monkeypatch.setattr(images.cv2, "imdecode", decoder_must_not_run)
    data = make(side)
    assert len(data) < 1000
    if side == 12_000:  # within what Pillow describes: the size comes from the header, not the pixels
        assert image_size(data) == (side, side)
    path = tmp_path / "bomb.jpg"
    path.write_bytes(data)
    with pytest.raises(LabError, match="too large") as refused:
        read_image(path)
    assert "\n" not in str(refused.value)


def test_write_image_leaves_no_partial_file_on_failure(tmp_path):
    with pytest.raises(LabError):
        write_image(tmp_path / "x.gifx", np.zeros((4, 4, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_a_pipe_or_a_device_named_like_an_image_is_refused_without_reading(tmp_path):
    import os
    import threading

    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    device = tmp_path / "zeros.png"
    device.symlink_to("/dev/zero")
    for path in (fifo, device):
        outcome = {}
        reader = threading.Thread(target=lambda p=path: outcome.setdefault("error", _refusal(p)), daemon=True)
        reader.start()
        reader.join(10)
        assert not reader.is_alive(), f"reading {path.name} hung"
        assert "not a regular file" in outcome["error"]


def _refusal(path) -> str:
    try:
        read_image(path)
    except LabError as error:
        return str(error)
    return "read without error"
