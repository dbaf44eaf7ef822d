import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.provenance import watermark
from deepfake_edu.provenance.label import add_label
from tests.provenance.conftest import ATTACKS, half, jpeg50, resized

PAYLOAD = 0xC0FFEE42


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_mark_survives_attacks_on_720p_frames(photos, attack):
    for name in ("astronaut", "coffee", "grace_hopper"):
        frame = resized(photos[name], 1280, 720)
        found = watermark.read_mark(ATTACKS[attack](watermark.embed_mark(frame, PAYLOAD)))
        assert found.found and found.payload == PAYLOAD, f"{name} after {attack}: score {found.score:.2f}"


def test_mark_survives_attacks_on_256px_images(photos):
    """256 px is the smallest size marked (measured: every photo here survives every attack; one
    miss is tolerated because a 256 px picture leaves the mark the least room)."""
    failures = []
    for name, photo in photos.items():
        marked = watermark.embed_mark(resized(photo, 256, 256), PAYLOAD)
        for attack, apply in ATTACKS.items():
            result = watermark.read_mark(apply(marked))
            if not (result.found and result.payload == PAYLOAD):
                failures.append(f"{name}/{attack}")
    assert len(failures) <= 1, f"mark lost on 256 px images: {failures}"


def test_mark_is_invisible_by_psnr(photos):
    for name in ("chelsea", "camera"):
        for size in ((256, 256), (1280, 720)):
            image = resized(photos[name], *size)
            assert watermark.psnr(image, watermark.embed_mark(image, PAYLOAD)) >= 38.0, (name, size)


def test_mark_not_found_on_untouched_photos_or_noise(photos):
    rng = np.random.default_rng(7)
    images = dict(photos)
    images["noise"] = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    images["smooth_noise"] = resized(rng.integers(0, 256, (40, 60, 3), dtype=np.uint8), 600, 400)
    for name, image in images.items():
        for variant, pixels in (("as is", image), ("jpeg50+half", half(jpeg50(image)))):
            result = watermark.read_mark(pixels)
            assert not result.found, f"false mark on {name} ({variant}), score {result.score:.2f}"
            assert result.score < 1.2, f"{name} ({variant}) scores like a marked picture: {result.score:.2f}"


def test_mark_survives_a_label_drawn_over_it(photos):
    marked = watermark.embed_mark(resized(photos["coffee"], 640, 480), PAYLOAD)
    result = watermark.read_mark(jpeg50(add_label(marked)))
    assert result.found and result.payload == PAYLOAD


def test_payload_forms_and_limits(photos):
    image = resized(photos["chelsea"], 512, 384)
    assert watermark.read_mark(watermark.embed_mark(image, b"\x01\x02\x03\x04")).payload == 0x01020304
    with pytest.raises(LabError):
        watermark.embed_mark(image, 2**32)
    with pytest.raises(LabError, match="256"):
        watermark.embed_mark(resized(image, 200, 150), 1)


def test_another_key_reads_nothing(photos):
    marked = watermark.embed_mark(resized(photos["astronaut"], 512, 512), PAYLOAD)
    assert watermark.read_mark(marked).found
    assert not watermark.read_mark(marked, key="some other key").found
