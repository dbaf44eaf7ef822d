"""The synthetic twins: faces of invented people, the lab's default dataset. Import them from here.

No real person is needed to learn. Each twin is an ``Identity`` (face shape, skin, hair, eyes,
brows, nose, mouth, glasses, beard) made deterministically from (seed, index); each image of a
twin is that identity under its own ``Factors`` (pose, expression, gaze, light, background,
camera noise, JPEG). Because the factors are known, the true answer of a face swap can be
rendered: identity B under the factors of an image of A (``true_swap``).

    from deepfake_edu.data.twins import make_identities, sample_factors, render_face, true_swap
    alice, bob = make_identities(2, seed=0)
    factors = sample_factors(seed=123)
    a = render_face(alice, factors, size=128)          # a.image (128, 128, 3) uint8, a.landmarks
    truth = true_swap(bob, factors, size=128)          # what a perfect swap of a would look like

``generate_twins_dataset`` writes a dataset in the lab format (deepfake_edu.data.dataset);
``render_video`` and ``write_video`` make short talking, blinking clips.

This module is the twins' entry point: it holds the renders of one (identity, factors) pair the
lessons measure against (``true_swap``, ``face_mask``) and re-exports the rest from the module
that owns each job: ``twins_people`` (identities and factors), ``twins_render`` (the renderer),
``twins_video`` (clips), ``twins_dataset`` (datasets and the contact sheet).
"""

from __future__ import annotations

import numpy as np

from deepfake_edu.data.twins_dataset import (
    GENERATOR_NAME,
    GENERATOR_VERSION,
    contact_sheet,
    generate_twins_dataset,
    render_pool,
    twins_items,
)
from deepfake_edu.data.twins_people import (
    BEARD_STYLES,
    HAIR_STYLES,
    Factors,
    Identity,
    identity_name,
    image_seed,
    make_identities,
    make_identity,
    sample_factors,
    with_factors,
)
from deepfake_edu.data.twins_render import (
    EYE_LEFT,
    EYE_RIGHT,
    LANDMARK_INDEX,
    LANDMARK_NAMES,
    OUTLINE_POINTS,
    SIZES,
    FaceRender,
    check_size,
    head_rotation,
    landmarks_from_dict,
    landmarks_to_dict,
    render_face,
)
from deepfake_edu.data.twins_video import render_video, video_factors
from deepfake_edu.data.video import write_video  # uint8 RGB (T, H, W, 3) -> .mp4 / .avi, atomically

__all__ = [
    "EYE_LEFT", "EYE_RIGHT", "SIZES", "LANDMARK_NAMES", "LANDMARK_INDEX", "OUTLINE_POINTS",
    "GENERATOR_NAME", "GENERATOR_VERSION", "HAIR_STYLES", "BEARD_STYLES",
    "Identity", "Factors", "FaceRender", "make_identity", "make_identities", "identity_name",
    "sample_factors", "image_seed", "render_face", "true_swap", "face_mask",
    "render_video", "video_factors", "write_video", "contact_sheet", "with_factors", "generate_twins_dataset", "twins_items",
    "render_pool",
    "landmarks_to_dict", "landmarks_from_dict", "head_rotation", "check_size",
]


# --------------------------------------------------------------------------------------------
# renders: the true swap, masks, regions


def true_swap(identity_b: Identity, factors_a: Factors, size: int = 128, with_mask: bool = False) -> FaceRender:
    """The exact answer of a face swap: ``identity_b`` with everything else of an image of A
    (pose, expression, gaze, light, background, noise, JPEG). Measure a swap against it
    (SSIM/PSNR). Same as ``render_face(identity_b, factors_a, size)``; bit-for-bit reproducible."""
    return render_face(identity_b, factors_a, size, with_mask=with_mask)


def face_mask(identity: Identity, factors: Factors, size: int = 128) -> np.ndarray:
    """float32 (size, size) in [0, 1]: the skin of the face (see FaceRender.mask)."""
    return render_face(identity, factors, size, with_mask=True).mask
