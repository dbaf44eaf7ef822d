"""`deepfake-edu bench faces`: speed on 720p video, and how level and well placed the crops are.

Speed: a 1280x720 video is built at bench time from real photos (scikit-image's astronaut and
matplotlib's grace_hopper, each sliding and slowly zooming over a coffee-cup photo background),
written as MJPG AVI to a temporary folder, and read back through the tracker (OpenCV backend,
detection every ``--detect-every`` frames on a ``--detect-width`` copy, faces from 60 px, template tracking in
between) and the aligner (one 128 px swap crop per face per frame). Reported: frames per second
of detection + tracking + alignment, and of the whole loop including decoding.

Alignment: on real photos (astronaut, grace_hopper, messi5.jpg when opencv-doc is installed, the
same photos rotated by +-8 degrees, and the 100 LFW faces of scikit-image upscaled to 100 px), each
face is aligned to a 128 px swap crop; then the eye cascade is run again *on the crop* and its eye
centres are compared with the crop's eye targets. The error is the larger of the two eyes'
distances, as a fraction of the crop width. This checks the whole chain (detection, eye choice or
box estimate, similarity transform, warp) against a second, separate look at the crop; it is not
ground truth (the eye cascade's box centre is not exactly the pupil), and crops where the cascade
finds no eye pair are counted as unmeasured.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

MESSI = Path("/usr/share/doc/opencv-doc/examples/data/messi5.jpg")


def add_arguments(parser) -> None:
    parser.add_argument("--frames", type=int, default=300, help="length of the 720p test video (default 300)")
    parser.add_argument("--detect-every", type=int, default=6, help="detect every N frames, track in between (default 6)")
    parser.add_argument("--detect-width", type=int, default=400, help="detection runs on a copy this wide (default 400)")
    parser.add_argument("--scale-factor", type=float, default=1.15, help="Haar step between face sizes (default 1.15)")
    parser.add_argument("--threads", type=int, default=2, help="OpenCV threads (default 2: the lab laptop's cores)")


def real_photos() -> dict[str, np.ndarray]:
    """uint8 RGB photos of real faces that ship with installed packages."""
    import matplotlib.cbook
    import skimage.data

    from deepfake_edu.data.images import read_image

    photos = {
        "astronaut": skimage.data.astronaut(),
        "grace_hopper": read_image(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)),
    }
    if MESSI.exists():
        photos["messi5"] = read_image(MESSI)
    return photos


def make_720p_video(path: Path, frames: int) -> Path:
    """Write a 1280x720 MJPG AVI of two real faces moving over a photo background."""
    import cv2
    import skimage.data

    photos = real_photos()
    background = cv2.resize(skimage.data.coffee(), (1280, 720), interpolation=cv2.INTER_LINEAR)
    faces = [photos["astronaut"][20:330, 110:360], photos["grace_hopper"][40:480, 90:440]]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (1280, 720))
    for index in range(frames):
        phase = index / max(1, frames - 1)
        canvas = background.copy()
        for number, face in enumerate(faces):
            scale = 0.9 + 0.25 * np.sin(2 * np.pi * phase + number)
            h, w = int(face.shape[0] * scale), int(face.shape[1] * scale)
            patch = cv2.resize(face, (w, h), interpolation=cv2.INTER_LINEAR)
            x = int(40 + number * 620 + 200 * np.sin(2 * np.pi * phase * (1 + number)))
            y = int((720 - h) / 2 + 60 * np.cos(2 * np.pi * phase))
            x, y = max(0, min(1280 - w, x)), max(0, min(720 - h, y))
            canvas[y : y + h, x : x + w] = patch
        writer.write(cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def measure_speed(frames: int, detect_every: int, detect_width: int, scale_factor: float = 1.15) -> dict:
    import cv2

    from deepfake_edu.faces.align import align_face
    from deepfake_edu.faces.backends.opencv import OpenCVBackend
    from deepfake_edu.faces.track import FaceTracker

    with tempfile.TemporaryDirectory(prefix="faces-bench-") as folder:
        video = make_720p_video(Path(folder) / "bench-720p.avi", frames)
        tracker = FaceTracker(OpenCVBackend(detect_width=detect_width, min_face=60, scale_factor=scale_factor), detect_every=detect_every)
        capture = cv2.VideoCapture(str(video))
        work = decode = 0.0
        count = crops = 0
        while True:
            start = time.perf_counter()
            ok, bgr = capture.read()
            if not ok:
                break
            frame = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            middle = time.perf_counter()
            for _, face in tracker.update(frame):
                align_face(frame, face, "swap", 128)
                crops += 1
            end = time.perf_counter()
            decode += middle - start
            work += end - middle
            count += 1
        capture.release()
    return {
        "video": f"1280x720, {count} frames, built from astronaut + grace_hopper",
        "frames": count,
        "crops": crops,
        "faces_per_frame": round(crops / max(1, count), 2),
        "detections_run": tracker.detections_run,
        "fps_detect_track_align": round(count / work, 1),
        "fps_including_decode": round(count / (work + decode), 1),
        "detect_every": detect_every,
        "detect_width": detect_width,
        "scale_factor": scale_factor,
        "min_face": 60,
    }


def _upscaled_lfw() -> list[np.ndarray]:
    import cv2
    import skimage.data

    faces = skimage.data.lfw_subset()[:100]  # the first 100 are faces, the last 100 are not
    out = []
    for face in faces:
        grey = cv2.resize((face * 255).round().astype(np.uint8), (100, 100), interpolation=cv2.INTER_CUBIC)
        grey = cv2.copyMakeBorder(grey, 30, 30, 30, 30, cv2.BORDER_REPLICATE)
        out.append(cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB))
    return out


def _rotated(image: np.ndarray, degrees: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), borderMode=cv2.BORDER_REFLECT101)


def crop_eye_error(backend, crop_image: np.ndarray, targets: np.ndarray) -> float | None:
    """Largest eye-centre error / crop width, from the eye cascade run on the crop; None if unseen."""
    import cv2

    from deepfake_edu.faces.backends.opencv import _best_eye_pair

    size = crop_image.shape[1]
    grey = cv2.cvtColor(crop_image, cv2.COLOR_RGB2GRAY)[: int(size * 0.6)]
    for attempt in (grey, cv2.equalizeHist(grey)):
        eyes = backend.eye_cascade.detectMultiScale(attempt, scaleFactor=1.05, minNeighbors=3, minSize=(size // 12, size // 12), maxSize=(size // 3, size // 3))
        pair = _best_eye_pair(np.asarray(eyes).reshape(-1, 4), size)
        if pair is not None:
            return float(np.linalg.norm(np.array(pair) - targets, axis=1).max() / size)
    return None


def measure_alignment() -> dict:
    from deepfake_edu.faces.align import CROPS, align_face
    from deepfake_edu.faces.backends.opencv import OpenCVBackend

    backend = OpenCVBackend()
    targets = CROPS["swap"].eye_targets(128)
    images: list[tuple[str, np.ndarray]] = []
    for name, photo in real_photos().items():
        images.append((name, photo))
        for degrees in (-8, 8):
            images.append((f"{name} rotated {degrees:+d} deg", _rotated(photo, degrees)))
    images += [(f"lfw {i}", face) for i, face in enumerate(_upscaled_lfw())]

    errors: dict[str, list[float]] = {"cascade": [], "box-estimate": []}
    found = unmeasured = 0
    tilts = []
    for _, image in images:
        faces = backend.detect(image)
        if not faces:
            continue
        found += 1
        crop = align_face(image, faces[0], "swap", 128)
        eyes_in_crop = crop.eye_positions()
        tilts.append(abs(eyes_in_crop[1, 1] - eyes_in_crop[0, 1]) / 128)
        error = crop_eye_error(backend, crop.image, targets)
        if error is None:
            unmeasured += 1
        else:
            errors[faces[0].eyes].append(error)
    every = errors["cascade"] + errors["box-estimate"]

    def summary(values: list[float]) -> dict:
        if not values:
            return {"measured": 0}
        values = np.array(values)
        return {
            "measured": int(len(values)),
            "median_error": round(float(np.median(values)), 4),
            "p90_error": round(float(np.percentile(values, 90)), 4),
            "within_3_percent": round(float((values <= 0.03).mean()), 3),
        }

    return {
        "photos": len(images),
        "faces_found": found,
        "unmeasured": unmeasured,
        "all": summary(every),
        "eyes_from_cascade": summary(errors["cascade"]),
        "eyes_from_box_estimate": summary(errors["box-estimate"]),
        "max_eye_tilt_in_crop": round(float(max(tilts)), 6) if tilts else None,
    }


def run(args) -> int:
    import cv2

    cv2.setNumThreads(args.threads)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"faces bench: OpenCV {cv2.__version__}, {args.threads} OpenCV threads, {cores} CPU cores visible")
    speed = measure_speed(args.frames, args.detect_every, args.detect_width, args.scale_factor)
    print(
        f"speed: {speed['video']}: {speed['fps_detect_track_align']} fps detection+tracking+alignment, "
        f"{speed['fps_including_decode']} fps with decoding ({speed['faces_per_frame']} faces/frame, "
        f"detector every {speed['detect_every']} frames at {speed['detect_width']} px)"
    )
    alignment = measure_alignment()
    overall = alignment["all"]
    print(
        f"alignment: {alignment['faces_found']} faces found in {alignment['photos']} photos; the eye cascade re-found both eyes "
        f"in {overall.get('measured', 0)} crops: median error {overall.get('median_error')} of the crop width, "
        f"90th percentile {overall.get('p90_error')}, {overall.get('within_3_percent')} within 3% "
        f"(frame eyes from cascade: {alignment['eyes_from_cascade']}, from box estimate: {alignment['eyes_from_box_estimate']})"
    )
    figures = {"cpu_cores_visible": cores, "opencv_threads": args.threads, "speed": speed, "alignment": alignment}
    if getattr(args, "json", None):
        from deepfake_edu.fileio import write_text_atomic

        write_text_atomic(args.json, json.dumps(figures, indent=2))
    return 0
