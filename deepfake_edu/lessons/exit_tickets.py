"""Exit tickets: two or three short questions at the end of labs 1-8, answered in the last five
minutes, that tell the teacher what stuck.

Each question asks for the lab's main idea in the student's own words (not a number the lab
printed). A sentence is read by the key-idea rubric of ``lessons.experiments`` (``Idea``,
``read_explanation``): the feedback names the ideas the answer still misses, not a wording, and
its patterns match English and French alike. At most one question per lab is multiple choice,
always with several right options, judged by ``lessons.quiz``'s ``Quiz`` (every option chosen
wrongly, or missed, is explained).

    from deepfake_edu.lessons.exit_tickets import ticket, answer_ticket, save_ticket
    ticket(2)                                         # prints the questions
    answer_ticket(2, 1, "So that one code means ...")  # ✓, or ✗ and what is missing
    save_ticket(2, outputs_dir() / "exit-tickets")     # a small JSON for the teacher

``save_ticket`` writes the answers and whether each met its rubric (no name unless the student
gives one), atomically, to a .json file or into a folder under a name of its own, so that a
class's files never collide; ``read_ticket`` checks one such file and ``class_summary`` counts
a class's files per question (how many met it, which idea was missed most).

The questions are plain text, not widgets: the notebooks keep the answers as variables in a cell
tagged ``solution``, so that the student versions get blanks and the teacher versions are checked.

Every sentence a student reads is in ``TEXTS`` (English) and ``exit_tickets_fr.TEXTS`` (French),
chosen by ``lessons.i18n``; the sentences around a rubric's hints are ``experiments``'s own.
"""

from __future__ import annotations

import datetime as _dt
import json
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import experiments, exit_tickets_fr, i18n
from deepfake_edu.lessons.check_kit import Outcome
from deepfake_edu.lessons.experiments import MIN_WORDS, RUBRICS, Idea, read_explanation
from deepfake_edu.lessons.quiz import Option, Quiz

# Every sentence a student can see, by key; {fields} are filled in by ``text``.
TEXTS: dict[str, str] = {
    # the words around the questions
    "title": "Exit ticket, lab {lab}: {count} short questions, about 5 minutes. Answer in your own words: what matters is the idea, not the wording.",
    "how_text": 'answer in a sentence: answer_ticket({lab}, {n}, "your sentence")',
    "how_choice": 'answer with every right letter, separated by commas: answer_ticket({lab}, {n}, "x, y")',
    "choose_all": "(choose all that apply)",
    "save_hint": "When you are done, save your ticket for your teacher: save_ticket({lab}, ...).",
    "not_answered": "Fill in your answer first: replace the ... with it, then run the cell again.",
    "no_lab": "no exit ticket for lab {lab!r}; the labs with one: {labs}",
    "no_question": "lab {lab}'s exit ticket has questions 1 to {count}, not {n!r}",
    "nothing_to_save": "Answer at least one question with answer_ticket({lab}, ...) before saving the ticket.",
    "saved": "Exit ticket saved: {path} ({met} of {count} answers hold every key idea). Give this file to your teacher.",
    "summary_title": "Exit tickets of lab {lab}: {files} file(s).",
    "summary_line": "  {n}. {question}\n     answered {answered}, met {met}",
    "summary_missed": "     missed most often: {idea} ({times} time(s))",
    # lab 1: the funnel
    "1.narrow": "Why must the code in the middle of the autoencoder be much smaller than the picture?",
    "idea.1.narrow.copy": "what a code as big as the picture would let the network do (copy the pixels, and learn nothing about faces)",
    "idea.1.narrow.summary": "what a small code forces it to keep (a summary of what matters in a face: pose, expression, light)",
    "1.lost_first": "When the code gets narrower, the eyes and the skin's texture blur long before the head's pose goes wrong. Why?",
    "idea.1.lost_first.small": "what the eyes and the skin's texture are (small details that cover few pixels and change from picture to picture)",
    "idea.1.lost_first.big": "what the pose is (one big, simple fact that moves the whole face, so a few numbers keep it)",
    "1.wide": "A funnel whose code holds 12,288 numbers (as many as the pixels of a 64 x 64 face) rebuilds every face almost exactly. Which of these are true?",
    "1.wide.a": "It may only have learned to copy pixels, and nothing about faces.",
    "1.wide.a.why": "With room for every pixel, copying is the easy way out: the funnel's narrowness is what forces a summary.",
    "1.wide.b": "It is therefore the best encoder for a face swap.",
    "1.wide.b.why": "A swap needs a code that describes pose and expression in a way both decoders read; a copy of A's pixels is not that.",
    "1.wide.c": "A small rebuild error alone does not show that it learned anything about faces.",
    "1.wide.c.why": "A perfect copy also has a small error: the error measures the copy, not what was understood.",
    "1.wide.d": "A wider code is always the better choice.",
    "1.wide.d.why": "Wider rebuilds better but summarises less; past a point it stops learning faces at all.",
    # lab 2: the swap
    "2.shared": "Why must A and B share the SAME encoder for the swap to work?",
    "idea.2.shared.read": "what B's decoder must be able to do (read a code made from A's face: with another encoder, it would never have seen such codes)",
    "2.parts": "You swap A as B. What in the result comes from A's picture, and what comes from B?",
    "idea.2.parts.from_a": "what A's picture gives, through the code (the pose, the expression, the light)",
    "idea.2.parts.from_b": "what B's decoder adds (B's own face: the identity, the features, the skin)",
    # lab 3: your own faces
    "3.variety": "Why does a face swap need faces with varied poses, expressions and light, and not just many frames?",
    "3.consent": "Why does the lab need a written consent note before it uses a real person's face, and what can that person do if they change their mind?",
    "idea.3.consent.personal": "why a face needs consent (it is personal data, and a swap is a new use of it that the person must agree to, on record)",
    "idea.3.consent.forget": "what happens when the person changes their mind (their faces, and everything made from them, are deleted)",
    # lab 4: MesoNet
    "4.internet": "A detector scores 99% on its test set. Name one reason it may fail on a video from the internet.",
    "idea.4.internet.differs": "how a video from the internet can differ from what the detector learned from (another compression, another way of making fakes, other people, another quality)",
    "4.unseen": "Why is the detector tested on twins it never saw during training?",
    "idea.4.unseen.recognise": "what it could do with people it trained on (recognise them, or learn their fakes by heart, instead of the traces of a swap)",
    "idea.4.unseen.new": "what the test must tell you (how it does on new people, where a score on known ones would be too good)",
    "4.video": "The rule for a whole video says 'likely fake' when more than half of its frames score above 0.5. Why judge many frames rather than one?",
    "4.video.a": "A single frame has too few pixels for MesoNet to judge.",
    "4.video.a.why": "MesoNet judges single 256 x 256 faces: each frame is enough to score, just not enough to trust alone.",
    "4.video.b": "A single frame's score can be a mistake; a vote over many smooths the mistakes out.",
    "4.video.b.why": "No detector is right on every frame: one confident frame may be its one error.",
    "4.video.c": "With enough frames, the verdict becomes a proof.",
    "4.video.c.why": "It stays a likelihood: a detector can be wrong on every frame of a video unlike the ones it learned from.",
    "4.video.d": "A fake can look good on some frames and poor on others.",
    "4.video.d.why": "A swap fails most on hard frames (a turned head, a blink): many frames give the detector more chances to meet them.",
    # lab 5: micro, meso, macro
    "5.compression": "Why does strong compression hurt the noise detector more than MesoNet?",
    "idea.5.compression.meso": "what MesoNet looks at instead (parts of a face, an eye, a mouth, the mesoscopic scale, which survive compression)",
    "5.macro": "Why is a macroscopic detector, one that asks 'is this a face?', useless for catching a face swap?",
    "idea.5.macro.still_face": "what a swapped face still is (a face, like the real one)",
    "idea.5.macro.same_answer": "what that means for the detector (it gives real and fake the same answer: it cannot tell them apart)",
    # lab 6: what the detector sees
    "6.one_heatmap": "A Grad-CAM heatmap lights up the eyes of one fake face. Why is that not enough to say 'the detector looks at the eyes'?",
    "idea.6.one_heatmap.one": "what a heatmap is about (this one picture only)",
    "idea.6.one_heatmap.many": "what would show it in general (a measure over many faces, such as covering the eyes on each and averaging)",
    "6.area": "Suppose covering the mouth changes P(fake) more than covering the eyes, and the mouth region is twice as large as the eyes' region. Why must you take the sizes into account before saying the mouth matters more?",
    "idea.6.area.more": "what a bigger region hides (more of the picture: more pixels, more evidence)",
    "idea.6.area.fair": "how to compare fairly (per share of the picture, or regions of the same size)",
    "6.tells": "Which of these can a heatmap of one picture tell you?",
    "6.tells.a": "Where in this picture the evidence for its score came from.",
    "6.tells.a.why": "That is what it shows: which regions pushed the score toward 'fake', for this picture.",
    "6.tells.b": "What the swap got wrong in this picture.",
    "6.tells.b.why": "It shows where the detector found evidence, not what was faked or how badly.",
    "6.tells.c": "That the network knows what an eye is.",
    "6.tells.c.why": "The network has no notion of an eye, only of patterns of pixels that weighed in its score.",
    "6.tells.d": "That the detector may be relying on something beside the face, such as a label or the background.",
    "6.tells.d.why": "A bright spot away from the face is a warning that the score may come from the wrong place.",
    # lab 7: thinking critically
    "7.no_mark": "`provenance check` finds no label and no mark in a video. Why does that not prove the video is real?",
    "idea.7.no_mark.other_tools": "where most fakes come from (tools that add no mark at all)",
    "idea.7.no_mark.removed": "what can happen to a mark (cropping or re-saving a picture can erase it)",
    "7.doubt": "Why is 'doubt every video' no better than 'believe every video'?",
    "idea.7.doubt.dismiss": "what total doubt gives a liar (a true video can be dismissed as 'a deepfake')",
    "idea.7.doubt.check": "what to do instead (check the source and the evidence before deciding)",
    # lab 8: predict, run, explain
    "8.predict": "Why write your prediction down BEFORE running the experiment?",
    "idea.8.predict.hindsight": "what a guess made after seeing the result is worth (nothing: once you have seen it, anything looks expected)",
    "idea.8.predict.compare": "what a prediction written first lets you do (compare it with the result and find out what you believed wrongly)",
    "8.once": "Your experiment ran once and one side won by 0.01. What would you do before believing the result, and why?",
    "idea.8.once.repeat": "what to do (run it again, with other seeds)",
    "idea.8.once.chance": "why (a small difference may be chance: compare it with how much the results vary from run to run)",
    "8.depth": "Suppose the short Meso-4 beat the deeper MesoInception-4 in your run. Which conclusions are fair?",
    "8.depth.a": "Deeper networks are always worse at finding fakes.",
    "8.depth.a.why": "One run, with these faces and this training time, says nothing about always.",
    "8.depth.b": "With these faces and this training time, the shorter network did better.",
    "8.depth.b.why": "That is exactly what the run measured, no more.",
    "8.depth.c": "With more faces or a longer training, the result might change.",
    "8.depth.c.why": "A deeper network needs more data and time to pay off; the experiment did not give it that.",
    "8.depth.d": "The depth of a network never matters for a detector.",
    "8.depth.d.why": "It did matter here: it changed the cost per step, and so how much each network learned in the time given.",
}
_TEXTS = {"en": TEXTS, "fr": exit_tickets_fr.TEXTS}

text = i18n.translator(_TEXTS)  # text(key, **fields): in the current language


def describe_idea(key: str) -> str:
    """The hint of a rubric's idea: this module's text, or ``experiments``'s for the ideas
    borrowed from lab 8's rubrics."""
    return text(key) if key in TEXTS else experiments.text(key)


# ------------------------------------------------------------------------------ the questions


@dataclass(frozen=True)
class Question:
    """One question of a ticket: a sentence read by a rubric (``ideas``), or a multiple choice
    with several right options (``options``)."""

    key: str  # TEXTS key of the question, "<lab>.<name>"
    ideas: tuple[Idea, ...] = ()  # a sentence answer: the key ideas it must hold
    options: tuple[bool, ...] = ()  # a multiple choice: option i (TEXTS "<key>.<letter>" and "<key>.<letter>.why") is right
    min_words: int = MIN_WORDS  # a sentence shorter than this cannot hold the ideas

    @property
    def is_choice(self) -> bool:
        return bool(self.options)

    def quiz(self) -> Quiz:
        """The multiple choice as a ``lessons.quiz.Quiz``, in the current language."""
        letters = "abcdefgh"[: len(self.options)]
        options = tuple(Option(text(f"{self.key}.{letter}"), right, text(f"{self.key}.{letter}.why"))
                        for letter, right in zip(letters, self.options))
        return Quiz(self.key, f"{text(self.key)} {text('choose_all')}", options, i18n.language())

    def as_text(self) -> str:
        return self.quiz().as_text() if self.is_choice else text(self.key)


def _idea(key: str, *groups: tuple[str, ...]) -> Idea:
    return Idea(key, tuple(groups))


def _borrowed(experiment: str, *names: str) -> tuple[Idea, ...]:
    """Ideas of lab 8's rubrics, reused as they are."""
    wanted = {f"idea.{experiment}.{name}" for name in names}
    return tuple(idea for idea in RUBRICS[experiment] if idea.key in wanted)


def _can_read_a() -> Idea:
    """Lab 8's "B's decoder never saw A's encoder's codes", widened to its positive form: "B's
    decoder can read a code made from A" says the same thing."""
    (decoder, never), = [idea.all_of for idea in RUBRICS["shared_encoder"] if idea.key == "idea.shared_encoder.never_saw"]
    return Idea("idea.2.shared.read", (decoder, never + (
        r"\bread", r"\bunderstand", r"\bknows?\b", r"\brecogni", r"\bmakes? sense", r"\binterpret", r"\bspeak",
        r"\blit\b", r"\blire", r"\bcompren", r"\bconnai", r"\binterpret", r"\bparle",
    )))


# Patterns match the answer in lower case without accents (``experiments.normalise``); each
# group lists alternatives in English and French, and an idea needs a match in every group.
TICKETS: dict[int, tuple[Question, ...]] = {
    1: (
        Question("1.narrow", (
            _idea("idea.1.narrow.copy", (
                r"\bcop(y|ie|ied|ying)", r"\bpixel (by|for) pixel", r"\bevery pixel", r"\bduplicat", r"\bby heart", r"\bmemori[sz]",
                r"\bcopi", r"\brecopi", r"\bpixel par pixel", r"\bchaque pixel", r"\bpar coeur", r"\bmemoris",
            )),
            _idea("idea.1.narrow.summary", (
                r"\bsummar", r"\bessential", r"\bimportant", r"\bmatters?\b", r"\bpose", r"\bexpression", r"\blight", r"\bfeatures",
                r"\bresum", r"\bessentiel", r"\bcompte", r"\blumiere", r"\beclairage", r"\btraits",
            )),
        )),
        Question("1.lost_first", (
            _idea("idea.1.lost_first.small", (
                r"\bsmall", r"\btiny", r"\bfew pixels", r"\bfine", r"\bdetail", r"\bchange (from|between|in every)", r"\bvar(y|ies)",
                r"\bpetit", r"\bpeu de pixels", r"\bfins?\b", r"\bdetail", r"\bchangent", r"\bvari",
            )),
            _idea("idea.1.lost_first.big", (
                r"\bbig", r"\blarge", r"\bwhole (face|picture|image|head)", r"\bmany pixels", r"\b(every|all the) pixels", r"\bsimple", r"\bfew numbers",
                r"\bgrand", r"\bgros", r"\btout le visage", r"\btoute (la tete|l'image)", r"\bbeaucoup de pixels", r"\btous les pixels", r"\bpeu de nombres",
            )),
        )),
        Question("1.wide", options=(True, False, True, False)),
    ),
    2: (
        Question("2.shared", (*_borrowed("shared_encoder", "same_code"), _can_read_a())),
        Question("2.parts", (
            _idea("idea.2.parts.from_a", (
                r"\bexpression", r"\bpose", r"\bsmil", r"\bmouth", r"\bhead", r"\bgaze", r"\blight", r"\bangle",
                r"\bsourire", r"\bbouche", r"\btete", r"\bregards?\b", r"\blumiere", r"\beclairage",  # regard: the gaze, not "regarder"
            )),
            _idea("idea.2.parts.from_b", (
                r"\bidentit", r"\bfeatures", r"\bskin", r"\bwho (it|he|she|they) (is|are)", r"\bb'?s (own )?(face|look)", r"\bdecoder (of b|paints|draws)",
                r"\btraits", r"\bpeau", r"\bvisage de b", r"\bqui (il|elle) est", r"\bdecodeur de b",
            )),
        )),
    ),
    3: (
        Question("3.variety", _borrowed("variety", "only_seen", "factors")),
        Question("3.consent", (
            _idea("idea.3.consent.personal", (
                r"\bpersonal", r"\bprivate", r"\bprivacy", r"\bagree", r"\bpermission", r"\ballow", r"\bright to", r"\brecord", r"\bproof", r"\bnew use",
                r"\bpersonnel", r"\bprive", r"\bvie privee", r"\baccord", r"\bautoris", r"\bdroit", r"\btrace", r"\bpreuve", r"\bnouvel usage",
            )),
            _idea("idea.3.consent.forget", (
                r"\bdelet", r"\bremov", r"\berase", r"\bforget", r"\bwithdraw", r"\btake (it )?back", r"\bdestroy",
                r"\bsupprim", r"\beffac", r"\boubli", r"\bretir", r"\bdetrui", r"\bforget\b",
            )),
        )),
    ),
    4: (
        Question("4.internet", (
            _idea("idea.4.internet.differs", (
                r"\bcompress", r"\bcodec", r"\bjpeg", r"\bresolution", r"\bquality", r"\bblur", r"\bnew (method|tool|kind|type|technique|way|fakes?|software|generator)",
                r"\bother (method|tool|kind|type|technique|way|fakes?|software|people|persons?|faces|generator)", r"\bdifferent", r"\bnever (saw|seen|met|trained)",
                r"\bnot (seen|trained|in (the|its) training)", r"\bunseen", r"\bunlike", r"\bnewer", r"\blight", r"\bangle",
                r"\bqualite", r"\bflou", r"\bnouvel(le)?s? (methodes?|outils?|sortes?|types?|techniques?|facons?|trucages?|logiciels?)",
                r"\bautres? (methodes?|outils?|sortes?|types?|techniques?|facons?|trucages?|logiciels?|personnes|gens|visages)", r"\bdifferent",
                r"\bjamais (vu|rencontre|appris)", r"\bpas (vu|appris)", r"\blumiere", r"\beclairage",
            )),
        )),
        Question("4.unseen", (
            _idea("idea.4.unseen.recognise", (
                r"\brecogni", r"\bby heart", r"\bmemori[sz]", r"\bremember", r"\bknows? (the|their|them|those)", r"\boverfit", r"\bcheat",
                r"\breconnai", r"\bpar coeur", r"\bmemoris", r"\bse souvien", r"\bconnai(t|ssent) (les|leurs|deja)", r"\bsur-?appren", r"\btrich",
            )),
            _idea("idea.4.unseen.new", (
                r"\bnew (people|persons?|faces|videos?)", r"\bunknown", r"\bunseen", r"\breal (world|life|videos?)", r"\btoo (good|high|optimistic)",
                r"\bother (people|persons?|faces)", r"\bstrangers?", r"\bnever (saw|seen)",
                r"\bnouvel(le)?s? (personnes|visages|videos?)", r"\binconnu", r"\bvraie vie", r"\bvraies? videos?", r"\btrop (bon|beau|eleve|optimiste)",
                r"\bautres? (personnes|gens|visages)", r"\bjamais vu",
            )),
        )),
        Question("4.video", options=(False, True, False, True)),
    ),
    5: (
        Question("5.compression", (
            *_borrowed("noise", "removes", "noise"),
            _idea("idea.5.compression.meso", (
                r"\bmesoscop", r"\bmeso(-| )?scale", r"\bmiddle scale", r"\bechelle (meso|moyenne|intermediaire)", r"\beyes?\b", r"\bmouth", r"\bnose", r"\bparts? of (the|a) face", r"\b(bigger|larger|coarser) (details|patterns|parts|features|shapes|scale)",
                r"\bsurviv", r"\bresist",
                r"\byeux", r"\boeil", r"\bbouche", r"\bnez\b", r"\bparties? du visage", r"\b(details|motifs|formes) plus (grands|gros)", r"\bplus grande echelle",
                r"\bsurvi", r"\bresist",
            )),
        )),
        Question("5.macro", (
            _idea("idea.5.macro.still_face", (
                r"\bstill (a |looks like a )?face", r"\balso (a )?face", r"\bboth (are|look like|show) (real )?faces?", r"\b(is|are|looks like) a (real )?face (too|as well)",
                r"\btoujours un visage", r"\baussi un visage", r"\breste un visage", r"\bles deux sont des visages", r"\bressemble (toujours|encore|aussi) a un visage",
                r"\bencore un visage", r"\best un visage",
            )),
            _idea("idea.5.macro.same_answer", (
                r"\bsame answer", r"\bsays yes", r"\bcan ?n[o']t (tell|separate|distinguish|see the difference)", r"\bnot (tell|separate|distinguish)",
                r"\btell (them|real and fake|the two) apart", r"\bdistinguish", r"\bseparate", r"\bno difference",
                r"\bmeme reponse", r"\brepond oui", r"\bdistingu", r"\bsepar", r"\bfaire la difference", r"\baucune difference", r"\bdepartager",
            )),
        )),
    ),
    6: (
        Question("6.one_heatmap", (
            _idea("idea.6.one_heatmap.one", (
                r"\bone (picture|image|face|example|frame)", r"\bsingle", r"\bthis (picture|image|face|frame)", r"\bonly (one|this)",
                r"\bune (seule )?(image|photo|visage)", r"\bun seul", r"\b(cette|une) seule", r"\bseule? (image|photo|visage)", r"\bcette (image|photo)", r"\bce visage", r"\bseulement (une|un|cette|ce)",
            )),
            _idea("idea.6.one_heatmap.many", (
                r"\bmany", r"\bseveral", r"\bother (faces|pictures|images)", r"\ball (the )?(faces|pictures|images)", r"\baverag", r"\bocclu", r"\bcover",
                r"\bplusieurs", r"\bbeaucoup", r"\bautres? (visages|images|photos)", r"\btous les visages", r"\bmoyenn", r"\bcach", r"\bmasqu", r"\bcouvr",
            )),
        )),
        Question("6.area", (
            _idea("idea.6.area.more", (
                r"\bmore (of the )?(pixels|picture|image|evidence|information|clues|face|traces)", r"\bhides? more", r"\bremoves? more", r"\bcovers? more",
                r"\bplus (de )?(pixels|d'image|de l'image|de preuves|d'informations?|d'indices|de visage|de traces)", r"\bcache plus", r"\benleve plus",
                r"\bcouvre plus", r"\bmasque plus",
            )),
            _idea("idea.6.area.fair", (
                r"\bper (pixel|area|share|unit|size)", r"\bdivid", r"\bsame size", r"\bfair", r"\bshare of", r"\bproportion", r"\bcompare",
                r"\bpar (pixel|surface|unite|taille)", r"\bdivis", r"\bmeme taille", r"\bjuste", r"\bequitable", r"\bpart de", r"\bproportion", r"\bcompar",
            )),
        )),
        Question("6.tells", options=(True, False, False, True)),
    ),
    7: (
        Question("7.no_mark", (
            _idea("idea.7.no_mark.other_tools", (
                r"\b(other|most|many)( \w+)? (tools|apps|programs|software|fakes|deepfakes|methods)", r"\bno (mark|label|watermark) at all",
                r"\bnever (carr|had|add|put|mark|label)", r"\bdo(es)? ?n[o']t (add|put|mark|label|carry)", r"\bwithout (a )?(mark|label)", r"\breal (videos?|ones?) (have|carry) no",
                r"\bautres? (outils|logiciels|applications|programmes|trucages|methodes)", r"\bla plupart", r"\bbeaucoup (d'outils|de logiciels|de trucages)",
                r"\bsans (aucune )?(marque|etiquette)", r"\bn'(ajoutent|ajoute|ont|a) (pas|jamais|aucune)",
                r"\bne (mettent|met|ajoutent|ajoute|portent|porte) (pas|aucune|jamais)",
            )),
            _idea("idea.7.no_mark.removed", (
                r"\bcrop", r"\bremov", r"\berase", r"\blost", r"\bwip", r"\bre-?sav", r"\bre-?compress", r"\blaunder", r"\bcut (off|out)", r"\bscreenshot",
                r"\brecadr", r"\benlev", r"\beffac", r"\bperd", r"\bsupprim", r"\bre-?enregistr", r"\brecompress", r"\bblanchi", r"\bcoup", r"\bcapture",
            )),
        )),
        Question("7.doubt", (
            _idea("idea.7.doubt.dismiss", (
                r"\bliar", r"\bdismiss", r"\b(true|real|genuine) (video|footage|evidence|ones?)", r"\bcall(ed)? (it )?(a )?(fake|deepfake)", r"\bdeny",
                r"\bmenteur", r"\brejet", r"\bvraies? (videos?|images|preuves)", r"\bnier", r"\bpreten(dre|d) que", r"\btraiter de",
            )),
            _idea("idea.7.doubt.check", (
                r"\bcheck", r"\bverif", r"\bsource", r"\bevidence", r"\bbalance", r"\bcorroborat", r"\binvestigat", r"\blook for",
                r"\bverifi", r"\bsource", r"\bpreuve", r"\bequilibre", r"\brecoup", r"\benquet", r"\bchercher",
            )),
        )),
    ),
    8: (
        Question("8.predict", (
            _idea("idea.8.predict.hindsight", (
                r"\bafter(wards)?\b", r"\bhindsight", r"\bknew it", r"\balready knew", r"\bfool", r"\bcheat", r"\bexpected (it|all along)", r"\bobvious",
                r"\bapres coup", r"\bapres", r"\bsavais", r"\btromp", r"\btrich", r"\bevident", r"\bprevu",
            )),
            _idea("idea.8.predict.compare", (
                r"\bcompar", r"\bwrong", r"\bmistak", r"\bsurpris", r"\bcheck", r"\btest (my|your|our|it)", r"\blearn",
                r"\bcompar", r"\bfaux", r"\berreur", r"\bsurpri", r"\bverifi", r"\btester", r"\bapprend",
            )),
        )),
        Question("8.once", (
            _idea("idea.8.once.repeat", (
                r"\bagain", r"\brepeat", r"\bother seeds?", r"\bseveral (times|runs)", r"\bmore runs", r"\brerun", r"\bmany times", r"\bdifferent seeds?",
                r"\brelanc", r"\brecommenc", r"\brefai", r"\bplusieurs (fois|essais)", r"\bautres? (graines|seeds?)", r"\bde nouveau", r"\bencore une fois", r"\brepet",
            )),
            _idea("idea.8.once.chance", (
                r"\bchance", r"\bluck", r"\brandom", r"\bnoise", r"\bspread", r"\bvar(y|ies|iation)", r"\bfluke", r"\bcoinciden",
                r"\bhasard", r"\bchance", r"\baleatoire", r"\bbruit", r"\becart", r"\bdispersion", r"\bvari", r"\bcoinciden",
            )),
        )),
        Question("8.depth", options=(False, True, True, False)),
    ),
}


def questions(lab) -> tuple[Question, ...]:
    """The questions of lab ``lab``'s ticket (1-8)."""
    if isinstance(lab, bool) or lab not in TICKETS:
        raise LabError(text("no_lab", lab=lab, labs=", ".join(map(str, TICKETS))))
    return TICKETS[lab]


def _question(lab, n) -> Question:
    found = questions(lab)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(found):
        raise LabError(text("no_question", lab=lab, count=len(found), n=n))
    return found[n - 1]


# ------------------------------------------------------------------------------ answering


@dataclass
class Answer:
    answer: str  # what the student wrote (a sentence, or the letters chosen)
    met: bool  # the answer holds every key idea (a choice: exactly the right options)
    missing: list[str]  # the keys of the ideas it misses (a choice: the letters chosen wrongly or missed)
    feedback: str  # what the student was told


_ANSWERS: dict[int, dict[int, Answer]] = {}  # this session's answers, by lab, then question number
_FILE_IDS: dict[int, str] = {}  # this session's file id per lab: saving again rewrites the same file


def ticket(lab) -> None:
    """Print lab ``lab``'s exit ticket: its questions, numbered, and how to answer each."""
    found = questions(lab)
    lines = [text("title", lab=lab, count=len(found))]
    for n, question in enumerate(found, start=1):
        lines.append("")
        lines.append(f"{n}. {question.as_text()}")
        lines.append("   " + text("how_choice" if question.is_choice else "how_text", lab=lab, n=n))
    lines += ["", text("save_hint", lab=lab)]
    print("\n".join(lines))


def judge(lab, n, answer) -> Answer:
    """The verdict on ``answer`` to question ``n`` of lab ``lab``'s ticket (nothing printed or kept)."""
    question = _question(lab, n)
    if answer is Ellipsis or answer is None or (isinstance(answer, str) and not answer.strip()):
        return Answer("", False, [idea.key for idea in question.ideas], text("not_answered"))
    if question.is_choice:
        quiz = question.quiz()
        right, feedback = quiz.feedback(answer)  # a LabError names the letters when one is unknown
        chosen = set(quiz._indices(answer))  # the quiz's own reading of the letters, already checked by feedback
        letters = quiz.letters()
        wrong = [letters[i] for i, option in enumerate(quiz.options) if (i in chosen) != option.correct]
        return Answer(", ".join(letters[i] for i in sorted(chosen)), right, wrong, feedback)
    sentence = str(answer)
    outcome: Outcome = read_explanation(sentence, question.ideas, question.min_words, describe_idea)
    missing = [idea.key for idea in question.ideas if not idea.found_in(sentence)]
    if not outcome.ok and not missing:  # too short to be read: none of its ideas is credited
        missing = [idea.key for idea in question.ideas]
    return Answer(sentence.strip(), outcome.ok, missing if not outcome.ok else [], outcome.message)


def answer_ticket(lab, n, answer) -> bool:
    """Answer question ``n`` of lab ``lab``'s ticket: prints ✓ or ✗ with what the answer still
    misses, keeps the answer for ``save_ticket`` (an empty one is not kept), returns whether it
    met the rubric."""
    try:
        verdict = judge(lab, n, answer)
    except LabError as error:
        print(f"✗ {error}")
        return False
    own_mark = question_is_choice(lab, n) and verdict.answer  # a choice's feedback starts with the quiz's own mark
    print(verdict.feedback if own_mark else ("✓ " if verdict.met else "✗ ") + verdict.feedback)
    if verdict.answer:
        _ANSWERS.setdefault(lab, {})[n] = verdict
    return verdict.met


def question_is_choice(lab, n) -> bool:
    return _question(lab, n).is_choice


def answers(lab) -> dict[int, Answer]:
    """This session's answers to lab ``lab``'s ticket, by question number."""
    questions(lab)
    return dict(_ANSWERS.get(lab, {}))


def forget_answers(lab=None) -> None:
    """Forget this session's answers to one lab's ticket (every lab's when ``lab`` is None)."""
    if lab is None:
        _ANSWERS.clear()
        _FILE_IDS.clear()
    else:
        _ANSWERS.pop(lab, None)
        _FILE_IDS.pop(lab, None)


# ------------------------------------------------------------------------------ the file


TICKET_KIND = "deepfake-edu exit ticket"
FORMAT_VERSION = 1
MAX_TICKET_BYTES = 200_000  # a ticket holds a few sentences; anything much bigger is another file


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def ticket_document(lab, student: str | None = None) -> dict:
    """What ``save_ticket`` writes: every question of the ticket, its answer (None when not
    answered) and whether it met the rubric, with the keys of the ideas it missed."""
    found = questions(lab)
    given = _ANSWERS.get(lab, {})
    if not given:
        raise LabError(text("nothing_to_save", lab=lab))
    rows = []
    for n, question in enumerate(found, start=1):
        verdict = given.get(n)
        rows.append({"n": n, "key": question.key, "kind": "choice" if question.is_choice else "sentence",
                     "question": text(question.key), "answer": verdict.answer if verdict else None,
                     "met": bool(verdict and verdict.met),
                     "missing": list(verdict.missing) if verdict else [idea.key for idea in question.ideas]})
    file_id = _FILE_IDS.setdefault(lab, secrets.token_hex(8))
    document = {"kind": TICKET_KIND, "version": FORMAT_VERSION, "lab": lab, "file_id": file_id, "written": _now(),
                "language": i18n.language(), "met": sum(row["met"] for row in rows), "questions": len(rows), "answers": rows}
    if student is not None and str(student).strip():
        document["student"] = str(student).strip()[:60]
    return document


def save_ticket(lab, path=None, student: str | None = None) -> Path:
    """Write this session's answers to lab ``lab``'s ticket as a small JSON file, atomically.

    ``path``: a .json file, or a folder (the file is then named ``exit-ticket-lab<N>-<file id>.json``,
    so that a class's files never share a name); by default the lab's ``outputs/exit-tickets``.
    ``student``: a name only if the student gives one. Saving again in the same session rewrites
    the same file (its id is kept), so a student who corrects an answer leaves one ticket, not two.
    Prints where it went; returns the path."""
    from deepfake_edu.fileio import check_output_file, write_text_atomic

    document = ticket_document(lab, student)
    if path is None:
        from deepfake_edu.paths import outputs_dir

        path = outputs_dir() / "exit-tickets"
    path = Path(path)
    if path.suffix.lower() != ".json" and (path.is_dir() or not path.suffix):
        path = path / f"exit-ticket-lab{lab}-{document['file_id']}.json"
    path = check_output_file(path, (".json",))
    write_text_atomic(path, json.dumps(document, indent=2, ensure_ascii=False))
    print(text("saved", path=path, met=document["met"], count=document["questions"]))
    return path


def _refuse(path, why: str) -> LabError:
    return LabError(f"{Path(path).name}: {why}")


def read_ticket(path) -> dict:
    """One saved ticket, checked; a one-line LabError names the file and what is wrong with it."""
    path = Path(path)
    try:
        if not path.is_file():
            raise _refuse(path, "no such file (check the name)")
        if path.stat().st_size > MAX_TICKET_BYTES:
            raise _refuse(path, "far bigger than an exit ticket: not one of the lab's ticket files")
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise _refuse(path, f"cannot read it ({error.strerror})") from None
    except (UnicodeDecodeError, ValueError):
        raise _refuse(path, "damaged: not readable JSON (ask for the file again)") from None
    if not isinstance(document, dict) or document.get("kind") != TICKET_KIND:
        raise _refuse(path, "not an exit ticket of the lab")
    if document.get("version") != FORMAT_VERSION:
        raise _refuse(path, f"written by another version of the lab (format {document.get('version')!r}, this lab reads {FORMAT_VERSION})")
    lab, rows = document.get("lab"), document.get("answers")
    if lab not in TICKETS or not isinstance(rows, list) or len(rows) != len(TICKETS[lab]):
        raise _refuse(path, "damaged: its lab or its answers do not match the lab's tickets")
    for n, (row, question) in enumerate(zip(rows, TICKETS[lab]), start=1):
        if not (isinstance(row, dict) and row.get("n") == n and row.get("key") == question.key and isinstance(row.get("met"), bool)
                and isinstance(row.get("missing"), list)):
            raise _refuse(path, f"damaged: answer {n} is not the ticket's question {n}")
    return document


def class_summary(paths) -> str:
    """For the teacher: a class's saved tickets of one lab, question by question: how many
    answered, how many met the rubric, and the idea (or option) missed most often."""
    documents, seen = [], {}
    for path in paths:
        document = read_ticket(path)
        if document.get("file_id") in seen:
            raise _refuse(path, f"is the same ticket as {Path(seen[document['file_id']]).name} (a copy): name each ticket once")
        seen[document.get("file_id")] = path
        documents.append(document)
    if not documents:
        raise LabError("name the saved exit tickets to summarise")
    labs = {document["lab"] for document in documents}
    if len(labs) > 1:
        raise LabError(f"these tickets come from several labs ({', '.join(map(str, sorted(labs)))}): summarise one lab at a time")
    lab = labs.pop()
    lines = [text("summary_title", lab=lab, files=len(documents))]
    for n, question in enumerate(TICKETS[lab], start=1):
        rows = [document["answers"][n - 1] for document in documents]
        answered = [row for row in rows if row.get("answer")]
        lines.append(text("summary_line", n=n, question=text(question.key), answered=len(answered), met=sum(row["met"] for row in answered)))
        missed = Counter(key for row in answered if not row["met"] for key in row["missing"])
        if missed:
            key, times = missed.most_common(1)[0]
            shown = f"({key}) {text(f'{question.key}.{key}')}" if question.is_choice else describe_idea(key)
            lines.append(text("summary_missed", idea=shown, times=times))
    return "\n".join(lines)
