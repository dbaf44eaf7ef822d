"""C2PA: read offline, whatever the file asks for."""

import pytest


def test_reading_a_manifest_never_fetches_one_or_a_revocation_list(tmp_path, monkeypatch):
    c2pa = pytest.importorskip("c2pa", reason="c2pa-python is not installed (deepfake-edu[provenance])")
    from deepfake_edu.provenance import c2pa_manifest

    asked = []
    real_from_dict = c2pa.Context.from_dict
    monkeypatch.setattr(c2pa.Context, "from_dict", staticmethod(lambda settings: asked.append(settings) or real_from_dict(settings)))
    path = tmp_path / "plain.jpg"
    path.write_bytes(c2pa_manifest_free_jpeg())
    c2pa_manifest.read_manifest(path)
    assert asked and asked[-1]["verify"] == {"remote_manifest_fetch": False, "ocsp_fetch": False}


def c2pa_manifest_free_jpeg() -> bytes:
    import cv2
    import numpy as np

    return cv2.imencode(".jpg", np.full((16, 16, 3), 128, np.uint8))[1].tobytes()
