"""What each tab of the demo does, as plain functions over a ``DemoLab`` (``state``).

Each is a thin call into the library capability that owns the job, plus what the page needs
(pictures sized for it, files under ``<lab home>/outputs/demo/``): the funnel is
``lessons.funnel``, making a fake ``swap.fakes``, catching one ``forensics.judge`` (and the arms
race, ``detect.armsrace``), spotting one
``lessons.spot_the_fake``, checking a file ``provenance.check``. The Gradio page (``app``) wires
these to widgets; tests call them directly. Every bad input a visitor can cause raises
``LabError`` with one line to show in the page. Nothing here takes a file path from a visitor
except uploaded files (checked by ``check_upload``); models, runs and faces are chosen from
lists of known items.

Images come back as uint8 RGB arrays (H, W, 3).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepfake_edu.data.video import VIDEO_SUFFIXES  # the lab's one list: the demo takes every video the lab reads
from deepfake_edu.demo.state import FACES_PER_PERSON, DemoLab
from deepfake_edu.errors import LabError
from deepfake_edu.swap.fakes import CLIP_FRAMES

MAX_UPLOAD_MB = 25  # uploads above this are refused (Gradio refuses them first, see app.launch_app)
MAX_VIDEO_SECONDS = 30.0  # a longer video is refused: the demo scores ~30 frames, a class waits
MAX_VIDEO_FRAMES = 3000  # and so is one with more frames than this, whatever its frame rate says
SHOWN_SIDE = 256  # side of the face pictures shown in the page, pixels (big enough for a projector)
VIDEO_HEATMAPS = 3  # video frames that get a heatmap (spread over the frames with a face)
PREVIEW_SIDE = 320  # longest side of an upload's preview, pixels
# The demo's own, narrower than data.images.IMAGE_SUFFIXES: no TIFF uploads (most browsers do not show TIFF).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


def _shown(image: np.ndarray | None, side: int = SHOWN_SIDE, smooth: bool = False) -> np.ndarray | None:
    """A square uint8 picture resized for the page (nearest neighbour keeps pixels honest)."""
    import cv2

    if image is None or image.shape[0] == side:
        return image
    return cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA if smooth else cv2.INTER_NEAREST)


def side_by_side(pictures: list[np.ndarray], gap: int = 8) -> np.ndarray:
    """uint8 pictures of one height in a row, with white gaps between: (H, sum W + gaps, 3)."""
    white = np.full((pictures[0].shape[0], gap, 3), 255, np.uint8)
    row = [pictures[0]]
    for picture in pictures[1:]:
        row += [white, picture]
    return np.concatenate(row, axis=1)


# --- tab 1: inside the autoencoder (lessons.funnel) -----------------------------------------------


def funnel_faces(lab: DemoLab, identity: str) -> list[np.ndarray]:
    """Faces of ``identity`` (one of lessons.funnel.TRAIN_IDENTITIES) the funnel tab can rebuild."""
    from deepfake_edu.lessons import funnel

    return list(lab.cached(("funnel-faces", identity), lambda: funnel.funnel_faces(lab.twins(), identity, FACES_PER_PERSON)))


def rebuild_face(lab: DemoLab, identity: str, face_index: int, width: int):
    """Squeeze face ``face_index`` of ``identity`` through the ``width``-number autoencoder and
    rebuild it: a ``lessons.funnel.FunnelView`` with pictures sized for the page and the funnel drawn."""
    from deepfake_edu.lessons import funnel

    faces = funnel_faces(lab, identity)
    index = int(face_index)
    if not 0 <= index < len(faces):
        raise LabError(f"face {index} does not exist: choose 0 to {len(faces) - 1}")
    model, info = lab.funnel_model(int(width))
    layers = lab.cached(("layers", int(width)), model.layer_sizes)  # measuring hooks the shared model: once
    view = funnel.rebuild_face(model, info, faces[index], identity, layers)
    picture = lab.cached(("funnel-picture", int(width)), lambda: funnel.draw_funnel(layers, font_scale=2))
    return dataclasses.replace(view, original=_shown(view.original), rebuilt=_shown(view.rebuilt), funnel=picture)


def describe_layers(layers: list[dict]) -> str:
    from deepfake_edu.lessons.funnel import describe_layers

    return describe_layers(layers)


# --- tab 2: make a fake (swap.fakes) --------------------------------------------------------------


def fake_directions(lab: DemoLab, run_label: str) -> list[str]:
    """"A -> B" choices of a run, in its identities' names."""
    from deepfake_edu.swap.fakes import directions

    return directions(lab.swap_model(run_label)[1])


def _fake_info(run_label: str) -> dict:
    """The provenance info of the demo's fakes (its fingerprint is the mark's payload: ``payload_note``)."""
    return {"tool": "demo", "run": run_label}


def make_fake(lab: DemoLab, run_label: str, direction: str, face_index: int):
    """Swap face ``face_index`` of A to B with a run's model and paste it into A's whole picture,
    as a clip does (``swap.fakes.make_fake_in_frame``); both written marked and recorded. A
    ``swap.fakes.FakeInFrame`` with pictures sized for the page."""
    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.swap.fakes import make_fake_in_frame

    model, info = lab.swap_model(run_label)
    made = make_fake_in_frame(model, info, lab.run_faces(run_label), direction, face_index, lab.new_output("fake-face", ".png"),
                              lab.new_output("fake", ".png"), provenance_info=_fake_info(run_label),
                              load=lambda folder: lab.cached(("dataset", str(folder)), lambda: load_dataset(folder)))
    photo = dataclasses.replace(made.photo, source=_shown(made.photo.source), fake=_shown(made.photo.fake, smooth=True),
                                truth=_shown(made.photo.truth))
    if made.path == made.photo.path:  # extracted faces: the crop is the whole picture
        return dataclasses.replace(made, photo=photo, source=photo.source, fake=photo.fake)
    return dataclasses.replace(made, photo=photo)


def make_fake_clip(lab: DemoLab, run_label: str, direction: str, frames: int = CLIP_FRAMES):
    """A short talking clip of twin A, swapped to B in every frame; written marked and recorded
    (a ``swap.fakes.FakeClip``: the .mp4 and its GIF preview)."""
    from deepfake_edu.swap.fakes import make_fake_clip as make_clip

    model, info = lab.swap_model(run_label)
    return make_clip(model, info, lab.run_faces(run_label), direction, lab.new_output("fake-clip", ".mp4"), frames)


# --- tab 3: the arms race (detect.armsrace) -------------------------------------------------------


def arms_races(lab: DemoLab) -> list[str]:
    """Labels of the arms races the tab can show: the lab's own (lab 4's, ``detect arms-race``'s),
    newest first, then the one measured for the lab (``detect.armsrace.saved_races``)."""
    from deepfake_edu.detect.armsrace import saved_races

    return list(saved_races(lab.home))


def arms_race_view(lab: DemoLab, label: str | None) -> tuple[np.ndarray, str]:
    """(the race's plot, uint8 RGB; its table, Markdown) for one of ``arms_races``. Nothing is
    trained or scored here: the race was measured when it was run, and is only drawn (once per
    version of its file)."""
    import tempfile

    import cv2
    import matplotlib.pyplot as plt

    from deepfake_edu.detect.armsrace import arms_race_view as view
    from deepfake_edu.detect.armsrace import saved_races

    races = saved_races(lab.home)
    if label not in races:
        raise LabError("no such arms race: choose one from the list (lab 4 or `deepfake-edu detect arms-race` make one)")
    path = races[label]

    def draw() -> tuple[np.ndarray, str]:
        with tempfile.TemporaryDirectory(prefix="arms-race-") as folder:
            figure, table = view(path, Path(folder) / "race.png")
            plt.close(figure)
            picture = cv2.cvtColor(cv2.imread(str(Path(folder) / "race.png")), cv2.COLOR_BGR2RGB)
        return picture, table

    return lab.cached(("arms-race", str(path), path.stat().st_mtime_ns), draw)


# --- uploads --------------------------------------------------------------------------------------


def check_upload(path: str | os.PathLike | None, allow: tuple[str, ...] = ("image", "video")) -> tuple[Path, str]:
    """(path, "image" | "video") of an uploaded file, or a one-line LabError saying what is wrong."""
    if path is None or str(path) == "":
        raise LabError("no file yet: upload a photo or a short video first")
    path = Path(path)
    if not path.is_file():
        raise LabError("the upload did not arrive: upload the file again")
    size = path.stat().st_size
    if size == 0:
        raise LabError(f"{path.name} is empty (0 bytes): choose another file")
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        raise LabError(f"{path.name} is {size / 1e6:.0f} MB: the demo takes files up to {MAX_UPLOAD_MB} MB")
    suffix = path.suffix.lower()
    kind = "image" if suffix in IMAGE_SUFFIXES else "video" if suffix in VIDEO_SUFFIXES else None
    if kind is None or kind not in allow:
        wanted = [*(IMAGE_SUFFIXES if "image" in allow else ()), *(VIDEO_SUFFIXES if "video" in allow else ())]
        kinds = " or ".join(allow)
        raise LabError(f"{path.name} is not {'an' if kinds[0] in 'aeiou' else 'a'} {kinds} file the demo reads: use {', '.join(wanted)}")
    if kind == "video":
        from deepfake_edu.data.video import video_info

        # Messages name the file only (the server's folders stay private); a file whose container
        # does not say its length is counted, but never past the limit.
        info = video_info(path, name=path.name, count_limit=MAX_VIDEO_FRAMES + 1)
        if info.frames > MAX_VIDEO_FRAMES or info.duration_s > MAX_VIDEO_SECONDS:
            raise LabError(f"{path.name} lasts {info.duration_s:.0f} s: the demo takes videos up to {MAX_VIDEO_SECONDS:.0f} s; cut a short part")
    else:
        read_upload_image(path)  # a corrupt or huge picture is refused here, by its name only
    return path, kind


def read_upload_image(path: Path) -> np.ndarray:
    """uint8 RGB (H, W, 3) of an uploaded picture; errors name the file, not the server's folder."""
    from deepfake_edu.data.images import decode_image

    return decode_image(path.read_bytes(), name=path.name)


# --- tab 3: catch the fake (forensics.judge) ------------------------------------------------------


@dataclass
class CatchResult:
    faces: list[tuple[np.ndarray, str]]  # (crop with its heatmap, caption) per face
    summary: str  # Markdown
    curve: Path | None = None  # a video's P(fake) over time (PNG)
    heatmaps: bool = False  # whether the pictures carry Grad-CAM heatmaps
    scores: list[float] = field(default_factory=list)  # P(fake) per face (photo) or frame (video)


def catch_fake(lab: DemoLab, upload: str | os.PathLike | None, detector_label: str) -> CatchResult:
    """Score every face of an uploaded photo (with heatmaps), or ~30 frames of a short video (its
    curve, and heatmaps of ``VIDEO_HEATMAPS`` of those frames: ``video_heatmaps``)."""
    from deepfake_edu.forensics.judge import judge_photo, judge_video

    path, kind = check_upload(upload)
    model = lab.detector(detector_label)
    if kind == "video":
        judged = judge_video(model, path, lab.new_output("verdict", ".png"))
        faces = video_heatmaps(lab, path, judged.verdict, detector_label)
        return CatchResult(faces, judged.summary(detector_label), judged.curve, bool(faces), judged.scores)
    judged = judge_photo(model, read_upload_image(path), lab.face_backend(), lab.private_detector(detector_label))
    faces = [(face.picture, face.caption(number)) for number, face in enumerate(judged.faces, start=1)]
    return CatchResult(faces, judged.summary(detector_label), judged.curve, True, judged.scores)


def video_heatmaps(lab: DemoLab, path: Path, verdict, detector_label: str, count: int = VIDEO_HEATMAPS) -> list[tuple[np.ndarray, str]]:
    """(the face with its Grad-CAM heatmap, caption) for ``count`` of a video's scored frames,
    spread from the first to the last: each frame read again by seeking and judged as a photo
    (``forensics.judge.judge_photo``, its largest face), with one private copy of the detector.
    A frame whose face is not found again is left out."""
    from deepfake_edu.data.video import VideoReader
    from deepfake_edu.detect.predict import FAKE_THRESHOLD
    from deepfake_edu.forensics.judge import judge_photo

    scored = [score for score in verdict.scores if score.p_fake is not None and score.frame is not None]
    if not scored or count <= 0:
        return []
    chosen = [scored[i] for i in sorted(set(np.linspace(0, len(scored) - 1, min(count, len(scored))).round().astype(int).tolist()))]
    model, explainer = lab.detector(detector_label), lab.private_detector(detector_label)
    shown = []
    with VideoReader(path, name=path.name) as video:
        for score in chosen:
            frame = video.frame_at(score.frame)
            if frame is None:
                continue
            try:
                face = judge_photo(model, frame, lab.face_backend(), explainer, limit=1).faces[0]
            except LabError:
                continue
            when = f" at {score.time_s:.1f} s" if score.time_s is not None else ""
            verdict_word = "fake" if face.p_fake > FAKE_THRESHOLD else "real"
            shown.append((face.picture, f"frame {score.frame}{when}: P(fake) = {face.p_fake:.2f} ({verdict_word}?)"))
    return shown


# --- tab 4: spot the fake (lessons.spot_the_fake) -------------------------------------------------
# (named quiz_* like the page's endpoints /quiz_next, /quiz_real...: programs that call the demo keep working)


def quiz_question(lab: DemoLab, previous: int | None = None) -> tuple[np.ndarray, int]:
    """(a face from the real/fake set, its question number), chosen at random (not the previous one)."""
    number = lab.spot.question(previous)
    return lab.spot.image(number), number


def quiz_picture(lab: DemoLab, number: int) -> str:
    """The file of question ``number``'s face, inside the real/fake dataset (served as it is)."""
    return str(lab.spot.picture_file(number))


def quiz_answer(lab: DemoLab, number: int | None, guess: str, on_answer=None) -> tuple[str, dict]:
    """Mark a student's guess ("real" | "fake") on question ``number`` in one step, with no advice
    and no revision; (what happened, the tally). ``on_answer(number, answer)``, when given, also receives the ``SpotAnswer`` (classroom mode pools it)."""
    answer = lab.spot.answer(number, guess)
    if on_answer is not None:
        on_answer(int(number), answer)
    return answer.reveal(), answer.tally


ALREADY_ANSWERED = ("You have already answered this face: your first answer and your final one are counted. "
                    "Press **next face** for another one.")


def quiz_turn(lab: DemoLab, previous: dict | None = None, on_answer=None) -> tuple[str, dict]:
    """(the file of a new face, the page's turn for it: ``{"number": n, "answered": False}``);
    ``previous`` is the turn on screen, whose face is not asked again. A previous face left after
    its first answer, without a final one, is counted now with its first answer alone
    (``finish_turn``)."""
    finish_turn(lab, previous, on_answer)
    number = lab.spot.question(None if previous is None else previous.get("number"))
    return quiz_picture(lab, number), {"number": number, "answered": False}


def finish_turn(lab: DemoLab, turn: dict | None, on_answer=None):
    """Count a turn that has a first answer but no final one (the student moved on): its first
    answer and the machine's; the ``SpotAnswer``, or None when there was nothing to count."""
    if not turn or turn.get("answered") or turn.get("first") is None:
        return None
    answer = lab.spot.answer(turn.get("number"), turn["first"])
    if on_answer is not None:
        on_answer(int(turn["number"]), answer)
    return answer


def quiz_guess(lab: DemoLab, turn: dict | None, guess: str, on_answer=None) -> tuple[str, dict, dict | None]:
    """A guess on the face on screen: (what to show, the tally, the turn after it).

    The first guess on a face shows the machine's P(fake) and verdict, not the truth, and counts
    nothing yet (a tally that moved would tell the student whether they were right). The second
    is the final answer, the same or revised: the truth is shown, and the face is counted (first
    answer, machine, revised answer; given to ``on_answer``, see ``quiz_answer``). Any later
    guess on the same face is not counted, and says so with the reveal."""
    if turn is not None and turn.get("answered"):
        return f"{ALREADY_ANSWERED}\n\n{turn.get('reveal', '')}".strip(), lab.tally.read(), turn
    number = None if turn is None else turn.get("number")
    if turn is None or turn.get("first") is None:
        advice = lab.spot.advise(number, guess)
        return advice.prompt(), lab.tally.read(), {**turn, "first": guess, "p_fake": round(advice.p_fake, 4)}
    answer = lab.spot.answer(number, turn["first"], revised=guess)
    if on_answer is not None:
        on_answer(int(number), answer)
    text = answer.reveal()
    return text, answer.tally, {**turn, "answered": True, "reveal": text}


# --- tab 5: check a file (provenance.check) -------------------------------------------------------


def check_provenance(upload: str | os.PathLike | None, lab: DemoLab | None = None) -> str:
    """Markdown: the visible label, invisible mark and C2PA manifest found in an uploaded file,
    what the mark's payload is, and what their absence does not prove."""
    from deepfake_edu.provenance.check import check_file

    path, _ = check_upload(upload)
    report = check_file(path)
    found = "\n".join(f"- {line}" for line in report.lines())
    note = payload_note(report, lab)
    return f"{found}\n\n" + (f"{note}\n\n" if note else "") + report.explain().replace("\n", "\n\n")


def payload_note(report, lab: DemoLab | None = None) -> str:
    """Markdown: the mark's payload in plain words (empty when no mark was found); with ``lab``,
    which of the demo's models made it when the payload is one of theirs."""
    from deepfake_edu.provenance.check import VIDEO_PAYLOAD_TAG, payload_for
    from deepfake_edu.swap.fakes import PHOTO_INFO

    if not report.mark_found or not report.payload:
        return ""
    value = int(report.payload, 16)
    head = (f"**What the payload is.** The invisible mark carries a short hidden message of 32 bits, written as "
            f"8 hexadecimal digits: `{report.payload}`. It names no person and holds no picture.")
    if value >> 16 == VIDEO_PAYLOAD_TAG:
        frames = ", ".join(str(n) for n in report.mark_frames[:8])
        return head + (f" In a video, each frame's message is `{VIDEO_PAYLOAD_TAG:04x}` (the lab's video tag) followed by "
                       f"the frame's own number, so a check can tell which frame it is looking at"
                       + (f" (frames read here: {frames})." if frames else "."))
    known = {"deepfake-edu, with no details given": payload_for(None)}
    if lab is not None:
        for run_label in _safe_runs(lab):
            known[f"this demo's **make a fake** tab, model *{run_label}*"] = payload_for({**PHOTO_INFO, **_fake_info(run_label)})
    maker = next((who for who, payload in known.items() if payload == value), None)
    tail = (f" Here it matches the fingerprint of {maker}." if maker else
            " It matches none of this demo's models (another command or tool of the lab, or other details, made it).")
    return head + (" For a picture it is a fingerprint of how the picture was made: the first 4 bytes of the SHA-256 "
                   "of the tool's details (which program, which model). The same details always give the same "
                   "fingerprint, so it can be matched, but it cannot be turned back into the details." + tail)


def _safe_runs(lab: DemoLab) -> list[str]:
    try:
        return list(lab.swap_runs())
    except LabError:
        return []


def upload_preview(lab: DemoLab, upload: str | os.PathLike | None) -> str | None:
    """The file of a small picture of an upload (PNG, at most PREVIEW_SIDE px): the picture
    itself, or a video's first frame; None when nothing is uploaded. The upload is checked first
    (``check_upload``), so a bad file gets the same one line as when it is checked."""
    import cv2

    if upload is None or str(upload) == "":
        return None
    path, kind = check_upload(upload)
    if kind == "video":
        from deepfake_edu.data.video import VideoReader

        with VideoReader(path, name=path.name) as video:
            picture = video.read()
        if picture is None:
            raise LabError(f"{path.name} has no frame the lab can decode: choose another video")
    else:
        picture = read_upload_image(path)
    scale = PREVIEW_SIDE / max(picture.shape[:2])
    if scale < 1:
        picture = cv2.resize(picture, (max(1, round(picture.shape[1] * scale)), max(1, round(picture.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    return lab.picture(picture)


# --- classroom mode (demo.classroom): the pooled game and the teacher view --------------------------


def _pooler(lab: DemoLab, room, request):
    """The ``on_answer`` of a classroom student: pool the answer under the student's pseudonym."""
    def pool(number: int, answer) -> None:
        student = room.student(request)  # only once there is an answer: a pseudonym is given to those who answer
        face_file = Path(lab.spot.picture_file(number)).relative_to(lab.spot.realfake).as_posix()
        room.pool.record(student, number, face_file, answer)

    return pool


def pooled_guess(lab: DemoLab, room, request, turn: dict | None, guess: str) -> tuple[str, str, dict | None]:
    """A student's guess in classroom mode (``quiz_guess``: first the machine's advice, then the
    final answer and the truth): counted against the device's cap, pooled with every student's
    answers once the face is done (``room.pool``, under the student's pseudonym); (what to show,
    the pooled tally as Markdown, the turn after it)."""
    from deepfake_edu.demo.classroom import describe_pool

    room.take(request, "answer")
    text, _, after = quiz_guess(lab, turn, guess, _pooler(lab, room, request))
    return text, describe_pool(room.pool), after


def pooled_turn(lab: DemoLab, room, request, previous: dict | None = None) -> tuple[str, dict]:
    """``quiz_turn`` in classroom mode: a face left after its first answer is pooled as it is."""
    return quiz_turn(lab, previous, _pooler(lab, room, request))


def join_card(lab: DemoLab, room) -> tuple[str, str | None]:
    """(Markdown for the projector: the join address, the join code, what to do; the file of the
    address's QR code, or None when this computer has no network address to show)."""
    from deepfake_edu.demo.classroom import qr_picture, spoken

    addresses = room.join_addresses()
    if not addresses:
        return (f"**No network found on this computer.** Connect it to the classroom's network (Wi-Fi or cable), "
                f"then reload this page. Join code: **{spoken(room.code)}**"), None
    others = "".join(f"\n- also: {address}" for address in addresses[1:])
    text = (f"## Join the class\n\nOn a phone, tablet or Chromebook on this network, scan the code or open\n\n"
            f"# {addresses[0]}\n\nand type any name with the join code\n\n# {spoken(room.code)}{others}")
    return text, lab.picture(qr_picture(addresses[0]))


def teacher_pool(room, request) -> str:
    """Markdown: the pooled answers so far (only for the teacher's own browser: ``require_teacher``)."""
    from deepfake_edu.demo.classroom import describe_pool, require_teacher

    require_teacher(request)
    return describe_pool(room.pool)


def teacher_reset(lab: DemoLab, room, request) -> str:
    """Start the class's answers again from zero (the pool and the tally file); only for the teacher."""
    from deepfake_edu.demo.classroom import describe_pool, require_teacher

    require_teacher(request)
    room.pool.reset()
    lab.tally.reset()
    return describe_pool(room.pool)


def teacher_export(lab: DemoLab, room, request, kind: str = "csv") -> str:
    """The file of every pooled answer, as CSV or JSON, under ``<lab home>/outputs/demo/classroom/``
    (served to loopback only: ``classroom.ClassroomGate``); only for the teacher."""
    from deepfake_edu.demo.classroom import require_teacher

    require_teacher(request)
    if not room.pool.answers():
        raise LabError("no answers yet: the export starts once a student has answered a face")
    return str(room.pool.export(lab.folder / "classroom", kind))


# --- laundering -----------------------------------------------------------------------------------


def launder_upload(lab: DemoLab, upload: str | os.PathLike | None, detector_label: str, jpeg_quality: float = 100,
                   scale: float = 1.0, keep: float = 1.0, sigma: float = 0.0, video: bool = False) -> tuple[np.ndarray, str]:
    """What re-posting does to an uploaded photo (``forensics.laundering.launder``: crop, shrink,
    blur, then JPEG or an mp4 frame): the detector's P(fake) and the label, the mark and C2PA,
    before and after. Returns (the laundered picture with the visible label put back on, for the
    page: what the demo shows of a fake is always labelled; Markdown). The laundered pixels
    themselves are measured in memory and never written to a file anyone can download."""
    from deepfake_edu.detect.predict import predict_proba
    from deepfake_edu.forensics.judge import face_crops
    from deepfake_edu.forensics.laundering import launder
    from deepfake_edu.provenance import label, watermark
    from deepfake_edu.provenance.check import check_file

    path, kind = check_upload(upload, allow=("image",))
    original = read_upload_image(path)
    laundered = launder(original, jpeg_quality, scale, keep, sigma, video)
    model = lab.detector(detector_label)

    def p_fake(rgb: np.ndarray) -> str:
        try:
            crops = face_crops(rgb, lab.face_backend())
        except LabError as error:
            return f"no verdict ({str(error).split(':')[0]})"
        return f"P(fake) {float(predict_proba(model, np.stack(crops)).max()):.2f}" if crops else "no face found"

    before = check_file(path)
    mark = watermark.read_mark(laundered)
    rows = [
        ("detector", p_fake(original), p_fake(laundered)),
        ("visible label", "found" if before.label_found else "not found", "found" if label.find_label(laundered) else "not found"),
        ("invisible mark", "found" if before.mark_found else "not found", "found" if mark.found else "not found"),
        ("C2PA manifest", before.c2pa_state, "gone: a re-saved file carries no manifest unless the tool copies it" if before.c2pa_state == "present" else before.c2pa_state),
    ]
    height, width = original.shape[:2]
    steps = [f"centre {keep:g} kept" if keep < 1 else "", f"shrunk to {scale:g}" if scale != 1 else "", f"blurred {sigma:g} px" if sigma > 0 else "",
             "an mp4 frame" if video else (f"JPEG {jpeg_quality:g}" if jpeg_quality < 100 else "")]
    done = ", ".join(step for step in steps if step) or "nothing (move a slider)"
    table = "\n".join(f"| {name} | {was} | {now} |" for name, was, now in rows)
    text = (f"Laundered: {done}; {width}x{height} became {laundered.shape[1]}x{laundered.shape[0]}.\n\n"
            f"| | as uploaded | laundered |\n| --- | --- | --- |\n{table}\n\n"
            "The picture shown carries the visible label again: the demo never shows an unlabelled fake.")
    return label.add_label(laundered) if min(laundered.shape[:2]) >= 32 else laundered, text
