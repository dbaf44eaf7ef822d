"""A classroom's worth of visitors at once: does the demo answer everyone, or say it is busy?

    python -m deepfake_edu.demo.loadtest [--clients 16] [--seconds 60] [--think 0] [--port 7870]
    python -m deepfake_edu.demo.loadtest --first-launch     # a fresh lab home: time to the first page

Starts ``deepfake-edu demo --no-prepare`` on loopback (the lab must be prepared), times its first
page, then lets ``--clients`` gradio_client visitors call the tabs' endpoints in a loop for
``--seconds``. Each call ends as an answer, a clear "busy" (the queue is full), or an error.
``--think S``: each visitor pauses a random 0.5 S to 1.5 S after every answer, as a student who
looks at the result before the next click (the default, 0, clicks again at once: a stress test, not
a class). The server's memory (RSS) is sampled all along, and read once the models are loaded
(``rss_warm_mb``: one visitor has called every endpoint once). Prints the figures; ``--json FILE``
writes them.
``--first-launch`` instead starts ``deepfake-edu demo`` on a new, empty lab home, as a newcomer's
first launch does (it renders the data and installs the shipped models), and times its first page.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

RUN = "twins (the lab's classroom model)"
DETECTOR = "Meso-4 trained on twins (the lab's)"


def start_server(home: str | os.PathLike, port: int, timeout_s: float = 60.0, prepare: bool = False) -> tuple[subprocess.Popen, float]:
    """Run the demo in a child process over the lab at ``home``; (process, seconds until the first
    page answered). ``prepare``: let it prepare the lab first (a first launch) instead of ``--no-prepare``."""
    env = {**os.environ, "DEEPFAKE_EDU_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    root = Path(__file__).resolve().parents[2]
    started = time.perf_counter()
    # The server's output goes to a file: an unread pipe would fill up and stall the server.
    log_file = tempfile.TemporaryFile(mode="w+", prefix="demo-server-")
    command = [sys.executable, "-m", "deepfake_edu", "demo", "--port", str(port)] + ([] if prepare else ["--no-prepare"])
    process = subprocess.Popen(command,
                               cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT, text=True)
    process.log_file = log_file
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < timeout_s:
        if process.poll() is not None:
            log_file.seek(0)
            raise RuntimeError(f"the demo exited with status {process.returncode}: {log_file.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 and b"<html" in response.read(4096).lower():
                    return process, time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
    stop_server(process)
    raise RuntimeError(f"the demo did not answer on {url} within {timeout_s:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log_file = getattr(process, "log_file", None)
    if log_file is not None:
        log_file.close()


def _rss_mb(pid: int) -> float:
    import psutil

    process = psutil.Process(pid)
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


_TLS = None  # one TLS context for every request the visitors make (see _client)


def _client(url: str):
    """A gradio_client visitor. gradio_client opens a new httpx connection for each upload, call
    and download, and httpx builds a TLS context for each, loading the system's certificates
    (~10 ms of CPU) even for plain http on loopback: over 30 visitors that was a quarter of the
    visitors' CPU, taken from the 2 cores the server runs on. One context, built once, is shared."""
    import ssl

    from gradio_client import Client

    global _TLS
    if _TLS is None:
        _TLS = ssl.create_default_context()
    return Client(url, verbose=False, ssl_verify=_TLS)  # httpx takes a context where a bool goes


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process and its children have used so far."""
    import psutil

    process = psutil.Process(pid)
    total = sum(process.cpu_times()[:2])
    for child in process.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:
            pass
    return total


def _own_cpu_s() -> float:
    """CPU seconds this process (the visitors' threads) has used so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _calls(client, photo: Path, width: str) -> list:
    """(name, call) for every endpoint a visitor clicks, in the order a visitor goes round them;
    a spot-the-fake turn is two clicks, "next face" then the answer, timed apart."""
    from gradio_client import handle_file

    return [
        ("rebuild", lambda: client.predict("twin-00", 1, width, api_name="/rebuild")),
        ("make_fake", lambda: client.predict(RUN, "twin-00 -> twin-01", 2, api_name="/make_fake")),
        ("catch", lambda: client.predict(handle_file(str(photo)), DETECTOR, api_name="/catch")),
        ("quiz_next", lambda: client.predict(api_name="/quiz_next")),
        ("quiz_answer", lambda: client.predict(api_name="/quiz_real")),
        ("check_file", lambda: client.predict(handle_file(str(photo)), api_name="/check_file")),
    ]


def _visitor(url: str, photo: Path, until: float, counts: dict, lock: threading.Lock, latencies: list, errors: list, width: str,
             by_call: dict | None = None, think_s: float = 0.0, seed: int = 0) -> None:
    import random

    from gradio_client.exceptions import AppError

    client = _client(url)
    calls = _calls(client, photo, width)
    pause = random.Random(seed)
    names = [name for name, _ in calls]
    # Visitors start on different tabs, as a class does, but never on an answer with no face asked.
    turn = pause.choice([index for index, name in enumerate(names) if name != "quiz_answer"])
    while time.monotonic() < until:
        name, call = calls[turn % len(calls)]
        started = time.perf_counter()
        try:
            call()
            outcome = "answered"
        except Exception as error:  # noqa: BLE001 - every failure is counted and reported
            text = str(error)
            if "queue is full" in text.lower():
                outcome = "busy"
            else:
                outcome = "error"
                with lock:
                    errors.append(f"{type(error).__name__}: {text[:200]}" if not isinstance(error, AppError) else f"AppError: {text[:200]}")
        with lock:
            counts[outcome] += 1
            if outcome == "answered":
                latencies.append(time.perf_counter() - started)
                if by_call is not None:
                    by_call.setdefault(name, []).append(latencies[-1])
        if outcome == "busy":
            time.sleep(0.5)  # a student who is told "busy" waits a moment, then clicks the same button again
            continue
        turn += 1
        if think_s > 0:
            time.sleep(min(pause.uniform(0.5, 1.5) * think_s, max(0.0, until - time.monotonic())))


def _warm(url: str, photo: Path, width: str) -> None:
    """One visitor calls every endpoint once, so the models are loaded before the memory baseline."""
    client = _client(url)
    for _, call in _calls(client, photo, width):
        call()


def run_load(url: str, photo: Path, clients: int = 16, seconds: float = 60.0, server_pid: int | None = None, width: int | str = 16,
             settle_s: float = 0.0, think_s: float = 0.0) -> dict:
    """``clients`` visitors for ``seconds``, each pausing about ``think_s`` seconds after an
    answer; figures: answered / busy / error counts, latency (all calls, and median and p95 per
    call: ``latency_by_call_s``, seconds), the CPU seconds the visitors and the server used
    (``visitors_cpu_s``, ``server_cpu_s``: both on the same cores), server RSS (MB: ``rss_before_mb`` as the server
    started, ``rss_warm_mb`` once every endpoint was called once, the peak, right after the load,
    and ``rss_settled_mb``, ``settle_s`` seconds after the last visitor left, when ``settle_s`` > 0).

    ``width``: a bottleneck width the lab has a funnel model for (the funnel tab's choices)."""
    import numpy as np

    counts = {"answered": 0, "busy": 0, "error": 0}
    lock = threading.Lock()
    latencies: list[float] = []
    by_call: dict[str, list[float]] = {}
    errors: list[str] = []
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append(_rss_mb(server_pid))
            stop.wait(0.5)

    rss_before = _rss_mb(server_pid) if server_pid else None
    _warm(url, photo, str(width))
    rss_warm = _rss_mb(server_pid) if server_pid else None
    sampler = threading.Thread(target=sample, daemon=True) if server_pid else None
    if sampler:
        sampler.start()
    server_cpu_before = _cpu_s(server_pid) if server_pid else None
    visitors_cpu_before = _own_cpu_s()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=_visitor, args=(url, photo, until, counts, lock, latencies, errors, str(width), by_call, think_s, number)) for number in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    visitors_cpu = _own_cpu_s() - visitors_cpu_before
    server_cpu = _cpu_s(server_pid) - server_cpu_before if server_pid else None
    stop.set()
    if sampler:
        sampler.join()
    figures = {
        "clients": clients,
        "think_s": think_s,
        "seconds": round(wall, 1),
        **counts,
        "answers_per_s": round(counts["answered"] / wall, 2),
        "latency_median_s": round(float(np.median(latencies)), 2) if latencies else None,
        "latency_p95_s": round(float(np.percentile(latencies, 95)), 2) if latencies else None,
        "latency_by_call_s": {name: {"calls": len(values), "median": round(float(np.median(values)), 2), "p95": round(float(np.percentile(values, 95)), 2)}
                              for name, values in sorted(by_call.items())},
        "errors_seen": sorted(set(errors))[:5],
        # The visitors share the server's cores: their CPU is time the server did not get.
        "visitors_cpu_s": round(visitors_cpu, 1),
    }
    if server_pid:
        figures["server_cpu_s"] = round(server_cpu, 1)
        figures.update(rss_before_mb=round(rss_before, 1), rss_warm_mb=round(rss_warm, 1), rss_peak_mb=round(max(samples), 1), rss_after_mb=round(_rss_mb(server_pid), 1))
        if settle_s > 0:
            time.sleep(settle_s)
            figures["rss_settled_mb"] = round(_rss_mb(server_pid), 1)
    return figures


def _photo(folder: Path) -> Path:
    from skimage import data

    from deepfake_edu.data.images import write_image

    return write_image(folder / "astronaut.png", data.astronaut())


def _think_seconds(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 120:
        raise argparse.ArgumentTypeError(f"--think is seconds from 0 to 120, not {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    from deepfake_edu.paths import lab_home

    parser = argparse.ArgumentParser(prog="python -m deepfake_edu.demo.loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=str(lab_home()), help="prepared lab home (default: the lab's own, see deepfake_edu/paths.py)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=_think_seconds, default=0.0, help="seconds a visitor looks at an answer before the next click, on average (default 0: a stress test)")
    parser.add_argument("--port", type=int, default=7870)
    parser.add_argument("--settle", type=float, default=30.0, help="seconds to wait after the load before the last memory reading (default 30)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    parser.add_argument("--first-launch", action="store_true", help="time the first page of a first launch on a new, empty lab home")
    args = parser.parse_args(argv)
    if args.first_launch:
        return _first_launch(args)
    from deepfake_edu.lessons.funnel import trained_widths

    widths = sorted(trained_widths(args.home))
    width = widths[len(widths) // 2] if widths else 16
    process, first_page = start_server(args.home, args.port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            time.sleep(3)  # let the warm-up load the models before the visitors arrive
            figures = {"first_page_s": round(first_page, 2), **run_load(f"http://127.0.0.1:{args.port}/", _photo(Path(folder)), args.clients, args.seconds, process.pid, width, args.settle, args.think)}
    finally:
        stop_server(process)
    for key, value in figures.items():
        print(f"{key:>18}: {value}")
    if args.json:
        from deepfake_edu.fileio import write_text_atomic

        write_text_atomic(args.json, json.dumps(figures, indent=2))
    return 0 if figures["error"] == 0 else 1


def _first_launch(args) -> int:
    with tempfile.TemporaryDirectory(prefix="first-launch-") as home:
        process, first_page = start_server(home, args.port, timeout_s=600.0, prepare=True)
        stop_server(process)
        report = json.loads((Path(home) / "models" / "lab-report.json").read_text(encoding="utf-8"))
    figures = {"first_page_s": round(first_page, 2), "cpu_count": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
               **{key: report[key] for key in ("twins_s", "realfake_s", "swap_source", "detector_source") if key in report}}
    for key, value in figures.items():
        print(f"{key:>18}: {value}")
    if args.json:
        from deepfake_edu.fileio import write_text_atomic

        write_text_atomic(args.json, json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
