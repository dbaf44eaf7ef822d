"""Exit tickets (``lessons.exit_tickets``): every lab 1-8 has two or three questions; the rubric
accepts good answers in English and French and names what an empty or off-topic one misses; the
multiple choices have several right options; the saved file holds the answers and their verdicts
(and a name only when given), and a bad path is refused before anything is written; the notebooks'
exit tickets are answered right in the teacher versions and blank in the student versions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import exit_tickets, exit_tickets_fr, experiments, i18n
from deepfake_edu.lessons.exit_tickets import (
    TEXTS, TICKETS, answer_ticket, answers, class_summary, describe_idea, judge, read_ticket, save_ticket, ticket,
)
from tests.lessons.text_tools import fields, numbers

LABS = Path(__file__).resolve().parents[2] / "labs"

# A good answer to every sentence question, in English and in French (lab, question number).
GOOD = {
    (1, 1): ("If the code were as big as the picture, the network could just copy the pixels; the small code forces it to keep a summary of what matters: pose, expression and light.",
             "Si le code était aussi grand que l'image, le réseau pourrait simplement recopier les pixels ; le petit code l'oblige à garder un résumé de ce qui compte : la pose, l'expression et la lumière."),
    (1, 2): ("The eyes and the skin texture are small details that cover few pixels and change in every picture, while the pose is one big fact that moves the whole face.",
             "Les yeux et le grain de la peau sont de petits détails qui couvrent peu de pixels et changent d'une image à l'autre, alors que la pose est une grande information qui déplace tout le visage."),
    (2, 1): ("With one shared encoder the code means the same pose and expression for both people; with separate encoders B's decoder would never have seen codes from A's encoder.",
             "Avec un seul encodeur partagé, le code veut dire la même pose et la même expression pour les deux personnes ; avec deux encodeurs, le décodeur de B n'aurait jamais vu les codes de l'encodeur de A."),
    (2, 2): ("The pose, the expression and the light come from A's picture through the code, and B's decoder paints them with B's identity, features and skin.",
             "La pose, l'expression et la lumière viennent de l'image de A à travers le code, et le décodeur de B les peint avec l'identité, les traits et la peau de B."),
    (3, 1): ("The model can only paint what it has seen in training, so a pose, an expression or a light it never saw comes out wrong, however many similar frames it had.",
             "Le modèle ne sait peindre que ce qu'il a vu à l'entraînement : une pose, une expression ou une lumière qu'il n'a jamais vue sort fausse, même avec beaucoup d'images semblables."),
    (3, 2): ("A face is personal data and a swap is a new use of it, so the person must agree in writing; if they change their mind, their faces and everything made from them are deleted.",
             "Un visage est une donnée personnelle et un échange en est un nouvel usage, donc la personne doit donner son accord par écrit ; si elle change d'avis, ses visages et tout ce qui en a été fait sont supprimés."),
    (4, 1): ("The video from the internet went through another compression and was made by a different face-swap tool than the fakes the detector learned from.",
             "La vidéo d'Internet a subi une autre compression et a été faite par un autre outil que les faux sur lesquels le détecteur a appris."),
    (4, 2): ("On people it trained on, the detector could recognise the faces or learn their fakes by heart, so only new people tell how it does on videos it has never seen.",
             "Sur les personnes de son entraînement, le détecteur pourrait reconnaître les visages ou apprendre leurs faux par cœur ; seules de nouvelles personnes disent comment il s'en sort."),
    (5, 1): ("Strong JPEG compression removes the fine pixel noise that the noise detector relies on, while MesoNet looks at bigger details like the eyes and the mouth, which survive.",
             "Une forte compression JPEG efface le bruit fin des pixels dont dépend le détecteur de bruit, alors que MesoNet regarde des détails plus grands, comme les yeux et la bouche, qui survivent."),
    (5, 2): ("A swapped face is still a face, so a detector asking whether it is a face gives the same answer for real and fake and cannot tell them apart.",
             "Un visage échangé reste un visage, donc un détecteur qui demande si c'est un visage donne la même réponse au vrai et au faux et ne peut pas les distinguer."),
    (6, 1): ("The heatmap is about this one picture only; to say it in general you must measure over many faces, for example by covering the eyes on each and averaging.",
             "La carte de chaleur ne porte que sur cette seule image ; pour le dire en général, il faut mesurer sur beaucoup de visages, par exemple en cachant les yeux de chacun et en faisant la moyenne."),
    (6, 2): ("A bigger region hides more pixels and more evidence, so to be fair you should compare the change per share of the picture, or use regions of the same size.",
             "Une région plus grande cache plus de pixels et plus d'indices, donc pour être juste il faut comparer le changement par part de l'image, ou prendre des régions de même taille."),
    (7, 1): ("Most face-swap tools add no mark at all, and a mark can be erased by cropping or re-saving the picture, so an absent mark proves nothing.",
             "La plupart des outils d'échange de visages n'ajoutent aucune marque, et une marque peut être effacée en recadrant ou en réenregistrant l'image : son absence ne prouve rien."),
    (7, 2): ("If we doubt everything, a liar can dismiss a true video as a deepfake; we should check the source and the evidence before deciding instead.",
             "Si l'on doute de tout, un menteur peut rejeter une vraie vidéo en disant que c'est un hypertrucage ; il faut plutôt vérifier la source et les preuves avant de décider."),
    (8, 1): ("After seeing the result, anything looks like what I expected; a prediction written first lets me compare it with the result and find out what I believed wrongly.",
             "Après avoir vu le résultat, tout paraît prévu ; une prédiction écrite d'abord permet de la comparer au résultat et de découvrir ce que je croyais à tort."),
    (8, 2): ("I would run it again with other seeds, because a difference of 0.01 may just be chance: I must compare it with how much the results vary from run to run.",
             "Je la relancerais avec d'autres graines, car une différence de 0,01 peut venir du hasard : il faut la comparer avec la variation des résultats d'une expérience à l'autre."),
}
# Other wordings, the way students write (loose, no capitals, "seeds" in French): the idea is what counts.
OTHER_WORDINGS = {
    (1, 1): ("otherwise it would just memorise every pixel instead of learning the important features of a face",
             "sinon le réseau recopie l'image sans rien comprendre, il doit résumer l'essentiel du visage"),
    (1, 2): ("eyes are tiny and change a lot between photos but the head position is a large simple thing",
             "les yeux sont petits et varient beaucoup alors que la position de la tête est une information simple qui touche beaucoup de pixels"),
    (2, 1): ("because both faces need to be turned into the same code so that decoder B understands a code coming from A",
             "il faut que le code soit commun aux deux, sinon le décodeur de B ne comprend pas le code fait à partir de A"),
    (2, 2): ("A gives the expression and where the head points, B gives what the person looks like, his identity",
             "de A vient l'expression et la pose, de B vient le visage lui-même, ses traits"),
    (3, 1): ("if the model never saw a head turned to the side or another light it cannot make it, many identical frames don't help",
             "le modèle ne peut pas inventer une pose ou un éclairage qu'il n'a jamais vu, mille images pareilles ne servent à rien"),
    (3, 2): ("your face is private and you must agree to this use; if you change your mind the lab can delete everything with forget",
             "le visage est une donnée personnelle, il faut son autorisation, et on peut tout effacer avec forget si elle change d'avis"),
    (4, 1): ("internet videos are compressed differently than the pictures it was trained on",
             "la vidéo sur internet est compressée autrement que les images de l'entraînement"),
    (4, 2): ("otherwise it would recognise the people instead of the fake, and we want to know how it does on new faces",
             "sinon il reconnaît les personnes au lieu du truquage, et on veut savoir ce qu'il fait sur des visages inconnus"),
    (5, 1): ("compression erases the tiny noise the noise detector needs but mesonet looks at the eyes and mouth which are still there after jpeg",
             "la compression détruit le bruit que regarde le détecteur de bruit, mais MesoNet regarde les yeux et la bouche qui résistent"),
    (5, 2): ("a fake face is also a face so the detector says yes to both and cannot distinguish them",
             "un faux visage est aussi un visage, donc le détecteur répond oui aux deux et ne fait pas la différence"),
    (6, 1): ("it's only one image, you need to check many faces to say it in general, like with occlusion",
             "c'est une seule image, il faut regarder plusieurs visages pour conclure, par exemple en cachant les yeux"),
    (6, 2): ("a larger region covers more of the face so it removes more information; you have to compare per pixel",
             "une grande région cache plus de pixels donc plus d'indices, il faut diviser par la surface pour comparer"),
    (7, 1): ("most deepfake apps never put a mark on their videos, and someone could crop the video to remove the mark",
             "la plupart des logiciels ne mettent pas de marque et on peut aussi recadrer la vidéo pour enlever la marque"),
    (7, 2): ("if you doubt everything a liar can say a real video is fake, you should verify the source instead",
             "si on doute de tout, un menteur peut dire qu'une vraie vidéo est fausse ; il faut vérifier la source"),
    (8, 1): ("if you guess after the result you will always think you were right; writing it first lets you check if you were wrong",
             "si on prédit après, on croit toujours avoir eu raison ; l'écrire avant permet de vérifier si on avait faux"),
    (8, 2): ("run it a few more times with different seeds because such a small gap could be random luck",
             "je relance plusieurs fois avec d'autres seeds, car un si petit écart peut être dû au hasard"),
}
# A plausible wrong answer to every sentence question (a real misconception, or a true but beside-the-point reason).
WRONG = {
    (1, 1): ("So that the model file takes less space on the disk and training is faster.", "Pour que le fichier du modèle prenne moins de place sur le disque et que l'entraînement aille plus vite."),
    (1, 2): ("Because the network was not trained for long enough on the computers we have in class.", "Parce que le réseau n'a pas été entraîné assez longtemps sur les ordinateurs de la classe."),
    (2, 1): ("So the model has fewer weights and trains in less time on a laptop.", "Pour que le modèle ait moins de poids et s'entraîne en moins de temps sur un portable."),
    (2, 2): ("Everything in the result comes from B because the swap replaces A completely by B.", "Tout dans le résultat vient de B, car l'échange remplace complètement A par B."),
    (3, 1): ("Because more frames make the file bigger, and a bigger data set always trains better.", "Parce que plus d'images rendent le fichier plus gros, et un plus gros jeu de données entraîne toujours mieux."),
    (3, 2): ("Because the school asks for it, and the teacher keeps the note in a drawer for later.", "Parce que l'école le demande, et le professeur garde le papier dans un tiroir pour plus tard."),
    (4, 1): ("Because 99% is not 100%, so it is sometimes wrong on any video at all.", "Parce que 99 % ce n'est pas 100 %, donc il se trompe parfois sur n'importe quelle vidéo."),
    (4, 2): ("Because it makes training faster and the teacher wants to save time in the lesson.", "Parce que cela rend l'entraînement plus rapide et que le professeur veut gagner du temps."),
    (5, 1): ("Because MesoNet is a bigger and smarter neural network than the simple noise detector.", "Parce que MesoNet est un réseau de neurones plus gros et plus intelligent que le simple détecteur de bruit."),
    (5, 2): ("Because a macroscopic detector is too slow to run on every frame of a long video.", "Parce qu'un détecteur macroscopique est trop lent pour tourner sur chaque image d'une longue vidéo."),
    (6, 1): ("Because heatmaps are often wrong and the colours on the screen can be misleading.", "Parce que les cartes de chaleur sont souvent fausses et que les couleurs à l'écran peuvent tromper."),
    (6, 2): ("Because the mouth is more important than the eyes for every detector that exists.", "Parce que la bouche est plus importante que les yeux pour tous les détecteurs qui existent."),
    (7, 1): ("Because the provenance check program has bugs and often crashes on long videos.", "Parce que le programme de vérification a des bugs et plante souvent sur les longues vidéos."),
    (7, 2): ("Because doubting every video makes you tired and sad, and life is more fun when you trust.", "Parce que douter de toutes les vidéos rend fatigué et triste, et la vie est plus drôle quand on fait confiance."),
    (8, 1): ("Because the teacher asked us to do it and it is part of the notebook we have to fill.", "Parce que le professeur nous l'a demandé et que cela fait partie du cahier à remplir."),
    (8, 2): ("I would believe it, because the computer measured it exactly and computers do not make mistakes.", "Je le croirais, car l'ordinateur l'a mesuré exactement et les ordinateurs ne se trompent pas."),
}
RIGHT_LETTERS = {(1, 3): "a, c", (4, 3): "b, d", (6, 3): "a, d", (8, 3): "b, c"}
OFF_TOPIC = ("I really liked this lab today, the pictures were nice to look at and the computer was quick.",
             "J'ai bien aimé ce labo aujourd'hui, les images étaient jolies à regarder et l'ordinateur était rapide.")
SENTENCE_QUESTIONS = [(lab, n) for lab, found in TICKETS.items() for n, q in enumerate(found, start=1) if not q.is_choice]
CHOICE_QUESTIONS = [(lab, n) for lab, found in TICKETS.items() for n, q in enumerate(found, start=1) if q.is_choice]


@pytest.fixture(autouse=True)
def fresh_answers():
    exit_tickets.forget_answers()
    yield
    exit_tickets.forget_answers()


# --- the questions -------------------------------------------------------------------------------------


def test_every_lab_1_to_8_has_two_or_three_questions_at_most_one_a_choice():
    assert sorted(TICKETS) == list(range(1, 9))
    for lab, found in TICKETS.items():
        assert 2 <= len(found) <= 3, lab
        assert sum(q.is_choice for q in found) <= 1, lab
        assert all(q.key.startswith(f"{lab}.") for q in found)
        for q in found:
            assert q.is_choice != bool(q.ideas), q.key  # either a rubric or options, never both nor neither
    for lab in (0, 9, "1", True):
        with pytest.raises(LabError, match="no exit ticket"):
            exit_tickets.questions(lab)


def test_every_sentence_and_choice_question_has_a_good_answer_here():
    assert sorted(GOOD) == sorted(WRONG) == sorted(OTHER_WORDINGS) == sorted(SENTENCE_QUESTIONS) and sorted(RIGHT_LETTERS) == sorted(CHOICE_QUESTIONS)


@pytest.mark.parametrize("lab, n", CHOICE_QUESTIONS)
def test_a_multiple_choice_has_several_right_options_and_several_wrong_ones(lab, n):
    question = TICKETS[lab][n - 1]
    assert sum(question.options) >= 2 and question.options.count(False) >= 2
    assert question.quiz().right_letters() == RIGHT_LETTERS[(lab, n)].split(", ")


def test_the_ticket_shows_every_question_and_how_to_answer_it(capsys):
    ticket(4)
    out = capsys.readouterr().out
    for question in TICKETS[4]:
        assert TEXTS[question.key] in out
    assert 'answer_ticket(4, 1, "your sentence")' in out and TEXTS["4.video.b"] in out and "save_ticket(4" in out
    assert "✓" not in out and "✗" not in out


# --- the rubric ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lab, n", SENTENCE_QUESTIONS)
@pytest.mark.parametrize("speaking", ["en", "fr"])
def test_a_good_answer_in_english_or_french_meets_the_rubric(lab, n, speaking):
    i18n.set_language(speaking)  # the language the lessons speak does not change what is understood
    for sentence in GOOD[(lab, n)]:
        verdict = judge(lab, n, sentence)
        assert verdict.met and verdict.missing == [], (lab, n, sentence, verdict.feedback)


@pytest.mark.parametrize("lab, n", SENTENCE_QUESTIONS)
def test_another_wording_of_the_idea_meets_the_rubric_too(lab, n):
    for sentence in OTHER_WORDINGS[(lab, n)]:
        verdict = judge(lab, n, sentence)
        assert verdict.met, (lab, n, sentence, verdict.feedback)


def test_lab_2_reads_the_decoder_idea_said_either_way_but_needs_the_decoder():
    for sentence in ("One shared encoder gives the same code to both, so B's decoder can read a code made from A's face.",
                     "One shared encoder gives the same code to both; with two encoders B's decoder would never have seen A's codes."):
        assert judge(2, 1, sentence).met, sentence
    verdict = judge(2, 1, "One shared encoder gives the same code to both, so the swap can read a code made from A's face.")
    assert not verdict.met and verdict.missing == ["idea.2.shared.read"]


@pytest.mark.parametrize("lab, n", SENTENCE_QUESTIONS)
def test_an_off_topic_answer_is_refused_and_told_every_idea_it_misses(lab, n):
    ideas = TICKETS[lab][n - 1].ideas
    for sentence in OFF_TOPIC:
        verdict = judge(lab, n, sentence)
        assert not verdict.met
        assert verdict.missing == [idea.key for idea in ideas]
        for idea in ideas:
            assert describe_idea(idea.key) in verdict.feedback


@pytest.mark.parametrize("lab, n", SENTENCE_QUESTIONS)
def test_a_plausible_wrong_answer_is_refused_and_told_what_it_misses(lab, n):
    for sentence in WRONG[(lab, n)]:
        verdict = judge(lab, n, sentence)
        assert not verdict.met and verdict.missing, (lab, n, sentence)
        assert all(describe_idea(key) in verdict.feedback for key in verdict.missing)


@pytest.mark.parametrize("empty", ["", "   ", ..., None])
def test_an_empty_answer_is_refused_with_a_request_to_fill_it_in(empty):
    verdict = judge(2, 1, empty)
    assert not verdict.met and verdict.feedback == TEXTS["not_answered"]


def test_a_few_words_are_refused_as_too_short_and_credited_with_nothing():
    verdict = judge(1, 1, "copy, summary")  # both ideas' words, but no sentence
    assert not verdict.met and "at least" in verdict.feedback
    assert verdict.missing == ["idea.1.narrow.copy", "idea.1.narrow.summary"]


def test_a_half_right_answer_is_told_only_what_it_misses():
    sentence = "JPEG compression removes the fine pixel noise that the noise detector needs to see anything at all."
    verdict = judge(5, 1, sentence)
    assert not verdict.met and verdict.missing == ["idea.5.compression.meso"]
    assert TEXTS["idea.5.compression.meso"] in verdict.feedback
    missing_part = verdict.feedback.split("\n", 1)[1]
    assert experiments.text("idea.noise.removes") not in missing_part


def test_the_rubric_reuses_lab_8s_ideas_and_its_hints():
    borrowed = {idea.key for q in (TICKETS[2][0], TICKETS[3][0], TICKETS[5][0]) for idea in q.ideas if idea.key not in TEXTS}
    assert borrowed == {"idea.shared_encoder.same_code", "idea.variety.only_seen",
                        "idea.variety.factors", "idea.noise.removes", "idea.noise.noise"}
    rubric_keys = {idea.key for ideas in experiments.RUBRICS.values() for idea in ideas}
    assert borrowed <= rubric_keys
    assert describe_idea("idea.noise.removes") == experiments.text("idea.noise.removes")


def test_the_rubrics_default_hints_are_unchanged_for_lab_8():
    outcome = experiments.read_explanation("It happened like that because the numbers came out this way in the table.",
                                           experiments.RUBRICS["noise"])
    assert not outcome.ok and experiments.text("idea.noise.removes") in outcome.message


@pytest.mark.parametrize("lab, n", CHOICE_QUESTIONS)
def test_a_choice_is_met_only_with_exactly_the_right_letters(lab, n):
    right = RIGHT_LETTERS[(lab, n)]
    assert judge(lab, n, right).met and judge(lab, n, right.upper().replace(", ", " ")).met
    first = right.split(", ")[0]
    half = judge(lab, n, first)
    assert not half.met and half.missing == [right.split(", ")[1]] and "you left it out" in half.feedback
    every = judge(lab, n, "a, b, c, d")
    assert not every.met and "you chose it, but it is wrong" in every.feedback


def test_answering_prints_the_verdict_and_keeps_the_answer(capsys):
    assert answer_ticket(1, 1, GOOD[(1, 1)][0])
    assert capsys.readouterr().out.startswith("✓ ")
    assert not answer_ticket(1, 2, OFF_TOPIC[0])
    assert capsys.readouterr().out.startswith("✗ ")
    assert not answer_ticket(1, 3, "a, z")  # an unknown letter: told, not kept
    assert "✗" in capsys.readouterr().out
    assert not answer_ticket(1, 4, "anything") and "questions 1 to 3" in capsys.readouterr().out
    assert not answer_ticket(1, 2, ...)  # an empty answer does not replace the one kept
    kept = answers(1)
    assert sorted(kept) == [1, 2] and kept[1].met and not kept[2].met and kept[2].answer == OFF_TOPIC[0]


def test_french_feedback_when_the_lessons_speak_french(capsys):
    i18n.set_language("fr")
    answer_ticket(5, 1, OFF_TOPIC[1])
    out = capsys.readouterr().out
    assert exit_tickets_fr.TEXTS["idea.5.compression.meso"] in out and "Pensez à" in out
    assert TEXTS["idea.5.compression.meso"] not in out
    ticket(4)
    out = capsys.readouterr().out
    assert exit_tickets_fr.TEXTS["4.unseen"] in out and "(choisissez toutes les bonnes réponses)" in out


# --- the saved file ------------------------------------------------------------------------------------


def test_the_saved_ticket_holds_the_answers_and_their_verdicts_and_no_name(tmp_path, capsys):
    answer_ticket(4, 1, GOOD[(4, 1)][0])
    answer_ticket(4, 3, "a, b")
    path = save_ticket(4, tmp_path / "tickets")
    assert path.parent == tmp_path / "tickets" and re.fullmatch(r"exit-ticket-lab4-[0-9a-f]{16}\.json", path.name)
    assert str(path) in capsys.readouterr().out
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["kind"] == exit_tickets.TICKET_KIND and document["lab"] == 4 and document["language"] == "en"
    assert "student" not in document and document["met"] == 1 and document["questions"] == 3
    first, second, third = document["answers"]
    assert first == {"n": 1, "key": "4.internet", "kind": "sentence", "question": TEXTS["4.internet"], "answer": GOOD[(4, 1)][0],
                     "met": True, "missing": []}
    assert second["answer"] is None and not second["met"] and second["missing"] == ["idea.4.unseen.recognise", "idea.4.unseen.new"]
    assert third["kind"] == "choice" and third["answer"] == "a, b" and not third["met"] and third["missing"] == ["a", "d"]
    assert [p.name for p in (tmp_path / "tickets").iterdir()] == [path.name]  # no temporary file left behind
    assert read_ticket(path)["file_id"] == document["file_id"]


def test_a_name_is_kept_only_when_given_and_saving_again_rewrites_the_same_file(tmp_path):
    answer_ticket(2, 1, GOOD[(2, 1)][0])
    first = save_ticket(2, tmp_path, student="  ")
    assert "student" not in json.loads(first.read_text(encoding="utf-8"))
    answer_ticket(2, 2, GOOD[(2, 2)][0])
    again = save_ticket(2, tmp_path, student=" Sam ")
    assert again == first and len(list(tmp_path.iterdir())) == 1
    document = json.loads(again.read_text(encoding="utf-8"))
    assert document["student"] == "Sam" and document["met"] == 2
    named = save_ticket(2, tmp_path / "mine.json")
    assert named.name == "mine.json" and json.loads(named.read_text(encoding="utf-8"))["met"] == 2


def test_a_bad_path_or_an_empty_ticket_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(LabError, match="Answer at least one question"):
        save_ticket(3, tmp_path)
    answer_ticket(3, 1, GOOD[(3, 1)][0])
    with pytest.raises(LabError, match=r"name it \.json"):
        save_ticket(3, tmp_path / "ticket.txt")
    blocker = tmp_path / "notes"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(LabError, match="is a file, not a folder"):
        save_ticket(3, blocker / "ticket.json")
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(LabError):
        save_ticket(3, tmp_path / "folder.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.json", "notes"]
    assert list((tmp_path / "folder.json").iterdir()) == []


def test_the_teachers_summary_counts_a_class_and_refuses_copies_and_other_files(tmp_path):
    answer_ticket(6, 1, GOOD[(6, 1)][0])
    answer_ticket(6, 2, OFF_TOPIC[0])
    one = save_ticket(6, tmp_path)
    exit_tickets.forget_answers(6)  # another laptop
    answer_ticket(6, 1, OFF_TOPIC[0])
    answer_ticket(6, 2, "A bigger region hides more pixels of the face, so it naturally changes the score much more.")
    two = save_ticket(6, tmp_path)
    assert one != two
    summary = class_summary([one, two])
    assert "2 file(s)" in summary
    assert "answered 2, met 1" in summary and "answered 2, met 0" in summary and "answered 0, met 0" in summary
    assert f"{TEXTS['idea.6.area.fair']} (2 time(s))" in summary
    copy = tmp_path / "copy.json"
    copy.write_bytes(one.read_bytes())
    with pytest.raises(LabError, match="a copy"):
        class_summary([one, copy])
    damaged = tmp_path / "damaged.json"
    damaged.write_text("{not json", encoding="utf-8")
    with pytest.raises(LabError, match="damaged.json: damaged"):
        read_ticket(damaged)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"kind": "deepfake-edu lab 7 results"}), encoding="utf-8")
    with pytest.raises(LabError, match="not an exit ticket"):
        read_ticket(other)


# --- the texts in both languages -----------------------------------------------------------------------




def test_both_languages_have_every_key_with_the_same_fields_and_numbers():
    assert set(exit_tickets_fr.TEXTS) == set(TEXTS)
    for key, english in TEXTS.items():
        french = exit_tickets_fr.TEXTS[key]
        assert isinstance(french, str) and french.strip(), key
        assert fields(french) == fields(english), f"exit_tickets_fr.TEXTS[{key!r}] must use the fields of the English"
        assert numbers(french) == numbers(english), f"{key}: numbers {numbers(english)} in English, {numbers(french)} in French"
        assert french != english, f"exit_tickets_fr.TEXTS[{key!r}] is still in English"


def test_every_key_a_ticket_needs_is_written():
    needed = {q.key for found in TICKETS.values() for q in found}
    needed |= {f"{q.key}.{letter}{part}" for found in TICKETS.values() for q in found for letter in "abcd"[: len(q.options)] for part in ("", ".why")}
    own_ideas = {idea.key for found in TICKETS.values() for q in found for idea in q.ideas if not idea.key.startswith(("idea.shared_encoder", "idea.variety", "idea.noise"))}
    assert needed | own_ideas <= set(TEXTS)
    question_keys = {key for key in TEXTS if re.fullmatch(r"\d\.\w+", key)}
    assert question_keys == {q.key for found in TICKETS.values() for q in found}  # no question written and left out


# --- the notebooks -------------------------------------------------------------------------------------


def _exit_ticket_cells(path: Path):
    nbformat = pytest.importorskip("nbformat")
    cells = nbformat.read(path, as_version=4).cells
    start = max(i for i, cell in enumerate(cells) if cell.cell_type == "markdown" and cell.source.startswith("## Exit ticket"))
    return cells[start:]


@pytest.mark.parametrize("lab", range(1, 9))
def test_each_notebook_ends_with_its_exit_ticket_answered_right_by_the_teacher(lab):
    path = next(LABS.glob(f"{lab:02d}_*.ipynb"))
    cells = _exit_ticket_cells(path)
    assert len(cells) == 4 and f"ticket({lab})" in cells[1].source
    solution = cells[2]
    assert "solution" in solution.metadata.get("tags", [])
    given: dict = {}
    exec(solution.source, {}, given)  # only string assignments
    count = len(TICKETS[lab])
    assert sorted(given) == [f"my_answer_{n}" for n in range(1, count + 1)]
    for n in range(1, count + 1):
        assert judge(lab, n, given[f"my_answer_{n}"]).met, (lab, n)
        assert f"answer_ticket({lab}, {n}, my_answer_{n})" in cells[3].source
    assert f"save_ticket({lab}," in cells[3].source
    student = _exit_ticket_cells(LABS / "student" / path.name)
    assert [cell.source for cell in student[2:3]] == ["\n".join(f"my_answer_{n} = ...  # your answer here" for n in range(1, count + 1))]
    assert [c.source for c in student[:2] + student[3:]] == [c.source for c in cells[:2] + cells[3:]]
