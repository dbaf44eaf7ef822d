"""The demo's page texts in English and French: the one catalogue ``app`` builds its page from.

How a browser gets its language (Gradio 6, read in its frontend): the page carries translation
keys (``gr.I18n``'s markers) in place of texts, and the catalogues below in its config; the
browser picks ``navigator.language`` ("fr-FR" is "fr"), and a key its language lacks comes out
in English. The choice is made in the browser, so the server sends the same page to everyone.

Forcing one language (``deepfake-edu demo --lang fr``, or ``DEEPFAKE_EDU_LANG=fr``, for a
projector whose browser speaks English): ``catalogue(forced)`` gives that language's texts under
the English key too, so every browser falls back on them. Gradio's own few words (the upload
area's "Drop File Here", "Clear", the login form's field names) still follow the browser.

Texts a handler returns go to ``text(key, request_language(request, forced))``: the language
of the browser that sent the event (its Accept-Language header), English for an API client.

Wording, as in ``lessons.quiz_fr``: students are "vous"; "faux" or "hypertrucage" for a deepfake,
"auto-encodeur", "goulot d'étranglement", "échange de visages"; "réel" and "faux" for the quiz's
answers (the words of ``quiz_fr.SPOT_TEXTS``); P(faux), MesoNet, JPEG, C2PA stay as they are; a
number keeps its unit on its line through a no-break space (``\\u00a0``). Commands stay in English.

A text may hold ``{name}`` fields, filled from ``FIELDS`` before the page is built: the browser
reads the catalogue as ICU messages and would take a brace for a field of its own, so none is
left in what it gets (tests/demo/test_i18n.py checks both languages alike).
"""

from __future__ import annotations

import os
import re

from deepfake_edu.demo import logic
from deepfake_edu.lessons import i18n
from deepfake_edu.swap.fakes import CLIP_FRAMES

# Fields of the texts: numbers the page states, filled in before the catalogue leaves Python.
FIELDS = {
    "seconds": f"{logic.MAX_VIDEO_SECONDS:.0f}",
    "megabytes": f"{logic.MAX_UPLOAD_MB}",
    "frames": f"{CLIP_FRAMES}",
}

EN: dict[str, str] = {
    # the top of the page
    "intro": ("# deepfake-edu: look inside a deepfake, make one, catch one\n"
              "Everything here runs on this computer; nothing is sent anywhere. Every fake made here carries a\n"
              "visible label and an invisible mark. Faces are the lab's **synthetic twins**: invented people."),
    "classroom_intro": ("You are on the teacher's computer: what you upload is seen by you only, and deleted when you close "
                        "this page. In **4. Spot the fake** your answers join the whole class's."),
    # 1. inside the autoencoder
    "funnel_tab": "1. Inside the autoencoder",
    "funnel_intro": ("The encoder squeezes a face into a few numbers (the **bottleneck**); the decoder rebuilds "
                     "the face from them. Pick a face and a bottleneck width: each width is its own model, trained the same way."),
    "funnel_missing": "**No funnel models yet.** Start the demo without `--no-prepare` to train them (about a minute).",
    "whose_face": "whose face",
    "which_face": "which face",
    "bottleneck_width": "bottleneck width (numbers)",
    "funnel_gallery": "faces (click one to rebuild it)",
    "rebuild": "squeeze and rebuild",
    "the_face": "the face",
    "rebuilt": "rebuilt through the funnel",
    "the_funnel": "the funnel",
    "layer_sizes": "layer sizes",
    "no_funnel_model": "no funnel model is trained yet: restart the demo without --no-prepare",
    # 2. make a fake
    "fake_tab": "2. Make a fake",
    "fake_intro": ("One shared encoder, one decoder per person: encode a face of A, decode it with B's decoder. "
                   "With the twins the true answer exists, so the swap can be scored."),
    "swap_model": "model (a trained pair)",
    "direction": "who becomes whom",
    "face_of_a": "which face of A",
    "make_fake": "make the fake",
    "make_clip": "make a {frames}-frame clip (twins)",
    "person_a": "A",
    "the_fake": "A as B, in A's picture (labelled, marked)",
    "true_answer": "the true answer's face (twins only)",
    "fake_download": "the fake, with its marks",
    "swapped_clip": "the swapped clip",
    # 3. catch the fake
    "catch_tab": "3. Catch the fake",
    "catch_intro": ("Upload a photo or a short video (up to {seconds} s, {megabytes} MB). "
                    "Each face found gets MesoNet's P(fake) and a heatmap of what drove the score; a video gets its curve over time."),
    "photo_or_video": "photo or video",
    "detector": "detector",
    "catch": "catch it",
    "faces_found": "faces found, with their heatmaps (left to right; a video: a few of its frames)",
    "fake_curve": "P(fake) over the video",
    "arms_heading": "The arms race: a detector against a fake that keeps improving",
    "arms_intro": ("One face-swap model, kept at every stage of its training. Left: the fake getting better (SSIM against "
                   "the true answer, detail kept). Right: what the detectors say about each stage's fakes, including one "
                   "trained only on the earliest fakes. Does yesterday's detector catch today's fake? Lab 4 runs a race "
                   "of your own (or `deepfake-edu detect arms-race`), and it appears in this list."),
    "arms_choice": "which race",
    "arms_show": "show it",
    "arms_plot": "the fake against the detectors, step by step",
    # 4. spot the fake
    "quiz_tab": "4. Spot the fake",
    "quiz_intro": ("Real twin or swapped twin? Answer first; then you see the machine's P(fake) and may change your mind; "
                   "then the truth. The tally counts your first answers and your final ones apart, beside the machine's."),
    "real_or_fake": "real or fake?",
    "next_face": "next face",
    "real": "real",
    "fake": "fake",
    "your_guess": "Your guess?",
    "quiz_reset": "reset the class's tally...",
    "quiz_reset_ask": "**Start the class's tally again from zero?** Every answer counted so far is lost.",
    "quiz_reset_yes": "yes, reset it",
    "cancel": "cancel",
    "pooled_heading": "**The whole class so far**: first answers, the machine, and the answers after seeing the machine",
    # the teacher page
    "scan_to_join": "scan to join",
    "teacher_heading": "## Spot the fake: the class against the machine",
    "save_csv": "save the answers (CSV)",
    "save_json": "save the answers (JSON)",
    "teacher_reset": "reset the class's answers...",
    "saved_answers": "the answers, for the human-versus-machine study",
    "teacher_reset_ask": "**Start the class's answers again from zero?** Save them first: every answer so far is lost.",
    "teacher_reset_yes": "yes, reset them",
    # 5. check a file
    "check_tab": "5. Check a file",
    "check_intro": ("Does a picture or video say it was made by an AI tool? The lab looks for its visible label, "
                    "its invisible mark and a C2PA manifest."),
    "uploaded": "what you uploaded (a video: its first frame)",
    "check": "check it",
    "launder_title": "Launder it: what re-posting does to the detector, the label, the mark and C2PA",
    "launder_intro": ("A fake that travels is cropped, shrunk, blurred and re-saved on the way. Move the sliders, "
                      "then compare the photo above with its laundered copy."),
    "jpeg_quality": "JPEG quality (100: none)",
    "size_kept": "size kept",
    "centre_kept": "centre kept by a crop",
    "blur": "blur (pixels)",
    "as_video": "re-encode as a video frame (instead of JPEG)",
    "launder": "launder and check",
    "laundered": "the laundered copy (labelled again for the page)",
    # what the page says when a handler fails
    "generic_error": "Something went wrong on the server. Try again, or tell the teacher (the details are in the terminal).",
}

FR: dict[str, str] = {
    "intro": ("# deepfake-edu : voir comment marche un hypertrucage, en fabriquer un, le démasquer\n"
              "Tout se passe sur cet ordinateur ; rien n'est envoyé ailleurs. Chaque faux fabriqué ici porte une\n"
              "étiquette visible et une marque invisible. Les visages sont les **jumeaux synthétiques** du labo : "
              "des personnes inventées."),
    "classroom_intro": ("Cette page vient de l'ordinateur de l'enseignant : ce que vous y déposez n'est visible que par vous, "
                        "et disparaît quand vous fermez la page. Dans **4. Repérer le faux**, vos réponses s'ajoutent à "
                        "celles de toute la classe."),
    "funnel_tab": "1. Au cœur de l'auto-encodeur",
    "funnel_intro": ("L'encodeur résume un visage en quelques nombres (le **goulot d'étranglement**) ; le décodeur "
                     "reconstruit le visage à partir de ces seuls nombres. Choisissez un visage et une largeur de goulot : "
                     "chaque largeur correspond à un modèle différent, entraîné de la même façon."),
    "funnel_missing": ("**Pas encore de modèles d'entonnoir.** Relancez la démo sans `--no-prepare` pour les entraîner "
                       "(environ une minute)."),
    "whose_face": "la personne",
    "which_face": "quel visage",
    "bottleneck_width": "largeur du goulot (en nombres)",
    "funnel_gallery": "visages (cliquez sur l'un d'eux pour le reconstruire)",
    "rebuild": "compresser puis reconstruire",
    "the_face": "le visage de départ",
    "rebuilt": "le visage reconstruit après l'entonnoir",
    "the_funnel": "l'entonnoir",
    "layer_sizes": "taille des couches",
    "no_funnel_model": "aucun modèle d'entonnoir n'est encore entraîné : relancez la démo sans --no-prepare",
    "fake_tab": "2. Fabriquer un faux",
    "fake_intro": ("Un seul encodeur pour tout le monde, un décodeur par personne : on encode un visage de A, puis on le "
                   "décode avec le décodeur de B. Avec les jumeaux, on connaît le visage qu'il fallait obtenir : on peut "
                   "donc noter l'échange de visages."),
    "swap_model": "modèle (une paire entraînée)",
    "direction": "qui devient qui",
    "face_of_a": "quel visage de A",
    "make_fake": "fabriquer le faux",
    "make_clip": "fabriquer une séquence de {frames}\u00a0images (jumeaux)",
    "person_a": "A",
    "the_fake": "A devenu B, dans la photo de A (avec étiquette et marque)",
    "true_answer": "le visage qu'il fallait obtenir (jumeaux seulement)",
    "fake_download": "le faux, avec ses marques",
    "swapped_clip": "la séquence truquée",
    "catch_tab": "3. Détecter le faux",
    "catch_intro": ("Déposez une photo ou une courte vidéo ({seconds}\u00a0s et {megabytes}\u00a0Mo au plus). Chaque visage "
                    "trouvé reçoit la P(faux) de MesoNet et une carte de chaleur qui montre ce qui a pesé sur ce score ; "
                    "une vidéo reçoit en plus sa courbe au fil du temps."),
    "photo_or_video": "photo ou vidéo",
    "detector": "détecteur",
    "catch": "lancer la détection",
    "faces_found": "visages trouvés et leurs cartes de chaleur (de gauche à droite ; pour une vidéo, quelques-unes de ses images)",
    "fake_curve": "P(faux) au fil de la vidéo",
    "arms_heading": "La course aux armements : un détecteur contre un faux qui ne cesse de s'améliorer",
    "arms_intro": ("Un seul modèle d'échange de visages, conservé à chaque étape de son entraînement. À gauche, le faux "
                   "s'améliore (SSIM face à la vraie réponse, détail conservé). À droite, ce que disent les détecteurs des "
                   "faux de chaque étape, dont un détecteur entraîné sur les tout premiers faux seulement. Le détecteur "
                   "d'hier attrape-t-il le faux d'aujourd'hui ? Dans le labo\u00a04, vous faites courir votre propre course "
                   "(ou avec `deepfake-edu detect arms-race`) : elle apparaît alors dans cette liste."),
    "arms_choice": "quelle course",
    "arms_show": "l'afficher",
    "arms_plot": "le faux contre les détecteurs, étape par étape",
    "quiz_tab": "4. Repérer le faux",
    "quiz_intro": ("Vrai jumeau ou jumeau truqué ? Répondez d'abord ; vous voyez ensuite la P(faux) de la machine et "
                   "pouvez changer d'avis ; puis vient la vérité. Le décompte sépare vos premières réponses de vos "
                   "réponses finales, à côté de celles de la machine."),
    "real_or_fake": "réel ou faux ?",
    "next_face": "visage suivant",
    "real": "réel",
    "fake": "faux",
    "your_guess": "À vous : réel ou faux ?",
    "quiz_reset": "remettre le décompte de la classe à zéro…",
    "quiz_reset_ask": "**Remettre le décompte de la classe à zéro ?** Toutes les réponses comptées jusqu'ici seront perdues.",
    "quiz_reset_yes": "oui, remettre à zéro",
    "cancel": "annuler",
    "pooled_heading": ("**Toute la classe jusqu'ici** : les premières réponses, celles de la machine, puis les réponses "
                       "données après avoir vu son avis"),
    "scan_to_join": "scannez pour rejoindre la classe",
    "teacher_heading": "## Repérer le faux : la classe contre la machine",
    "save_csv": "enregistrer les réponses (CSV)",
    "save_json": "enregistrer les réponses (JSON)",
    "teacher_reset": "remettre les réponses de la classe à zéro…",
    "saved_answers": "les réponses, pour l'étude « humains contre machine »",
    "teacher_reset_ask": ("**Remettre les réponses de la classe à zéro ?** Enregistrez-les d'abord : toutes les réponses "
                          "données jusqu'ici seront perdues."),
    "teacher_reset_yes": "oui, tout remettre à zéro",
    "check_tab": "5. Vérifier un fichier",
    "check_intro": ("Une image ou une vidéo indique-t-elle qu'elle a été fabriquée par une IA ? Le labo cherche son "
                    "étiquette visible, sa marque invisible et un manifeste C2PA."),
    "uploaded": "le fichier déposé (pour une vidéo : sa première image)",
    "check": "vérifier",
    "launder_title": "Le blanchiment : ce que les partages successifs font au détecteur, à l'étiquette, à la marque et au C2PA",
    "launder_intro": ("Un faux qui circule est recadré, réduit, flouté et réenregistré au fil des partages. Déplacez les "
                      "curseurs, puis comparez la photo ci-dessus et sa copie « blanchie »."),
    "jpeg_quality": "qualité JPEG (100 : aucune perte)",
    "size_kept": "taille conservée",
    "centre_kept": "part du centre gardée par le recadrage",
    "blur": "flou (en pixels)",
    "as_video": "réencoder comme une image de vidéo (au lieu du JPEG)",
    "launder": "blanchir et vérifier",
    "laundered": "la copie blanchie (étiquetée de nouveau pour la page)",
    "generic_error": ("Un problème est survenu sur le serveur. Réessayez, ou prévenez l'enseignant "
                      "(le détail est dans le terminal)."),
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "fr": FR}
assert set(CATALOGUES) == set(i18n.LANGUAGES), "a language of the lessons without its demo catalogue"

# The classroom's login page: Gradio shows this one as HTML before any config (so without its
# translations); it follows a forced language only. The English is classroom.LOGIN_MESSAGE.
LOGIN_FR = ("<b>Rejoindre la classe.</b> Tapez votre prénom ou un surnom, et, comme mot de passe, le code que "
            "l'enseignant lit à voix haute. Majuscules ou minuscules, peu importe.")

# The demo's --lang: a language, or "browser" (each browser its own, even with DEEPFAKE_EDU_LANG set).
FOLLOW_BROWSER = "browser"


def text(key: str, code: str = "en") -> str:
    """The text of ``key`` in language ``code``, its fields filled; English where French lacks it."""
    return i18n.lookup(CATALOGUES, key, code).format(**FIELDS)


# Keys that Gradio's own frontend asks for but its catalogues lack (Gradio 6.31): without them the
# page shows the key itself. The status tracker says "common.complete" when an event ends.
GRADIO_MISSING = {
    "en": {"common.complete": "Done"},
    "fr": {"common.complete": "Terminé"},
}


def catalogue(forced: str | None = None) -> dict[str, dict[str, str]]:
    """The translations handed to ``gr.I18n``: every language's texts, fields filled, and the
    words Gradio's frontend lacks (``GRADIO_MISSING``); with ``forced``, that language's texts
    under every language (English included, which is where the browser falls back)."""
    if forced is not None:
        chosen = {key: text(key, forced) for key in EN} | GRADIO_MISSING.get(forced, GRADIO_MISSING["en"])
        return {code: dict(chosen) for code in CATALOGUES}
    return {code: {key: text(key, code) for key in EN} | GRADIO_MISSING.get(code, GRADIO_MISSING["en"]) for code in CATALOGUES}


def make_i18n(forced: str | None = None):
    """The ``gr.I18n`` for ``Blocks.launch(i18n=...)``."""
    import gradio as gr

    return gr.I18n(**catalogue(forced))


def t(key: str):
    """The marker of ``key`` for a component's label, value or tab name: what ``gr.I18n(...)(key)``
    returns (the translations themselves go to ``Blocks.launch``); an unknown key fails here."""
    from gradio.i18n import I18nData

    if key not in EN:
        raise KeyError(f"no demo text {key!r}")
    return I18nData(key)


def english(value) -> str | None:
    """What an English browser shows for a component's label or value: a marker's English text,
    anything else as it is (tests look components up by their English words)."""
    key = marker_key(value)
    return text(key) if key is not None else value


def marker_key(value) -> str | None:
    """The key inside a marker (``I18nData`` or its string form), else None."""
    key = getattr(value, "key", None)
    if isinstance(key, str) and type(value).__name__ == "I18nData":
        return key
    if isinstance(value, str):
        found = re.fullmatch(r'__i18n__\{"__type__": "translation_metadata", "key": "([^"]+)"\}', value)
        return found.group(1) if found else None
    return None


def forced_language(choice: str | None = None) -> str | None:
    """The language the demo forces: ``choice`` (the --lang option: "en", "fr", or "browser" for
    none), else ``DEEPFAKE_EDU_LANG`` where set, else None (each browser its own)."""
    if choice is None:
        choice = os.environ.get(i18n.ENVIRONMENT_VARIABLE, "").strip() or FOLLOW_BROWSER
        where = f" in {i18n.ENVIRONMENT_VARIABLE}"
    else:
        where = ""
    if choice.strip().lower() == FOLLOW_BROWSER:
        return None
    return i18n._known(choice, where)


def request_language(request, forced: str | None = None) -> str:
    """The language for a text a handler returns: ``forced``, else the first language of the
    request's Accept-Language that Gradio's frontend would also pick ("fr-CA,fr;q=0.9" is "fr"),
    else English (an API client sends none)."""
    if forced is not None:
        return forced
    headers = getattr(request, "headers", None) or {}
    header = headers.get("accept-language") or headers.get("Accept-Language") or ""
    wanted = []
    for position, part in enumerate(str(header).split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        if tag and weight > 0:
            wanted.append((-weight, position, tag))
    for _, _, tag in sorted(wanted):
        short = re.split(r"[-_]", tag.lower())[0]
        return short if short in CATALOGUES else "en"  # the browser's first language, as Gradio reads navigator.language
    return "en"


def login_message(forced: str | None, english_message: str) -> str:
    """The classroom login page's words: French when the demo forces French, else the English."""
    return LOGIN_FR if forced == "fr" else english_message
