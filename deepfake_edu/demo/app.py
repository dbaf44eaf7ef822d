"""The demo's page: five tabs wired to the plain functions in ``logic``.

    from deepfake_edu.lab import load_lab
    from deepfake_edu.demo.app import build_app, launch_app
    launch_app(load_lab())                      # http://127.0.0.1:7860, nothing leaves the machine

Classroom mode (``launch_app(..., classroom=Classroom())``, see ``classroom``): a login page
that takes the join code, caps on each device's work, the spot-the-fake answers pooled, each
page session's uploads deleted when it closes, and a teacher page (``/teacher``) that only
loopback opens.

Safety built in: analytics off (set before Gradio is imported), no share link unless asked,
loopback only unless asked, no flagging, no example caching, no run history; uploads capped in
size and deleted from Gradio's cache after a while; a bounded queue that answers "queue is
full" when the class floods it; every error shown as one line, never a stack trace.

Languages: the page's texts are keys of ``texts`` (English and French), handed to the browser
through Gradio's ``gr.I18n``: a browser set to French reads French, any other English;
``launch_app(..., lang="fr")`` (``deepfake-edu demo --lang fr``) forces one on every browser.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from pathlib import Path

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no telemetry, no version check
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

from deepfake_edu.demo import logic, texts  # noqa: E402
from deepfake_edu.demo.texts import t  # noqa: E402
from deepfake_edu.demo.state import trim_memory_in_background  # noqa: E402
from deepfake_edu.demo.classroom import LOGIN_MESSAGE, TEACHER_PATH, Classroom, describe_pool, middleware  # noqa: E402
from deepfake_edu.errors import LabError  # noqa: E402
from deepfake_edu.lessons import i18n  # noqa: E402
from deepfake_edu.lessons.funnel import TRAIN_IDENTITIES  # noqa: E402
from deepfake_edu.lessons.spot_the_fake import describe_tally  # noqa: E402

log = logging.getLogger("deepfake_edu.demo")

QUEUE_SIZE = 32  # events waiting at most (a class of 30, one click each, waits in line); more get "queue is full" at once
CONCURRENCY = 2  # events running at once (2 cores): a fake, a verdict, a rebuild, a file check
# Gradio counts a concurrency limit per event unless events share a group: the tabs' heavy events
# (a rebuild, a fake, a clip, a verdict, a laundering, a file check) share one group, so that two
# run at once in all, not two of each fighting over two cores.
WORK = {"concurrency_id": "work", "concurrency_limit": CONCURRENCY}
# A spot-the-fake turn (a face, an answer, the tally: milliseconds of work each) has its own slots,
# so a student's answer never waits in line behind other students' fakes and verdicts.
QUICK = {"concurrency_id": "quiz", "concurrency_limit": 2}
CACHE_SWEEP = (300, 900)  # every 5 minutes, delete uploads and outputs Gradio cached over 15 minutes ago
GALLERY_FACES, GALLERY_COLUMNS = 16, 8  # tab 1's thumbnails: two rows of eight, about 100 px each at 1024 px wide
FACE_HEIGHT = 300  # tab 1's two faces, pixels (their pictures are logic.SHOWN_SIDE, 256)
FAKE_HEIGHT = 300  # tab 2's three pictures, pixels
GENERIC_ERROR = texts.text("generic_error")  # in English; a browser gets its own language's (texts.request_language)

# The page's own style, scoped by elem_id. Gradio's gallery without a fixed height keeps 320 px
# (or 55% of the window) and thumbnails of at least 100 px: tab 1's takes the height of its two
# rows and shrinks its thumbnails to the width instead of scrolling.
CSS = """
#funnel-gallery .grid-wrap { min-height: 0; max-height: none; }
#funnel-gallery .grid-container { grid-template-columns: repeat(var(--grid-cols), minmax(0, 1fr)); }
"""

TEACHER_REFRESH_S = 3.0  # the teacher page reloads the pooled answers this often, seconds


def guarded(fn=None, *, lang: str | None = None):
    """Run a handler in the language of the browser that sent the event (its gr.Request, when
    the handler takes one) unless the page forces ``lang``: the library's lesson texts it returns
    (the quiz's advice, the tally) speak that language (``lessons.i18n.speaking``). A LabError
    becomes its one line in the page, anything else a generic line in that language (the
    traceback goes to the terminal's log only). ``guarded(lang=...)`` is the decorator with that
    language."""
    if fn is None:
        return functools.partial(guarded, lang=lang)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        request = next((each for each in (*args, *kwargs.values()) if isinstance(each, gr.Request)), None)
        spoken = texts.request_language(request, lang)
        try:
            with i18n.speaking(spoken):
                return fn(*args, **kwargs)
        except gr.Error:
            raise
        except LabError as error:
            raise gr.Error(str(error), print_exception=False) from None
        except Exception:
            log.exception("demo handler %s failed", fn.__name__)
            raise gr.Error(texts.text("generic_error", spoken), print_exception=False) from None

    return wrapper


def _private() -> dict:
    """Keyword arguments that keep a helper event out of the page's API (Gradio 6, and 5)."""
    import inspect

    return {"api_visibility": "private"} if "api_visibility" in inspect.signature(gr.Button.click).parameters else {"show_api": False}


def _theme():
    # System fonts: the default theme would make each browser fetch fonts from Google.
    return gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])


def build_app(assets, classroom: Classroom | None = None, lang: str | None = None) -> gr.Blocks:
    """The Blocks app over ``assets`` (a ``deepfake_edu.lab.LabAssets``, or any object with the
    same fields); nothing heavy is loaded until a tab needs it. ``classroom``: serve a class
    (``classroom.Classroom``): pooled answers, caps per device, and the teacher page.

    The page's texts are ``texts`` keys, translated in each browser by the ``gr.I18n`` that
    ``launch_options`` hands to ``launch`` (English for a browser in any other language).
    ``lang`` ("en", "fr"): the language the page forces, for the texts handlers return too; the
    same ``lang`` goes to ``launch_options``. None: each browser its own."""
    lab = logic.DemoLab(assets)
    with gr.Blocks(title="deepfake-edu demo", analytics_enabled=False, delete_cache=CACHE_SWEEP) as app:
        app.demo_lab = lab  # for tests and the launcher's warm-up
        app.classroom = classroom
        gr.Markdown(t("intro"))
        if classroom is not None:
            gr.Markdown(t("classroom_intro"))
        _funnel_tab(app, lab, lang)
        _fake_tab(lab, classroom, lang)
        _catch_tab(lab, classroom, lang)
        _spot_the_fake_tab(app, lab, classroom, lang)
        _check_tab(lab, classroom, lang)
        if classroom is not None:
            def forget(request: gr.Request = None):
                classroom.forget(request)  # the page closed: its uploads and the pictures made of them go

            app.unload(forget)
    if classroom is not None:
        _teacher_page(app, lab, classroom, lang)  # a page of its own: Gradio makes routes outside the Blocks context
    return app


def _take(room: Classroom | None, request, kind: str) -> None:
    """Count one ``kind`` of work for the device of ``request`` in classroom mode (LabError over its cap)."""
    if room is not None:
        room.take(request, kind)


def _remember(room: Classroom | None, request, *paths) -> None:
    if room is not None:
        room.remember(request, *paths)


def _funnel_tab(app: gr.Blocks, lab: logic.DemoLab, lang: str | None = None) -> None:
    widths = sorted(lab.funnel_widths())
    guard = guarded(lang=lang)
    with gr.Tab(t("funnel_tab"), id="funnel"):
        gr.Markdown(t("funnel_intro"))
        if not widths:
            gr.Markdown(t("funnel_missing"))
        with gr.Row():
            identity = gr.Dropdown(list(TRAIN_IDENTITIES), value=TRAIN_IDENTITIES[0], label=t("whose_face"))
            face_index = gr.Slider(0, logic.FACES_PER_PERSON - 1, value=0, step=1, label=t("which_face"))
            width = gr.Radio([str(w) for w in widths], value=str(widths[0]) if widths else None, label=t("bottleneck_width"))
        # Two rows of thumbnails that follow the page's width (a fixed height scrolled at 1024x768; see CSS).
        gallery = gr.Gallery(label=t("funnel_gallery"), columns=GALLERY_COLUMNS, rows=2, height="auto",
                             object_fit="contain", allow_preview=False, elem_id="funnel-gallery")
        rebuild = gr.Button(t("rebuild"), variant="primary")
        with gr.Row(equal_height=True):
            original = gr.Image(label=t("the_face"), type="filepath", interactive=False, height=FACE_HEIGHT, scale=1, min_width=FACE_HEIGHT)
            rebuilt = gr.Image(label=t("rebuilt"), type="filepath", interactive=False, height=FACE_HEIGHT, scale=1, min_width=FACE_HEIGHT)
            summary = gr.Markdown(elem_id="funnel-summary")
        funnel = gr.Image(label=t("the_funnel"), type="filepath", interactive=False)
        with gr.Accordion(t("layer_sizes"), open=False):
            layers = gr.Markdown()

        @guard
        def show_gallery(person):
            return [lab.picture(face) for face in logic.funnel_faces(lab, person)[:GALLERY_FACES]]

        @guard
        def do_rebuild(person, index, chosen_width, request: gr.Request = None):
            if not chosen_width:
                raise LabError(texts.text("no_funnel_model", texts.request_language(request, lang)))
            view = logic.rebuild_face(lab, person, int(index), int(chosen_width))
            return lab.picture(view.original), lab.picture(view.rebuilt), view.summary(), lab.picture(view.funnel), logic.describe_layers(view.layers)

        @guard
        def pick(person, chosen_width, event: gr.SelectData, request: gr.Request = None):
            """A click on a face: the slider moves to it and the face is rebuilt at once."""
            return (event.index, *do_rebuild(person, event.index, chosen_width, request))

        outputs = [original, rebuilt, summary, funnel, layers]
        identity.change(show_gallery, identity, gallery, api_name="funnel_gallery")
        app.load(show_gallery, identity, gallery, api_visibility="private")
        gallery.select(pick, [identity, width], [face_index, *outputs], api_visibility="private", **WORK)
        rebuild.click(do_rebuild, [identity, face_index, width], outputs, api_name="rebuild", **WORK)
        width.change(do_rebuild, [identity, face_index, width], outputs, api_visibility="private", **WORK)
        face_index.release(do_rebuild, [identity, face_index, width], outputs, api_visibility="private", **WORK)


def _fake_tab(lab: logic.DemoLab, room: Classroom | None = None, lang: str | None = None) -> None:
    runs = list(lab.swap_runs())
    first_directions = _safe(lambda: logic.fake_directions(lab, runs[0]), [])
    guard = guarded(lang=lang)
    with gr.Tab(t("fake_tab"), id="fake"):
        gr.Markdown(t("fake_intro"))
        with gr.Row():
            run = gr.Dropdown(runs, value=runs[0], label=t("swap_model"))
            direction = gr.Dropdown(first_directions, value=first_directions[0] if first_directions else None, label=t("direction"))
            face_index = gr.Slider(0, logic.FACES_PER_PERSON - 1, value=0, step=1, label=t("face_of_a"))
        with gr.Row():
            make = gr.Button(t("make_fake"), variant="primary")
            make_clip = gr.Button(t("make_clip"))  # the texts' {frames}: logic.CLIP_FRAMES
        with gr.Row():
            source = gr.Image(label=t("person_a"), type="filepath", interactive=False, height=FAKE_HEIGHT)
            fake = gr.Image(label=t("the_fake"), type="filepath", interactive=False, height=FAKE_HEIGHT)
            truth = gr.Image(label=t("true_answer"), type="filepath", interactive=False, height=FAKE_HEIGHT)
        summary = gr.Markdown()
        download = gr.File(label=t("fake_download"), interactive=False)
        clip = gr.Image(label=t("swapped_clip"), type="filepath", interactive=False, height=260)

        @guard
        def directions(run_label):
            choices = logic.fake_directions(lab, run_label)
            return gr.Dropdown(choices=choices, value=choices[0])

        @guard
        def do_fake(run_label, chosen, index, request: gr.Request = None):
            _take(room, request, "work")
            result = logic.make_fake(lab, run_label, chosen, int(index))
            return lab.picture(result.source), lab.picture(result.fake), lab.picture(result.truth), result.summary(), str(result.path)

        @guard
        def do_clip(run_label, chosen, request: gr.Request = None):
            _take(room, request, "work")
            result = logic.make_fake_clip(lab, run_label, chosen)
            return str(result.preview), str(result.video), result.summary()

        results = [source, fake, truth, summary, download, clip]
        run.change(directions, run, direction, api_name="fake_directions")
        # Another direction (or model) makes the fake and the clip on screen someone else's: they go.
        direction.change(lambda: (None,) * 3 + ("", None, None), None, results, queue=False, **_private())
        make.click(do_fake, [run, direction, face_index], [source, fake, truth, summary, download], api_name="make_fake", **WORK)
        make_clip.click(do_clip, [run, direction], [clip, download, summary], api_name="make_clip", **WORK)


def _catch_tab(lab: logic.DemoLab, room: Classroom | None = None, lang: str | None = None) -> None:
    detectors = list(lab.detectors())
    kinds = list(logic.IMAGE_SUFFIXES + logic.VIDEO_SUFFIXES)
    guard = guarded(lang=lang)
    with gr.Tab(t("catch_tab"), id="catch"):
        gr.Markdown(t("catch_intro"))  # the texts' {seconds} and {megabytes}: logic.MAX_VIDEO_SECONDS and MAX_UPLOAD_MB
        with gr.Row():
            upload = gr.File(label=t("photo_or_video"), file_types=kinds, type="filepath", elem_id="catch-upload")
            detector = gr.Dropdown(detectors, value=detectors[0], label=t("detector"))
        go = gr.Button(t("catch"), variant="primary")
        summary = gr.Markdown()
        faces = gr.Image(label=t("faces_found"), type="filepath", interactive=False, height=280)
        curve = gr.Image(label=t("fake_curve"), type="filepath", interactive=False)

        @guard
        def do_catch(path, label, request: gr.Request = None):
            _take(room, request, "work")
            _remember(room, request, path)
            result = logic.catch_fake(lab, path, label)
            captions = "\n".join(f"- {caption}" for _, caption in result.faces)
            strip = lab.picture(logic.side_by_side([picture for picture, _ in result.faces])) if result.faces else None
            _remember(room, request, strip, result.curve)
            return f"{captions}\n\n{result.summary}" if captions else result.summary, strip, str(result.curve) if result.curve else None

        # The previous verdict goes first: a refused upload ("no face found ...") must not leave it on screen.
        outputs = [summary, faces, curve]
        cleared = go.click(lambda: ("", None, None), None, outputs, queue=False, **_private())
        cleared.then(do_catch, [upload, detector], outputs, api_name="catch", **WORK)
        upload.change(lambda: ("", None, None), None, outputs, queue=False, **_private())  # a new file: the old verdict goes

        # The arms race: a detector against one swap model at every stage of its training, as measured.
        races = logic.arms_races(lab)
        with gr.Accordion(t("arms_heading"), open=False):
            gr.Markdown(t("arms_intro"))
            with gr.Row():
                race = gr.Dropdown(races, value=races[0] if races else None, label=t("arms_choice"))
                show = gr.Button(t("arms_show"), scale=0, min_width=160)
            race_plot = gr.Image(label=t("arms_plot"), type="filepath", interactive=False, elem_id="arms-race-plot")
            race_table = gr.Markdown()

        @guard
        def do_race(label):
            picture, table = logic.arms_race_view(lab, label)
            return lab.picture(picture), table

        show.click(do_race, race, [race_plot, race_table], api_name="arms_race", **WORK)


def _spot_the_fake_tab(app: gr.Blocks, lab: logic.DemoLab, room: Classroom | None = None, lang: str | None = None) -> None:
    guard = guarded(lang=lang)
    with gr.Tab(t("quiz_tab"), id="quiz"):
        gr.Markdown(t("quiz_intro"))
        if room is not None:
            _pooled_quiz(app, lab, room, lang)
            return
        turn = gr.State(None)  # the face on screen: {"number": n, "first": guess, "answered": bool, "reveal": ...}
        face, next_face, say_real, say_fake, reveal = _quiz_controls()
        tally = gr.Markdown()
        with gr.Row():
            reset = gr.Button(t("quiz_reset"), size="sm", scale=0, min_width=200, elem_id="quiz-reset")
        with gr.Row(visible=False, elem_id="quiz-reset-confirm") as confirm_row:
            gr.Markdown(t("quiz_reset_ask"))
            confirm = gr.Button(t("quiz_reset_yes"), variant="stop", size="sm", scale=0, min_width=140)
            cancel = gr.Button(t("cancel"), size="sm", scale=0, min_width=100)

        def new_face(previous, request: gr.Request = None):
            picture, new_turn = logic.quiz_turn(lab, previous)
            return picture, new_turn, texts.text("your_guess", texts.request_language(request, lang))

        ask = guard(new_face)

        def answer(guess):
            @guard
            def mark(current, request: gr.Request = None):  # the request: the advice in the browser's language
                text, counts, after = logic.quiz_guess(lab, current, guess)
                return text, describe_tally(counts), after  # first: the machine's advice; then the final answer; no more

            return mark

        @guard
        def show_tally(request: gr.Request = None):
            return describe_tally(lab.tally.read())

        @guard
        def do_reset(request: gr.Request = None):
            return describe_tally(lab.tally.reset())

        first_face = _opening_face(new_face, guard)

        def confirming(shown):
            return gr.update(visible=shown), gr.update(visible=not shown)

        next_face.click(ask, turn, [face, turn, reveal], api_name="quiz_next", **QUICK)
        say_real.click(answer("real"), turn, [reveal, tally, turn], api_name="quiz_real", **QUICK)
        say_fake.click(answer("fake"), turn, [reveal, tally, turn], api_name="quiz_fake", **QUICK)
        # Resetting takes two clicks: the small button asks, "yes, reset it" resets.
        reset.click(lambda: confirming(True), None, [confirm_row, reset], queue=False, **_private())
        cancel.click(lambda: confirming(False), None, [confirm_row, reset], queue=False, **_private())
        confirm.click(do_reset, None, tally, api_name="quiz_reset", **QUICK).then(lambda: confirming(False), None, [confirm_row, reset], queue=False, **_private())
        app.load(show_tally, None, tally, api_name="quiz_tally", **QUICK)
        app.load(first_face, turn, [face, turn, reveal], **_private())  # the quiz opens on a face, not an empty frame


def _quiz_controls():
    """The face and the three buttons of a spot-the-fake turn, and where its answer is told:
    (face, next face, real, fake, reveal). "real" and "fake" give the first answer, then (once
    the machine's P(fake) is shown) the final one: the same button keeps it, the other revises it."""
    with gr.Row():
        face = gr.Image(label=t("real_or_fake"), type="filepath", interactive=False, height=280, elem_id="quiz-face")
        with gr.Column():
            next_face = gr.Button(t("next_face"), variant="primary")
            say_real = gr.Button(t("real"))
            say_fake = gr.Button(t("fake"))
            reveal = gr.Markdown()
    return face, next_face, say_real, say_fake, reveal


def _opening_face(new_face, guard):
    """The handler of the face a quiz tab opens on (``new_face`` wrapped by ``guard``): a lab
    without its real/fake set says so in the page, not in a pop-up."""

    @guard
    def first_face(previous, request: gr.Request = None):
        try:
            return new_face(previous, request)
        except LabError as error:
            return None, None, str(error)

    return first_face


def _pooled_quiz(app: gr.Blocks, lab: logic.DemoLab, room: Classroom, lang: str | None = None) -> None:
    """The spot-the-fake tab in classroom mode: every student's first and final answers pooled
    (``room.pool``), and no reset here (only the teacher page resets)."""
    guard = guarded(lang=lang)
    turn = gr.State(None)
    face, next_face, say_real, say_fake, reveal = _quiz_controls()
    gr.Markdown(t("pooled_heading"))
    pooled = gr.Markdown(elem_id="quiz-pooled")

    def new_face(previous, request: gr.Request = None):
        picture, new_turn = logic.pooled_turn(lab, room, request, previous)
        return picture, new_turn, texts.text("your_guess", texts.request_language(request, lang))

    def answer(guess):
        @guard
        def mark(current, request: gr.Request = None):
            return logic.pooled_guess(lab, room, request, current, guess)

        return mark

    first_face = _opening_face(new_face, guard)

    next_face.click(guard(new_face), turn, [face, turn, reveal], api_name="quiz_next", **QUICK)
    say_real.click(answer("real"), turn, [reveal, pooled, turn], api_name="quiz_real", **QUICK)
    say_fake.click(answer("fake"), turn, [reveal, pooled, turn], api_name="quiz_fake", **QUICK)
    app.load(guard(lambda: describe_pool(room.pool)), None, pooled, api_name="quiz_tally", **QUICK)
    app.load(first_face, turn, [face, turn, reveal], **_private())


def _teacher_page(app: gr.Blocks, lab: logic.DemoLab, room: Classroom, lang: str | None = None) -> None:
    """``/teacher``: the join card for the projector, the pooled answers (live), their export and
    the reset. Every handler asks ``classroom.require_teacher`` first; the gate refuses the page itself."""
    guard = guarded(lang=lang)
    with app.route("Teacher", TEACHER_PATH, show_in_navbar=False):
        with gr.Row():
            card = gr.Markdown(elem_id="teacher-join")
            qr = gr.Image(label=t("scan_to_join"), type="filepath", interactive=False, height=360, show_label=False, elem_id="teacher-qr")
        gr.Markdown(t("teacher_heading"))
        pooled = gr.Markdown(elem_id="teacher-pool")
        with gr.Row():
            as_csv = gr.Button(t("save_csv"), size="sm")
            as_json = gr.Button(t("save_json"), size="sm")
            reset = gr.Button(t("teacher_reset"), size="sm", elem_id="teacher-reset")
        saved = gr.File(label=t("saved_answers"), interactive=False)
        with gr.Row(visible=False) as confirm_row:
            gr.Markdown(t("teacher_reset_ask"))
            confirm = gr.Button(t("teacher_reset_yes"), variant="stop", size="sm", scale=0, min_width=140)
            cancel = gr.Button(t("cancel"), size="sm", scale=0, min_width=100)
        timer = gr.Timer(TEACHER_REFRESH_S)

        @guard
        def show_card(request: gr.Request = None):
            pool = logic.teacher_pool(room, request)  # first: it refuses any browser but the teacher's
            return (*logic.join_card(lab, room), pool)

        @guard
        def refresh(request: gr.Request = None):
            return logic.teacher_pool(room, request)

        def export(kind):
            @guard
            def save(request: gr.Request = None):
                return logic.teacher_export(lab, room, request, kind)

            return save

        @guard
        def do_reset(request: gr.Request = None):
            return logic.teacher_reset(lab, room, request)

        def confirming(shown):
            return gr.update(visible=shown), gr.update(visible=not shown)

        app.load(show_card, None, [card, qr, pooled], api_name="teacher_view", **QUICK)
        timer.tick(refresh, None, pooled, queue=False, api_name="teacher_pool")
        as_csv.click(export("csv"), None, saved, api_name="teacher_export_csv", **QUICK)
        as_json.click(export("json"), None, saved, api_name="teacher_export_json", **QUICK)
        reset.click(lambda: confirming(True), None, [confirm_row, reset], queue=False, **_private())
        cancel.click(lambda: confirming(False), None, [confirm_row, reset], queue=False, **_private())
        confirm.click(do_reset, None, pooled, api_name="teacher_reset", **QUICK).then(lambda: confirming(False), None, [confirm_row, reset], queue=False, **_private())


def _check_tab(lab: logic.DemoLab, room: Classroom | None = None, lang: str | None = None) -> None:
    kinds = list(logic.IMAGE_SUFFIXES + logic.VIDEO_SUFFIXES)
    guard = guarded(lang=lang)
    with gr.Tab(t("check_tab"), id="check"):
        gr.Markdown(t("check_intro"))
        with gr.Row():
            upload = gr.File(label=t("photo_or_video"), file_types=kinds, type="filepath", elem_id="check-upload")
            preview = gr.Image(label=t("uploaded"), type="filepath", interactive=False, height=240, elem_id="check-preview")
        go = gr.Button(t("check"), variant="primary")
        report = gr.Markdown()
        with gr.Accordion(t("launder_title"), open=False):
            gr.Markdown(t("launder_intro"))
            with gr.Row():
                quality = gr.Slider(5, 100, value=100, step=5, label=t("jpeg_quality"))
                scale = gr.Slider(0.1, 1.0, value=1.0, step=0.05, label=t("size_kept"))
            with gr.Row():
                keep = gr.Slider(0.5, 1.0, value=1.0, step=0.05, label=t("centre_kept"))
                sigma = gr.Slider(0.0, 5.0, value=0.0, step=0.5, label=t("blur"))
            with gr.Row():
                video = gr.Checkbox(label=t("as_video"))
                detectors = list(lab.detectors())
                detector = gr.Dropdown(detectors, value=detectors[0], label=t("detector"))
            launder = gr.Button(t("launder"))
            with gr.Row():
                laundered = gr.Image(label=t("laundered"), interactive=False, height=240)
                findings = gr.Markdown()

        @guard
        def do_launder(path, quality, scale, keep, sigma, video, detector, request: gr.Request = None):
            _take(room, request, "work")
            _remember(room, request, path)
            picture, text = logic.launder_upload(lab, path, detector, quality, scale, keep, sigma, video)
            shown = lab.picture(picture)
            _remember(room, request, shown)
            return shown, text

        launder.click(lambda: (None, ""), None, [laundered, findings], queue=False, **_private()).then(
            do_launder, [upload, quality, scale, keep, sigma, video, detector], [laundered, findings], api_name="launder", **WORK)

        @guard
        def show_preview(path, request: gr.Request = None):
            _remember(room, request, path)
            preview = logic.upload_preview(lab, path)
            _remember(room, request, preview)
            return preview

        @guard
        def do_check(path, request: gr.Request = None):
            _take(room, request, "work")
            _remember(room, request, path)
            return logic.check_provenance(path, lab)

        go.click(lambda: "", None, report, queue=False, **_private()).then(do_check, upload, report, api_name="check_file", **WORK)
        # A new file: the old report goes, and the new file is shown (a bad one gets its one line now).
        upload.change(lambda: ("", None), None, [report, preview], queue=False, **_private()).then(
            show_preview, upload, preview, **_private())


def _safe(make, default):
    try:
        return make()
    except LabError as error:
        log.warning("%s", error)
        return default


def launch_options(host: str = "127.0.0.1", port: int = 7860, share: bool = False, quiet: bool = False, assets=None,
                   classroom: Classroom | None = None, lang: str | None = None) -> dict:
    """The keyword arguments of ``Blocks.launch`` the demo always uses.

    ``i18n``: the page's texts in English and French (``texts``); each browser shows its own
    language, English for any other; ``lang`` ("en", "fr") forces that one on every browser.

    Gradio serves only files under the working or temporary folder unless allowed: the demo's
    own outputs (``<home>/outputs/demo``) and the spot-the-fake faces (the real/fake set's images) are.
    ``classroom``: add its login page (any name, the join code), its upload cap and its gate
    (``classroom.ClassroomGate``; the exported answers are for loopback only).
    """
    allowed = [] if assets is None else [str((Path(assets.home) / "outputs" / "demo").resolve()), str((Path(assets.realfake) / "images").resolve())]
    extra = {}
    if classroom is not None:
        if share:
            raise LabError("--classroom serves this network only: leave --share out")
        private = [] if assets is None else [Path(assets.home) / "outputs" / "demo" / "classroom"]
        extra = dict(auth=classroom.check_login, auth_message=texts.login_message(lang, LOGIN_MESSAGE), max_file_size=f"{classroom.upload_mb}mb",
                     app_kwargs={"middleware": [middleware(classroom, private)]})
    return dict(
        allowed_paths=allowed,
        server_name=host,
        server_port=port,
        share=share,
        inbrowser=False,
        show_error=False,  # handlers raise gr.Error with one line; nothing else reaches the page
        quiet=quiet,
        max_file_size=f"{logic.MAX_UPLOAD_MB}mb",
        footer_links=["api"],
        run_history=False,
        enable_monitoring=False,
        ssr_mode=False,  # no Node server beside Python
        pwa=False,
        mcp_server=False,
        theme=_theme(),
        css=CSS,
        i18n=texts.make_i18n(lang),
    ) | extra


def launch_app(assets, host: str = "127.0.0.1", port: int = 7860, share: bool = False, block: bool = True, quiet: bool = False,
               classroom: Classroom | None = None, lang: str | None = None):
    """Build, queue and serve the app; returns (blocks, local url). ``block=False`` returns once
    the server answers (tests, the load test); it then runs in a thread until ``blocks.close()``.
    ``classroom``: serve a class (its ``host`` and ``port`` replace ``host`` and ``port``).
    ``lang``: "en" or "fr" forces the page's language on every browser; None (the default): each
    browser its own (``texts.forced_language`` reads ``--lang`` and ``DEEPFAKE_EDU_LANG``)."""
    if classroom is not None:
        host, port = classroom.host, classroom.port
    options = launch_options(host, port, share, quiet, assets, classroom, lang)  # refuses a bad combination before anything starts
    app = build_app(assets, classroom, lang)
    app.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
    threading.Thread(target=app.demo_lab.warm_up, name="demo-warm-up", daemon=True).start()
    trim_memory_in_background()  # freed pictures go back to the system: memory returns near its baseline after a class
    _, url, _ = app.launch(prevent_thread_lock=not block, **options)
    return app, url
