"""The demo server hands freed heap memory back to the system (demo.state.release_freed_memory)."""

import numpy as np
import psutil
import pytest

from deepfake_edu.demo.state import release_freed_memory


def test_freed_pictures_leave_the_servers_memory_once_trimmed():
    process = psutil.Process()
    pictures = [np.ones(10_000) for _ in range(2_000)]  # 2,000 pictures of 80 KB: 160 MB on the heap
    pinned = np.ones(10_000)  # allocated last: the heap's top stays in use, so free() alone gives nothing back
    del pictures
    before = process.memory_info().rss
    if not release_freed_memory():
        pytest.skip("this C library has no malloc_trim")
    after = process.memory_info().rss
    assert before - after > 100 * 2**20, f"RSS {before >> 20} MB before the trim, {after >> 20} MB after"
    assert pinned.sum() == 10_000


def test_one_trimming_thread_serves_every_app_of_the_process():
    from deepfake_edu.demo.state import trim_memory_in_background

    first = trim_memory_in_background(every_s=3600)
    assert trim_memory_in_background(every_s=3600) is first and first.daemon and first.is_alive()
