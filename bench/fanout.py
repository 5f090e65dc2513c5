"""Fan-out: N deliveries due at one instant across 100 sandbox accounts, vs raw Celery.

For each worker layout (the Procfile's first, then alternatives) the same run measures:
  * the raw baseline: N plain Celery tasks, each making the sandbox connector's HTTP call
    to the simulator (own process, 50 ms latency), no Crier bookkeeping;
  * Crier: beat + the dispatcher + publish tasks for N stored deliveries whose
    `scheduled_at` is set to one instant once the workers are ready.
Lag is simulator `received_at` minus `scheduled_at` (Crier) or minus the moment the first
task was sent (baseline). Throughput is N / (last - first post received), for both.

    python -m bench.fanout [--quick] [--deliveries N] [--layouts threads-32,gevent-64]
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.common import (
    CpuReading,
    Processes,
    bench_database,
    bench_redis,
    chart_path,
    configure_django,
    cpu_reading,
    cpu_spent,
    free_port,
    machine,
    parse_args,
    publish_result,
    summary,
    time_budget,
    wait_for_http,
    wait_until,
)

ACCOUNTS = 100
LATENCY_MS = 50
REDIS_INDEX = 12
PROCFILE_LAYOUT = "2x-threads-16"
CPU_PARTS = ("workers", "postgres", "redis")  # beat is counted with Crier's workers
CPU_TARGET_MS = 2.0  # per delivery, the three together (issue 21)


@dataclass(frozen=True)
class Layout:
    """Worker processes of one kind: `processes` x (`pool`, `concurrency`)."""

    pool: str
    concurrency: int
    processes: int = 1

    def worker_args(self, index: int) -> list[str]:
        return [
            *("--pool", self.pool, "--concurrency", str(self.concurrency)),
            *("--hostname", f"w{index}@%h", "--loglevel", "INFO"),
        ]


LAYOUTS = {
    "2x-threads-16": Layout("threads", 16, processes=2),  # the Procfile: worker, worker2
    "2x-threads-8": Layout("threads", 8, processes=2),
    "2x-threads-4": Layout("threads", 4, processes=2),
    "threads-32": Layout("threads", 32),  # the Procfile until 2026-11-30
    "threads-16": Layout("threads", 16),
    "threads-64": Layout("threads", 64),
    "2x-threads-32": Layout("threads", 32, processes=2),
    "gevent-64": Layout("gevent", 64),
}
QUICK_LAYOUTS = ("2x-threads-16", "threads-32")


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        deliveries={"type": int, "help": "default 10000, --quick 1000"},
        layouts={"help": f"comma-separated, from {', '.join(LAYOUTS)}"},
        redis_index={"type": int, "default": REDIS_INDEX, "help": f"default {REDIS_INDEX}"},
    )
    count = args.deliveries or (1000 if args.quick else 10_000)
    default = QUICK_LAYOUTS if args.quick else tuple(LAYOUTS)
    names = args.layouts.split(",") if args.layouts else list(default)
    budget = 30 + len(names) * (55 if args.quick else 8 * 60)
    with (
        time_budget(budget),
        bench_database("fanout") as database_url,
        bench_redis(args.redis_index) as redis_url,
        Processes() as processes,
    ):
        simulator = start_simulator(processes)
        env = configure_django(database_url, redis_url, CRIER_SIMULATOR_URL=simulator.url)
        bench = Bench(processes, simulator, env, count, redis_url)
        runs = {name: bench.run_layout(name, LAYOUTS[name]) for name in names}
        queries = bench.representative_queries()
        result = report(count, runs, queries, machine(database_url))
    draw(runs, result["chart"])
    publish_result("fanout", result)


# -- the simulator -----------------------------------------------------------------------


class Simulator:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=60)

    def reset(self) -> None:
        self.http.post("/_admin/reset").raise_for_status()

    def stats(self) -> dict[str, Any]:
        return self.http.get("/_admin/stats").raise_for_status().json()

    def received_at(self) -> list[datetime]:
        feed = self.http.get("/_admin/feed").raise_for_status().json()
        return [datetime.fromisoformat(post["received_at"]) for post in feed]


def start_simulator(processes: Processes) -> Simulator:
    port = free_port()
    processes.start(
        "simulator",
        [
            *(sys.executable, "-m", "connectors.simulator"),
            *("--port", str(port), "--latency-ms", str(LATENCY_MS)),
        ],
    )
    simulator = Simulator(f"http://127.0.0.1:{port}")
    wait_for_http(f"{simulator.url}/_admin/health")
    return simulator


# -- one layout: baseline, then Crier ----------------------------------------------------


class Bench:
    def __init__(
        self,
        processes: Processes,
        simulator: Simulator,
        env: dict[str, str],
        count: int,
        redis_url: str,
    ) -> None:
        self.processes = processes
        self.simulator = simulator
        self.env = env
        self.count = count
        self.redis_url = redis_url
        self.accounts = seed_accounts(simulator.url)
        self.delivery_ids = seed_deliveries(self.accounts, count)

    def run_layout(self, name: str, layout: Layout) -> dict[str, Any]:
        print(f"fanout: {name}: raw baseline", file=sys.stderr, flush=True)
        baseline = self._baseline(layout)
        print(f"fanout: {name}: crier", file=sys.stderr, flush=True)
        crier = self._crier(layout)
        print(
            f"fanout: {name}: {crier['per_second']}/s vs baseline {baseline['per_second']}/s",
            file=sys.stderr,
            flush=True,
        )
        return {"layout": layout.__dict__, "baseline": baseline, "crier": crier}

    def _fresh_broker_and_platform(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()
        self.simulator.reset()

    def _start_workers(self, layout: Layout, app: str, queues: str) -> list[str]:
        names = []
        for index in range(layout.processes):
            name = f"{app}-worker-{index}"
            self.processes.start(
                name,
                [
                    *(sys.executable, "-m", "celery", "-A", app, "worker", "-Q", queues),
                    *layout.worker_args(index),
                ],
            )
            names.append(name)
        for name in names:
            self.processes.wait_for_log(name, "ready.", timeout=90)
        return names

    def _baseline(self, layout: Layout) -> dict[str, Any]:
        from bench.raw_celery import QUEUE, raw_publish

        self._fresh_broker_and_platform()
        workers = self._start_workers(layout, "bench.raw_celery", QUEUE)
        try:
            cpu_before = self.cpu(workers)
            started = time.time()
            for n in range(self.count):
                account = self.accounts[n % ACCOUNTS]
                raw_publish.delay(
                    f"{self.simulator.url}/accounts/{account}/posts",
                    f"token-{account}",
                    f"raw-{n}",
                    f"bench post {n}",
                )
            sent = time.time() - started
            wait_until(self._raw_queue_drained, self._timeout(), "raw tasks did not drain", 1.0)
            cpu = self.cpu_per_delivery(cpu_before, self.cpu(workers))
        finally:
            for name in workers:
                self.processes.stop(name)
        return self._figures(started, extra={"enqueue_seconds": round(sent, 3), **cpu})

    def _raw_queue_drained(self) -> bool:
        """Every post received (the broker's unacked set is not reliable under gevent)."""
        return self.simulator.stats()["posts"] >= self.count

    def _crier(self, layout: Layout) -> dict[str, Any]:
        from django.db import connection

        from posts.models import Delivery
        from posts.states import PENDING

        self._fresh_broker_and_platform()
        reset_deliveries()
        workers = self._start_workers(layout, "config", "publish,default,media")
        schedule = self.processes.log_dir / "celerybeat-schedule"
        self.processes.start(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "-s",
                str(schedule),
                "-l",
                "INFO",
            ],
        )
        try:
            self.processes.wait_for_log("beat", "beat: Starting", timeout=60)
            before = database_counters(connection)
            cpu_before = self.cpu([*workers, "beat"])
            due = make_due(time.time() + 1.0)
            # Polled through the status index, once a second, to weigh little on the figures.
            pending = Delivery.objects.filter(status__in=PENDING)
            wait_until(
                lambda: not pending.exists(), self._timeout(), "deliveries not terminal", 1.0
            )
            cpu = self.cpu_per_delivery(cpu_before, self.cpu([*workers, "beat"]))
        finally:
            self.processes.stop("beat")
            for name in workers:
                self.processes.stop(name)
        after = database_counters(connection)
        statuses = status_counts()
        per_delivery = {name: round((after[name] - before[name]) / self.count, 2) for name in after}
        return self._figures(
            due,
            extra={"statuses": statuses, "database_per_delivery": per_delivery, **cpu},
        )

    def cpu(self, names: list[str]) -> CpuReading:
        """CPU seconds so far of these processes (each its own session), of PostgreSQL
        (every backend of the server: other databases' too) and of Redis."""
        sessions = {self.processes.running[name].pid for name in names}

        def classify(session: int, name: str) -> str | None:
            if session in sessions:
                return "workers"
            if name == "postgres":
                return "postgres"
            return "redis" if name.startswith("redis-server") else None

        return cpu_reading(classify)

    def cpu_per_delivery(self, before: CpuReading, after: CpuReading) -> dict[str, Any]:
        spent = cpu_spent(before, after)
        each = {name: round(spent.get(name, 0.0) * 1000 / self.count, 3) for name in CPU_PARTS}
        return {"cpu_ms_per_delivery": {**each, "total": round(sum(each.values()), 3)}}

    def _timeout(self) -> float:
        return 120 + self.count / 20  # far above any healthy run: 20 deliveries/s

    def _figures(self, origin: float, extra: dict[str, Any]) -> dict[str, Any]:
        stats = self.simulator.stats()
        received = sorted(at.timestamp() for at in self.simulator.received_at())
        lags = [at - origin for at in received]
        drain = received[-1] - received[0] if len(received) > 1 else 0.0
        return {
            "posts": stats["posts"],
            "requests": stats["requests"],
            "duplicates": stats["duplicates"],
            "duplicate_content": stats["duplicate_content"],
            "exactly_once": stats["posts"] == self.count and not stats["duplicates"],
            "per_second": round(self.count / drain, 1) if drain else None,
            "makespan_seconds": round(lags[-1], 3),
            "first_received_seconds": round(lags[0], 3),
            "lag_seconds": summary(lags, 3),
            "lags": lags,
            **extra,
        }

    def representative_queries(self) -> dict[str, Any]:
        """SQL of one publish message, counted by Django: the claim of a batch of
        CRIER_PUBLISH_BATCH deliveries and its task."""
        from django.conf import settings
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from posts import dispatch, publishing

        reset_deliveries()
        self._fresh_broker_and_platform()
        make_due(time.time())
        with CaptureQueriesContext(connection) as claim:
            ids = dispatch.claim_due(now=timezone.now(), batch_size=settings.CRIER_PUBLISH_BATCH)
        with CaptureQueriesContext(connection) as publish:
            publishing.deliveries_publish(delivery_ids=ids)
        return {
            "method": "django CaptureQueriesContext around claim_due(batch_size="
            "CRIER_PUBLISH_BATCH) and deliveries_publish for that batch (one publish "
            "message), in the benchmark process",
            "publish_batch": len(ids),
            "claim_batch": len(claim.captured_queries),
            "publish_task": len(publish.captured_queries),
            "per_delivery": round(
                (len(publish.captured_queries) + len(claim.captured_queries)) / len(ids), 3
            ),
            "publish_statements": [query["sql"][:100] for query in publish.captured_queries],
        }


# -- the database ------------------------------------------------------------------------


def seed_accounts(simulator_url: str) -> list[str]:
    """100 sandbox accounts in one workspace; returns their simulator account names."""
    from accounts.models import SocialAccount
    from accounts.services import workspace_create

    workspace = workspace_create(name="bench", owner_username="bench")
    SocialAccount.objects.bulk_create(
        SocialAccount(
            workspace=workspace,
            platform="sandbox",
            external_id=f"bench-{n}",
            username=f"bench{n}",
            credentials={
                "access_token": f"token-bench-{n}",
                "refresh_token": f"refresh-bench-{n}",
                "extra": {"base_url": simulator_url},
            },
        )
        for n in range(ACCOUNTS)
    )
    return [f"bench-{n}" for n in range(ACCOUNTS)]


def seed_deliveries(accounts: list[str], count: int) -> list[str]:
    """count / 100 posts to every account, through the real job expansion; due in a day."""
    from accounts.models import SocialAccount
    from posts import services
    from posts.models import Delivery, Job

    workspace_accounts = list(SocialAccount.objects.order_by("external_id"))
    later = (datetime.now().astimezone() + timedelta(days=1)).isoformat()
    job = Job.objects.create(
        workspace=workspace_accounts[0].workspace,
        kind=Job.Kind.SCHEDULE,
        request={
            "state": "scheduled",
            "posts": [
                {
                    "networks": {"default": {"type": "status", "text": f"bench post {n}"}},
                    "accounts": [
                        {"id": account.pk, "scheduled_at": later} for account in workspace_accounts
                    ],
                }
                for n in range(count // len(accounts))
            ],
        },
    )
    services.job_run(job_id=job.pk)
    return list(Delivery.objects.values_list("pk", flat=True))


def reset_deliveries() -> None:
    """Every delivery back to `scheduled` a day ahead, its history gone, the table vacuumed."""
    from django.db import connection

    from posts.models import Attempt, Delivery
    from posts.states import DeliveryStatus
    from webhooks.models import WebhookMessage

    Attempt.objects.all().delete()
    WebhookMessage.objects.all().delete()
    later = datetime.now().astimezone() + timedelta(days=1)
    Delivery.objects.update(
        status=DeliveryStatus.SCHEDULED,
        scheduled_at=later,
        due_at=later,
        attempts=0,
        lease_expires_at=None,
        external_id="",
        external_url="",
        published_at=None,
        overdue_at=None,
        error_code="",
        error_message="",
        error_response="",
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE posts_delivery, posts_attempt")


def make_due(at: float) -> float:
    """Every delivery due at the instant `at` (a Unix time), in one UPDATE."""
    from posts.models import Delivery

    when = datetime.fromtimestamp(at, tz=UTC)
    Delivery.objects.update(scheduled_at=when, due_at=when)
    return when.timestamp()


def status_counts() -> dict[str, int]:
    from django.db.models import Count

    from posts.models import Delivery

    rows = Delivery.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


COUNTERS = ("xact_commit", "tup_returned", "tup_fetched", "tup_inserted", "tup_updated")
TABLE_COUNTERS = ("seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch")


def database_counters(connection: Any) -> dict[str, int]:
    """Cumulative counters of this database (pg_stat_database) and per table, flushed first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            f"SELECT {', '.join(COUNTERS)} FROM pg_stat_database "  # noqa: S608
            "WHERE datname = current_database()"
        )
        counters = dict(zip(COUNTERS, cursor.fetchone(), strict=True))
        cursor.execute(
            f"SELECT relname, {', '.join(TABLE_COUNTERS)} FROM pg_stat_user_tables"  # noqa: S608
        )
        for table, *values in cursor.fetchall():
            for name, value in zip(TABLE_COUNTERS, values, strict=True):
                counters[f"{table}.{name}"] = value or 0
    return counters


def per_delivery(before: dict[str, int], after: dict[str, int], count: int) -> dict[str, float]:
    """Counter deltas divided by the number of deliveries; tables that did nothing left out."""
    deltas = {name: round((after[name] - before.get(name, 0)) / count, 2) for name in after}
    return {name: value for name, value in deltas.items() if value}


# -- the report --------------------------------------------------------------------------


def targets(run: dict[str, Any], interval: float) -> dict[str, Any]:
    baseline, crier = run["baseline"], run["crier"]
    ratio = (crier["per_second"] or 0) / baseline["per_second"]
    allowed_p99 = 1.25 * baseline["lag_seconds"]["p99"] + interval
    return {
        "throughput_ratio": round(ratio, 3),
        "throughput_at_least_0_8x_baseline": ratio >= 0.8,
        "p99_lag_allowed_seconds": round(allowed_p99, 3),
        "p99_lag_within_allowance": crier["lag_seconds"]["p99"] <= allowed_p99,
        "exactly_once": crier["exactly_once"],
        "cpu_ms_per_delivery": crier["cpu_ms_per_delivery"]["total"],
        "cpu_ms_per_delivery_raw": baseline["cpu_ms_per_delivery"]["total"],
        "cpu_at_most_2_ms_per_delivery": crier["cpu_ms_per_delivery"]["total"] <= CPU_TARGET_MS,
    }


def report(
    count: int, runs: dict[str, Any], queries: dict[str, Any], host: dict[str, Any]
) -> dict[str, Any]:
    from django.conf import settings

    interval = float(settings.CRIER_DISPATCH_INTERVAL)
    layouts = {}
    for name, run in runs.items():
        layouts[name] = {
            "layout": run["layout"],
            "baseline": {k: v for k, v in run["baseline"].items() if k != "lags"},
            "crier": {k: v for k, v in run["crier"].items() if k != "lags"},
            "targets": targets(run, interval),
        }
    fastest = max(layouts, key=lambda name: layouts[name]["crier"]["per_second"] or 0)
    main_layout = PROCFILE_LAYOUT if PROCFILE_LAYOUT in layouts else next(iter(layouts))
    return {
        "benchmark": "fanout",
        "deliveries": count,
        "accounts": ACCOUNTS,
        "simulator_latency_ms": LATENCY_MS,
        "dispatch_interval_seconds": interval,
        "dispatch_batch": settings.CRIER_DISPATCH_BATCH,
        "publish_batch": settings.CRIER_PUBLISH_BATCH,
        "procfile_layout": main_layout,
        "fastest_layout": fastest,
        "targets": layouts[main_layout]["targets"],
        "layouts": layouts,
        "queries_per_delivery": queries,
        "machine": host,
        "chart": str(chart_path("fanout")),
    }


def draw(runs: dict[str, Any], path: str) -> None:
    """Cumulative lag per layout: Crier solid, its raw baseline dashed, same colour."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(9, 5.5))
    for index, (name, run) in enumerate(runs.items()):
        colour = f"C{index}"
        for side, style in (("crier", "-"), ("baseline", "--")):
            lags = sorted(run[side]["lags"])
            shares = [(rank + 1) / len(lags) for rank in range(len(lags))]
            axes.plot(lags, shares, style, color=colour, label=f"{name} {side}")
    axes.set_xlabel("seconds from scheduled_at (baseline: from first task sent) to received")
    axes.set_ylabel("share of posts received")
    count = len(next(iter(runs.values()))["crier"]["lags"])
    axes.set_title(f"Fan-out of {count:,} posts, 100 accounts, simulator latency {LATENCY_MS} ms")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
