"""`deepfake-edu bench twins`: how many synthetic faces per second the renderer makes.

For each size (64, 128, 256) it renders the same varied set of faces (8 twins, random factors,
as in a dataset) in one process, then with ``--workers`` processes the way ``deepfake-edu twins``
does (rendering only: no PNG encoding or disk): once the processes run (the rate of a long run),
and end to end counting the half second it takes to start them. It prints faces per second, the machine's CPU
count and its load average, since on a shared machine the figures move with the load.
"""

from __future__ import annotations

import json
import os
import time


def add_arguments(parser) -> None:
    from deepfake_edu.cli_types import count, max_workers, ranged

    faces, workers = count(1, 10_000), count(1, max_workers())
    parser.add_argument("--count", type=faces, default=240, help=ranged("faces rendered per size and setting", faces, 240))
    parser.add_argument("--workers", type=workers, default=2, help=ranged("processes for the parallel figure", workers, 2))
    parser.add_argument("--sizes", default="64,128,256", help="comma-separated sizes, each 64, 128 or 256 (default 64,128,256)")


def measure(size: int, count: int, workers: int, seed: int = 0) -> dict:
    """Faces per second rendering ``count`` dataset faces of 8 twins at ``size``.

    Returns {"steady": faces/s once the processes are running and have drawn each twin once (what a
    long ``deepfake-edu twins`` run sees), "end_to_end": faces/s including the start of the
    processes, "start_s": seconds to start them}. With one worker there is no start-up."""
    from deepfake_edu.data.twins import make_identities, render_pool, twins_items

    people = make_identities(8, seed)
    per_identity = max(1, -(-count // len(people)))
    if workers <= 1:
        list(twins_items(people, 1, size, seed + 1))  # warm the caches (textures, head models)
        start = time.perf_counter()
        rendered = sum(1 for _ in twins_items(people, per_identity, size, seed))
        rate = rendered / (time.perf_counter() - start)
        return {"steady": rate, "end_to_end": rate, "start_s": 0.0}
    with render_pool(workers) as pool:
        list(twins_items(people, 2 * workers, size, seed + 1, pool=pool))  # start and warm every process
        started = time.perf_counter()
        rendered = sum(1 for _ in twins_items(people, per_identity, size, seed, pool=pool))
        steady = rendered / (time.perf_counter() - started)
    # end to end: a fresh pool for the same faces, as `deepfake-edu twins` runs it
    began = time.perf_counter()
    rendered = sum(1 for _ in twins_items(people, per_identity, size, seed, workers=workers))
    end_to_end = rendered / (time.perf_counter() - began)
    start_s = max(0.0, rendered / end_to_end - rendered / steady)
    return {"steady": steady, "end_to_end": end_to_end, "start_s": start_s}


def run(args) -> int:
    from deepfake_edu.errors import LabError

    if args.count < 1 or args.workers < 1:
        raise LabError("--count and --workers must be 1 or more")
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        raise LabError(f"--sizes must be numbers separated by commas, like 64,128,256, not {args.sizes!r}") from None
    from deepfake_edu.data.twins import check_size

    for size in sizes:
        check_size(size)
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    results = []
    print(f"synthetic twins: faces rendered per second ({os.cpu_count()} CPUs, load average {load_before[0]:.2f} before)" if load_before else "synthetic twins: faces rendered per second")
    for size in sizes:
        one = measure(size, args.count, 1)["steady"]
        row = {"size": size, "faces_per_s_1_process": round(one, 1)}
        line = f"  {size:>3} px: {one:7.1f} faces/s in 1 process"
        if args.workers > 1:
            parallel = measure(size, args.count, args.workers)
            row[f"faces_per_s_{args.workers}_processes"] = round(parallel["steady"], 1)
            row[f"faces_per_s_{args.workers}_processes_with_start"] = round(parallel["end_to_end"], 1)
            row["process_start_s"] = round(parallel["start_s"], 2)
            line += (f", {parallel['steady']:7.1f} with {args.workers} processes"
                     f" ({parallel['end_to_end']:.1f} counting their start, {parallel['start_s']:.2f} s, for {args.count} faces)")
        results.append(row)
        print(line)
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load_after:
        print(f"load average after: {load_after[0]:.2f} (others' work on a shared machine lowers these figures)")
    if getattr(args, "json", None):
        from deepfake_edu.fileio import write_text_atomic

        report = {
            "benchmark": "twins",
            "count": args.count,
            "workers": args.workers,
            "cpu_count": os.cpu_count(),
            "load_average_before": load_before[0] if load_before else None,
            "load_average_after": load_after[0] if load_after else None,
            "results": results,
        }
        write_text_atomic(args.json, json.dumps(report, indent=2))
        print(f"wrote {args.json}")
    return 0
