import torch

from deepfake_edu.swap.augment import AugmentConfig, augment, draw_params
from tests.swap.conftest import blob_faces


def test_warp_keeps_shape_and_is_deterministic_for_a_seed():
    faces = torch.from_numpy(blob_faces(0, 6))
    config = AugmentConfig()
    first = augment(faces, draw_params(7, 3, 0, 6, config))
    again = augment(faces, draw_params(7, 3, 0, 6, config))
    other = augment(faces, draw_params(7, 4, 0, 6, config))
    inputs, targets, masks = first
    assert inputs.shape == targets.shape == (6, 3, 64, 64) and masks is None
    assert float(inputs.min()) >= 0 and float(inputs.max()) <= 1
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    assert not torch.allclose(first[0], other[0])
    # The input is bent, the target is not: they differ, but only a little.
    difference = (inputs - targets).abs().mean()
    assert 0.002 < float(difference) < 0.2


def test_no_augmentation_returns_the_faces():
    faces = torch.from_numpy(blob_faces(1, 3))
    off = AugmentConfig(rotation_deg=0, zoom=0, shift=0, flip=False, warp=0, brightness=0, contrast=0, saturation=0)
    inputs, targets, _ = augment(faces, draw_params(0, 0, 0, 3, off))
    original = faces.permute(0, 3, 1, 2).float() / 255
    assert torch.allclose(inputs, original, atol=1e-5) and torch.allclose(targets, original, atol=1e-5)


def test_a_slice_of_the_global_draw_is_the_same_as_drawing_it_whole():
    config = AugmentConfig()
    whole = draw_params(1, 9, 2, 8, config)
    faces = torch.from_numpy(blob_faces(0, 8))
    full = augment(faces, whole)[0]
    halves = torch.cat([augment(faces[:4], whole[0:4])[0], augment(faces[4:], whole[4:8])[0]])
    assert torch.allclose(full, halves, atol=1e-6)


def test_masks_follow_the_target():
    faces = torch.from_numpy(blob_faces(0, 2))
    masks = torch.zeros(2, 1, 64, 64)
    masks[..., 20:30, 20:30] = 1
    flip_only = AugmentConfig(rotation_deg=0, zoom=0, shift=0, flip=True, warp=0, brightness=0, contrast=0, saturation=0)
    params = draw_params(0, 0, 0, 2, flip_only)
    _, _, moved = augment(faces, params, masks)
    for i in range(2):
        mirrored = float(params.theta[i, 0, 0]) < 0
        expected = masks[i].flip(-1) if mirrored else masks[i]
        assert torch.allclose(moved[i], expected, atol=1e-5)


def test_colour_jitter_changes_the_input_and_leaves_the_target_its_true_colours():
    faces = torch.from_numpy(blob_faces(0, 4))
    colour_only = AugmentConfig(rotation_deg=0, zoom=0, shift=0, flip=False, warp=0, brightness=0.15, contrast=0.25, saturation=0.25)
    inputs, targets, _ = augment(faces, draw_params(3, 1, 0, 4, colour_only))
    original = faces.permute(0, 3, 1, 2).float() / 255
    assert torch.allclose(targets, original, atol=1e-5)
    assert float((inputs - original).abs().mean()) > 0.02
