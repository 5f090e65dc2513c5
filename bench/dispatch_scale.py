"""Dispatcher scale: time to claim a batch of 500 due deliveries as pending rows grow.

For each size (10k, 100k, 1M pending rows; --quick 10k and 50k) the table holds that many
`scheduled` deliveries, 5,000 of them due, the rest spread over the next 30 days. The
benchmark times `posts.dispatch.claim_due(batch_size=500)` ten times (each claim also
sends its 500 publish messages to the broker after commit) and, separately, the SQL it
ran. Target: the median claim stays within ±25% of the smallest size's. The EXPLAIN of
the claim query shows the partial index `delivery_due_idx` doing the work.

    python -m bench.dispatch_scale [--quick] [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import (
    bench_database,
    bench_redis,
    chart_path,
    configure_django,
    machine,
    parse_args,
    percentile,
    publish_result,
    time_budget,
)

BATCH = 500
CLAIMS = 10
DUE = BATCH * CLAIMS
REDIS_INDEX = 13
TOLERANCE = 0.25


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        sizes={"help": "comma-separated row counts"},
        redis_index={"type": int, "default": REDIS_INDEX, "help": f"default {REDIS_INDEX}"},
    )
    default = (10_000, 50_000) if args.quick else (10_000, 100_000, 1_000_000)
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else list(default)
    with (
        time_budget(110 if args.quick else 20 * 60),
        bench_database("dispatch") as database_url,
        bench_redis(args.redis_index) as redis_url,
    ):
        configure_django(database_url, redis_url)
        account_ids, post = seed_parents()
        runs = {}
        for size in sizes:
            print(f"dispatch_scale: {size:,} pending rows", file=sys.stderr, flush=True)
            seed_pending(size, account_ids, post)
            runs[size] = measure(redis_url)
        result = report(runs, machine(database_url))
    draw(runs, result["chart"])
    publish_result("dispatch_scale", result)


def seed_parents() -> tuple[list[str], Any]:
    """A workspace, 100 sandbox accounts and one post that every delivery belongs to."""
    from accounts.models import SocialAccount
    from accounts.services import workspace_create
    from posts.models import Post

    workspace = workspace_create(name="bench", owner_username="bench")
    accounts = SocialAccount.objects.bulk_create(
        SocialAccount(workspace=workspace, platform="sandbox", external_id=f"bench-{n}")
        for n in range(100)
    )
    post = Post.objects.create(workspace=workspace, networks={"default": {"text": "bench"}})
    return [account.pk for account in accounts], post


def seed_pending(size: int, account_ids: list[str], post: Any) -> None:
    """Exactly `size` scheduled deliveries; the first DUE are due now, the rest later."""
    from django.db import connection

    from bench.seed import analyze, insert_series, public_id, text
    from posts.models import Delivery

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE posts_attempt, posts_delivery CASCADE")
    accounts = "ARRAY[" + ", ".join(text(pk) for pk in account_ids) + "]"
    # due in the last minute for the first DUE rows, else up to 30 days ahead
    when = (
        f"CASE WHEN g <= {DUE} THEN now() - interval '1 minute' + g * interval '1 ms' "
        "ELSE now() + (g % 2592000) * interval '1 second' + interval '1 hour' END"
    )
    insert_series(
        Delivery,
        size,
        {
            "id": public_id("dlv"),
            "workspace_id": text(post.workspace_id),
            "post_id": text(post.pk),
            "account_id": f"({accounts})[1 + g % {len(account_ids)}]",
            "status": "'scheduled'",
            "scheduled_at": when,
            "due_at": when,
            "idempotency_key": "'crier-bench-' || g",
        },
    )
    analyze("posts_delivery")


@contextmanager
def sql_timer() -> Iterator[list[float]]:
    """Seconds spent in each SQL statement run inside the block."""
    from django.db import connection

    spent: list[float] = []

    def timed(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - started)

    with connection.execute_wrapper(timed):
        yield spent


def measure(redis_url: str) -> dict[str, Any]:
    import redis
    from django.utils import timezone

    from posts import dispatch

    plan = explain()  # while every due row is still there
    totals, sql = [], []
    for _ in range(CLAIMS):
        with sql_timer() as statements:
            started = time.perf_counter()
            claimed = dispatch.claim_due(now=timezone.now(), batch_size=BATCH)
            totals.append(time.perf_counter() - started)
        assert len(claimed) == BATCH, f"claimed {len(claimed)} rows, expected {BATCH}"
        sql.append(sum(statements))
    redis.Redis.from_url(redis_url).flushdb()  # the publish messages nobody consumes
    return {
        "claim_ms": _ms(totals),
        "claim_sql_ms": _ms(sql),
        "explain": plan,
    }


def _ms(seconds: list[float]) -> dict[str, float]:
    return {
        "median": round(percentile(seconds, 50) * 1000, 2),
        "p95": round(percentile(seconds, 95) * 1000, 2),
        "min": round(min(seconds) * 1000, 2),
    }


def explain() -> list[str]:
    """The claim's SELECT, as claim_due builds it, with EXPLAIN ANALYZE (rolled back)."""
    from django.db import transaction
    from django.utils import timezone

    from posts import dispatch
    from posts.models import Delivery
    from posts.states import DeliveryStatus as S

    with transaction.atomic():
        due = dispatch._lock(
            Delivery.objects.filter(
                status__in=[S.SCHEDULED, S.RETRYING], due_at__lte=timezone.now()
            )
            .order_by("due_at")
            .values_list("pk", flat=True)
        )[:BATCH]
        plan = due.explain(analyze=True, buffers=True)
        transaction.set_rollback(True)
    return plan.splitlines()


def report(runs: dict[int, dict[str, Any]], host: dict[str, Any]) -> dict[str, Any]:
    smallest = runs[min(runs)]["claim_ms"]["median"]
    ratios = {size: run["claim_ms"]["median"] / smallest for size, run in runs.items()}
    largest_plan = runs[max(runs)]["explain"]
    return {
        "benchmark": "dispatch_scale",
        "batch": BATCH,
        "claims_per_size": CLAIMS,
        "due_rows": DUE,
        "sizes": {
            f"{size}": {**run, "ratio_to_smallest": round(ratios[size], 3)}
            for size, run in runs.items()
        },
        "targets": {
            "flat_within_25_percent": all(abs(ratio - 1) <= TOLERANCE for ratio in ratios.values()),
            "uses_index": any("delivery_due_idx" in line for line in largest_plan),
        },
        "machine": host,
        "chart": str(chart_path("dispatch_scale")),
    }


def draw(runs: dict[int, dict[str, Any]], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(runs)
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for key, label in (("claim_ms", "claim_due (SQL + 500 messages)"), ("claim_sql_ms", "SQL")):
        axes.plot(sizes, [runs[s][key]["median"] for s in sizes], "o-", label=f"{label}, median")
    axes.set_xscale("log")
    axes.set_ylim(bottom=0)
    axes.set_xlabel("pending deliveries in the table")
    axes.set_ylabel("milliseconds per batch of 500")
    axes.set_title("Claiming 500 due deliveries as the backlog grows")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
