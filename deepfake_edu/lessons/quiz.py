"""Quizzes: a question, options, and for EVERY option an explanation of why it is right or wrong.

In a notebook, ``quiz("funnel.what_is_lost")`` shows clickable options (ipywidgets) and, always,
the same question as text; where the buttons do not render (a plain viewer, a PDF), answer with
``answer("funnel.what_is_lost", "b")``. Both print the same explanation.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from deepfake_edu.errors import LabError


@dataclass(frozen=True)
class Option:
    text: str  # what the student reads
    correct: bool  # is this a right answer
    why: str  # the explanation shown after choosing it (right or wrong)


@dataclass(frozen=True)
class Quiz:
    key: str  # "<lab>.<name>"
    question: str
    options: tuple[Option, ...]

    def letters(self) -> list[str]:
        return list(string.ascii_lowercase[: len(self.options)])

    def as_text(self) -> str:
        lines = [self.question]
        lines += [f"  ({letter}) {option.text}" for letter, option in zip(self.letters(), self.options)]
        return "\n".join(lines)

    def feedback(self, choice: str | int) -> tuple[bool, str]:
        """(right?, explanation) for a letter ("b"), a 0-based index, or the option's exact text."""
        index = self._index(choice)
        option = self.options[index]
        mark = "✓ Right." if option.correct else "✗ Not quite."
        return option.correct, f"{mark} ({self.letters()[index]}) {option.why}"

    def _index(self, choice: str | int) -> int:
        if isinstance(choice, int) and not isinstance(choice, bool):
            if 0 <= choice < len(self.options):
                return choice
        elif isinstance(choice, str):
            text = choice.strip().strip("()").lower()
            if text in self.letters():
                return self.letters().index(text)
            for index, option in enumerate(self.options):
                if option.text.lower() == text:
                    return index
        raise LabError(f"answer {self.key!r} with one of the letters {', '.join(self.letters())}")


def _q(key: str, question: str, *options: tuple[str, bool, str]) -> Quiz:
    """A quiz whose options are rotated by a fixed amount drawn from its key, so that the right
    letter differs from quiz to quiz (written here with the right one second, it would always be b)."""
    shift = sum(map(ord, key)) % len(options)
    ordered = options[shift:] + options[:shift]
    return Quiz(key, question, tuple(Option(*o) for o in ordered))


QUIZZES: dict[str, Quiz] = {q.key: q for q in [
    # lab 0
    _q("setup.consent", "Your friend Sam says 'sure, use my face'. What does the lab need before it extracts Sam's face from a video?",
       ("Nothing: Sam said yes.", False, "A spoken yes leaves no trace of who agreed to what. Faces are personal data; the lab refuses without a written note."),
       ("A consent note saying who agreed, when, and to what use.", True, "The lab stores it beside the faces (consent.json), and `deepfake-edu forget NAME` deletes the faces and everything made from them if Sam changes their mind."),
       ("Sam's parents' signature, always.", False, "For a minor, a school's rules may indeed ask for a guardian's consent, and you should follow them; but the lab's own minimum is a written note of who agreed, when, to what."),
       ("Nothing if the video is already on the internet.", False, "Being online is not consent: a face swap is a new use of someone's face that they did not agree to.")),
    _q("setup.labels", "Every fake this lab writes carries a yellow 'synthetic' label and an invisible mark. Why?",
       ("So the fake looks more professional.", False, "The label does the opposite: it tells everyone the picture is not real."),
       ("So no picture made in class can be passed off as real, even by accident.", True, "A fake that leaves the classroom (a phone photo of the screen, a shared file) still says what it is; `deepfake-edu provenance check` finds the marks."),
       ("Because the law says every picture must be labelled.", False, "Rules differ from country to country; the lab labels its fakes because it is the honest thing to do, whatever the law says.")),
    # lab 1
    _q("funnel.why_narrow", "Why does the encoder squeeze a face into so few numbers?",
       ("To save disk space.", False, "The code is never stored: it exists only for a moment between the encoder and the decoder."),
       ("To force the network to keep what matters about a face and drop the rest.", True, "With fewer numbers than pixels it cannot copy the picture; it must learn a summary: pose, expression, light."),
       ("Because computers cannot handle 12,288 numbers.", False, "A laptop handles millions of numbers per second; the narrowness is a choice, not a limit."),
       ("To make training faster.", False, "A narrow bottleneck barely changes the speed: most of the work is in the convolutions around it.")),
    _q("funnel.what_is_lost", "When the bottleneck gets narrower, what does the decoder usually lose first?",
       ("The position of the face in the picture.", False, "Where the face is and which way it turns are big, simple facts: even a few numbers keep them."),
       ("Small details: the exact gaze, fine texture, noise, the shapes in the background.", True, "Details that change from picture to picture and cover few pixels are the first to go: the decoder paints an average instead."),
       ("The colour of the skin.", False, "Each decoder learns one person's skin colour; it does not need the code for it."),
       ("Nothing: the picture stays the same until the bottleneck is 1 number.", False, "Look at the reconstructions: they blur well before that.")),
    # lab 2
    _q("swap.why_shared", "Why must A and B share the SAME encoder for the swap to work?",
       ("So the model has fewer parameters to train.", False, "It does save parameters, but that is not why the swap works."),
       ("So a code means the same thing for both people: 'head turned left, mouth open' is written the same way for A and for B.", True, "B's decoder then understands a code made from A's face and paints B with A's pose and expression."),
       ("Because the decoders need to know who the person is.", False, "The opposite: the shared code should NOT say who it is; the choice of decoder decides that."),
       ("It does not matter: two separate encoders work just as well.", False, "Two separate encoders would each invent their own private code; B's decoder could not read A's code, and the swap would be noise.")),
    _q("swap.which_decoder", "You want B's face wearing A's expression. Which parts do you use?",
       ("A's face -> encoder -> A's decoder.", False, "That rebuilds A: the autoencoder doing its usual job."),
       ("A's face -> encoder -> B's decoder.", True, "The shared code carries A's pose and expression; B's decoder paints them as B."),
       ("B's face -> encoder -> A's decoder.", False, "That puts A's face on B's expression: the swap the other way round."),
       ("B's face -> encoder -> B's decoder.", False, "That rebuilds B, with B's own expression.")),
    # lab 3
    _q("ownfaces.variety", "Your volunteer's clip shows them sitting still, facing the camera, under one lamp. What will the swap struggle with?",
       ("Nothing: more frames of the same pose make the model better.", False, "Many nearly identical frames teach the same thing again and again."),
       ("Faces turned aside, other expressions, other light: the decoder never saw the person like that.", True, "A decoder can only paint what it has seen. The interview says it: the database needs 'a large variety of facial expressions, light, etc.'"),
       ("The colours: the swap will be black and white.", False, "Colour comes from the training faces, which are in colour."),
       ("The size of the face in the picture.", False, "Faces are aligned and resized before training, so size hardly matters.")),
    # lab 4
    _q("meso.why_short", "MesoNet is a short network (4 blocks). What did the authors find when they made it shorter?",
       ("It became much worse.", False, "The interview says the opposite: 'each time we shortened it, it didn't get weaker and sometimes it got better'."),
       ("It did not get weaker, sometimes better, and it became easy to train and to run on a phone.", True, "A short network has few parameters (about 28,000 for Meso-4), trains in hours on a normal machine, and can be studied layer by layer."),
       ("It could no longer process videos.", False, "Videos are judged frame by frame; the length of the network does not matter for that.")),
    _q("meso.video_rule", "A detector scores 30 frames of a video. 12 frames get P(fake) above 0.5. What does the authors' rule say?",
       ("Fake: 12 suspicious frames is a lot.", False, "The rule looks at the SHARE of frames called fake: 12/30 = 40%, under one half."),
       ("Likely real, because fewer than half the frames are called fake.", True, "The verdict is 'likely fake' only when more than half of the frames score above 0.5. It is still only a likelihood."),
       ("Impossible to say: the detector must be sure about every frame.", False, "No detector is sure; a rule over many frames smooths out single mistakes.")),
    # lab 5
    _q("compression.why_noise_fails", "Why does a pixel-noise detector fail on compressed video?",
       ("Compression throws away the faint pixel-level noise it relies on.", True, "JPEG and video codecs drop the finest detail first: 'there is hardly any left because of the video compression'."),
       ("Videos have no pixels.", False, "A video is a series of pictures, made of pixels like any photo."),
       ("Fakes have more noise than real videos after compression.", False, "After strong compression both have very little noise left; that is the problem."),
       ("The noise detector is too slow for video.", False, "It is fast; speed is not the issue, the missing signal is.")),
    _q("compression.meso_scale", "What does 'mesoscopic' mean in MesoNet?",
       ("Looking at single pixels.", False, "That is the microscopic scale: the noise that compression destroys."),
       ("Looking at parts of the image: an eye, the edge of the mouth, a patch of skin.", True, "Between the pixel and the whole picture: details that survive compression but still show the traces of a swap."),
       ("Looking at the whole picture and asking 'is it a face?'.", False, "That is the macroscopic scale (semantics); we already know it is a face, so it does not help.")),
    # lab 6
    _q("explain.heatmap_meaning", "A Grad-CAM heatmap is bright over the eyes. What does it tell you?",
       ("That the eyes are fake.", False, "The heatmap shows where the evidence the network used lies, not what is fake."),
       ("That, for this picture, the chosen layer's evidence for 'fake' lies mostly around the eyes.", True, "It is one picture, one layer: check it over many faces (occlusion) before concluding."),
       ("That the network understands what an eye is.", False, "It only tells us which region weighed in its answer; not what it 'understands'.")),
    # lab 7
    _q("critical.no_mark", "`provenance check` finds no label and no mark in a video. What can you conclude?",
       ("The video is real.", False, "Labels can be cropped away, marks destroyed by re-encoding, and most tools add none at all."),
       ("Nothing about whether it is real: only that this tool found no sign of this lab.", True, "An absent mark proves nothing. A present one is a claim, not proof either."),
       ("The video was made with a different lab.", False, "It may have been made by any tool, or by none.")),
    _q("critical.doubt", "A shocking video of a politician spreads on social media. What is the zététique habit?",
       ("Believe it: video does not lie.", False, "It can: you made one in lab 2."),
       ("Believe nothing ever.", False, "Total doubt is no better: it lets the liar say 'that real video is a fake too'. Zététique looks for a balance."),
       ("Ask who published it first, whether trusted sources confirm it, and what evidence there is, before sharing.", True, "Check the source, look for confirmation, weigh the evidence: doubt as a method, not a reflex.")),
]}


def get_quiz(key: str) -> Quiz:
    if key not in QUIZZES:
        raise LabError(f"no quiz {key!r}; quizzes: {', '.join(QUIZZES)}")
    return QUIZZES[key]


def answer(key: str, choice: str | int) -> bool:
    """The text way to answer a quiz: prints the explanation, returns whether it was right."""
    right, explanation = get_quiz(key).feedback(choice)
    print(explanation)
    return right


def quiz(key: str) -> None:
    """Show the quiz: clickable options when ipywidgets renders, and the text form always."""
    found = get_quiz(key)
    print(found.as_text())
    print(f'(No buttons below? Answer in a code cell: answer("{key}", "a"), with your letter.)')
    try:
        import ipywidgets as widgets
        from IPython.display import display
    except ModuleNotFoundError:
        return
    choices = widgets.RadioButtons(options=[(f"({letter}) {o.text}", i) for i, (letter, o) in enumerate(zip(found.letters(), found.options))], value=None, layout=widgets.Layout(width="auto"))
    button = widgets.Button(description="Check my answer")
    output = widgets.Output()

    def on_click(_button) -> None:
        output.clear_output()
        with output:
            if choices.value is None:
                print("Choose an option first.")
            else:
                print(found.feedback(choices.value)[1])

    button.on_click(on_click)
    display(widgets.VBox([choices, button, output]))
