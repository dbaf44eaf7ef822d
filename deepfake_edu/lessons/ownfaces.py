"""Lab 3, your own faces: a clip to practise on, extraction with consent, and how varied the faces are.

With consent, students film each other (webcam or phone clip). Without a camera, or in CI, the
lab practises on a shipped clip: Debian's opencv-doc Megamind.avi (an animated face) when
present, else a synthetic twin talking (rendered here, no one's face).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from deepfake_edu.errors import LabError


def practice_clip(frames: int = 150, size: int = 256) -> tuple[Path, str]:
    """(video path, what it shows). Never needs a camera."""
    from deepfake_edu.lessons.setup import sample_video

    shipped = sample_video()
    if shipped is not None:
        return shipped, "Megamind.avi from opencv-doc: an animated character, not a real person"
    from deepfake_edu.data.twins import make_identity, render_video, write_video
    from deepfake_edu.paths import datasets_dir

    path = datasets_dir() / "lesson-clips" / f"twin-05-talking-{frames}x{size}.avi"
    if not path.exists():
        clip, _ = render_video(make_identity(5), frames, size=size, seed=5)
        canvas = np.full((len(clip), size * 3 // 2, size * 2, 3), 96, np.uint8)  # a face in a wider frame, like a film
        top, left = size // 4, size // 2
        canvas[:, top : top + size, left : left + size] = clip
        write_video(path, canvas)
    return path, "a synthetic twin talking (rendered by the lab: no real person)"


def extract_volunteer(source, name: str, consent: str, max_frames: int, every: int = 1, size: int = 64, progress: bool = True):
    """Extract the main face of ``source`` (a video path, a folder, or camera frames) into datasets/<name>.

    Refuses without a consent note (see ``faces.extract``). Overwrites an earlier set of the
    same name. Returns (Dataset, Extraction).
    """
    from deepfake_edu.faces import ExtractOptions, extract_dataset

    options = ExtractOptions(crop="swap", size=size, every=every, max_frames=max_frames)
    dataset, extraction = extract_dataset(source, name, consent, options, overwrite=True, progress=progress)
    if len(extraction.crops) < 2:
        raise LabError(f"only {len(extraction.crops)} face(s) found in {source}: film the face larger, better lit, facing the camera")
    return dataset, extraction


def camera_frames(seconds: float = 20.0, fps: float = 10.0, camera: int = 0):
    """Frames from the webcam (only when a student chooses to use it)."""
    from deepfake_edu.faces import frames_from_camera

    return frames_from_camera(camera, every=1, max_frames=int(seconds * fps))


def variety(images: np.ndarray) -> dict[str, float]:
    """How varied a set of faces is (uint8 (N, S, S, 3)).

    brightness_range: spread (5th to 95th percentile) of each face's mean brightness, 0-255;
    change: mean distance of each face's small grey thumbnail from the average face, 0-255
    (pose and expression changes raise it; the same still face gives almost 0).
    """
    import cv2

    grey = np.stack([cv2.resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (16, 16), interpolation=cv2.INTER_AREA) for image in images]).astype(np.float32)
    brightness = grey.mean(axis=(1, 2))
    normalised = grey - brightness[:, None, None]  # light removed: what is left is shape
    change = np.abs(normalised - normalised.mean(0)).mean(axis=(1, 2))
    return {
        "faces": float(len(images)),
        "brightness_range": float(np.percentile(brightness, 95) - np.percentile(brightness, 5)),
        "change": float(change.mean()),
    }


def variety_table(sets: dict[str, np.ndarray]) -> str:
    lines = [f"{'face set':<28}{'faces':>7}{'brightness range':>18}{'change':>9}"]
    for name, images in sets.items():
        v = variety(images)
        lines.append(f"{name:<28}{v['faces']:>7.0f}{v['brightness_range']:>18.1f}{v['change']:>9.1f}")
    return "\n".join(lines)
