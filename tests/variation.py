"""How this test run varies the learned tests (see scripts/learned_bounds.py).

Tests that assert a learned quality (marker `learned`) must hold on any machine, so their bounds
are checked under several seeds and thread counts. These variables choose the variation; by
default a run uses seed offset 0 and torch's own thread count.
"""

from __future__ import annotations

import os

TEST_SEED = int(os.environ.get("LAB_TEST_SEED", "0"))  # added to every seed the learned tests use
TEST_THREADS = int(os.environ["LAB_TEST_THREADS"]) if os.environ.get("LAB_TEST_THREADS") else None  # torch threads
QUALITY_LOG = os.environ.get("LAB_QUALITY_LOG")  # JSON-lines file the `learned` fixture appends to
