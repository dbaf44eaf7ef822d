from pathlib import Path

import numpy as np
import pytest

OPENCV_DOC = Path("/usr/share/doc/opencv-doc/examples/data")


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (a dev dependency) ships the astronaut photo")
    return skimage_data.astronaut()


@pytest.fixture(scope="session")
def grace_hopper() -> np.ndarray:
    import matplotlib.cbook

    from deepfake_edu.data.images import read_image

    return read_image(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))


@pytest.fixture(scope="session")
def megamind() -> Path:
    path = OPENCV_DOC / "Megamind.avi"
    if not path.exists():
        pytest.skip("Debian's opencv-doc is not installed (apt-get install opencv-doc gives Megamind.avi)")
    return path


@pytest.fixture(scope="session")
def messi() -> Path:
    path = OPENCV_DOC / "messi5.jpg"
    if not path.exists():
        pytest.skip("Debian's opencv-doc is not installed (apt-get install opencv-doc gives messi5.jpg)")
    return path


@pytest.fixture(scope="session")
def backend():
    from deepfake_edu.faces.backends import get_backend

    return get_backend("opencv")


@pytest.fixture
def lab_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path))
    return tmp_path
