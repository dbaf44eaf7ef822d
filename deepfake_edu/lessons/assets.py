"""The lab's prepared assets (twins, a trained swap, a real/fake set, a trained detector) for labs 2-7.

``deepfake_edu.lab.prepare_lab`` makes them once and finds them again afterwards; lab 0 starts
it so that the later labs do not wait. Fast mode asks for a tiny version.
"""

from __future__ import annotations

from deepfake_edu.lessons.mode import pick

FULL_MINUTES = 5.0  # preparation budget in full mode
FAST_MINUTES = 0.3  # and in fast mode (CI); prepare_lab needs more than 0.2
FAST_TWINS_PER_IDENTITY = 24  # twins per person in fast mode (full: prepare_lab's default)
FAST_REALFAKE_PER_IDENTITY = 4  # real/fake frame pairs per person in fast mode


def lab_assets(progress: bool = True):
    """``LabAssets`` (home, twins, swap_run, realfake, detector, report), prepared on first use."""
    from deepfake_edu.lab import prepare_lab

    if pick(True, False):
        return prepare_lab(minutes=FAST_MINUTES, progress=progress, per_identity=FAST_TWINS_PER_IDENTITY, realfake_per_identity=FAST_REALFAKE_PER_IDENTITY)
    return prepare_lab(minutes=FULL_MINUTES, progress=progress)
