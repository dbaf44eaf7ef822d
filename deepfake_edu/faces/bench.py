"""`deepfake-edu bench faces`: speed on 720p video, and how level and well placed the crops are.

Speed: a 1280x720 video is built at bench time from real photos (scikit-image's astronaut and
matplotlib's grace_hopper, each sliding and slowly zooming over a coffee-cup photo background),
written as MJPG AVI to a temporary folder, and read back through the tracker (OpenCV backend,
detection every ``--detect-every`` frames on a ``--detect-width`` copy, faces from 60 px, template tracking in
between) and the aligner (one 128 px swap crop per face per frame). Reported: frames per second
of detection + tracking + alignment, and of the whole loop including decoding.

The same video is read with the dlib backend when it is installed (HOG detection every
``--detect-every`` frames on a ``--dlib-detect-width`` copy, 68 landmarks and eyes on every
frame), and both backends also read ``../shared/real-videos/d13.mp4`` (a real 720x1280 clip) when
that folder is there. Detection alone is timed per call.

Alignment: against eye centres labelled by hand (``faces.ground_truth``, labels in
deepfake_edu/faces/eye_labels.json) on real photos shipped by installed packages and their rotations by
+-8 and +-15 degrees: where the *labelled* pupils land in each 128 px swap crop and 256 px MesoNet
crop, compared with the crop's eye targets, as a fraction of the crop width. Run with and without
the iris refinement of the eyes, so the gain can be seen, for OpenCV and for dlib. Also reported:
the found eye centres' own error as a fraction of the labelled eye gap.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

MESSI = Path("/usr/share/doc/opencv-doc/examples/data/messi5.jpg")
REAL_720P = Path(__file__).resolve().parents[2].parent / "shared" / "real-videos" / "d13.mp4"  # beside the clone; never copied in


def add_arguments(parser) -> None:
    from deepfake_edu.cli_types import count, max_workers, number, ranged

    frames, every, width = count(1, 3000), count(1, 1000), count(64, 1920)  # the video is 1280 x 720, written to disk
    scale, threads = number(1, 2, low_open=True), count(1, max_workers())  # OpenCV's Haar scaleFactor must be above 1
    parser.add_argument("--frames", type=frames, default=300, help=ranged("length of the 720p test video", frames, 300))
    parser.add_argument("--detect-every", type=every, default=6, help=ranged("detect every N frames, track in between", every, 6))
    parser.add_argument("--detect-width", type=width, default=400, help=ranged("detection runs on a copy this wide", width, 400))
    parser.add_argument("--scale-factor", type=scale, default=1.15, help=ranged("Haar step between face sizes", scale, 1.15))
    parser.add_argument("--dlib-detect-width", type=width, default=640, help=ranged("dlib's detection runs on a copy this wide", width, 640))
    parser.add_argument("--threads", type=threads, default=2, help=ranged("OpenCV threads; 2 are the lab laptop's cores", threads, 2))


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

    from deepfake_edu.data.video import VideoWriter

    photos = real_photos()
    background = cv2.resize(skimage.data.coffee(), (1280, 720), interpolation=cv2.INTER_LINEAR)
    faces = [photos["astronaut"][20:330, 110:360], photos["grace_hopper"][40:480, 90:440]]
    with VideoWriter(path, 25.0, codec="MJPG") as writer:
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
            writer.write(canvas)
    return path


def make_backend(name: str, detect_width: int, scale_factor: float = 1.15, min_face: int = 60, refine_eyes: bool = True):
    """The bench's OpenCV or dlib backend."""
    if name == "dlib":
        from deepfake_edu.faces.backends.dlib_backend import DlibBackend

        return DlibBackend(detect_width=detect_width, min_face=min_face, refine_eyes=refine_eyes)
    from deepfake_edu.faces.backends.opencv import OpenCVBackend

    return OpenCVBackend(detect_width=detect_width, min_face=min_face, scale_factor=scale_factor, refine_eyes=refine_eyes)


def measure_speed(frames: int, detect_every: int, detect_width: int, scale_factor: float = 1.15, backend: str = "opencv", video: Path | None = None) -> dict:
    """Frames per second of detection + tracking (+ landmarks) + alignment on a 720p video:
    the one built from real photos, or ``video`` (its first ``frames`` frames)."""
    with tempfile.TemporaryDirectory(prefix="faces-bench-") as folder:
        if video is None:
            path, label = make_720p_video(Path(folder) / "bench-720p.avi", frames), "built from astronaut + grace_hopper"
        else:
            path, label = video, video.name
        return _read_through_tracker(path, label, frames, detect_every, make_backend(backend, detect_width, scale_factor), detect_width)


def _read_through_tracker(path: Path, label: str, frames: int, detect_every: int, finder, detect_width: int) -> dict:
    from deepfake_edu.data.video import VideoReader
    from deepfake_edu.faces.align import align_face
    from deepfake_edu.faces.track import FaceTracker

    class TimedDetection:  # the backend, with its detect calls timed
        def __init__(self, inner):
            self.inner, self.name, self.seconds = inner, inner.name, 0.0
            if hasattr(inner, "refresh"):
                self.refresh = inner.refresh

        def detect(self, frame):
            start = time.perf_counter()
            try:
                return self.inner.detect(frame)
            finally:
                self.seconds += time.perf_counter() - start

    timed = TimedDetection(finder)
    tracker = FaceTracker(timed, detect_every=detect_every)
    work = decode = 0.0
    count = crops = 0
    size = None
    with VideoReader(path) as capture:
        while count < frames:
            start = time.perf_counter()
            frame = capture.read()
            if frame is None:
                break
            middle = time.perf_counter()
            for _, face in tracker.update(frame):
                align_face(frame, face, "swap", 128)
                crops += 1
            end = time.perf_counter()
            decode += middle - start
            work += end - middle
            count += 1
            size = frame.shape
    return {
        "backend": finder.name,
        "video": f"{size[1]}x{size[0]}, {count} frames, {label}" if size else label,
        "frames": count,
        "crops": crops,
        "faces_per_frame": round(crops / max(1, count), 2),
        "detections_run": tracker.detections_run,
        "ms_per_detection": round(1000 * timed.seconds / max(1, tracker.detections_run), 1),
        "fps_detect_track_align": round(count / work, 1) if work else None,
        "fps_including_decode": round(count / (work + decode), 1) if work else None,
        "detect_every": tracker.detect_every,
        "detect_width": detect_width,
        "landmarks_every_frame": hasattr(finder, "refresh"),
        "min_face": finder.min_face,
    }


def measure_alignment(refine_eyes: bool = True, backend: str = "opencv") -> dict:
    """Errors against hand-labelled eyes (``ground_truth``), per photo and summarised."""
    from deepfake_edu.faces.ground_truth import labelled_photos, measure_label_errors

    photos, missing = labelled_photos()
    # Default detection widths: OpenCV's 640, dlib's 640; faces from 20 px (messi5's is 30 px wide).
    finder = make_backend(backend, 640, scale_factor=1.1, min_face=20 if backend == "dlib" else 40, refine_eyes=refine_eyes)
    rows = measure_label_errors(finder, photos)
    summary = {"backend": backend, "photos": len(rows), "faces_found": sum(row["eyes"] is not None for row in rows), "not_installed": missing}
    for key in ("eye_gap_error", "swap_128", "mesonet_256"):
        values = np.array([row[key] for row in rows if row[key] is not None])
        if len(values):
            summary[key] = {
                "median_error": round(float(np.median(values)), 4),
                "max_error": round(float(values.max()), 4),
                "within_3_percent": f"{int((values <= 0.03).sum())} of {len(values)}",
            }
    pixels = np.array([row["eye_error_px"] for row in rows if row["eye_error_px"] is not None])
    if len(pixels):  # the labels' own accuracy is about 1 px
        summary["eye_error_px"] = {"median": round(float(np.median(pixels)), 2), "max": round(float(pixels.max()), 2),
                                   "within_1.5_px": f"{int((pixels <= 1.5).sum())} of {len(pixels)}",
                                   "within_2_px": f"{int((pixels <= 2.0).sum())} of {len(pixels)}"}
    return {"summary": summary, "per_photo": rows}


def dlib_installed() -> bool:
    from deepfake_edu.faces.backends import dlib_backend

    return dlib_backend.available()


def run(args) -> int:
    import cv2

    cv2.setNumThreads(args.threads)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    backends = ["opencv"] + (["dlib"] if dlib_installed() else [])
    print(f"faces bench: OpenCV {cv2.__version__}, {args.threads} OpenCV threads, {cores} CPU cores visible; backends {', '.join(backends)}")
    if "dlib" not in backends:
        from deepfake_edu.faces.backends import dlib_backend

        print(f"  dlib left out: {dlib_backend.missing()}")
    widths = {"opencv": args.detect_width, "dlib": args.dlib_detect_width}
    speeds = []
    videos = [None] + ([REAL_720P] if REAL_720P.exists() else [])
    for video in videos:
        for name in backends:
            speed = measure_speed(args.frames, args.detect_every, widths[name], args.scale_factor, backend=name, video=video)
            speeds.append(speed)
            print(
                f"speed {name:6s}: {speed['video']}: {speed['fps_detect_track_align']} fps detection+tracking+alignment"
                f"{' (landmarks every frame)' if speed['landmarks_every_frame'] else ''}, "
                f"{speed['fps_including_decode']} fps with decoding ({speed['faces_per_frame']} faces/frame, "
                f"detector every {speed['detect_every']} frames at {speed['detect_width']} px, {speed['ms_per_detection']} ms each)"
            )
    if not REAL_720P.exists():
        print(f"  {REAL_720P} is absent: the real 720p clip is left out")
    figures = {"cpu_cores_visible": cores, "opencv_threads": args.threads, "speed": speeds[0], "speeds": speeds}
    print("alignment against hand-labelled eyes (error: labelled pupil in the crop vs its target, / crop width; eyes: / eye gap):")
    for name in backends:
        alignment = measure_alignment(refine_eyes=True, backend=name)
        unrefined = measure_alignment(refine_eyes=False, backend=name)
        for row in alignment["per_photo"]:
            print(
                f"  {name:6s} {row['photo']:30s} eyes {str(row['eyes']):14s} eye/gap {row['eye_gap_error']} "
                f"({row['eye_error_px']} of {row['eye_gap_px']} px)  "
                f"swap 128 px {row['swap_128']}  mesonet 256 px {row['mesonet_256']}"
            )
        for label, result in (("with iris refinement", alignment), ("without", unrefined)):
            summary = result["summary"]
            print(
                f"  {name} {label}: faces found {summary['faces_found']} of {summary['photos']}; eyes / eye gap {summary.get('eye_gap_error')}; "
                f"eyes in pixels {summary.get('eye_error_px')}; "
                f"swap 128 px {summary.get('swap_128')}; mesonet 256 px {summary.get('mesonet_256')}"
            )
        if alignment["summary"]["not_installed"]:
            print(f"  not installed (apt-get install opencv-doc): {', '.join(alignment['summary']['not_installed'])}")
        key = "alignment_vs_labels" if name == "opencv" else f"alignment_vs_labels_{name}"
        figures[key] = alignment
        figures[f"{key}_without_refinement"] = unrefined["summary"]
    if getattr(args, "json", None):
        from deepfake_edu.fileio import write_text_atomic

        write_text_atomic(args.json, json.dumps(figures, indent=2))
    return 0
