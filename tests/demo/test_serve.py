"""The demo as a teacher starts it: `deepfake-edu demo --no-prepare` over a prepared lab."""

from __future__ import annotations

import pytest

from deepfake_edu.demo import loadtest
from tests.demo.conftest import free_port

FIRST_PAGE_LIMIT_S = 10.0  # a prepared lab must serve its first page within this


def test_a_prepared_lab_serves_its_first_page_within_ten_seconds(small_lab):
    process, first_page_s = loadtest.start_server(small_lab.home, free_port())
    try:
        print(f"first page after {first_page_s:.2f} s")
        assert first_page_s < FIRST_PAGE_LIMIT_S
    finally:
        loadtest.stop_server(process)


def test_an_unprepared_lab_says_what_to_run(tmp_path):
    import subprocess
    import sys

    env = {"DEEPFAKE_EDU_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "deepfake_edu", "demo", "--no-prepare", "--port", str(free_port())],
                          env=env, capture_output=True, text=True, timeout=120, cwd=loadtest.Path(loadtest.__file__).resolve().parents[2])
    assert done.returncode == 2
    assert "deepfake-edu prepare" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_sixteen_visitors_for_a_minute_get_answers_or_busy_never_errors(small_lab, tmp_path):
    from skimage import data

    from deepfake_edu.data.images import write_image

    port = free_port()
    process, first_page_s = loadtest.start_server(small_lab.home, port)
    try:
        photo = write_image(tmp_path / "astronaut.png", data.astronaut())
        figures = loadtest.run_load(f"http://127.0.0.1:{port}/", photo, clients=16, seconds=60, server_pid=process.pid)
    finally:
        loadtest.stop_server(process)
    print(figures)
    assert figures["error"] == 0, figures["errors_seen"]
    assert figures["answered"] > 0
    assert figures["rss_peak_mb"] < 3000 and figures["rss_after_mb"] - figures["rss_before_mb"] < 1000, figures
