"""Run the tests that assert a learned quality under several seeds and thread counts.

A bound such as "AUC >= 0.8 after 150 steps" must hold on any machine, not only on the one where
it was written: floating-point order changes with the thread count and the CPU, and the seed
changes the data and the first weights. This script runs every test marked ``learned`` once per
(seed, threads) pair, each run recording what the ``learned`` fixture checked (tests/conftest.py),
and prints one row per bound: its worst value, the bound, and the margin between them.

    python scripts/learned_bounds.py                       # seeds 0 1 2, threads 1 2
    python scripts/learned_bounds.py --seeds 0 1 2 3 --threads 1 2 --json benchmarks/cpu-2core/learned_bounds.json

The runs go two at a time when every run uses one thread (a 2-core machine holds two).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(seed: int, threads: int, log: Path, extra: list[str]) -> dict:
    env = {**os.environ, "LAB_TEST_SEED": str(seed), "LAB_TEST_THREADS": str(threads), "LAB_QUALITY_LOG": str(log),
           "OMP_NUM_THREADS": str(threads)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-m", "learned", "-q", "-p", "no:cacheprovider", *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    summary = lines[-1] if lines else done.stderr.strip()[-200:]
    return {"seed": seed, "threads": threads, "returncode": done.returncode, "summary": summary,
            "failed": [line for line in lines if line.startswith(("FAILED", "ERROR"))],
            "seconds": round(time.perf_counter() - started, 1)}


def worst_rows(records: list[dict]) -> list[dict]:
    """One row per (test, name, op, bound): the worst value over the runs and its margin."""
    grouped = defaultdict(list)
    for record in records:
        grouped[(record["test"], record["name"], record["op"], record["bound"])].append(record)
    rows = []
    for (test, name, op, bound), found in grouped.items():
        higher_is_better = op in (">", ">=")
        worst = min(found, key=lambda r: r["value"]) if higher_is_better else max(found, key=lambda r: r["value"])
        margin = worst["value"] - bound if higher_is_better else bound - worst["value"]
        rows.append({"test": test, "quality": name, "bound": f"{op} {bound:g}", "worst": round(worst["value"], 4),
                     "margin": round(margin, 4), "worst_at": f"seed {worst['seed']}, {worst['threads']} thread(s)",
                     "runs": len(found), "held_in_all": all(_holds(r["value"], op, bound) for r in found)})
    return sorted(rows, key=lambda r: (r["test"], r["quality"]))


def _holds(value: float, op: str, bound: float) -> bool:
    return {">": value > bound, ">=": value >= bound, "<": value < bound, "<=": value <= bound}[op]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", help="also write the runs and the table here")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments, e.g. a test path (after --)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        jobs = [(seed, threads, Path(folder) / f"s{seed}-t{threads}.jsonl") for threads in args.threads for seed in args.seeds]
        runs = []
        for threads in args.threads:
            mine = [job for job in jobs if job[1] == threads]
            with ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1) // threads)) as pool:
                for run in pool.map(lambda job: run_once(*job, args.pytest_args), mine):
                    print(f"seed {run['seed']}, {run['threads']} thread(s): {run['summary']} ({run['seconds']} s)", flush=True)
                    for line in run["failed"]:
                        print(f"  {line}", flush=True)
                    runs.append(run)
        records = [json.loads(line) for _, _, log in jobs if log.exists() for line in log.read_text().splitlines()]
    rows = worst_rows(records)
    print()
    print("| test | quality | bound | worst | margin | worst at | runs |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        flag = "" if row["held_in_all"] else " FAILED"
        print(f"| {row['test']} | {row['quality']} | {row['bound']} | {row['worst']}{flag} | {row['margin']} | {row['worst_at']} | {row['runs']} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": runs, "bounds": rows}, indent=1) + "\n")
    failed = [run for run in runs if run["returncode"] != 0] or [row for row in rows if not row["held_in_all"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
