"""The class's tally file."""

from __future__ import annotations

import json
import threading

from deepfake_edu.demo.quiz import QuizTally, accuracy, describe_tally


def test_tally_counts_answers_and_resets(tmp_path):
    tally = QuizTally(tmp_path / "tally.json")
    assert describe_tally(tally.read()).count("| - |") == 2  # no answers yet: no accuracy
    tally.record(True, False)
    tally.record(False, False)
    counts = QuizTally(tmp_path / "tally.json").read()  # read back from disk
    assert counts["human"] == {"right": 1, "answered": 2} and counts["machine"] == {"right": 0, "answered": 2}
    assert accuracy(counts["human"]) == 0.5 and "50%" in describe_tally(counts)
    assert tally.reset()["human"]["answered"] == 0
    assert json.loads((tmp_path / "tally.json").read_text())["human"]["answered"] == 0


def test_concurrent_answers_are_all_counted_and_a_damaged_file_starts_over(tmp_path):
    tally = QuizTally(tmp_path / "tally.json")
    threads = [threading.Thread(target=lambda: [tally.record(True, True) for _ in range(10)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tally.read()["human"]["answered"] == 80
    assert not list(tmp_path.glob(".*partial*"))  # no half-written temporary left behind
    (tmp_path / "tally.json").write_text("{not json")
    assert tally.read()["machine"]["answered"] == 0
