"""Lab 7's fair human-versus-machine study: unseen faces, answer -> advice -> revision, the laptop's
file and the teacher's merge, the tally's revised answers, and the texts in both languages."""

from __future__ import annotations

import json
import re
import string

import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.lessons import human_machine as hm
from deepfake_edu.lessons import i18n, quiz_fr
from deepfake_edu.lessons.spot_the_fake import SPOT_TEXTS, SpotTheFake, SpotTheFakeTally, describe_tally


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The lab's shipped swap model and detector, installed as prepare_lab installs them."""
    from deepfake_edu import zoo

    home = tmp_path_factory.mktemp("hm-home")
    card = zoo.card("swap-twins")
    zoo.install("swap-twins", home / "swap-lab" / "checkpoints" / f"step-{card['steps']:08d}", {"lab_complete": True})
    zoo.install("meso4-twins", home / "meso4-twins")
    return home / "swap-lab", home / "meso4-twins.json", home


@pytest.fixture(scope="module")
def study_set(shipped):
    swap_run, detector, _ = shipped
    return hm.build_study_set(swap_run, detector, count=hm.FAST_COUNT)


def toy_study(labels, p_fake) -> hm.StudySet:
    """A study set without pictures that matter: known labels and P(fake), for the flow's counts."""
    count = len(labels)
    faces = [{"face": f"f{i + 1:02d}"} for i in range(count)]
    design = hm.design(count, "s" * 64, "d" * 64)
    return hm.StudySet(np.zeros((count, 4, 4, 3), np.uint8), np.asarray(p_fake, float), faces, design, hm.study_id(design),
                       np.asarray(labels, np.int64))


# --- the study set ------------------------------------------------------------------------------


def test_study_set_shares_no_identity_or_frame_with_the_detectors_training_data(shipped, study_set):
    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.detect.twins_set import build_twins_realfake
    from deepfake_edu.paths import LAB_HELD_OUT

    swap_run, _, home = shipped
    # the detector's set, built as the zoo's recipe builds it (every lab twin, its seed), one frame each
    realfake = build_twins_realfake(home / "twins-realfake", swap_run, per_identity=1)
    trained = hm.training_identities(home / "twins-realfake")
    assert trained == {f"twin-{i:02d}" for i in range(8)} - set(LAB_HELD_OUT)  # what the card says it learned
    assert not trained & study_set.identities()
    records = load_dataset(realfake.root if hasattr(realfake, "root") else home / "twins-realfake").records
    assert not {(r["identity_index"], 0) for r in records} & {(f["identity_index"], f["identity_seed"]) for f in study_set.faces}
    assert not {r["seed"] for r in records} & {f["image_seed"] for f in study_set.faces}
    # and more than the first frame: no lab recipe's frames share a seed with the study's
    from deepfake_edu.data.twins import image_seed

    lab_seeds = {image_seed(seed, i, j) for seed in (0, 1, 2) for i in range(8) for j in range(200)}
    assert not lab_seeds & {f["image_seed"] for f in study_set.faces}


def test_study_set_is_half_fake_made_with_the_merge_restore_and_the_same_on_every_build(shipped, study_set, monkeypatch):
    from deepfake_edu.swap import convert

    swap_run, detector, _ = shipped
    assert study_set.images.shape == (hm.FAST_COUNT, 256, 256, 3) and study_set._labels.sum() == hm.FAST_COUNT // 2
    assert all("label" not in face for face in study_set.faces)  # nothing about a face beyond where it comes from
    made = []
    original = convert.FaceSwapper.__init__

    def spy(self, *args, **kwargs):
        made.append(kwargs)
        original(self, *args, **kwargs)

    monkeypatch.setattr(convert.FaceSwapper, "__init__", spy)
    again = hm.build_study_set(swap_run, detector, count=hm.FAST_COUNT)
    assert made and all(k["grain"] == convert.GRAIN > 0 and k["sharpen"] == convert.SHARPEN > 0 for k in made)
    assert again.id == study_set.id and np.array_equal(again._labels, study_set._labels)
    assert np.abs(again.images.astype(int) - study_set.images.astype(int)).max() <= 2
    assert hm.labels_for(study_set.design) == ["fake" if y else "real" for y in study_set._labels]
    assert 0 <= study_set.p_fake.min() and study_set.p_fake.max() <= 1


# --- the flow per face --------------------------------------------------------------------------


def test_each_step_comes_in_order_and_only_once():
    study = hm.HumanMachineStudy(toy_study([1, 0], [0.9, 0.2]))
    with pytest.raises(LabError, match="first: the machine's P\\(fake\\) is shown only after"):
        study.advice(1)
    study.answer_first(1, "real")
    with pytest.raises(LabError, match="only the first one counts"):
        study.answer_first(1, "fake")
    with pytest.raises(LabError, match="look at the machine's P\\(fake\\)"):
        study.revise(1, "fake")
    with pytest.raises(LabError, match="the truth comes last"):
        study.truth(1)
    assert study.advice(1) == pytest.approx(0.9)
    study.revise(1, "fake")
    with pytest.raises(LabError, match="already has your revised answer"):
        study.revise(1, "real")
    assert study.truth(1) == "fake"
    for bad in (0, 3, "1"):
        with pytest.raises(LabError, match="numbered 1 to 2"):
            study.answer_first(bad, "real")
    with pytest.raises(LabError, match="answer 'real' or 'fake'"):
        study.answer_first(2, "maybe")


def test_results_count_first_machine_revised_and_what_the_advice_changed():
    # truths: fake, real, fake, real, fake, real; the machine is wrong on faces 2 and 3
    study = hm.HumanMachineStudy(toy_study([1, 0, 1, 0, 1, 0], [0.9, 0.8, 0.1, 0.3, 0.7, 0.2]))
    with pytest.raises(LabError, match="6 still to answer"):
        study.advice_titles()
    study.answer_all_first([1, 3, 4])  # right: 1, 2, 3, 6 -> 4 of 6
    titles = study.advice_titles()
    assert titles[1] == "2: P(fake) 0.80"
    with pytest.raises(LabError, match="6 still to revise"):
        study.revealed_labels()
    study.revise_all([1, 2, 5])  # right: 1, 4, 5, 6 -> 4 of 6; face 2 and 3 right -> wrong, face 4 and 5 wrong -> right
    results = study.results()
    assert (results.n, results.first_right, results.machine_right, results.revised_right) == (6, 4, 4, 4)
    assert (results.right_to_wrong, results.wrong_to_right) == (2, 2)
    assert "| you (first answers) | 4 | 6 | 67% |" in results.table()
    assert study.revealed_titles()[0].startswith("1: FAKE")
    with pytest.raises(LabError, match="already has your revised answer"):
        study.revise_all([1])


def test_reading_the_results_checks_follow_the_counts():
    from deepfake_edu.lessons.checks import evaluate

    results = hm.StudyResults(n=10, first_right=6, machine_right=8, revised_right=7, right_to_wrong=1, wrong_to_right=2)
    assert evaluate("critical.advice_harm", 1, results=results).ok
    assert not evaluate("critical.advice_harm", 2, results=results).ok
    assert evaluate("critical.after_advice", 10, results=results).ok  # 6 of 10 right, then 7 of 10: +10 points
    assert evaluate("critical.after_advice", "10.4", results=results).ok  # read off rounded percentages
    assert not evaluate("critical.after_advice", "better", results=results).ok  # a number, not a word
    assert "percentage points" in evaluate("critical.after_advice", 0.1, results=results).message  # a fraction
    assert "sign" in evaluate("critical.after_advice", -10, results=results).message
    assert not evaluate("critical.after_advice", 0, results=results).ok
    worse = hm.StudyResults(n=12, first_right=6, machine_right=8, revised_right=4, right_to_wrong=3, wrong_to_right=1)
    assert evaluate("critical.after_advice", -16.7, results=worse).ok and not evaluate("critical.after_advice", -20, results=worse).ok
    with pytest.raises(LabError, match="pass your results"):
        evaluate("critical.advice_harm", 1)


# --- the laptop's file and the merge ------------------------------------------------------------


def answered(study_set, fakes_first, fakes_revised) -> hm.HumanMachineStudy:
    study = hm.HumanMachineStudy(study_set)
    study.answer_all_first(fakes_first)
    study.advice_titles()
    study.revise_all(fakes_revised)
    return study


def test_results_file_holds_answers_and_face_ids_only(tmp_path, capsys):
    study = answered(toy_study([1, 0, 1, 0], [0.9, 0.1, 0.2, 0.6]), [1], [1, 3])
    path = study.write_results(tmp_path)  # a folder: the file gets a name of its own
    assert re.fullmatch(r"lab7-results-[0-9a-f]{16}\.json", path.name) and "give this file to your teacher" in capsys.readouterr().out
    document = json.loads(path.read_text())
    assert "student" not in document
    assert {key for row in document["answers"] for key in row} == {"face", "first", "p_fake", "machine", "revised"}
    named = json.loads(study.write_results(tmp_path / "sam.json", student=" Sam ").read_text())
    assert named["student"] == "Sam" and named["file_id"] != document["file_id"]


def test_merge_adds_up_the_laptops_and_refuses_bad_files_before_writing(tmp_path):
    from deepfake_edu.fileio import write_text_atomic

    labels = [0 if face == "real" else 1 for face in hm.labels_for(hm.design(4, "s" * 64, "d" * 64))]
    toy = toy_study(labels, [0.9 if y else 0.1 for y in labels])  # the machine is right on every face
    fakes = [i + 1 for i, y in enumerate(labels) if y]
    a = answered(toy, fakes, fakes).write_results(tmp_path / "a.json")  # 4 right, then 4 right
    b = answered(toy, [], fakes).write_results(tmp_path / "b.json")  # 2 right, then 4
    out = tmp_path / "class.json"
    merged = hm.merge_results([a, b], out)
    assert merged["counts"] == {"n": 8, "first_right": 6, "machine_right": 8, "revised_right": 8, "right_to_wrong": 0, "wrong_to_right": 2}
    assert json.loads(out.read_text())["files"] == 2 and "| the class (first answers) | 6 | 8 | 75% |" in hm.describe_class(merged)
    assert sum(face["answered"] for face in merged["per_face"]) == 8

    broken = tmp_path / "broken.json"
    broken.write_text('{"kind": "deepfake-edu/human-machine-res')
    other = toy_study(labels, [0.5] * 4)
    other.design = hm.design(4, "x" * 64, "d" * 64)
    other.id = hm.study_id(other.design)
    elsewhere = answered(other, fakes, fakes).write_results(tmp_path / "other.json")
    copy = tmp_path / "copy.json"
    copy.write_text(a.read_text())
    tampered = tmp_path / "tampered.json"
    document = json.loads(a.read_text())
    document["design"]["count"] = 6
    document["file_id"] = "0" * 16
    write_text_atomic(tampered, json.dumps(document))
    cases = [([a, broken], "broken.json: damaged: not readable JSON"), ([a, out], "class.json: is a merged class result"),
             ([a, elsewhere], "other.json: answers another study set"), ([a, a], "a.json: given twice"),
             ([a, copy], "copy.json: is the same laptop's results as a.json"),
             ([tampered], "tampered.json: damaged: its study description does not match"),
             ([tmp_path / "missing.json"], "missing.json: no such file")]
    target = tmp_path / "new-class.json"
    for files, message in cases:
        with pytest.raises(LabError, match=re.escape(message)) as caught:
            hm.merge_results(files, target)
        assert "\n" not in str(caught.value)
        assert not target.exists() and not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob(".*"))
    with pytest.raises(LabError, match="is the input itself"):
        hm.merge_results([a, b], a)


def test_class_results_merge_command(tmp_path, capsys):
    from deepfake_edu.cli import main

    labels = [0 if face == "real" else 1 for face in hm.labels_for(hm.design(4, "s" * 64, "d" * 64))]
    toy = toy_study(labels, [0.9 if y else 0.1 for y in labels])
    a = answered(toy, [1], [1]).write_results(tmp_path / "a.json")
    b = answered(toy, [2], [2]).write_results(tmp_path / "b.json")
    capsys.readouterr()
    assert main(["class-results", "merge", str(a), str(b), "--out", str(tmp_path / "class.json")]) == 0
    assert "wrote" in capsys.readouterr().out and (tmp_path / "class.json").is_file()
    assert main(["class-results", "merge", str(a), str(a), "--out", str(tmp_path / "again.json")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: a.json: given twice") and error.count("\n") == 1 and not (tmp_path / "again.json").exists()


# --- the comparison and the words ---------------------------------------------------------------


def test_comparison_cites_the_two_papers_and_the_interval():
    results = hm.StudyResults(n=12, first_right=7, machine_right=11, revised_right=9, right_to_wrong=0, wrong_to_right=2)
    shown = hm.compare_with_research(results)
    for part in ("Groh et al. (PNAS 2022)", "Diel et al. (2024)", "56 papers", "55.5%", "65.1%", "58.3%", "with 12 answers", "luck"):
        assert part in shown
    low, high = hm.wilson_interval(7, 12)
    assert low < 7 / 12 < high and f"{low:.0%} to {high:.0%}" in shown
    many = hm.compare_with_research(hm.StudyResults(n=900, first_right=500, machine_right=800, revised_right=600, right_to_wrong=10, wrong_to_right=60))
    assert "narrower" in many


def _fields(text: str) -> list:
    return sorted((name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name is not None)


def _numbers(text: str) -> list[str]:
    return sorted(re.sub(r"\D", "", found) for found in re.findall(r"\d+(?:[., \u00a0]\d+)*", re.sub(r"\{[^}]*\}", "", text)))


@pytest.mark.parametrize("english,french", [(hm.TEXTS, quiz_fr.STUDY_TEXTS), (SPOT_TEXTS, quiz_fr.SPOT_TEXTS)], ids=["study", "spot"])
def test_every_text_exists_in_french_with_the_same_fields_and_numbers(english, french):
    assert set(french) == set(english)
    for key in english:
        assert french[key].strip(), key
        assert _fields(french[key]) == _fields(english[key]), key
        assert _numbers(french[key]) == _numbers(english[key]), key


def test_the_study_and_the_game_speak_french_when_asked():
    results = hm.StudyResults(n=12, first_right=7, machine_right=11, revised_right=9, right_to_wrong=0, wrong_to_right=2)
    i18n.set_language("fr")
    assert "55,5" in hm.compare_with_research(results) and "méta-analyse" in hm.compare_with_research(results)
    assert "| la classe |" in describe_tally(SpotTheFakeTally("/nonexistent/t.json").read())
    with pytest.raises(LabError, match="la vérité vient en dernier"):
        study = hm.HumanMachineStudy(toy_study([1, 0], [0.9, 0.2]))
        study.truth(1)


# --- the demo's game: revised answers in the tally, faces the detector never saw ----------------


def test_tally_counts_revised_answers_apart_and_reads_old_files(tmp_path):
    tally = SpotTheFakeTally(tmp_path / "tally.json")
    tally.record(True, True, False)  # right, then misled
    tally.record(False, True, True)  # wrong, then put right
    tally.record(False, False)  # no revision given
    counts = SpotTheFakeTally(tmp_path / "tally.json").read()
    assert counts["human"] == {"right": 1, "answered": 3} and counts["revised"] == {"right": 1, "answered": 2}
    assert counts["advice"] == {"right_to_wrong": 1, "wrong_to_right": 1}
    shown = describe_tally(counts)
    assert "| the class, after seeing the machine | 1 | 2 | 50% |" in shown and "turned 1 right answer(s) wrong" in shown
    (tmp_path / "old.json").write_text(json.dumps({"human": {"right": 2, "answered": 3}, "machine": {"right": 3, "answered": 3}}))
    old = SpotTheFakeTally(tmp_path / "old.json").read()
    assert old["human"]["answered"] == 3 and old["revised"]["answered"] == 0


def test_the_game_asks_only_faces_the_detector_was_held_out_from(shipped, tmp_path):
    from deepfake_edu.detect.twins_set import build_twins_realfake

    swap_run, detector, _ = shipped
    build_twins_realfake(tmp_path / "rf", swap_run, identities=(0, 6), per_identity=2)
    game = SpotTheFake(tmp_path / "rf", tmp_path / "tally.json", lambda: None)
    _, records = game.faces()
    assert game.fair and {r["identity"] for r in records} == {"twin-06"} and len(records) == 4
    mixed = SpotTheFake(tmp_path / "rf", tmp_path / "tally.json", lambda: None, held_out=("twin-99",))
    assert mixed.faces()[1] and mixed.fair is False and {r["identity"] for r in mixed.faces()[1]} == {"twin-00", "twin-06"}


def test_the_study_as_a_dataset_holds_the_study_pixels_and_is_built_once(shipped, study_set, tmp_path):
    from deepfake_edu.data.dataset import load_dataset

    swap_run, detector, _ = shipped
    folder = hm.study_dataset(tmp_path, swap_run, detector, count=hm.FAST_COUNT)
    assert folder.parent == tmp_path and folder.name == f"study-{study_set.id}"
    dataset = load_dataset(folder)
    assert [r["label"] for r in dataset.records] == hm.labels_for(study_set.design)
    assert [r["face"] for r in dataset.records] == [face["face"] for face in study_set.faces]
    assert {r["identity"] for r in dataset.records} <= set(hm.study_identities())
    for index, record in enumerate(dataset.records):
        assert np.array_equal(dataset.image(record), study_set.images[index])  # PNG: the study's own pixels
    written = (folder / "dataset.json").stat().st_mtime_ns
    assert hm.study_dataset(tmp_path, swap_run, detector, count=hm.FAST_COUNT) == folder
    assert (folder / "dataset.json").stat().st_mtime_ns == written  # reused, not rebuilt


def test_the_game_over_the_study_asks_its_faces_and_scores_them_as_the_study_does(shipped, study_set, tmp_path):
    from deepfake_edu.detect.keras_import import load_detector

    swap_run, detector, _ = shipped
    built = []

    def source():
        built.append(1)
        return hm.study_dataset(tmp_path, swap_run, detector, count=hm.FAST_COUNT)

    model = load_detector(detector)
    game = SpotTheFake(source, tmp_path / "tally.json", lambda: model, held_out=hm.study_identities())
    assert built == []  # nothing is built before the first question
    _, records = game.faces()
    assert game.fair and len(records) == hm.FAST_COUNT and built == [1]
    game.faces()
    assert built == [1]
    for number in range(len(records)):
        assert game.machine_p_fake(number) == pytest.approx(study_set.p_fake[number], abs=1e-5)
