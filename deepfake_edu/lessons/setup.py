"""Lab 0: is this computer ready? Versions, cores, the offline self-test, where data lives."""

from __future__ import annotations

import contextlib
import importlib
import os
import platform
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from deepfake_edu.errors import LabError

PACKAGES = ("torch", "numpy", "cv2", "matplotlib", "sklearn", "safetensors", "h5py", "ipywidgets")
OPENCV_SAMPLE_VIDEO = Path("/usr/share/doc/opencv-doc/examples/data/Megamind.avi")  # Debian's opencv-doc


@dataclass
class SetupReport:
    python: str  # Python version
    versions: dict[str, str]  # package -> version ("missing" when absent)
    cores: int  # CPU cores the operating system reports
    torch_threads: int  # threads PyTorch computes with
    gpu: str  # "none" or the CUDA device's name
    home: Path  # the lab's home folder ($DEEPFAKE_EDU_HOME, else the lab's clone)
    datasets: Path
    runs: Path
    models: Path
    offline_ok: bool  # rendering a face and running a model worked with the network blocked
    offline_seconds: float  # how long that self-test took
    authors_weights: Path | None  # models/keras/Meso4_DF.h5 when present
    sample_video: Path | None  # opencv-doc's Megamind.avi when present
    problems: list[str] = field(default_factory=list)  # what to fix before the lessons

    def lines(self) -> list[str]:
        lines = [f"Python {self.python}"]
        lines += [f"  {name:<12} {version}" for name, version in self.versions.items()]
        lines += [
            f"CPU cores: {self.cores} (PyTorch computes with {self.torch_threads} threads)",
            f"GPU: {self.gpu}",
            f"lab home: {self.home}",
            f"data sets: {self.datasets}",
            f"training runs: {self.runs}",
            f"models: {self.models}",
            f"works offline: {'yes' if self.offline_ok else 'NO'} (self-test with the network blocked, {self.offline_seconds:.1f} s)",
            f"MesoNet authors' weights: {self.authors_weights or 'not found (lab 4 explains where to get them; optional)'}",
            f"sample video for lab 3: {self.sample_video or 'not found (lab 3 renders a synthetic clip instead)'}",
        ]
        lines += [f"PROBLEM: {p}" for p in self.problems] or ["Everything the labs need is here."]
        return lines


def _version(name: str) -> str:
    try:
        module = importlib.import_module(name)
    except Exception:  # a broken install counts as missing
        return "missing"
    return str(getattr(module, "__version__", "installed"))


class NetworkBlocked(OSError):
    pass


@contextlib.contextmanager
def no_network():
    """Inside this block any attempt to open a network connection raises NetworkBlocked."""
    original_connect, original_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def refuse(*args, **kwargs):
        raise NetworkBlocked("the lab tried to use the network")

    socket.socket.connect = refuse
    socket.getaddrinfo = refuse
    try:
        yield
    finally:
        socket.socket.connect, socket.getaddrinfo = original_connect, original_getaddrinfo


def offline_selftest() -> float:
    """Render a twin, run the face-swap model and Meso-4 once with the network blocked; seconds taken.

    Raises LabError naming the step that needed the network.
    """
    import torch

    from deepfake_edu.data.images import to_tensor
    from deepfake_edu.data.twins import Factors, make_identity, render_face
    from deepfake_edu.registry import create_model
    from deepfake_edu.swap.model import faceswap

    started = time.perf_counter()
    with no_network():
        try:
            face = render_face(make_identity(0), Factors(), 64).image
            with torch.no_grad():
                faceswap("classroom").eval().swap(to_tensor(face), 1)
                create_model("meso4").eval()(torch.zeros(1, 3, 256, 256))
        except NetworkBlocked as error:
            raise LabError(f"a lab step needed the network ({error}): report this as a bug") from None
    return time.perf_counter() - started


def authors_weights(name: str = "Meso4_DF.h5") -> Path | None:
    """The MesoNet authors' weight file in models/keras/, or None."""
    from deepfake_edu.paths import models_dir

    path = models_dir() / "keras" / name
    return path if path.is_file() else None


def sample_video() -> Path | None:
    return OPENCV_SAMPLE_VIDEO if OPENCV_SAMPLE_VIDEO.is_file() else None


def setup_report() -> SetupReport:
    """Everything lab 0 shows; ``problems`` lists what must be fixed."""
    import torch

    from deepfake_edu import paths

    versions = {name if name != "cv2" else "opencv": _version(name) for name in PACKAGES}
    problems = [f"{name} is missing: pip install -e '.[notebooks]' from the lab's folder" for name, v in versions.items() if v == "missing"]
    try:
        seconds, offline = offline_selftest(), True
    except LabError as error:
        seconds, offline = float("nan"), False
        problems.append(str(error))
    home = paths.lab_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        problems.append(f"cannot write in {home} ({error.strerror}): set DEEPFAKE_EDU_HOME to a folder you can write")
    return SetupReport(
        python=platform.python_version(),
        versions=versions,
        cores=os.cpu_count() or 1,
        torch_threads=torch.get_num_threads(),
        gpu=torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none (the labs are made for a CPU)",
        home=home,
        datasets=paths.datasets_dir(),
        runs=paths.runs_dir(),
        models=paths.models_dir(),
        offline_ok=offline,
        offline_seconds=seconds,
        authors_weights=authors_weights(),
        sample_video=sample_video(),
        problems=problems,
    )
