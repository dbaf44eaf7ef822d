"""The class's spot-the-fake tally: humans versus the machine, on the same faces.

Stored in one small JSON file under the lab home, rewritten atomically after every answer, so
a crash or a second browser tab never leaves it half written. One process serves the demo, so
a lock inside it is enough to keep concurrent answers from losing each other's counts.

    {"human": {"right": 7, "answered": 10}, "machine": {"right": 9, "answered": 10}, "updated": "..."}
"""

from __future__ import annotations

import datetime as _dt
import json
import threading
from pathlib import Path

from deepfake_edu.fileio import write_text_atomic

PLAYERS = ("human", "machine")


def empty_tally() -> dict:
    return {player: {"right": 0, "answered": 0} for player in PLAYERS}


class QuizTally:
    """The tally file at ``path``; ``record`` one answered question, ``reset`` to start again."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def read(self) -> dict:
        """The counts; a missing or damaged file reads as an empty tally (and is rewritten on the next answer)."""
        try:
            values = json.loads(self.path.read_text(encoding="utf-8"))
            tally = empty_tally()
            for player in PLAYERS:
                tally[player] = {key: max(0, int(values[player][key])) for key in ("right", "answered")}
            return tally
        except (OSError, ValueError, KeyError, TypeError):
            return empty_tally()

    def record(self, human_right: bool, machine_right: bool) -> dict:
        """Count one question answered by a student, and the machine's answer to the same face."""
        with self._lock:
            tally = self.read()
            for player, right in (("human", human_right), ("machine", machine_right)):
                tally[player]["answered"] += 1
                tally[player]["right"] += int(bool(right))
            self._write(tally)
            return tally

    def reset(self) -> dict:
        with self._lock:
            tally = empty_tally()
            self._write(tally)
            return tally

    def _write(self, tally: dict) -> None:
        stamped = {**tally, "updated": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
        write_text_atomic(self.path, json.dumps(stamped, indent=2))


def accuracy(counts: dict) -> float | None:
    """right / answered, or None before the first answer."""
    return counts["right"] / counts["answered"] if counts["answered"] else None


def describe_tally(tally: dict) -> str:
    """Markdown: each player's accuracy with its counts."""
    lines = ["| who | right | answered | accuracy |", "| --- | ---: | ---: | ---: |"]
    for player, title in (("human", "the class"), ("machine", "the machine (Meso-4)")):
        counts = tally[player]
        value = accuracy(counts)
        shown = "-" if value is None else f"{value:.0%}"
        lines.append(f"| {title} | {counts['right']} | {counts['answered']} | {shown} |")
    return "\n".join(lines)
