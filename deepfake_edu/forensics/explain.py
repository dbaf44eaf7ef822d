"""Looking inside a detector: Grad-CAM heatmaps, layer activations, and occlusion by facial region.

The seed interview: "by analysing the various layers of our network, we realised that the eyes
play an important role". Three tools let a student check that on their own faces:

- ``grad_cam(model, image, layer)``: where, for one picture, the chosen convolution layer's
  evidence for "fake" lies (gradient-weighted activations, upsampled to the input size), and
  ``region_heat(heatmap, landmarks)``, its mean over each facial region (on real faces with 68
  landmarks, the landmark polygons of eyes, brows, nose, mouth and cheeks);
- ``layer_activations(model, image)`` and ``activation_grid``: what each layer's channels respond to;
- occlusion by facial region lives beside it, in ``forensics.occlusion``; the regions
  themselves in ``faces.regions``.

Models follow the lab's convention: float (B, 3, H, W) in [0, 1] -> logits (B,) of P(fake).
Load a saved one with ``deepfake_edu.detect.keras_import.load_detector`` (``kinds=None`` for any
registered model, not only a MesoNet).
"""

from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from deepfake_edu.errors import LabError



# ---------------------------------------------------------------------------------- model helpers


def _as_input(image, size: int | None = None):
    """uint8 (H, W, 3) / float tensor (3, H, W) or (1, 3, H, W) -> float tensor (1, 3, H, W)."""
    import torch

    from deepfake_edu.data.images import to_tensor

    if isinstance(image, np.ndarray):
        if size is not None and image.shape[:2] != (size, size):
            image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)
        return to_tensor(image)
    if not isinstance(image, torch.Tensor):
        raise LabError("give the image as a uint8 (H, W, 3) array or a float (3, H, W) tensor")
    return image[None] if image.ndim == 3 else image


def _named_module(model, layer: str):
    modules = dict(model.named_modules())
    if layer not in modules or layer == "":
        raise LabError(f"the model has no layer {layer!r}; its convolution layers are: {', '.join(conv_layer_names(model))}")
    return modules[layer]


def conv_layer_names(model) -> list[str]:
    """Names of the model's Conv2d layers, input to output (the names ``grad_cam`` accepts first)."""
    import torch.nn as nn

    return [name for name, module in model.named_modules() if isinstance(module, nn.Conv2d)]


def fake_probability(model, images) -> np.ndarray:
    """P(fake) (N,) of a torch model (logits) on uint8 (N, H, W, 3) or float (N, 3, H, W) images,
    or of any detector with ``predict_proba`` on uint8 images."""
    if hasattr(model, "predict_proba"):
        return np.asarray(model.predict_proba(np.asarray(images)), np.float64).ravel()
    import torch

    from deepfake_edu.data.images import to_tensor

    batch = to_tensor(np.asarray(images)) if isinstance(images, np.ndarray) else images
    device = next(model.parameters()).device
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(batch), 32):
            out.append(torch.sigmoid(model(batch[start : start + 32].to(device)).reshape(-1)).double().cpu().numpy())
    return np.concatenate(out)


# ---------------------------------------------------------------------------------------- Grad-CAM


def grad_cam(model, image, layer: str | None = None, towards: str = "fake") -> np.ndarray:
    """Grad-CAM of one image at one layer: float32 (H, W) in [0, 1], the input's size.

    image: uint8 (H, W, 3) or float (3, H, W) / (1, 3, H, W) in [0, 1]. layer: a module name from
    ``model.named_modules()`` (default: the last Conv2d). towards: "fake" explains the logit,
    "real" its negative. Each channel of the layer's output is weighted by the mean gradient of
    the score over its positions; the weighted sum, clipped at zero, is upsampled bilinearly.
    An all-zero map means nothing in the layer pushed towards the chosen answer.
    """
    import torch
    import torch.nn.functional as F

    if towards not in ("fake", "real"):
        raise LabError(f"towards must be 'fake' or 'real', not {towards!r}")
    layer = layer or (conv_layer_names(model) or [None])[-1]
    if layer is None:
        raise LabError("the model has no convolution layer to explain: pass --layer NAME")
    module = _named_module(model, layer)
    x = _as_input(image).to(next(model.parameters()).device)
    if x.shape[0] != 1:
        raise LabError("grad_cam explains one image at a time")
    captured: dict = {}

    def keep_output(_module, _inputs, output):
        output.retain_grad()
        captured["activation"] = output
        # Hand the rest of the network a copy, so an in-place ReLU after this layer cannot
        # overwrite the activation we explain (the gradient still flows back to it).
        return output.clone()

    handle = module.register_forward_hook(keep_output)
    was_training = model.training
    try:
        model.eval()
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)  # so the graph exists even if early layers are frozen
            logit = model(x).reshape(-1)[0]
            score = logit if towards == "fake" else -logit
            model.zero_grad(set_to_none=True)
            score.backward()
    finally:
        handle.remove()
        model.train(was_training)
    activation = captured.get("activation")
    if activation is None or activation.ndim != 4:
        raise LabError(f"layer {layer!r} does not give a (B, C, h, w) feature map: choose a convolution layer")
    weights = activation.grad.mean(dim=(2, 3), keepdim=True)  # (1, C, 1, 1)
    cam = F.relu((weights * activation).sum(dim=1, keepdim=True))  # (1, 1, h, w)
    cam = F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[0, 0]
    peak = cam.max()
    cam = cam / peak if peak > 0 else cam
    return cam.detach().float().cpu().numpy()


def overlay(image: np.ndarray, heatmap: np.ndarray, alpha: float = 0.45) -> np.ndarray:
    """Blend a heatmap (h, w) in [0, 1] onto uint8 RGB (H, W, 3) with the JET colour map -> uint8 (H, W, 3)."""
    height, width = image.shape[:2]
    heat = cv2.resize(np.asarray(heatmap, np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    heat = np.uint8(np.clip(heat, 0, 1) * 255)
    colour = cv2.cvtColor(cv2.applyColorMap(heat, cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)
    return np.uint8(np.clip((1 - alpha) * image.astype(np.float32) + alpha * colour.astype(np.float32), 0, 255))


# ------------------------------------------------------------------------------ layer activations


def layer_activations(model, image, layers: Sequence[str] | None = None) -> dict:
    """Outputs of the model's layers for one image (or a batch): name -> tensor.

    Default layers: every leaf module whose output is a feature map (B, C, h, w), in execution
    order. For one image (uint8 (H, W, 3) or float (3, H, W)) each tensor is (C, h, w); for a
    batch (B, 3, H, W) it is (B, C, h, w).
    """
    import torch

    single = isinstance(image, np.ndarray) or image.ndim == 3
    x = _as_input(image).to(next(model.parameters()).device)
    modules = dict(model.named_modules())
    if layers is None:
        chosen = [name for name, module in modules.items() if name and not any(True for _ in module.children())]
    else:
        chosen = list(layers)
        for name in chosen:
            _named_module(model, name)
    outputs: dict = {}
    handles = []
    for name in chosen:

        def keep(_module, _inputs, output, name=name):
            if isinstance(output, torch.Tensor) and output.ndim == 4 and name not in outputs:
                kept = output.detach().clone()  # clone: a later in-place ReLU would overwrite it
                outputs[name] = kept[0] if single else kept

        handles.append(modules[name].register_forward_hook(keep))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    if layers is not None:
        missing = [name for name in chosen if name not in outputs]
        if missing:
            raise LabError(f"layers {', '.join(missing)} give no (B, C, h, w) feature map: choose convolution or pooling layers")
    return outputs


def activation_grid(activation, max_channels: int = 16, cell: int = 64, columns: int = 4) -> np.ndarray:
    """A picture of one layer's channels: uint8 RGB grid of up to ``max_channels`` maps.

    activation: (C, h, w) tensor or array. Each channel is scaled to its own min..max (so weak
    channels are visible; compare brightness within a cell, not across cells) and coloured with
    the viridis map; cells are ``cell`` pixels square with a 2-pixel gap.
    """
    maps = np.asarray(activation.detach().float().cpu() if hasattr(activation, "detach") else activation, np.float32)
    if maps.ndim != 3:
        raise LabError(f"activation_grid needs one layer's (C, h, w) activations, got shape {maps.shape}")
    maps = maps[:max_channels]
    count = len(maps)
    columns = min(columns, count)
    rows = -(-count // columns)
    gap = 2
    grid = np.full((rows * (cell + gap) - gap, columns * (cell + gap) - gap, 3), 255, np.uint8)
    for index, channel in enumerate(maps):
        low, high = float(channel.min()), float(channel.max())
        scaled = np.uint8(255 * (channel - low) / (high - low)) if high > low else np.zeros_like(channel, np.uint8)
        scaled = cv2.resize(scaled, (cell, cell), interpolation=cv2.INTER_NEAREST)
        coloured = cv2.cvtColor(cv2.applyColorMap(scaled, cv2.COLORMAP_VIRIDIS), cv2.COLOR_BGR2RGB)
        r, c = divmod(index, columns)
        grid[r * (cell + gap) : r * (cell + gap) + cell, c * (cell + gap) : c * (cell + gap) + cell] = coloured
    return grid


# ------------------------------------------------------------------------ one picture, explained


def face_crop(image: np.ndarray, size: int = 256) -> tuple[np.ndarray, dict | None]:
    """A square face crop for a detector, and its landmark dict (crop pixels) when a face was found.

    A square image (within 2 %) is taken as an existing crop and resized to ``size``; its face is
    looked for in it (``faces.regions.landmarks_for_crop``: dlib's 68 points where installed,
    else OpenCV's eyes), landmarks None when none is found. Any other image goes through the
    default face finder (``get_backend()``) and the "mesonet" framing of ``faces.align`` (the
    largest face); its landmarks come from the 68 points when the backend gives them (the dict
    then has "points_68", and the regions follow them), else from the eyes (``landmarks_from_eyes``).
    """
    from deepfake_edu.faces.regions import landmarks_for_crop, landmarks_from_68, landmarks_from_eyes, scale_landmarks

    height, width = image.shape[:2]
    if abs(height - width) <= max(2, 0.02 * max(height, width)):
        if (height, width) != (size, size):
            image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if height > size else cv2.INTER_CUBIC)
        return image, landmarks_for_crop(image)
    from deepfake_edu.faces import align_face, get_backend
    from deepfake_edu.faces.align import apply_affine

    faces = get_backend().detect(image)
    if not faces:
        raise LabError(f"no face found in the {width}x{height} image: give a clearer, frontal photo or a square face crop")
    crop = align_face(image, max(faces, key=lambda f: f.area), "mesonet")
    if crop.face.landmarks is not None and len(crop.face.landmarks) == 68:
        landmarks = landmarks_from_68(apply_affine(crop.transform, crop.face.landmarks))
    else:
        landmarks = landmarks_from_eyes(*crop.eye_positions())
    picture = crop.image
    if picture.shape[0] != size:
        factor = size / picture.shape[0]
        picture = cv2.resize(picture, (size, size), interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)
        landmarks = scale_landmarks(landmarks, factor)
    return picture, landmarks


def region_heat(heatmap: np.ndarray, landmarks: dict) -> dict[str, float]:
    """Mean of a heatmap (H, W) (e.g. ``grad_cam``'s, in [0, 1]) over each facial region of
    ``faces.regions.region_masks`` (landmarks in the heatmap's pixels): region -> mean.

    Real faces with 68 points get ``REGIONS_68`` (eyes, brows, mouth, nose, cheeks, background,
    the 68 points' polygons); the twins and OpenCV's eyes-only faces ``REGIONS`` (ellipses).
    A region with no pixel in the picture is left out. Compare a region's mean with the
    background's: a region that pulls the evidence has a higher mean than its share of the picture.
    """
    from deepfake_edu.faces.regions import region_masks

    heat = np.asarray(heatmap, np.float64)
    if heat.ndim != 2:
        raise LabError(f"region_heat needs one (H, W) heatmap, got shape {heat.shape}")
    return {name: float(heat[mask].mean()) for name, mask in region_masks(landmarks, heat.shape).items() if mask.any()}


def explain_image(model, image: np.ndarray, layer: str | None = None, input_size: int = 256) -> dict:
    """Everything the ``explain`` command shows for one picture (uint8 (H, W, 3)).

    The picture goes through ``face_crop`` (a square crop is used as it is, anything else is
    searched for a face). Returns {"probability": P(fake), "layer": name, "heatmap": float
    (input_size, input_size), "overlay": uint8 (input_size, input_size, 3), "image": the crop,
    "landmarks": dict or None, "region_heat": the heatmap's mean per facial region
    (``region_heat``) or None without landmarks}.
    """
    crop, landmarks = face_crop(image, input_size)
    layer = layer or (conv_layer_names(model) or [None])[-1]
    heatmap = grad_cam(model, crop, layer)
    return {
        "region_heat": None if landmarks is None else region_heat(heatmap, landmarks),
        "probability": float(fake_probability(model, crop[None])[0]),
        "layer": layer,
        "heatmap": heatmap,
        "overlay": overlay(crop, heatmap),
        "image": crop,
        "landmarks": landmarks,
    }
