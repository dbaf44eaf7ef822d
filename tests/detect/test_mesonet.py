import pytest
import torch

from deepfake_edu.detect.fast import optimize_for_inference
from deepfake_edu.detect.mesonet import MesoNet, count_trainable_parameters
from deepfake_edu.registry import create_model, list_models


def randomized(name: str, seed: int = 0) -> MesoNet:
    """A model with non-trivial BatchNorm statistics, so that folding them is really tested."""
    torch.manual_seed(seed)
    model = create_model(name)
    for norm in (m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        norm.running_mean.uniform_(-0.5, 0.5)
        norm.running_var.uniform_(0.5, 2.0)
        norm.weight.data.uniform_(0.5, 1.5)
        norm.bias.data.uniform_(-0.5, 0.5)
    return model.eval()


@pytest.mark.parametrize("name, expected", [("meso4", 27_977), ("mesoinception4", 28_615)])
def test_trainable_parameters_match_the_paper(name, expected):
    assert name in list_models()
    assert count_trainable_parameters(create_model(name)) == expected


@pytest.mark.parametrize("name", ["meso4", "mesoinception4"])
def test_one_logit_per_image_and_the_output_flag_flips_it(name):
    model = randomized(name)
    authors_way = create_model(name, output="p_real").eval()
    authors_way.load_state_dict(model.state_dict())
    images = torch.rand(3, 3, 256, 256)
    with torch.no_grad():
        logits = model(images)
        assert logits.shape == (3,)
        torch.testing.assert_close(authors_way(images), -logits)
        torch.testing.assert_close(model.authors_logit(images), -logits)


def test_train_mode_behaves_like_keras_training():
    model = randomized("meso4")
    images = torch.rand(4, 3, 256, 256)
    model.train()
    before = model.blocks[0].norm.running_mean.clone()
    torch.manual_seed(1)
    first = model(images)
    second = model(images)
    assert not torch.allclose(first, second), "dropout should be active in train mode"
    assert not torch.allclose(before, model.blocks[0].norm.running_mean), "BatchNorm should update its running statistics"
    first.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.eval()
    with torch.no_grad():
        torch.testing.assert_close(model(images), model(images))


@pytest.mark.parametrize("name", ["meso4", "mesoinception4"])
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_optimize_for_inference_gives_the_same_logits(name, workers):
    model = randomized(name)
    fast = optimize_for_inference(model, workers=workers)
    images = torch.rand(5, 3, 256, 256)
    with torch.no_grad():
        expected = model(images)
    torch.testing.assert_close(fast(images), expected, atol=1e-5, rtol=1e-5)  # micro-batches
    torch.testing.assert_close(fast(images[:1]), expected[:1], atol=1e-5, rtol=1e-5)  # strips of one image
    channels_last = images.contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(fast(channels_last), expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("phases", [False, True])
@pytest.mark.parametrize("split", [False, True])
def test_every_choice_the_fast_model_can_make_gives_the_same_logits(phases, split):
    """The fast model picks its strategies by timing them on the machine; each must be exact."""
    model = randomized("meso4")
    fast = optimize_for_inference(model, workers=2)
    for block in fast.blocks:
        block.use_phases = phases and block.phase_weight is not None
    fast.split_single_images = split
    assert any(block.phase_weight is not None for block in fast.blocks)  # Meso-4's pooled 2x2 blocks can
    images = torch.rand(3, 3, 256, 256)
    with torch.no_grad():
        expected = model(images)
    torch.testing.assert_close(fast(images), expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(fast(images[:1]), expected[:1], atol=1e-5, rtol=1e-5)


def test_optimize_for_inference_handles_a_negative_batchnorm_scale():
    model = randomized("meso4")
    model.blocks[1].norm.weight.data[0] = -0.7
    fast = optimize_for_inference(model, workers=2)
    assert not fast.blocks[1].fold_scale and fast.blocks[0].fold_scale
    images = torch.rand(2, 3, 256, 256)
    with torch.no_grad():
        torch.testing.assert_close(fast(images), model(images), atol=1e-5, rtol=1e-5)


def test_optimize_for_inference_refuses_a_model_in_train_mode():
    with pytest.raises(ValueError, match="eval"):
        optimize_for_inference(create_model("meso4").train())
