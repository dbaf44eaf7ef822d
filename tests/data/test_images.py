"""Image files in and out: conventions, and one-line errors for bad files."""

from __future__ import annotations

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
    data[16:20] = (100_000).to_bytes(4, "big")  # claim 100000 x 10 pixels
    data[20:24] = (100_000).to_bytes(4, "big")
    with pytest.raises(LabError, match="too large"):
        decode_image(bytes(data))


def test_write_image_leaves_no_partial_file_on_failure(tmp_path):
    with pytest.raises(LabError):
        write_image(tmp_path / "x.gifx", np.zeros((4, 4, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []
