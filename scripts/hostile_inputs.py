"""The hostile-input run the project ships: hundreds of hostile inputs through the command line and
the demo, in one process, reported by class.

    python scripts/hostile_inputs.py                          # the table; exit 1 if any case fails
    python scripts/hostile_inputs.py --json hostile.json      # and every case as JSON
    python scripts/hostile_inputs.py --only "memory" --verbose

Each case runs in a sandbox lab home (a temporary $DEEPFAKE_EDU_HOME) and is judged on: no
traceback, no file of the sandbox lost or changed (SHA-256 before and after), a refused input
exits non-zero with one `error:` line, and the peak memory of a refused input stays under 1.5 GB.
After refused huge uploads the demo may hold at most 50 MB more memory than before. The cases and the
machinery live in tests/hostile_cases.py (tests/test_hostile_run.py runs the same).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile_cases import main

if __name__ == "__main__":
    raise SystemExit(main())
