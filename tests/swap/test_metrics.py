import pytest
import torch

from deepfake_edu.swap.metrics import plot_swap_curves, swap_scores
from tests.swap.conftest import blob_faces


def _float(images):
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255


class _IdentityModel(torch.nn.Module):
    """Stands in for a perfect swapper: returns the answer it is given."""

    def __init__(self, answer):
        super().__init__()
        self.answer = answer
        self.weight = torch.nn.Parameter(torch.zeros(1))

    def swap(self, faces, to_identity):
        return self.answer[: len(faces)]


def test_a_perfect_swap_scores_one_and_a_wrong_one_less():
    truth = _float(blob_faces(1, 4))
    assert swap_scores(_IdentityModel(truth), _float(blob_faces(0, 4)), truth, 1)["ssim"] == pytest.approx(1.0, abs=1e-5)
    wrong = swap_scores(_IdentityModel(_float(blob_faces(0, 4))), _float(blob_faces(0, 4)), truth, 1)
    assert wrong["ssim"] < 0.95 and wrong["psnr"] < 40


def test_swap_curves_plot(tmp_path):
    history = [{"step": 10 * i, "time_s": 30.0 * i, "swap_ssim": 0.3 + 0.05 * i, "swap_ssim_0to1": 0.3 + 0.05 * i, "swap_psnr_0to1": 12 + i} for i in range(1, 5)]
    figure = plot_swap_curves(history, tmp_path / "curves.png")
    left, right = figure.axes
    assert list(left.lines[0].get_ydata()) == [row["swap_ssim_0to1"] for row in history]
    assert list(right.lines[0].get_xdata()) == [0.5, 1.0, 1.5, 2.0]  # minutes
    assert (tmp_path / "curves.png").stat().st_size > 1000


def test_detail_kept_and_region_ssim_of_a_merged_frame():
    import cv2
    import numpy as np

    from deepfake_edu.swap.metrics import detail_kept, region_ssim

    rng = np.random.default_rng(0)
    original = cv2.GaussianBlur(rng.integers(0, 255, (96, 96, 3), dtype=np.uint8), (0, 0), 0.8)
    region = np.zeros((96, 96), bool)
    region[20:70, 30:80] = True
    blurred = original.copy()
    blurred[region] = cv2.GaussianBlur(original, (0, 0), 2.0)[region]
    assert detail_kept(original, original, region) == pytest.approx(1.0)
    assert detail_kept(blurred, original, region) < 0.3
    assert region_ssim(original, original, region) == pytest.approx(1.0, abs=1e-6)
    assert region_ssim(blurred, original, region) < 0.8
    assert region_ssim(blurred, original, ~region & (np.arange(96)[:, None] > 80)) == pytest.approx(1.0, abs=1e-6)  # far from the change
