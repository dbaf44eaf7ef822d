"""The demo server's state: the lab's assets, the models the tabs use (loaded once, shared by every
visitor, thread-safe), and the pictures made for the page (written atomically, swept after a while).

Visitors choose models, runs and faces from lists of known items (``swap_runs``, ``detectors``,
``funnel_widths``): nothing here takes a path from a visitor. Everything the demo writes goes under
``<lab home>/outputs/demo/``.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from deepfake_edu.errors import LabError

log = logging.getLogger("deepfake_edu.demo")

FACES_PER_PERSON = 48  # faces of each person a run's (and the funnel's) picker offers
SHOWN_KEEP_S = 900  # pictures made for the page (uploaded faces included) are deleted after 15 minutes
SWEEP_EVERY_S = 60  # the old pictures are looked for at most this often


class DemoLab:
    """The lab's prepared assets (``deepfake_edu.lab.LabAssets``) and the models the tabs use,
    each loaded on first use and shared by every visitor (thread-safe)."""

    def __init__(self, assets) -> None:
        from deepfake_edu.lessons.human_machine import study_dataset, study_identities
        from deepfake_edu.lessons.spot_the_fake import SpotTheFake

        self.assets = assets
        self.home = Path(assets.home)
        self.folder = self.home / "outputs" / "demo"  # everything the demo writes
        self.outputs = self.folder / "fakes"
        self.shown = self.folder / "shown"
        # The quiz asks lab 7's study faces: twins no lab set renders, faked with the sharpest merge,
        # which the detector never saw (built on the first question, ~2 s, then kept on disk).
        # The tally keeps its first file name, so a class's counts survive an upgrade.
        self.spot = SpotTheFake(lambda: study_dataset(self.folder, assets.swap_run, assets.detector), self.folder / "quiz_tally.json",
                                lambda: self.detector(next(iter(self.detectors()))), held_out=study_identities())
        self.tally = self.spot.tally
        self._lock = threading.RLock()
        self._cache: dict[Any, Any] = {}
        self._local = threading.local()
        self._last_sweep = 0.0

    def cached(self, key, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    # datasets
    def twins(self):
        from deepfake_edu.data.dataset import load_dataset

        return self.cached("twins", lambda: load_dataset(self.assets.twins))

    def realfake(self):
        """(the study set's dataset, its records labelled real or fake): the spot-the-fake faces."""
        return self.spot.faces()

    # the funnel
    def funnel_widths(self) -> dict[int, Path]:
        from deepfake_edu.lessons.funnel import trained_widths

        return self.cached("funnel-widths", lambda: trained_widths(self.home))

    def funnel_model(self, width: int):
        from deepfake_edu.swap.train import load_swap_model

        widths = self.funnel_widths()
        if int(width) not in widths:
            shown = ", ".join(str(w) for w in widths) or "none yet"
            raise LabError(f"no autoencoder {width} numbers wide (trained: {shown}): start the demo without --no-prepare to train them")
        return self.cached(("funnel", int(width)), lambda: load_swap_model(widths[int(width)]))

    # face-swap runs
    def swap_runs(self) -> dict[str, Path]:
        """{label: run folder}: the lab's classroom model first, then the class's runs under runs/."""
        def scan():
            from deepfake_edu.training.checkpoint import latest_checkpoint

            runs = {"twins (the lab's classroom model)": Path(self.assets.swap_run)}
            runs_dir = self.home / "runs"
            if runs_dir.is_dir():
                for folder in sorted(runs_dir.iterdir()):
                    found = latest_checkpoint(folder) if folder.is_dir() else None
                    if found is not None and folder.resolve() != Path(self.assets.swap_run).resolve() and _model_name(found) == "faceswap":
                        runs[f"runs/{folder.name}"] = folder
            return runs

        return self.cached("swap-runs", scan)

    def swap_model(self, run_label: str):
        from deepfake_edu.swap.train import load_swap_model

        runs = self.swap_runs()
        if run_label not in runs:
            raise LabError(f"unknown model {run_label!r}: choose one from the list")
        return self.cached(("swap", run_label), lambda: load_swap_model(runs[run_label]))

    def run_faces(self, run_label: str):
        """The faces a run was trained on (``swap.facesets.FaceSets``, at most FACES_PER_PERSON each)."""
        from deepfake_edu.swap.fakes import training_faces

        return self.cached(("faces", run_label), lambda: training_faces(*self.swap_model(run_label), FACES_PER_PERSON, run_label))

    # detectors
    def detectors(self) -> dict[str, Path]:
        """{label: checkpoint}: the lab's Meso-4 trained on twins, then MesoNets found in models/."""
        def scan():
            found = {"Meso-4 trained on twins (the lab's)": Path(self.assets.detector)}
            models = self.home / "models"
            if models.is_dir():
                for json_path in sorted(models.rglob("*.json")):
                    if json_path.with_suffix(".safetensors").exists() and _model_name(json_path) in ("meso4", "mesoinception4"):
                        if json_path.with_suffix("").resolve() != Path(self.assets.detector).with_suffix("").resolve():
                            found[f"models/{json_path.relative_to(models).with_suffix('')}"] = json_path
            return found

        return self.cached("detectors", scan)

    def detector(self, label: str):
        return self.cached(("detector", label), lambda: self.private_detector(label))

    def private_detector(self, label: str):
        """A fresh copy of a detector, read from its file, for this call only: Grad-CAM hooks a
        layer, and other visitors' scoring through the shared model must never meet that hook."""
        from deepfake_edu.detect.keras_import import load_detector

        detectors = self.detectors()
        if label not in detectors:
            raise LabError(f"unknown detector {label!r}: choose one from the list")
        return load_detector(detectors[label])

    def face_backend(self):
        """The default face finder (dlib where installed, else OpenCV) for this thread: detectors are not shared between threads."""
        backend = getattr(self._local, "faces", None)
        if backend is None:
            from deepfake_edu.faces import get_backend

            backend = self._local.faces = get_backend()
        return backend

    # files
    def new_output(self, stem: str, suffix: str) -> Path:
        self.outputs.mkdir(parents=True, exist_ok=True)
        return self.outputs / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}{suffix}"

    def picture(self, rgb: np.ndarray | None) -> str | None:
        """A picture for the page as a PNG file (named by its content, written atomically).

        Gradio would write a numpy picture into its cache in place, so two visitors getting the
        same picture at once could be served a half-written file; a finished file it copies
        atomically. Pictures older than SHOWN_KEEP_S are swept away as new ones are made.
        """
        import hashlib

        import cv2

        from deepfake_edu.fileio import write_bytes_atomic

        if rgb is None:
            return None
        ok, encoded = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR))
        if not ok:
            raise LabError("could not encode a picture for the page")
        data = encoded.tobytes()
        path = self.shown / f"{hashlib.sha256(data).hexdigest()[:24]}.png"
        if not path.exists():
            write_bytes_atomic(path, data)
        else:
            os.utime(path)
        self._sweep_shown()
        return str(path)

    def _sweep_shown(self) -> None:
        now = time.time()
        if now - self._last_sweep < SWEEP_EVERY_S:
            return
        self._last_sweep = now
        for old in self.shown.glob("*.png"):
            try:
                if now - old.stat().st_mtime > SHOWN_KEEP_S:
                    old.unlink()
            except OSError:
                pass

    def warm_up(self) -> None:
        """Load what the first visitors will need (run in a background thread after launch)."""
        for step in (self.twins, self.realfake, self.funnel_widths, self.swap_runs, self.detectors):
            try:
                step()
            except LabError as error:
                log.warning("warm-up: %s", error)
        for load in (lambda: self.detector(next(iter(self.detectors()))), lambda: self.swap_model(next(iter(self.swap_runs())))):
            try:
                load()
            except LabError as error:
                log.warning("warm-up: %s", error)


TRIM_EVERY_S = 20.0  # how often the server hands freed heap memory back to the system, seconds


def release_freed_memory() -> bool:
    """Hand the heap memory that Python, numpy and torch have freed back to the system (glibc's
    ``malloc_trim``). A server that made many pictures at once keeps their freed memory in its
    heap, so its RSS stays near the peak until trimmed. False where the C library has no trim."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):
        return False


_trimmer: threading.Thread | None = None
_trimmer_lock = threading.Lock()


def trim_memory_in_background(every_s: float = TRIM_EVERY_S) -> threading.Thread:
    """The daemon thread that calls ``release_freed_memory`` every ``every_s`` seconds; one per
    process, however many apps it serves (the tests launch many)."""
    global _trimmer

    def loop() -> None:
        while True:
            time.sleep(every_s)
            release_freed_memory()

    with _trimmer_lock:
        if _trimmer is None:
            _trimmer = threading.Thread(target=loop, name="demo-memory-trim", daemon=True)
            _trimmer.start()
        return _trimmer


def _model_name(json_path: Path) -> str | None:
    try:
        return json.loads(Path(json_path).read_text()).get("model")
    except (OSError, ValueError):
        return None
