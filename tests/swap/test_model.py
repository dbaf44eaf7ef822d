import pytest
import torch

from deepfake_edu.registry import create_model, list_models
from deepfake_edu.swap.model import FaceSwapModel, SwapConfig, count_parameters, faceswap


def _expected_original_parameters(n_identities: int = 2) -> int:
    """The 2017 model's count, from its layer list: conv k*k*in*out + out, dense in*out + out."""
    conv = lambda k, i, o: k * k * i * o + o  # noqa: E731
    dense = lambda i, o: i * o + o  # noqa: E731
    encoder = conv(5, 3, 128) + conv(5, 128, 256) + conv(5, 256, 512) + conv(5, 512, 1024)
    encoder += dense(4 * 4 * 1024, 1024) + dense(1024, 4 * 4 * 1024) + conv(3, 1024, 4 * 512)
    decoder = conv(3, 512, 4 * 256) + conv(3, 256, 4 * 128) + conv(3, 128, 4 * 64) + conv(5, 64, 3)
    return encoder + n_identities * decoder


def test_original_has_the_2017_parameter_count():
    model = create_model("faceswap", preset="original")
    assert count_parameters(model) == _expected_original_parameters() == 82_062_470


def test_classroom_is_small_and_registered():
    assert "faceswap" in list_models()
    model = faceswap("classroom")
    assert 1_000_000 <= count_parameters(model) <= 3_000_000


@pytest.mark.parametrize("size", [64, 128])
def test_forward_and_swap_shapes(size):
    model = faceswap("classroom", input_size=size, bottleneck=32, n_identities=3)
    faces = [torch.rand(2, 3, size, size), torch.rand(1, 3, size, size), torch.rand(3, 3, size, size)]
    with torch.no_grad():
        rebuilt = model(faces)
    assert [tuple(r.shape) for r in rebuilt] == [tuple(f.shape) for f in faces]
    assert all(0 <= float(r.min()) and float(r.max()) <= 1 for r in rebuilt)
    assert tuple(model.encode(faces[0]).shape) == (2, 32)
    assert tuple(model.swap(faces[0], 2).shape) == (2, 3, size, size)


def test_funnel_description_narrows_to_the_bottleneck():
    model = faceswap("classroom", bottleneck=48)
    rows = model.layer_sizes()
    narrowest = min(rows, key=lambda row: row["values"])
    assert narrowest["name"] == "encoder bottleneck" and narrowest["shape"] == (48,)
    assert rows[-1]["shape"] == (3, 64, 64)
    assert sum(row["parameters"] for row in rows) == count_parameters(model) - count_parameters(model.decoders[1])
    assert "bottleneck" in model.describe_funnel()


def test_each_identity_loss_trains_the_one_shared_encoder():
    torch.manual_seed(0)
    model = faceswap("classroom", bottleneck=16)
    faces = [torch.rand(2, 3, 64, 64), torch.rand(2, 3, 64, 64)]
    for identity in (0, 1):
        model.zero_grad()
        rebuilt = model(faces)
        rebuilt[identity].mean().backward()
        encoder_grads = [p.grad for p in model.encoder.parameters()]
        assert all(g is not None and g.abs().sum() > 0 for g in encoder_grads)
        other = model.decoders[1 - identity]
        assert all(p.grad is None or p.grad.abs().sum() == 0 for p in other.parameters())
    # Swapping runs the very same encoder object: a change to it changes every swap.
    before = model.swap(faces[0], 1).detach().clone()
    with torch.no_grad():
        model.encoder.bottleneck.bias.add_(1.0)
    assert not torch.allclose(before, model.swap(faces[0], 1))


def test_saved_config_rebuilds_the_same_architecture():
    from deepfake_edu.swap.model import config_dict

    config = SwapConfig.from_preset("classroom", input_size=128, bottleneck=64)
    again = SwapConfig.from_dict(config_dict(config))
    assert again == config
    assert count_parameters(FaceSwapModel(again)) == count_parameters(FaceSwapModel(config))
