import io
import warnings

import cv2
import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.provenance import watermark
from deepfake_edu.provenance.bench import visibility
from deepfake_edu.provenance.label import add_label
from tests.provenance.conftest import ATTACKS, half, jpeg50, resized

PAYLOAD = 0xC0FFEE42
FLOOR_DB = 42.0  # the goal, written here rather than read from the module: raising the strength fails


@pytest.fixture(scope="module")
def twins():
    """Twins faces as the lab marks them: rendered at 256 px, enlarged to 480 px (a swapped video
    frame) and rendered at 128 px enlarged to 256 px (what swap.fakes writes: the smoothest)."""
    from deepfake_edu.data.twins import make_identity, render_face, sample_factors

    frames = {}
    for index in range(2):
        person, factors = make_identity(index, seed=11), sample_factors(seed=1000 + index)
        face = render_face(person, factors, 256).image
        frames[f"twin{index}-256"] = face
        frames[f"twin{index}-480"] = cv2.resize(face, (480, 480), interpolation=cv2.INTER_CUBIC)
        small = render_face(person, factors, 128).image
        frames[f"twin{index}-128to256"] = cv2.resize(small, (256, 256), interpolation=cv2.INTER_CUBIC)
    return frames


def sky(side: int, seed: int = 0) -> np.ndarray:
    """A clear sky: a vertical blue gradient with a camera's faint noise (flat everywhere)."""
    rng = np.random.default_rng(seed)
    rows = np.linspace(0, 1, side, dtype=np.float32)[:, None, None]
    gradient = (1 - rows) * np.array([70, 130, 215], np.float32) + rows * np.array([190, 215, 240], np.float32)
    picture = np.broadcast_to(gradient, (side, side, 3)) + rng.normal(0, 0.7, (side, side, 1))
    return np.clip(picture, 0, 255).round().astype(np.uint8)


def grass(side: int, seed: int = 0) -> np.ndarray:
    """Fine green texture (band-passed noise): busy everywhere."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, (side, side)).astype(np.float32)
    noise -= cv2.GaussianBlur(noise, (0, 0), 3.0)
    green = 100 + 35 * noise / noise.std()
    return np.clip(np.stack([0.55 * green, green, 0.35 * green], axis=2), 0, 255).round().astype(np.uint8)


def found(image: np.ndarray, payload: int = PAYLOAD) -> bool:
    result = watermark.read_mark(image)
    return result.found and result.payload == payload


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_mark_survives_attacks_on_720p_frames(photos, attack):
    for name in ("astronaut", "coffee", "grace_hopper"):
        frame = resized(photos[name], 1280, 720)
        result = watermark.read_mark(ATTACKS[attack](watermark.embed_mark(frame, PAYLOAD)))
        assert result.found and result.payload == PAYLOAD, f"{name} after {attack}: score {result.score:.2f}"


def test_mark_survives_attacks_on_256px_images(photos):
    """256 px is the smallest size marked (measured: every photo here survives every attack, with
    8 payloads; one miss is tolerated because a 256 px picture leaves the mark the least room)."""
    failures = []
    for name, photo in photos.items():
        image = resized(photo, 256, 256)
        marked = watermark.embed_mark(image, PAYLOAD)
        assert watermark.psnr(image, marked) >= FLOOR_DB, name
        for attack, apply in ATTACKS.items():
            if not found(apply(marked)):
                failures.append(f"{name}/{attack}")
    assert len(failures) <= 1, f"mark lost on 256 px images: {failures}"


def test_mark_survives_on_twins_sky_and_texture_for_several_payloads(twins):
    """The lab's own pictures (twins at 256 and 480 px, the enlarged 128 px ones), a flat sky and
    a busy texture, three payloads each: found after every attack, and the embedder's own check
    agrees (measured on the bench's set: every picture but white noise and enlarged random
    blotches survives every attack for 8 payloads)."""
    pictures = {**twins, "sky-256": sky(256), "sky-480": sky(480, 1), "grass-256": grass(256), "grass-480": grass(480, 1)}
    for payload in (PAYLOAD, 0, 0xDFED0011):
        for name, image in pictures.items():
            marked, report = watermark.embed_report(image, payload)
            assert report.survives, f"{name}, payload {payload:08x}: {report}"
            for attack, apply in ATTACKS.items():
                assert found(apply(marked), payload), f"{name}, payload {payload:08x}, after {attack}"


def test_mark_survives_harder_attacks_than_it_is_made_for(photos, twins):
    """Margin: JPEG 40 (not 50) then half size, and Pillow's JPEG 50 encoder (not OpenCV's) then
    half size, on twins and on 720p photos. (Measured on the bench's set: lost only on white noise,
    enlarged random blotches and the 256 px astronaut.)"""
    from PIL import Image

    def pillow_jpeg50(rgb):
        buffer = io.BytesIO()
        Image.fromarray(rgb).save(buffer, "JPEG", quality=50)
        return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))

    def cv_jpeg40(rgb):
        _, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 40])
        return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)

    pictures = {**twins, **{name: resized(photos[name], 1280, 720) for name in ("chelsea", "camera")}}
    for name, image in pictures.items():
        marked = watermark.embed_mark(image, PAYLOAD)
        assert found(half(cv_jpeg40(marked))), f"{name} after JPEG 40 + half size"
        assert found(half(pillow_jpeg50(marked))), f"{name} after Pillow's JPEG 50 + half size"


def test_mark_keeps_psnr_at_least_42_db_on_every_kind_of_picture(photos, twins):
    assert watermark.MIN_PSNR_DB >= FLOOR_DB
    rng = np.random.default_rng(3)
    pictures = {
        **twins,
        "sky": sky(480),
        "grass": grass(256),
        "white noise": rng.integers(0, 256, (256, 256, 3), dtype=np.uint8),  # too busy for the mark: best try, still >= 42 dB
        "flat grey": np.full((256, 320, 3), 128, np.uint8),
        "chelsea-256": resized(photos["chelsea"], 256, 256),
        "camera-720p": resized(photos["camera"], 1280, 720),
        "astronaut-720p": resized(photos["astronaut"], 1280, 720),
    }
    for name, image in pictures.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            marked = watermark.embed_mark(image, PAYLOAD)
        assert watermark.psnr(image, marked) >= FLOOR_DB, name


def test_mark_stays_out_of_flat_areas():
    """The visibility mask: on a picture half clear sky and half texture, the mark on the sky is
    under a grey level RMS and a fraction of what the texture carries; and on a whole-picture
    measure (the bench's flattest quarter of 8x8 blocks) a twins frame at 480 px stays calm."""
    picture = np.concatenate([sky(480)[:, :240], grass(480)[:, 240:]], axis=1)
    marked = watermark.embed_mark(picture, PAYLOAD)
    change = marked.astype(np.float64).mean(axis=2) - picture.astype(np.float64).mean(axis=2)
    flat_rms = np.sqrt(np.mean(change[16:-16, 16:224] ** 2))
    busy_rms = np.sqrt(np.mean(change[16:-16, 256:-16] ** 2))
    assert flat_rms < 1.0 and flat_rms < 0.5 * busy_rms, (flat_rms, busy_rms)
    assert found(half(jpeg50(marked)))


def test_mark_is_calm_on_a_swapped_video_frame(twins):
    """The issue's case: a twins frame enlarged to 480 px showed the mark as grain. Measured now:
    0.7-1.3 grey levels RMS over the calmest quarter, at 43-46 dB."""
    image = twins["twin0-480"]
    marked = watermark.embed_mark(image, PAYLOAD)
    figures = visibility(image, marked)
    assert figures["flat_rms"] < 1.6 and figures["flat_psnr"] > 44.0, figures


def test_mark_not_found_on_untouched_photos_or_noise(photos, twins):
    rng = np.random.default_rng(7)
    images = {**photos, **twins, "sky": sky(256), "grass": grass(480), "grey": np.full((256, 256, 3), 128, np.uint8)}
    images["noise"] = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    images["smooth_noise"] = resized(rng.integers(0, 256, (40, 60, 3), dtype=np.uint8), 600, 400)
    for name, image in images.items():
        for variant, pixels in (("as is", image), ("jpeg50+half", half(jpeg50(image))), ("jpeg50", jpeg50(image))):
            result = watermark.read_mark(pixels)
            assert not result.found, f"false mark on {name} ({variant}), score {result.score:.2f}"
            assert result.score < 1.2, f"{name} ({variant}) scores like a marked picture: {result.score:.2f}"


def test_the_embedder_warns_and_keeps_the_floor_when_the_budget_is_too_small(photos, monkeypatch):
    """Marking what it can: with a floor far above what the mark needs (60 dB), the embedder keeps
    the floor, returns its best try and says the mark may not survive."""
    monkeypatch.setattr(watermark, "MIN_PSNR_DB", 60.0)
    image = resized(photos["coffee"], 256, 256)
    with pytest.warns(UserWarning, match="may not survive"):
        marked = watermark.embed_mark(image, PAYLOAD)
    assert watermark.psnr(image, marked) >= 60.0


def test_no_warning_when_the_mark_survives(twins):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        watermark.embed_mark(twins["twin1-480"], PAYLOAD)


def test_the_code_corrects_scattered_wrong_code_bits():
    rng = np.random.default_rng(0)
    for _ in range(10):
        message = rng.integers(0, 2, watermark.MESSAGE_BITS).astype(np.uint8)
        code = watermark._encode(message)
        assert code.size == watermark.CODED_BITS == 140
        soft = 2.0 * code - 1.0 + rng.normal(0, 0.3, code.size)
        wrong = rng.choice(np.arange(0, code.size, 14), 6, replace=False)  # 6 code bits, 14 apart
        soft[wrong] *= -1
        assert np.array_equal(watermark._viterbi(soft), message)


def test_grids_follow_the_picture_size():
    assert watermark.grid_for(256, 256) == 64
    assert watermark.grid_for(480, 480) == 96
    assert watermark.grid_for(720, 1280) == 180
    assert watermark.grid_for(1080, 1920) == 256
    assert watermark.can_mark(256, 300) and not watermark.can_mark(255, 300)


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
