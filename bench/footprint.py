"""Footprint: the resident memory of `make run` while idle, over its whole process tree.

`python -m config.run` as a user starts it (the embedded layout, Procfile.embedded); once
/readyz answers, one post is published now and one on a schedule through the API (the same
capabilities as before: web, worker, beat, simulator, Redis), then it idles while the tree
under config.run's pid (the supervisor and everything it started) is sampled from /proc.
RSS counts pages shared between processes in each of them (the conservative sum the
target is set on); PSS splits them. The full run measures the production layout
(`CRIER_PROCFILE=Procfile`) the same way, for comparison.

    python -m bench.footprint [--quick]
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.common import (
    MakeRun,
    Processes,
    load_now,
    memory_of,
    parse_args,
    process_tree,
    publish_result,
    time_budget,
    wait_until,
)

TARGET_MB = 400
MOONSHOT_MB = 250


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    layouts = (
        {"embedded": {}}
        if args.quick
        else {"embedded": {}, "procfile": {"CRIER_PROCFILE": "Procfile"}}
    )
    idle = 20 if args.quick else 60
    results = {}
    with time_budget(110 if args.quick else 400):
        for name, env in layouts.items():
            print(f"footprint: {name}", file=sys.stderr, flush=True)
            with Processes() as processes:
                results[name] = measure(MakeRun(processes, **env), idle)
    publish_result("footprint", report(results, idle, quick=args.quick))


def measure(crier: MakeRun, idle: float) -> dict[str, Any]:
    demo = crier.start()
    works = use_it(crier, demo)
    time.sleep(3)  # the publish messages' bookkeeping
    samples = []
    deadline = time.monotonic() + idle
    while time.monotonic() < deadline:
        samples.append(memory_of(process_tree(crier.process.pid)))
        time.sleep(2)
    peak = max(samples, key=lambda sample: sample["rss_mb"])
    return {
        "capabilities": works,
        "samples": len(samples),
        "rss_mb_max": peak["rss_mb"],
        "rss_mb_mean": round(sum(s["rss_mb"] for s in samples) / len(samples), 1),
        "pss_mb_max": max(sample["pss_mb"] for sample in samples),
        "processes": peak["processes"],
        "each": peak["each"],
    }


def use_it(crier: MakeRun, demo: dict[str, str]) -> dict[str, bool]:
    """Publish one post now and one 2 s ahead through the API; both must reach the simulator."""
    api = httpx.Client(
        base_url=f"{crier.url}/api/v1",
        headers={"Authorization": f"Bearer-API {demo['key']}"},
        timeout=30,
    )
    target = [{"id": demo["account"]}]
    now = api.post(
        "/posts/schedule/publish",
        json={"bulk": {"posts": [{"networks": {"default": {"text": "now"}}, "accounts": target}]}},
    )
    when = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    later = api.post(
        "/posts/schedule",
        json={
            "bulk": {
                "state": "scheduled",
                "posts": [
                    {
                        "networks": {"default": {"text": "scheduled"}},
                        "accounts": [{"id": demo["account"], "scheduled_at": when}],
                    }
                ],
            }
        },
    )

    def both_arrived() -> bool:
        feed = httpx.get(f"{crier.simulator_url}/_admin/feed", timeout=10).json()
        return {post["text"] for post in feed} >= {"now", "scheduled"}

    wait_until(both_arrived, 60, "the two posts did not arrive", every=0.5)
    ready = httpx.get(f"{crier.url}/readyz", timeout=10)
    return {
        "api_accepted": now.status_code == later.status_code == 202,
        "published_now_and_on_schedule": True,
        "ready": ready.status_code == 200,
    }


def report(results: dict[str, Any], idle: float, *, quick: bool) -> dict[str, Any]:
    embedded = results["embedded"]
    targets = {
        "idle_rss_at_most_400_mb": embedded["rss_mb_max"] <= TARGET_MB,
        "same_capabilities": all(embedded["capabilities"].values()),
    }
    return {
        "benchmark": "footprint",
        "quick": quick,
        "idle_seconds": idle,
        "targets": targets,
        "all_targets_met": all(targets.values()),
        "moonshots": {"idle_rss_at_most_250_mb": embedded["rss_mb_max"] <= MOONSHOT_MB},
        "layouts": results,
        "machine": load_now(),
    }


if __name__ == "__main__":
    main()
