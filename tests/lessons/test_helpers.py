"""The lesson helpers that compute what the notebooks show, on tiny inputs."""

from __future__ import annotations

import socket

import numpy as np
import pytest
import torch



def test_no_network_blocks_connections_and_restores_them():
    from deepfake_edu.lessons.setup import NetworkBlocked, no_network

    with no_network():
        with pytest.raises(NetworkBlocked):
            socket.create_connection(("example.org", 80), timeout=1)
    assert socket.socket.connect is not None and socket.getaddrinfo.__name__ == "getaddrinfo"


def test_setup_report_lists_what_lab0_shows(tmp_path, monkeypatch):
    from deepfake_edu.lessons.setup import setup_report

    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path))
    report = setup_report()
    assert report.offline_ok and report.datasets == tmp_path / "datasets" and report.cores >= 1
    text = "\n".join(report.lines())
    assert "CPU cores" in text and str(tmp_path / "datasets") in text


@pytest.fixture(scope="module")
def twins_set(tmp_path_factory):
    from deepfake_edu.data.twins import generate_twins_dataset

    path = tmp_path_factory.mktemp("twins") / "t"
    generate_twins_dataset(path, identities=2, per_identity=6, size=64, seed=0)
    return path


def test_region_errors_are_zero_for_a_perfect_copy_and_large_for_grey(twins_set):
    from deepfake_edu.lessons.funnel import REGION_ORDER, held_out_faces, region_errors

    images, records, info = held_out_faces(twins_set, "twin-00", 3)

    class Copy(torch.nn.Module):  # an autoencoder that rebuilds perfectly, or paints grey
        def __init__(self, grey: bool):
            super().__init__()
            self.grey = grey

        def encode(self, faces):
            return faces

        def decode(self, code, identity):
            return torch.full_like(code, 0.5) if self.grey else code

    perfect = region_errors(Copy(False), images, records, info, 0)
    grey = region_errors(Copy(True), images, records, info, 0)
    assert list(perfect) == list(REGION_ORDER)
    assert max(perfect.values()) < 1.0 and min(grey.values()) > 5.0


def test_code_similarity_sees_codes_that_ignore_the_person():
    from deepfake_edu.lessons.swaplab import code_similarity, swap_against_truth
    from deepfake_edu.swap.metrics import TrueAnswerSet

    torch.manual_seed(0)
    faces = torch.rand(8, 3, 16, 16)
    truth = (faces * 0.9 + 0.05).clamp(0, 1)  # "B" = the same expression, another tint

    class ExpressionCoder(torch.nn.Module):  # the code is the face's layout, whoever it is
        def __init__(self):
            super().__init__()
            self.p = torch.nn.Parameter(torch.zeros(1))

        def encode(self, x):
            return x.flatten(1) - x.flatten(1).mean(1, keepdim=True)

        def swap(self, x, identity):
            return x * 0.9 + 0.05

    answers = TrueAnswerSet(0, 1, faces, truth)
    similarity = code_similarity(ExpressionCoder(), answers)
    assert similarity["same_expression"] > 0.99 > similarity["random_pairs"]
    scores = swap_against_truth(ExpressionCoder(), answers)
    assert scores["swap"] > scores["source"]


def test_variety_tells_a_still_face_from_a_varied_set(twins_set):
    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.lessons.ownfaces import variety

    varied = load_dataset(twins_set).images("twin-00")
    still = np.repeat(varied[:1], len(varied), axis=0)
    assert variety(still)["change"] < 0.01 < variety(varied)["change"]
    assert variety(still)["brightness_range"] == 0


def test_noise_pictures_show_jpeg_erasing_noise():
    from deepfake_edu.data.images import jpeg_roundtrip
    from deepfake_edu.lessons.detectlab import noise_energy, residual_picture

    rng = np.random.default_rng(0)
    noisy = np.clip(128 + rng.normal(0, 6, (64, 64, 3)), 0, 255).astype(np.uint8)
    assert noise_energy(jpeg_roundtrip(noisy, 20)) < noise_energy(noisy) / 2
    flat = np.full((32, 32, 3), 77, np.uint8)
    assert (residual_picture(flat) == 128).all()



def test_shipped_model_line_reads_the_card_and_says_when_nothing_ships():
    from deepfake_edu import zoo
    from deepfake_edu.lessons.training import shipped_model_line

    card = zoo.card("swap-twins")
    line = shipped_model_line("swap-twins")
    assert f"{card['steps']} steps" in line and f"{card['measured']['swap_ssim']:.3f}" in line
    assert "ships no" in shipped_model_line("no-such-model")
