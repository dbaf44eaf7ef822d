"""Looking inside a detector: Grad-CAM heatmaps, layer activations, and occlusion by facial region.

The seed interview: "by analysing the various layers of our network, we realised that the eyes
play an important role". Three tools let a student check that on their own faces:

- ``grad_cam(model, image, layer)``: where, for one picture, the chosen convolution layer's
  evidence for "fake" lies (gradient-weighted activations, upsampled to the input size);
- ``layer_activations(model, image)`` and ``activation_grid``: what each layer's channels respond to;
- ``occlusion_study(model, images, landmarks_list)``: hide one facial region at a time (eyes,
  mouth, nose, cheeks, background) and measure how much P(fake) moves, averaged over many faces.

Models follow the lab's convention: float (B, 3, H, W) in [0, 1] -> logits (B,) of P(fake).
Load a saved one with ``deepfake_edu.detect.keras_import.load_detector`` (``kinds=None`` for any
registered model, not only a MesoNet).

Landmark dict (pixel coordinates (x, y) in the image the masks are for):

    "eye_left", "eye_right"      centres of the eyes (left = smaller x in the image)   required
    "nose_tip"                   tip of the nose                                        required
    "mouth_left", "mouth_right"  corners of the mouth                                   required
    "mouth_center"               centre of the mouth (default: midpoint of the corners) optional
    "chin"                       bottom of the chin                                     required
    "outline"                    (K, 2) points of the jaw line, e.g. the twins'
                                 outline_00.. (widens the default face)                 optional
    "face_mask"                  bool (H, W), True on the face (default: an ellipse
                                 fitted to the landmarks, joined with the outline's hull) optional

``landmarks_from_68(points)`` converts the common 68-point (iBUG) layout to this dict;
``landmarks_from_eyes(left, right)`` estimates it from the eye centres alone.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import cv2
import numpy as np

from deepfake_edu.errors import LabError

REGIONS = ("eyes", "mouth", "nose", "cheeks", "background")
REQUIRED_LANDMARKS = ("eye_left", "eye_right", "nose_tip", "mouth_left", "mouth_right", "chin")


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


# ------------------------------------------------------------------------------- facial regions


def _point(landmarks: Mapping, key: str) -> np.ndarray:
    return np.asarray(landmarks[key], np.float64).reshape(2)


def landmarks_from_68(points) -> dict:
    """68-point iBUG landmarks (68, 2) (x, y) -> the landmark dict of this module."""
    p = np.asarray(points, np.float64)
    if p.shape != (68, 2):
        raise LabError(f"expected 68 (x, y) landmarks, got shape {p.shape}")
    first, second = p[36:42].mean(0), p[42:48].mean(0)
    left, right = (first, second) if first[0] <= second[0] else (second, first)
    return {
        "eye_left": tuple(left),
        "eye_right": tuple(right),
        "nose_tip": tuple(p[30]),
        "mouth_left": tuple(p[48]),
        "mouth_right": tuple(p[54]),
        "mouth_center": tuple(p[[51, 57, 62, 66]].mean(0)),
        "chin": tuple(p[8]),
    }


def landmarks_from_eyes(left_eye, right_eye) -> dict:
    """Estimate the landmark dict from the two eye centres alone (what the OpenCV backend finds).

    The lab's mean face (``faces.align.MEAN_FACE_68``, in eye-gap units) is scaled, rotated and
    placed on the eyes; nose, mouth and chin are where an average face has them, so the masks are
    approximate for unusual faces or strong head turns.
    """
    from deepfake_edu.faces.align import MEAN_FACE_68

    left, right = np.asarray(left_eye, np.float64), np.asarray(right_eye, np.float64)
    if left[0] > right[0]:
        left, right = right, left
    gap = right - left
    scale = float(np.hypot(*gap))
    if scale < 2:
        raise LabError("the two eye positions are (almost) the same: check the landmarks")
    along = gap / scale
    across = np.array([-along[1], along[0]])  # image "down" for an upright face
    points = (left + right) / 2 + scale * (MEAN_FACE_68[:, :1] * along + MEAN_FACE_68[:, 1:] * across)
    return landmarks_from_68(points)


def face_crop(image: np.ndarray, size: int = 256) -> tuple[np.ndarray, dict | None]:
    """A square face crop for a detector, and its landmark dict when a face was found.

    A square image (within 2 %) is taken as an existing crop and resized to ``size``: landmarks
    None. Any other image goes through the OpenCV face finder and the "mesonet" framing of
    ``faces.align`` (the largest face); its landmarks come from the 68 points when the backend
    gives them, else from the eyes (``landmarks_from_eyes``).
    """
    height, width = image.shape[:2]
    if abs(height - width) <= max(2, 0.02 * max(height, width)):
        if (height, width) != (size, size):
            image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if height > size else cv2.INTER_CUBIC)
        return image, None
    from deepfake_edu.faces import align_face, get_backend
    from deepfake_edu.faces.align import apply_affine

    faces = get_backend("opencv").detect(image)
    if not faces:
        raise LabError(f"no face found in the {width}x{height} image: give a clearer, frontal photo or a square face crop")
    crop = align_face(image, faces[0], "mesonet")
    if crop.face.landmarks is not None and len(crop.face.landmarks) == 68:
        landmarks = landmarks_from_68(apply_affine(crop.transform, crop.face.landmarks))
    else:
        landmarks = landmarks_from_eyes(*crop.eye_positions())
    picture = crop.image
    if picture.shape[0] != size:
        factor = size / picture.shape[0]
        picture = cv2.resize(picture, (size, size), interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)
        landmarks = {key: (value[0] * factor, value[1] * factor) for key, value in landmarks.items()}
    return picture, landmarks


LANDMARK_KEYS = (*REQUIRED_LANDMARKS, "mouth_center")


def landmarks_from_record(record: Mapping) -> dict | None:
    """The landmark dict of one dataset record, in its crop's pixels; None when it has none.

    Understands: "landmarks" already in this module's format (a dict with "eye_left", ...,
    crop pixels, as the synthetic twins give; their "outline_NN" points become "outline"); "landmarks" as 68 (x, y) frame points plus the
    record's "transform" (frame -> crop, as ``faces extract`` writes); or only "eyes"
    {"left", "right"} plus "transform" (the OpenCV backend), completed by ``landmarks_from_eyes``.
    """
    given = record.get("landmarks")
    if isinstance(given, Mapping):
        found = {key: tuple(np.asarray(given[key], np.float64).reshape(2)) for key in LANDMARK_KEYS if key in given}
        outline = [given[key] for key in sorted(given) if key.startswith("outline_")]
        if outline:
            found["outline"] = np.asarray(outline, np.float64).reshape(-1, 2)
        if "face_mask" in given and given["face_mask"] is not None:
            found["face_mask"] = np.asarray(given["face_mask"], bool)
        return found if all(key in found for key in REQUIRED_LANDMARKS) else None
    transform = record.get("transform")
    if transform is None:
        return None
    from deepfake_edu.faces.align import apply_affine

    transform = np.asarray(transform, np.float64)
    if given is not None and np.asarray(given).shape == (68, 2):
        return landmarks_from_68(apply_affine(transform, np.asarray(given, np.float64)))
    eyes = record.get("eyes")
    if isinstance(eyes, Mapping) and "left" in eyes and "right" in eyes:
        left, right = apply_affine(transform, np.array([eyes["left"], eyes["right"]], np.float64))
        return landmarks_from_eyes(left, right)
    return None


def landmarks_for_crop(crop: np.ndarray) -> dict | None:
    """Find the face in a square crop with the OpenCV backend; its landmark dict, or None if none is found."""
    from deepfake_edu.faces import get_backend

    faces = get_backend("opencv", min_face=max(20, crop.shape[0] // 4)).detect(crop)
    if not faces:
        return None
    face = faces[0]
    if face.landmarks is not None and len(face.landmarks) == 68:
        return landmarks_from_68(face.landmarks)
    return landmarks_from_eyes(face.left_eye, face.right_eye)


def _ellipse(shape: tuple[int, int], centre, axes, angle_degrees: float) -> np.ndarray:
    canvas = np.zeros(shape, np.uint8)
    # cv2.ellipse draws with integer geometry; shift=4 gives 1/16-pixel precision
    scale = 16
    cv2.ellipse(
        canvas,
        (int(round(centre[0] * scale)), int(round(centre[1] * scale))),
        (max(1, int(round(axes[0] * scale))), max(1, int(round(axes[1] * scale)))),
        angle_degrees,
        0,
        360,
        1,
        thickness=-1,
        shift=4,
    )
    return canvas.astype(bool)


def region_masks(landmarks: Mapping, size) -> dict[str, np.ndarray]:
    """Bool masks (H, W) of the facial regions: eyes, mouth, nose, cheeks, background.

    size: S (square) or (H, W). Geometry scales with the distance d between the eye centres and
    follows the head's roll (the angle of the eye line):
    eyes = an ellipse 0.8 d x 0.5 d around each eye (brows included);
    mouth = an ellipse through the corners, padded by 0.15 d, 0.45 d tall;
    nose = an ellipse from the eye line to just below the nose tip, 0.45 d wide, minus the eyes;
    cheeks = a disc of radius 0.3 d on each side between eye and mouth corner, outside the others;
    background = outside the face (the given ``face_mask``, else an ellipse fitted to the landmarks
    joined with the convex hull of the ``outline`` when there is one).
    The eyes, mouth, nose and cheeks do not overlap one another.
    """
    missing = [key for key in REQUIRED_LANDMARKS if key not in landmarks]
    if missing:
        raise LabError(f"landmarks lack {', '.join(missing)}: see the landmark format in forensics.explain")
    shape = (int(size), int(size)) if np.isscalar(size) else (int(size[0]), int(size[1]))
    eye_l, eye_r = _point(landmarks, "eye_left"), _point(landmarks, "eye_right")
    nose, chin = _point(landmarks, "nose_tip"), _point(landmarks, "chin")
    mouth_l, mouth_r = _point(landmarks, "mouth_left"), _point(landmarks, "mouth_right")
    mouth_c = _point(landmarks, "mouth_center") if "mouth_center" in landmarks else (mouth_l + mouth_r) / 2
    eye_line = eye_r - eye_l
    d = float(np.hypot(*eye_line))
    if d < 2:
        raise LabError("the two eye landmarks are (almost) at the same place: check the landmarks")
    roll = float(np.degrees(np.arctan2(eye_line[1], eye_line[0])))
    down = np.array([-eye_line[1], eye_line[0]]) / d  # unit vector from the eye line towards the chin
    eye_mid = (eye_l + eye_r) / 2

    eyes = _ellipse(shape, eye_l - 0.05 * d * down, (0.4 * d, 0.25 * d), roll) | _ellipse(shape, eye_r - 0.05 * d * down, (0.4 * d, 0.25 * d), roll)
    mouth_width = float(np.hypot(*(mouth_r - mouth_l)))
    mouth = _ellipse(shape, mouth_c, (mouth_width / 2 + 0.15 * d, 0.225 * d), roll)
    nose_top = eye_mid + 0.1 * d * down
    nose_bottom = nose + 0.1 * d * down
    nose_length = float(np.hypot(*(nose_bottom - nose_top)))
    nose_angle = float(np.degrees(np.arctan2(*(nose_bottom - nose_top)[::-1])))
    nose_mask = _ellipse(shape, (nose_top + nose_bottom) / 2, (nose_length / 2, 0.225 * d), nose_angle) & ~eyes & ~mouth
    cheek_radius = 0.3 * d
    outward = eye_line / d
    cheeks = np.zeros(shape, bool)
    for eye, corner, side in ((eye_l, mouth_l, -1), (eye_r, mouth_r, 1)):
        centre = (eye + corner) / 2 + side * 0.2 * d * outward
        cheeks |= _ellipse(shape, centre, (cheek_radius, cheek_radius), 0.0)
    cheeks &= ~(eyes | mouth | nose_mask)

    if landmarks.get("face_mask") is not None:
        face = np.asarray(landmarks["face_mask"], bool)
        if face.shape != shape:
            raise LabError(f"face_mask is {face.shape}, the masks are asked for {shape}")
    else:
        chin_distance = float(np.dot(chin - eye_mid, down))
        centre = eye_mid + 0.3 * chin_distance * down
        face = _ellipse(shape, centre, (1.0 * d, 0.75 * chin_distance), roll)
        if landmarks.get("outline") is not None:  # a jaw outline: its hull, plus the ellipse for the forehead
            hull = cv2.convexHull(np.round(np.asarray(landmarks["outline"], np.float64) * 16).astype(np.int32))
            canvas = np.zeros(shape, np.uint8)
            cv2.fillConvexPoly(canvas, hull, 1, shift=4)
            face |= canvas.astype(bool)
    return {"eyes": eyes, "mouth": mouth, "nose": nose_mask, "cheeks": cheeks, "background": ~face}


# ------------------------------------------------------------------------------------ occlusion


def occlude(image: np.ndarray, mask: np.ndarray, fill: str = "blur") -> np.ndarray:
    """Hide the pixels under ``mask`` (bool (H, W)) in uint8 RGB (H, W, 3); others stay unchanged.

    fill="blur" (default) replaces them by a strong Gaussian blur of the image (sigma = 1/12 of
    the side): the region keeps its colour and rough shading, so the face still looks like a face,
    but the mesoscopic detail a detector reads (eyelids, lashes, teeth, blending seams) is gone.
    fill="mean" paints the region with its own mean colour: harsher, it also removes shading and
    leaves an edge that a network may react to by itself.
    """
    mask = np.asarray(mask, bool)
    if mask.shape != image.shape[:2]:
        raise LabError(f"mask {mask.shape} does not match image {image.shape[:2]}")
    out = image.copy()
    if not mask.any():
        return out
    if fill == "blur":
        sigma = max(image.shape[:2]) / 12
        filled = cv2.GaussianBlur(image, (0, 0), sigmaX=sigma, sigmaY=sigma, borderType=cv2.BORDER_REFLECT)
        out[mask] = filled[mask]
    elif fill == "mean":
        out[mask] = np.uint8(np.rint(image[mask].astype(np.float64).mean(0)))
    else:
        raise LabError(f"fill must be 'blur' or 'mean', not {fill!r}")
    return out


def occlusion_study(
    model,
    images: np.ndarray,
    landmarks_list: Sequence[Mapping],
    regions: Iterable[str] = REGIONS,
    fill: str = "blur",
) -> list[dict]:
    """How much hiding each region moves P(fake), over many faces; rows ranked, strongest first.

    model: a torch model (logits) or a detector with ``predict_proba``; images: uint8 (N, S, S, 3);
    landmarks_list: N landmark dicts in those images' pixels. Row per region: region,
    mean_abs_delta (mean |P(occluded) - P(original)|), mean_delta (signed: negative = hiding it
    makes the face look more real), std_abs_delta, mean_area (share of the image hidden), n.
    """
    images = np.asarray(images)
    if images.ndim != 4 or len(images) != len(landmarks_list):
        raise LabError(f"give images (N, H, W, 3) and one landmark dict per image; got {images.shape} and {len(landmarks_list)}")
    regions = list(regions)
    unknown = [r for r in regions if r not in REGIONS]
    if unknown:
        raise LabError(f"unknown regions {unknown}; choose from {', '.join(REGIONS)}")
    masks = [region_masks(landmarks, images.shape[1:3]) for landmarks in landmarks_list]
    base = fake_probability(model, images)
    rows = []
    for region in regions:
        occluded = np.stack([occlude(image, m[region], fill) for image, m in zip(images, masks)])
        delta = fake_probability(model, occluded) - base
        rows.append(
            {
                "region": region,
                "mean_abs_delta": float(np.abs(delta).mean()),
                "mean_delta": float(delta.mean()),
                "std_abs_delta": float(np.abs(delta).std()),
                "mean_area": float(np.mean([m[region].mean() for m in masks])),
                "n": int(len(images)),
            }
        )
    rows.sort(key=lambda row: row["mean_abs_delta"], reverse=True)
    return rows


def format_occlusion(rows: list[dict]) -> str:
    header = f"{'region':<12} {'mean |dP|':>9} {'mean dP':>8} {'area':>6} {'n':>5}"
    lines = [header, "-" * len(header)]
    lines += [f"{r['region']:<12} {r['mean_abs_delta']:>9.4f} {r['mean_delta']:>+8.4f} {r['mean_area']:>6.1%} {r['n']:>5d}" for r in rows]
    return "\n".join(lines)


def explain_image(model, image: np.ndarray, layer: str | None = None, input_size: int = 256) -> dict:
    """Everything the ``explain`` command shows for one picture (uint8 (H, W, 3)).

    The picture goes through ``face_crop`` (a square crop is used as it is, anything else is
    searched for a face). Returns {"probability": P(fake), "layer": name, "heatmap": float
    (input_size, input_size), "overlay": uint8 (input_size, input_size, 3), "image": the crop,
    "landmarks": dict or None}.
    """
    crop, landmarks = face_crop(image, input_size)
    layer = layer or (conv_layer_names(model) or [None])[-1]
    heatmap = grad_cam(model, crop, layer)
    return {
        "probability": float(fake_probability(model, crop[None])[0]),
        "layer": layer,
        "heatmap": heatmap,
        "overlay": overlay(crop, heatmap),
        "image": crop,
        "landmarks": landmarks,
    }


def plot_occlusion(rows: list[dict], path, title: str = "What hiding each region does to P(fake)"):
    """A bar chart of mean |delta P(fake)| per region (PNG), written atomically."""
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import atomic_path

    figure, axes = plt.subplots(figsize=(6, 3.2), dpi=120)
    names = [row["region"] for row in rows]
    axes.bar(names, [row["mean_abs_delta"] for row in rows], yerr=[row["std_abs_delta"] for row in rows], color="#4c72b0", capsize=3)
    for index, row in enumerate(rows):
        axes.text(index, row["mean_abs_delta"], f" {row['mean_area']:.0%} of the image", ha="center", va="bottom", fontsize=7, rotation=90)
    axes.set_ylabel("mean |change of P(fake)|")
    axes.set_title(f"{title} (n = {rows[0]['n'] if rows else 0})", fontsize=9)
    figure.tight_layout()
    path = Path(path)
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png")
    plt.close(figure)
    return path


def _scaled_landmarks(landmarks: dict, factor: float) -> dict:
    scaled = {key: (value[0] * factor, value[1] * factor) for key, value in landmarks.items() if key not in ("face_mask", "outline")}
    if landmarks.get("outline") is not None:
        scaled["outline"] = np.asarray(landmarks["outline"], np.float64) * factor
    if landmarks.get("face_mask") is not None:
        side = int(round(landmarks["face_mask"].shape[0] * factor))
        scaled["face_mask"] = cv2.resize(landmarks["face_mask"].astype(np.uint8), (side, side), interpolation=cv2.INTER_NEAREST).astype(bool)
    return scaled


def load_faces_with_landmarks(path, size: int = 256, limit: int | None = None, label: str | None = "fake") -> tuple[np.ndarray, list[dict], int]:
    """Square face crops and their landmark dicts, for ``occlusion_study``.

    path: a lab dataset (landmarks from its records, see ``landmarks_from_record``), or a folder
    of crops (with real/ and fake/ (or df/, f2f/) subfolders when ``label`` is given; faces found again with
    OpenCV). label: "fake", "real" or None for all. Crops are resized to ``size``. Returns
    (images uint8 (N, size, size, 3), landmark dicts, number of crops skipped for want of landmarks).
    """
    from pathlib import Path

    from deepfake_edu.data.images import IMAGE_SUFFIXES, read_image

    root = Path(path)
    pairs: list[tuple[np.ndarray, dict | None]] = []
    if (root / "dataset.json").exists():
        from deepfake_edu.data.dataset import load_dataset

        dataset = load_dataset(root)
        # records without a "label" (faces extracted from real people) count as real
        records = [r for r in dataset.records if label is None or r.get("label", "real") == label]
        for record in records[:limit]:
            pairs.append((dataset.image(record), landmarks_from_record(record)))
    elif root.is_dir():
        # the MesoNet authors' test folders name their fakes "df" (Deepfake) and "f2f" (Face2Face)
        names = {"fake": ("fake", "df", "f2f"), "real": ("real",)}.get(label, ())
        folder = next((root / name for name in names if (root / name).is_dir()), root)
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)[:limit]
        for file in files:
            image = read_image(file)
            pairs.append((image, landmarks_for_crop(image)))
    else:
        raise LabError(f"no such folder: {root} (give a lab dataset or a folder of face crops)")
    if not pairs:
        raise LabError(f"{root} holds no {label or ''} face crops".replace("  ", " "))
    images, landmarks_list, skipped = [], [], 0
    for image, landmarks in pairs:
        if landmarks is None:
            skipped += 1
            continue
        if image.shape[0] != image.shape[1]:
            raise LabError(f"the crops in {root} are not square: extract faces first (deepfake-edu faces extract)")
        factor = size / image.shape[0]
        if image.shape[0] != size:
            image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)
            landmarks = _scaled_landmarks(landmarks, factor)
        images.append(image)
        landmarks_list.append(landmarks)
    if not images:
        raise LabError(f"no face in {root} has landmarks and none could be found again: use crops from `deepfake-edu faces extract` or the twins")
    return np.stack(images), landmarks_list, skipped
