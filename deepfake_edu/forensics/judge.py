"""Judging a photo or a video someone hands in: is it a fake, and what drove the score?

One job, for the demo's tab "catch the fake" (and any caller with a loaded detector):

- ``judge_photo``: every face found (largest first, at most ``MAX_FACES``) cut as a MesoNet crop,
  scored (P(fake)), and given a Grad-CAM heatmap of where the last convolution layer found
  evidence for "fake" (``forensics.explain``);
- ``judge_video``: about 30 sampled frames scored (``detect.predict.detect_path``), the authors'
  verdict (fake when most frames are), and a plot of P(fake) over time.

Detectors follow the lab's convention: float (B, 3, 256, 256) in [0, 1] -> logits (B,), loaded
with ``detect.keras_import.load_detector``. Pictures are uint8 RGB (H, W, 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepfake_edu.errors import LabError

MAX_FACES = 6  # faces scored per photo (largest first)


@dataclass
class JudgedFace:
    """One face of a photo: its crop with the heatmap laid over it, and its score."""

    picture: np.ndarray  # uint8 (256, 256, 3): the MesoNet crop with its Grad-CAM heatmap
    p_fake: float  # the detector's P(fake)

    def caption(self, number: int) -> str:
        from deepfake_edu.detect.predict import FAKE_THRESHOLD

        return f"face {number}: P(fake) = {self.p_fake:.2f} ({'fake' if self.p_fake > FAKE_THRESHOLD else 'real'}?)"


@dataclass
class Judgement:
    """What the detector said about a photo (its faces) or a video (its sampled frames)."""

    kind: str  # "image" | "video"
    faces: list[JudgedFace] = field(default_factory=list)  # a photo's faces, left to right as found
    scores: list[float] = field(default_factory=list)  # P(fake) per face (photo) or per frame with a face (video)
    curve: Path | None = None  # a video's P(fake) over time (PNG)
    verdict: object | None = None  # a video's ``detect.predict.Verdict``

    def summary(self, detector_name: str) -> str:
        """Markdown: what was scored and how to read it."""
        from deepfake_edu.detect.predict import FAKE_THRESHOLD

        if self.kind == "video":
            verdict = self.verdict
            return (f"**{verdict.label}**: {verdict.share_fake:.0%} of {verdict.faces_found} sampled frames with a face "
                    f"score above {FAKE_THRESHOLD} (mean P(fake) {verdict.mean_p_fake:.2f}). "
                    f"The authors' rule: a video is called fake when most frames are.")
        count = len(self.faces)
        return "\n\n".join([
            f"{count} face{'s' if count > 1 else ''} scored by {detector_name}.",
            "Warm colours show where the last convolution layer found evidence for *fake* (Grad-CAM).",
            "A score is a guess from a small network trained on particular fakes, not a proof.",
        ])


def face_crops(rgb: np.ndarray, finder=None, limit: int = MAX_FACES) -> list[np.ndarray]:
    """MesoNet crops uint8 (256, 256, 3) of every face ``finder`` (a ``faces`` backend; default
    the lab's default, dlib where installed) finds in ``rgb``, largest first. A square picture with one face filling it is taken as
    a face crop already, and so is a square picture with no face found that could be a crop (as
    ``detect.predict.face_finder`` does: not tiny, flat or the same all over); else a LabError."""
    from deepfake_edu.detect.predict import MIN_FACE_SIDE, already_cropped, crop_problem
    from deepfake_edu.faces import align_face, get_backend

    height, width = rgb.shape[:2]
    found = (finder or get_backend()).detect(rgb)[:limit] if min(height, width) >= MIN_FACE_SIDE else []
    is_square = abs(height - width) <= 0.05 * max(height, width)
    if found and not (is_square and len(found) == 1 and found[0].box[2] >= 0.4 * width):
        return [align_face(rgb, face, "mesonet").image for face in found]
    problem = None if found else crop_problem(rgb)
    if problem is None:
        return [already_cropped(rgb)]
    why = "" if problem.startswith("no face was found") else f"the picture {problem.removeprefix('it ')}; "
    raise LabError(f"no face found: {why}use a photo with a clear, frontal, well-lit face (or a square face crop)")


def judge_photo(model, rgb: np.ndarray, finder=None, explain_model=None, limit: int = MAX_FACES) -> Judgement:
    """Score every face of a photo (uint8 (H, W, 3)) and draw each one's Grad-CAM heatmap.

    explain_model: the detector Grad-CAM hooks (a layer hook for the call's duration). A server
    whose ``model`` scores for other callers at the same time passes its own private copy;
    default ``model`` itself.
    """
    from deepfake_edu.detect.predict import predict_proba
    from deepfake_edu.forensics.explain import grad_cam, overlay

    crops = face_crops(rgb, finder, limit)
    scores = [float(p) for p in predict_proba(model, np.stack(crops))]
    explainer = explain_model if explain_model is not None else model
    faces = [JudgedFace(overlay(crop, grad_cam(explainer, crop)), p) for crop, p in zip(crops, scores)]
    return Judgement("image", faces, scores)


def judge_video(model, path: str | Path, curve_out: str | Path, crop_fn=None) -> Judgement:
    """Score about 30 frames of a video (each frame's largest face, ``crop_fn`` default
    ``detect.predict.face_finder()``) and plot P(fake) over time into ``curve_out`` (PNG)."""
    from deepfake_edu.detect.predict import detect_path, face_finder, plot_verdict

    verdict = detect_path(path, model, crop_fn=crop_fn or face_finder())
    if verdict.faces_found == 0:
        raise LabError("no face found in the sampled frames: use a video with a clear, frontal face")
    curve = plot_verdict(verdict, curve_out)
    scores = [s.p_fake for s in verdict.scores if s.p_fake is not None]
    return Judgement("video", [], scores, curve, verdict)
