"""Quizzes: a question, options, and for EVERY option an explanation of why it is right or wrong.

In a notebook, ``quiz("funnel.why_narrow")`` shows clickable options (ipywidgets) and, always,
the same question as text; where the buttons do not render (a plain viewer, a PDF), answer with
``answer("funnel.why_narrow", "b")``. Both print the same explanation.

Some quizzes have several right options; their question says "(choose all that apply)", the
widget shows tick boxes, and the text way takes every letter: ``answer("critical.doubt", "a, c")``
or ``answer("critical.doubt", ["a", "c"])``. Such an answer is right only with exactly the right
set; the feedback explains every option chosen and every right one missed.

Every text a student reads is in this file's two tables: ``QUIZZES`` (questions, options and their
explanations) and ``TEXTS`` (the words around them). They are the English reference and the one
place that says which options are right. ``quiz_fr`` holds the same texts in French, words only;
``get_quiz`` serves the language that ``i18n.language()`` names, English where a text is missing.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import i18n, quiz_fr

# The words around the quizzes, one entry per sentence a student can see.
TEXTS: dict[str, str] = {
    "right": "✓ Right.",
    "not_quite": "✗ Not quite.",
    "all_right": "✓ Right: you chose exactly the right options.",
    "not_all_right": "✗ Not quite: the right options are not exactly the ones you chose. Option by option:",
    "chosen_right": "✓ ({letter}) you chose it, and it is right: {why}",
    "chosen_wrong": "✗ ({letter}) you chose it, but it is wrong: {why}",
    "missed": "✗ ({letter}) you left it out, but it is right: {why}",
    "unknown_letter": "answer {key!r} with one of the letters {letters}",
    "one_letter_only": "answer {key!r} with ONE of the letters {letters}: this question has one right answer",
    "no_letter": "answer {key!r} with at least one of the letters {letters}",
    "no_quiz": "no quiz {key!r}; quizzes: {keys}",
    "text_hint_one": '(No buttons below? Answer in a code cell: answer("{key}", "a"), with your letter.)',
    "text_hint_all": '(No tick boxes below? Answer in a code cell: answer("{key}", "a, c"), with all your letters.)',
    "check_button": "Check my answer",
    "choose_first": "Choose an option first.",
    "choose_some_first": "Tick at least one option first.",
    "choose_all": "(choose all that apply)",  # ends every question with several right options
}
_TEXTS = {"en": TEXTS, "fr": quiz_fr.TEXTS}


def _text(name: str, code: str | None = None) -> str:
    """One sentence of TEXTS, in the language code (the current one by default)."""
    return i18n.lookup(_TEXTS, name, code)

# what separates letters in a written answer: "a, c", "a c", "a;c", "(a)(c)"
_SEPARATORS = re.compile(r"[\s,;()]+")
T = TypeVar("T")  # an option, in whatever form a table writes it


@dataclass(frozen=True)
class Option:
    text: str  # what the student reads
    correct: bool  # is this a right answer
    why: str  # the explanation shown after choosing it, or after missing it when it is right


@dataclass(frozen=True)
class Quiz:
    key: str  # "<lab>.<name>"
    question: str  # ends with TEXTS["choose_all"], in its language, when several options are right
    options: tuple[Option, ...]
    language: str = "en"  # the language of its words, and of the feedback around them

    def letters(self) -> list[str]:
        return list(string.ascii_lowercase[: len(self.options)])

    def right_letters(self) -> list[str]:
        return [letter for letter, option in zip(self.letters(), self.options) if option.correct]

    @property
    def several_right(self) -> bool:
        """Does this quiz ask for all the right options (tick boxes) rather than one (buttons)?"""
        return sum(option.correct for option in self.options) > 1

    def as_text(self) -> str:
        lines = [self.question]
        lines += [f"  ({letter}) {option.text}" for letter, option in zip(self.letters(), self.options)]
        return "\n".join(lines)

    def feedback(self, choice: str | int | Sequence[str | int]) -> tuple[bool, str]:
        """(right?, explanation) for an answer.

        choice: a letter ("b"), a 0-based index, an option's exact text, or, for a quiz with
        several right options, all the letters chosen ("a, c", ["a", "c"], [0, 2]).
        """
        chosen = self._indices(choice)
        if not self.several_right:
            if len(chosen) != 1:
                raise LabError(_text("one_letter_only", self.language).format(key=self.key, letters=", ".join(self.letters())))
            index = chosen[0]
            option = self.options[index]
            mark = _text("right" if option.correct else "not_quite", self.language)
            return option.correct, f"{mark} ({self.letters()[index]}) {option.why}"
        right = set(chosen) == {i for i, option in enumerate(self.options) if option.correct}
        lines = [_text("all_right" if right else "not_all_right", self.language)]
        for index, (letter, option) in enumerate(zip(self.letters(), self.options)):
            if index in chosen:
                kind = "chosen_right" if option.correct else "chosen_wrong"
            elif option.correct:
                kind = "missed"
            else:
                continue  # a wrong option left out: nothing to explain
            lines.append("  " + _text(kind, self.language).format(letter=letter, why=option.why))
        return right, "\n".join(lines)

    def _indices(self, choice: str | int | Sequence[str | int]) -> list[int]:
        """The 0-based options an answer names, each once, in order."""
        if isinstance(choice, str):
            text = choice.strip().lower()
            for index, option in enumerate(self.options):
                if option.text.lower() == text:
                    return [index]
            parts: list[str | int] = [part for part in _SEPARATORS.split(text) if part]
        elif isinstance(choice, int) and not isinstance(choice, bool):
            parts = [choice]
        elif isinstance(choice, Sequence):
            parts = list(choice)
        else:
            raise LabError(_text("unknown_letter", self.language).format(key=self.key, letters=", ".join(self.letters())))
        if not parts:
            raise LabError(_text("no_letter", self.language).format(key=self.key, letters=", ".join(self.letters())))
        return sorted({self._index(part) for part in parts})

    def _index(self, part: str | int) -> int:
        if isinstance(part, int) and not isinstance(part, bool):
            if 0 <= part < len(self.options):
                return part
        elif isinstance(part, str):
            text = part.strip().strip("()").lower()
            if text in self.letters():
                return self.letters().index(text)
        raise LabError(_text("unknown_letter", self.language).format(key=self.key, letters=", ".join(self.letters())))


def _rotated(key: str, options: Sequence[T]) -> tuple[T, ...]:
    """The options rotated by a fixed amount drawn from the key, so that the right letters differ
    from quiz to quiz (written with the right ones first, they would always be a). A translation,
    written in the same order, comes out with the same letters."""
    shift = sum(map(ord, key)) % len(options)
    return tuple(options[shift:]) + tuple(options[:shift])


def _q(key: str, question: str, *options: tuple[str, bool, str]) -> Quiz:
    """A quiz, its options in the order `_rotated` gives them.
    tests/lessons/test_quiz_balance.py checks the letters that come out."""
    return Quiz(key, question, tuple(Option(*o) for o in _rotated(key, options)))


# Each quiz's options are written in a fixed order that `_q` rotates; each wrong option is a
# mistake a student could really make, and no option gives itself away by its length.
QUIZZES: dict[str, Quiz] = {q.key: q for q in [
    # lab 0
    _q("setup.consent", "Your friend Sam says 'sure, use my face'. What does the lab need before it extracts Sam's face from a video?",
       ("Nothing more: Sam said yes, out loud, in front of you.", False, "A spoken yes leaves no record of who agreed to what, and nobody can check it later. Faces are personal data: the lab refuses to extract them without a written note."),
       ("Nothing, as long as the video is already public online.", False, "Being online is not consent to this use: a face swap is a new use of someone's face, one they never agreed to."),
       ("A signature from Sam's parents, whatever Sam's age.", False, "Your school's rules may ask a guardian to sign for a minor, and then you follow them; but an adult signs for themselves. The lab's own minimum is the same for everyone: a written note of who agreed, when, and to what use."),
       ("A written note of who agreed, when, and for what use.", True, "The lab stores the note beside the faces (consent.json), and if Sam changes their mind, `deepfake-edu forget NAME` deletes the faces and everything made from them.")),
    _q("setup.labels", "Every fake this lab writes carries a yellow 'synthetic' label and an invisible mark. Why?",
       ("So the teacher can tell which student made each fake.", False, "The label and the mark say that the picture is synthetic and made by this lab; they name no student. Their job is to warn whoever sees the picture, wherever it ends up."),
       ("Because every country's law requires it for edited images.", False, "Rules differ between countries and keep changing; the lab labels its fakes because it is the honest thing to do, whatever the local law says."),
       ("So that a detector such as MesoNet learns to spot fakes.", False, "The opposite: a detector trained on labelled fakes would learn to read the label, not the face. The fakes the detectors learn from carry no label; the label is for people."),
       ("So no fake from class can pass as real, even by accident.", True, "A fake that leaves the classroom (a phone photo of the screen, a shared file) still says what it is, and `deepfake-edu provenance check` finds the marks.")),
    # lab 1
    _q("funnel.why_narrow", "Why does the encoder squeeze a face into so few numbers?",
       ("So that it cannot just copy the picture, pixel by pixel.", True, "With 48 times fewer numbers than pixels it has no room for a copy: it must learn a summary of what matters in a face (pose, expression, light) and drop the rest."),
       ("So that the model file takes less space on the disk.", False, "The code is never stored: it exists only for a moment, between the encoder and the decoder. What the file stores is the network's weights."),
       ("Because a laptop could not hold 12,288 numbers per face.", False, "A laptop handles millions of numbers per second without trouble; the narrow code is a choice made on purpose, not a limit of the computer."),
       ("So that training is faster, with fewer numbers to handle.", False, "The bottleneck barely changes the speed: most of the computing happens in the convolution layers around it. Its purpose is to force a summary.")),
    _q("funnel.what_is_lost", "When the bottleneck gets narrower, what does the decoder lose first? (choose all that apply)",
       ("Exactly where the eyes are looking.", True, "The eyes cover few pixels and change from one picture to the next: a narrow code has no room for them, so the decoder paints an average gaze."),
       ("Which way the head is turned.", False, "The pose is a big, simple fact that moves every pixel of the face: even 4 numbers keep it, so it is among the last things lost."),
       ("The fine texture and marks of the skin.", True, "Texture differs in every picture and each detail covers few pixels; it goes early, and the rebuilt face comes out smooth, like an average face."),
       ("How bright the light on the face is.", False, "The light is another big, simple fact that changes many pixels at once: the narrowest funnel still keeps it, along with the pose."),
       ("The overall colour of the person's skin.", False, "Each decoder learns one person and paints their skin colour from its own weights; the code does not need to carry it.")),
    # lab 2
    _q("swap.which_decoder", "You want B's face wearing A's expression. Which parts do you use?",
       ("B's face -> encoder -> B's decoder.", False, "That rebuilds B, with B's own expression: the autoencoder doing its usual job."),
       ("A's face -> encoder -> B's decoder.", True, "The shared code carries A's pose and expression; B's decoder paints them as B."),
       ("B's face -> encoder -> A's decoder.", False, "That puts A's face on B's expression: the swap the other way round."),
       ("A's face -> encoder -> A's decoder.", False, "That rebuilds A: the autoencoder doing its usual job, no swap.")),
    _q("swap.why_shared", "Why must A and B share the SAME encoder for the swap to work?",
       ("It is not needed: two encoders would swap just as well.", False, "Two separate encoders would each invent their own private code; B's decoder could not read A's code, and the swap would come out as noise."),
       ("So that one code means the same expression for A and B.", True, "One encoder writes 'head turned left, mouth open' the same way for both people (exercise 3: codes of the same expression lie close), so B's decoder can read a code made from A's face."),
       ("So the model has fewer weights and trains in less time.", False, "Sharing does save weights (exercise 1: the encoder is most of the model), but two private encoders would train fine; their codes just could not be swapped."),
       ("So that the code tells each decoder which person it sees.", False, "The opposite: the shared code should NOT say who it is; the choice of decoder decides who is painted.")),
    # lab 3
    _q("ownfaces.variety", "Your volunteer's clip shows them sitting still, facing the camera, under one lamp. What will the swap struggle with? (choose all that apply)",
       ("Faces turned to the side, never seen in the clip.", True, "A model can only paint what it has seen: with the head always facing the camera, a face turned aside has to be guessed, and it comes out blurred or wrong."),
       ("Nothing: hundreds of frames are plenty, whatever they show.", False, "Hundreds of nearly identical frames teach the same thing again and again; what counts is the variety, as the table shows, not the number of frames."),
       ("Expressions the volunteer did not make in the clip.", True, "A smile or an open mouth that never appears in the clip is unknown to the model. The interview asks for 'a large variety of facial expressions, light, etc.'"),
       ("Faces that are larger or smaller in the frame.", False, "Faces are found, aligned and resized to the same crop before training, so their size in the frame hardly matters."),
       ("Light from another side than the one lamp.", True, "The model learned one lighting; under another light it paints the shadows it knows, in the wrong places. The brightness range in the table shows how little the light changed.")),
    # lab 4
    _q("meso.why_short", "The MesoNet authors kept making their network shorter. What did they find? (choose all that apply)",
       ("It got a little weaker: a fair price for the extra speed.", False, "A natural guess, since deeper often means stronger; but the interview says the opposite: 'each time we shortened it, it didn't get weaker and sometimes it got better'."),
       ("It did not get weaker, and sometimes it got better.", True, "That is what the interview reports, and why the final network is short: Meso-4 has about 28,000 parameters."),
       ("It needed far more training pictures to make up for it.", False, "Nothing in the interview says so, and a network with few parameters has less to fit, not more: it is, if anything, less hungry for data."),
       ("It trained in about two hours on a normal computer.", True, "A short network has little to compute: no farm of graphics cards is needed to train it."),
       ("Once trained, it could even run on a smartphone.", True, "Judging a picture takes little computing, so it runs 'on a low-power machine, like a smartphone', as the interview says.")),
    _q("meso.video_rule", "A detector scores 30 frames of a video. 12 frames get P(fake) above 0.5. What does the authors' rule say?",
       ("Likely real, as fewer than half the frames look fake.", True, "The verdict is 'likely fake' only when more than half of the frames score above 0.5: 12/30 is 40%. It is still only a likelihood, not a proof."),
       ("Likely fake: 12 suspicious frames are too many for a real clip.", False, "The rule does not compare a count with a fixed number: it looks at the share of frames called fake, 12/30 = 40%, which is under one half."),
       ("Likely fake if one of the 12 frames scores close to 1.", False, "The rule ignores how high a single score is: it counts the frames above 0.5 and asks whether they are more than half. One very confident frame can be a single mistake."),
       ("No verdict: the rule needs all the frames to agree.", False, "No detector agrees with itself on every frame; a vote over many frames is there precisely to smooth out the mistakes of single frames.")),
    # lab 5
    _q("compression.why_noise_fails", "Why does a pixel-noise detector fail on compressed video?",
       ("It is too slow to check every frame of a video.", False, "It is fast: it looks at a few numbers per picture. Speed is not the problem; the signal it needs is missing."),
       ("Video frames are too small for it to find any noise.", False, "Size is not the problem: even a small frame has thousands of pixels. What is missing is the faint noise itself, which compression throws away."),
       ("Compression removes the faint noise it relies on.", True, "JPEG and video codecs drop the finest detail first: 'there is hardly any left because of the video compression', in real frames and fake ones alike."),
       ("Compression blurs faces until they no longer look like faces.", False, "After compression a face still clearly looks like a face, and MesoNet still finds traces of the swap in it; only the finest, pixel-level detail is gone, and that is all this detector looked at.")),
    _q("compression.meso_scale", "What does 'mesoscopic' mean in MesoNet?",
       ("Looking at single pixels and the faint noise in them.", False, "That is the microscopic scale: the noise that compression destroys."),
       ("Looking at the whole picture to decide if it is a face.", False, "That is the macroscopic scale (semantics); we already know it is a face, so it does not help."),
       ("Looking at how the face moves from frame to frame.", False, "Some detectors do follow motion, but MesoNet judges each frame on its own; 'meso' is about the size of what it looks at inside one picture."),
       ("Looking at parts of a face: an eye, a lip, some skin.", True, "Between the pixel and the whole picture: details that survive compression but still show the traces of a swap.")),
    # lab 6
    _q("explain.heatmap_meaning", "A Grad-CAM heatmap is bright over the eyes. What does it tell you?",
       ("That the swap got the eyes wrong in this picture.", False, "The heatmap shows where the network found its evidence, not what was faked or how badly; a well-made eye can still weigh in the score."),
       ("That the detector looks at the eyes in every picture.", False, "This is one picture: another face may light up the mouth or the skin. To say something general, measure over many faces, as the occlusion study does next."),
       ("That the eyes weighed most in this picture's score.", True, "Grad-CAM shows which regions pushed the chosen layer toward 'fake', for this one picture. Check it over many faces (occlusion, next) before concluding."),
       ("That the network has learned what an eye looks like.", False, "A heatmap only tells which region weighed in the answer, not what the network 'knows': it has no notion of an eye, only of patterns of pixels.")),
    # lab 7
    _q("critical.no_mark", "`provenance check` finds no label and no mark in a video. Which of these could be true? (choose all that apply)",
       ("It is this lab's fake, exactly as the lab wrote it.", False, "An untouched fake from this lab carries both the label and the mark, and the check finds them, as it did on the untouched fake above."),
       ("It is a real video, which never carried a mark.", True, "Real videos carry no lab mark at all, so an absent mark fits them perfectly; that is exactly why it proves nothing on its own."),
       ("It is a fake made by a tool that adds no mark.", True, "Most face-swap tools add no label and no mark at all: their fakes pass this check clean."),
       ("It is this lab's fake, only shrunk and saved as a JPEG.", False, "The squashed copy (a third of the size, JPEG 50) lost its label but kept the mark: shrinking and compressing alone did not erase it here."),
       ("It is this lab's fake, cropped till its mark was lost.", True, "You saw it: the cropped copy lost both the label and the mark. Laundering a picture can erase them.")),
    _q("critical.doubt", "A shocking video of a politician spreads on social media. Which are zététique habits before you share it? (choose all that apply)",
       ("Find out who published it first, and who gains.", True, "The first source tells a lot: a newsroom, an account made last week, a party's campaign (as with the Belgian 'Trump' video). Ask who gains if people believe it."),
       ("Study the face: if it looks natural, it is real.", False, "The spot-the-fake game shows how hard this is: good fakes look natural, and real videos can look odd. The face alone settles nothing; the source and the evidence matter more."),
       ("Share it with a warning, so that others can judge.", False, "Sharing spreads it, warning or not: many people see the clip and miss the warning. Check first, then share or not."),
       ("Treat every video as fake, so you are never fooled.", False, "Total doubt is no better: it lets a liar dismiss a true video as 'a deepfake'. Zététique looks for the balance between believing everything and doubting everything."),
       ("See if trusted outlets report it on their own.", True, "A real event of this size is reported by several independent sources; if the only evidence is copies of one clip, wait before believing it.")),
]}


def _translated(english: Quiz, code: str, words: tuple[str, Sequence[tuple[str, str]]]) -> Quiz:
    """The English quiz worded in another language; which options are right stays the English
    table's. A translation whose options do not match in number is left out: English, rather
    than options paired with the wrong answers (tests/lessons/test_quiz_french.py catches it)."""
    question, options = words
    if len(options) != len(english.options):
        return english
    return Quiz(english.key, question, tuple(
        Option(text, each.correct, why) for (text, why), each in zip(_rotated(english.key, options), english.options)
    ), code)


_QUIZZES = {
    "en": QUIZZES,
    "fr": {key: _translated(QUIZZES[key], "fr", words) for key, words in quiz_fr.QUIZZES.items() if key in QUIZZES},
}


def get_quiz(key: str) -> Quiz:
    """The quiz in the current language (see lessons.i18n)."""
    if key not in QUIZZES:
        raise LabError(_text("no_quiz").format(key=key, keys=", ".join(QUIZZES)))
    return i18n.lookup(_QUIZZES, key)


def answer(key: str, choice: str | int | Sequence[str | int]) -> bool:
    """The text way to answer a quiz: prints the explanation, returns whether it was right.

    choice: a letter ("b"); for a quiz with several right options, all the letters chosen
    ("a, c" or ["a", "c"]).
    """
    right, explanation = get_quiz(key).feedback(choice)
    print(explanation)
    return right


def quiz(key: str) -> None:
    """Show the quiz: clickable options when ipywidgets renders, and the text form always.

    One right option: radio buttons. Several: tick boxes. Either way a button checks the answer.
    """
    found = get_quiz(key)
    print(found.as_text())
    print(_text("text_hint_all" if found.several_right else "text_hint_one", found.language).format(key=key))
    try:
        import ipywidgets as widgets
        from IPython.display import display
    except ModuleNotFoundError:
        return
    display(_widget(found, widgets))


def _widget(found: Quiz, widgets):
    """The quiz's ipywidgets box: options, a check button and the place its feedback appears."""
    labels = [f"({letter}) {option.text}" for letter, option in zip(found.letters(), found.options)]
    if found.several_right:
        boxes = [widgets.Checkbox(value=False, description=label, indent=False, layout=widgets.Layout(width="auto")) for label in labels]
        choices = widgets.VBox(boxes)

        def chosen() -> list[int] | None:
            return [index for index, box in enumerate(boxes) if box.value] or None

        nothing = _text("choose_some_first", found.language)
    else:
        radio = widgets.RadioButtons(options=[(label, index) for index, label in enumerate(labels)], value=None, layout=widgets.Layout(width="auto"))
        choices = radio

        def chosen() -> int | None:
            return radio.value

        nothing = _text("choose_first", found.language)
    button = widgets.Button(description=_text("check_button", found.language))
    output = widgets.Output()

    def on_click(_button) -> None:
        output.clear_output()
        with output:
            choice = chosen()
            print(nothing if choice is None else found.feedback(choice)[1])

    button.on_click(on_click)
    return widgets.VBox([choices, button, output])
