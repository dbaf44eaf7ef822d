"""Following faces through a video so that each track is one person.

Detecting faces is the slow part, so the tracker runs the detector only every ``detect_every``
frames and, in between, moves each face's box by template matching on a small grey copy of the
frame (normalised cross-correlation inside a window around the last position); a backend with
``refresh`` (dlib) then reads the face's landmarks and eyes again inside the moved box, so
landmarks come every frame and the detector every few. On a detection
frame, detections are matched to tracks by the overlap (IoU) of their boxes; a detection that
matches no track starts a new one, and a track that matches nothing for ``max_missed``
detections in a row ends. A shot cut (the small grey frame changes a lot at once) ends every
track and forces a detection: a template would otherwise latch onto whatever looks alike in the
new shot. Two tracks that come to cover the same face are merged into the older one.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from deepfake_edu.faces.backends.base import Face, FaceBackend


def iou(a: tuple, b: tuple) -> float:
    """Intersection over union of two (x, y, w, h) boxes, 0-1."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


@dataclass
class Track:
    """One person followed through the frames."""

    id: int  # 0, 1, 2, ... in order of first appearance
    face: Face  # the latest position
    template: np.ndarray  # grey patch of the face on the small frame, from the last detection
    missed: int = 0  # detection rounds in a row without a matching detection
    found_on_this_frame: bool = True  # False when neither detection nor template matching found it


class FaceTracker:
    """Feed frames in order with ``update``; get (track id, face) for the faces on each frame."""

    def __init__(
        self,
        backend: FaceBackend,
        detect_every: int = 3,
        track_width: int = 320,
        iou_threshold: float = 0.3,
        max_missed: int = 2,
        match_threshold: float = 0.5,
        cut_threshold: float = 25.0,
    ):
        self.backend = backend
        self.detect_every = max(1, int(detect_every))
        self.track_width = track_width  # pixels: template matching runs on a frame this wide
        self.iou_threshold = iou_threshold
        self.max_missed = max_missed
        self.match_threshold = match_threshold  # lowest correlation that still counts as the face
        self.cut_threshold = cut_threshold  # mean grey change (0-255) on a 32x18 frame that means a new shot
        self.cuts = 0
        self._previous_thumb: np.ndarray | None = None
        self.tracks: list[Track] = []
        self.frames_seen = 0
        self.detections_run = 0
        self._next_id = 0

    def update(self, frame: np.ndarray) -> list[tuple[int, Face]]:
        """uint8 RGB (H, W, 3) -> [(track id, face)] for every face followed on this frame."""
        scale = min(1.0, self.track_width / frame.shape[1])
        small = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        thumb = cv2.resize(small, (32, 18), interpolation=cv2.INTER_AREA).astype(np.float32)
        if self._previous_thumb is not None and float(np.abs(thumb - self._previous_thumb).mean()) > self.cut_threshold:
            self.cuts += 1
            self.tracks = []
        self._previous_thumb = thumb
        if self.frames_seen % self.detect_every == 0 or not self.tracks:
            self._detect(frame, small, scale)
        else:
            for track in self.tracks:
                self._follow(track, small, scale, frame)
        self._merge_duplicates()
        self.frames_seen += 1
        return [(track.id, track.face) for track in self.tracks if track.found_on_this_frame]

    def _detect(self, frame: np.ndarray, small: np.ndarray, scale: float) -> None:
        self.detections_run += 1
        faces = self.backend.detect(frame)
        pairs = sorted(
            ((iou(track.face.box, face.box), t, f) for t, track in enumerate(self.tracks) for f, face in enumerate(faces)),
            reverse=True,
        )
        used_tracks, used_faces = set(), set()
        for overlap, t, f in pairs:
            if overlap < self.iou_threshold or t in used_tracks or f in used_faces:
                continue
            used_tracks.add(t)
            used_faces.add(f)
            track = self.tracks[t]
            track.face, track.missed, track.found_on_this_frame = faces[f], 0, True
            track.template = _patch(small, faces[f].box, scale)
        for t, track in enumerate(self.tracks):
            if t not in used_tracks:
                track.missed += 1
                self._follow(track, small, scale, frame)
        self.tracks = [track for track in self.tracks if track.missed <= self.max_missed]
        for f, face in enumerate(faces):
            if f not in used_faces:
                self.tracks.append(Track(id=self._next_id, face=face, template=_patch(small, face.box, scale)))
                self._next_id += 1

    def _merge_duplicates(self) -> None:
        """Drop a younger track that now covers the same face as an older one."""
        kept: list[Track] = []
        for track in sorted(self.tracks, key=lambda t: t.id):
            if not any(iou(track.face.box, older.face.box) > 0.5 for older in kept):
                kept.append(track)
        self.tracks = kept

    def _follow(self, track: Track, small: np.ndarray, scale: float, frame: np.ndarray | None = None) -> None:
        """Move the track's face to where its template matches best near its last position; a
        backend with ``refresh`` (dlib) then reads its landmarks again on ``frame``."""
        refresh = getattr(self.backend, "refresh", None) if frame is not None else None
        template = track.template
        th, tw = template.shape
        if th < 4 or tw < 4:
            track.found_on_this_frame = False
            return
        x, y, w, h = (v * scale for v in track.face.box)
        margin_x, margin_y = int(w * 0.5) + 2, int(h * 0.5) + 2
        x0, y0 = max(0, int(x) - margin_x), max(0, int(y) - margin_y)
        x1, y1 = min(small.shape[1], int(x) + tw + margin_x), min(small.shape[0], int(y) + th + margin_y)
        window = small[y0:y1, x0:x1]
        if window.shape[0] < th or window.shape[1] < tw:
            track.found_on_this_frame = False
            return
        scores = cv2.matchTemplate(window, template, cv2.TM_CCOEFF_NORMED)
        _, best, _, (bx, by) = cv2.minMaxLoc(scores)
        if best < self.match_threshold:
            track.found_on_this_frame = False
            return
        dx, dy = (x0 + bx - int(x)) / scale, (y0 + by - int(y)) / scale
        track.face = track.face.shifted(dx, dy)
        if refresh is not None:  # landmarks read again on this frame inside the moved box
            track.face = refresh(frame, track.face)
        track.found_on_this_frame = True


def _patch(small: np.ndarray, box: tuple, scale: float) -> np.ndarray:
    x, y, w, h = (int(v * scale) for v in box)
    x, y = max(0, x), max(0, y)
    return small[y : y + max(1, h), x : x + max(1, w)].copy()
