"""Small lab assets for the demo's tests: 3 twins, a swap model and two funnel models trained a
couple of steps, a little real/fake set and an untrained Meso-4 (the demo's wiring is under test,
not the models' quality)."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"

FUNNEL_TEST_WIDTHS = (4, 16)


def is_loopback(address) -> bool:
    """A socket address (or host) on this machine: loopback, "localhost" or a non-IP family."""
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return True  # AF_UNIX and other local families
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


@pytest.fixture
def outbound(monkeypatch) -> list:
    """The non-loopback addresses this process tries to connect to during the test (it stays empty
    while the demo talks to nobody but this machine); every attempt still goes through."""
    attempts: list = []

    def watched(real):
        def connect(sock, address):
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address):
                attempts.append(address)
            return real(sock, address)

        return connect

    monkeypatch.setattr(socket.socket, "connect", watched(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", watched(socket.socket.connect_ex))
    return attempts


def make_small_lab(home: Path):
    """Write tiny assets under ``home`` in the layout prepare_lab uses; returns LabAssets."""
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.detect.mesonet import config_dict
    from deepfake_edu.detect.twins_set import build_twins_realfake
    from deepfake_edu.lab import LabAssets
    from deepfake_edu.lessons.funnel import funnel_models
    from deepfake_edu.registry import create_model
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap
    from deepfake_edu.training.checkpoint import save_model_file

    assets = LabAssets(
        home=home,
        twins=home / "datasets" / "twins-lab",
        swap_run=home / "runs" / "swap-lab",
        realfake=home / "datasets" / "twins-realfake",
        detector=home / "models" / "meso4-twins.json",
    )
    generate_twins_dataset(assets.twins, identities=3, per_identity=10, size=64, seed=0)
    train_swap(SwapTrainOptions(data=[str(assets.twins)], identities=["twin-00", "twin-01"], steps=2, batch_size=4,
                                run=str(assets.swap_run), progress=False, timelapse_every=0, metrics_every=0, preview_every=0))
    build_twins_realfake(assets.realfake, assets.swap_run, identities=(0, 1, 2), per_identity=2)
    detector = create_model("meso4").eval()
    save_model_file(assets.detector.with_suffix(""), {f"model/{k}": v for k, v in detector.state_dict().items()},
                    {"model": "meso4", "config": config_dict(detector), "datasets": [assets.realfake.name]})
    funnel_models(FUNNEL_TEST_WIDTHS, twins=assets.twins, home=home, steps=2, batch_size=4, progress=False)
    return assets


@pytest.fixture(scope="session")
def small_lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab-home")
    previous = os.environ.get("DEEPFAKE_EDU_HOME")
    os.environ["DEEPFAKE_EDU_HOME"] = str(home)  # the forget ledger and models/ follow the lab home
    try:
        yield make_small_lab(home)
    finally:
        if previous is None:
            os.environ.pop("DEEPFAKE_EDU_HOME", None)
        else:
            os.environ["DEEPFAKE_EDU_HOME"] = previous


@pytest.fixture(scope="session")
def demo_lab(small_lab):
    from deepfake_edu.demo.logic import DemoLab

    return DemoLab(small_lab)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def running_app(small_lab):
    """The app served on a free loopback port, in this process; yields (blocks, url)."""
    from deepfake_edu.demo.app import launch_app

    app, url = launch_app(small_lab, port=free_port(), block=False, quiet=True)
    try:
        yield app, url
    finally:
        app.close()


@pytest.fixture
def face_photo(tmp_path) -> Path:
    """A real photo with a face that ships with scikit-image (the astronaut), as a PNG."""
    from skimage import data

    from deepfake_edu.data.images import write_image

    return write_image(tmp_path / "astronaut.png", data.astronaut())
