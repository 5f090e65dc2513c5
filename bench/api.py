"""API latency at scale: job status and scheduling with 1,000,000 jobs, posts and deliveries.

Seeds the rows with `INSERT ... SELECT generate_series` (--quick: 50,000), runs gunicorn as
the Procfile does (4 workers x 2 threads; --layout for others) with the bench URLconf,
which adds one bare DRF endpoint (same authentication, scope check and rate limit,
constant answer) as the baseline, and drives each endpoint in turn with N client processes
(http.client, one keep-alive connection each) for a fixed time, in interleaved rounds,
then one client alone (the service time without queueing). Reports the CPU each request
cost the clients, the web processes, PostgreSQL and Redis.

    python -m bench.api [--quick] [--rows N] [--concurrency 4] [--seconds 30] [--rounds 3]
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

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
)

REDIS_INDEX = 14
ACCOUNTS = 100


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    expected: int
    request: Callable[[], tuple[str, Any]]  # -> (path, JSON body or None)


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0],
        rows={"type": int, "help": "jobs, posts and deliveries each (default 1,000,000)"},
        concurrency={"type": int, "default": 4, "help": "clients under load (default 4)"},
        seconds={"type": float, "help": "measured seconds per endpoint and load"},
        layout={
            "default": "4x2",
            "help": "gunicorn WORKERSxTHREADS (default 4x2, the Procfile's)",
        },
        rounds={"type": int, "default": 3, "help": "interleaved slices per scenario (default 3)"},
    )
    workers, _, threads = args.layout.partition("x")
    rows = args.rows or (50_000 if args.quick else 1_000_000)
    # 30 s: a p99 under load then rests on some 30 of the slowest of ~3,000 bulk requests.
    seconds = args.seconds or (4.0 if args.quick else 30.0)
    with (
        time_budget(115 if args.quick else 30 * 60),
        bench_database("api") as database_url,
        bench_redis(REDIS_INDEX) as redis_url,
        Processes() as processes,
    ):
        configure_django(database_url, redis_url)
        secret, accounts = seed_workspace()
        started = time.perf_counter()
        seed_rows(rows, accounts)
        seeding = time.perf_counter() - started
        url = start_gunicorn(processes, database_url, int(workers), int(threads or 1))
        session = processes.running["gunicorn"].pid  # started in a session of its own
        scenarios = build_scenarios(rows, accounts)
        warm_up(url, secret, scenarios, 2 * int(workers) * int(threads or 1), session)
        loads = {
            "concurrent": run_all(
                url, secret, scenarios, args.concurrency, seconds, args.rounds, session
            ),
            "single_client": run_all(url, secret, scenarios, 1, seconds / 2, args.rounds, session),
        }
        server = f"gunicorn config.wsgi, {workers} workers x {threads or 1} threads"
        result = report(rows, seeding, args.concurrency, server, loads, machine(database_url))
    draw(loads, args.concurrency, result["chart"])
    publish_result("api", result)


# -- the database ------------------------------------------------------------------------


def seed_workspace() -> tuple[str, list[str]]:
    """A workspace with 100 sandbox accounts and an API key; returns the key and accounts."""
    from accounts.models import SocialAccount
    from accounts.services import api_key_issue, workspace_create

    workspace = workspace_create(name="bench", owner_username="bench")
    accounts = SocialAccount.objects.bulk_create(
        SocialAccount(workspace=workspace, platform="sandbox", external_id=f"bench-{n}")
        for n in range(ACCOUNTS)
    )
    issued = api_key_issue(workspace=workspace, name="bench")
    return issued.secret, [account.pk for account in accounts]


def seed_rows(rows: int, accounts: list[str]) -> None:
    """`rows` completed jobs, each with one post and one delivery (mostly published)."""
    from accounts.models import Workspace
    from bench.seed import analyze, insert_series, public_id, text
    from posts.models import Delivery, Job, Post

    workspace = text(Workspace.objects.get().pk)
    created = "now() - g * interval '1 second'"
    insert_series(
        Job,
        rows,
        {
            "id": public_id("job"),
            "workspace_id": workspace,
            "kind": "'schedule'",
            "status": "'completed'",
            "payload": """'{"failures": {}}'::jsonb""",
            "created_at": created,
            "completed_at": created,
        },
    )
    insert_series(
        Post,
        rows,
        {
            "id": public_id("post"),
            "workspace_id": workspace,
            "job_id": public_id("job"),
            "networks": """'{"default": {"type": "status", "text": "seeded"}}'::jsonb""",
            "created_at": created,
            "updated_at": created,
        },
    )
    account = "(ARRAY[" + ", ".join(text(pk) for pk in accounts) + f"])[1 + g % {len(accounts)}]"
    insert_series(
        Delivery,
        rows,
        {
            "id": public_id("dlv"),
            "workspace_id": workspace,
            "post_id": public_id("post"),
            "account_id": account,
            "status": "CASE WHEN g % 10 = 0 THEN 'scheduled' ELSE 'published' END",
            "scheduled_at": created,
            "due_at": f"CASE WHEN g % 10 = 0 THEN {created} + interval '30 days' END",
            "idempotency_key": "'crier-bench-' || g",
            "created_at": created,
            "updated_at": created,
        },
    )
    analyze("posts_job", "posts_post", "posts_delivery")


# -- the server and the load -------------------------------------------------------------


def start_gunicorn(processes: Processes, database_url: str, workers: int, threads: int) -> str:
    port = free_port()
    processes.start(
        "gunicorn",
        [
            *(sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)),
        ],
        env={"DJANGO_SETTINGS_MODULE": "bench.api_settings", "API_RATE_LIMIT": "100000000/minute"},
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/healthz")
    return url


def build_scenarios(rows: int, accounts: list[str]) -> list[Scenario]:
    from django.utils import timezone

    later = (timezone.now() + timedelta(days=7)).replace(microsecond=0).isoformat()

    def bulk(size: int) -> dict[str, Any]:
        return {
            "bulk": {
                "state": "scheduled",
                "posts": [
                    {
                        "networks": {"default": {"type": "status", "text": f"bench post {n}"}},
                        "accounts": [{"id": accounts[n % len(accounts)], "scheduled_at": later}],
                    }
                    for n in range(size)
                ],
            }
        }

    one, hundred = bulk(1), bulk(100)

    def job_path() -> str:
        return f"/api/v1/job_status/job_{random.randint(1, rows):028x}"

    return [
        Scenario("bare", "GET", 200, lambda: ("/api/v1/bench/bare", None)),
        Scenario("job_status", "GET", 200, lambda: (job_path(), None)),
        Scenario("schedule_1_post", "POST", 202, lambda: ("/api/v1/posts/schedule", one)),
        Scenario("schedule_100_posts", "POST", 202, lambda: ("/api/v1/posts/schedule", hundred)),
    ]


def run_all(
    url: str,
    secret: str,
    scenarios: list[Scenario],
    clients: int,
    seconds: float,
    rounds: int,
    server_session: int,
) -> dict[str, Any]:
    """Each scenario for `seconds` in all, in `rounds` interleaved slices (bare, job status,
    ..., bare, job status, ...): a slow minute on a shared machine then falls on every
    scenario alike instead of on whichever ran in it."""
    runs: dict[str, list[dict[str, Any]]] = {scenario.name: [] for scenario in scenarios}
    for number in range(rounds):
        for scenario in scenarios:
            print(f"api: {scenario.name} x {clients}, round {number + 1}", file=sys.stderr)
            runs[scenario.name].append(
                drive(url, secret, scenario, clients, seconds / rounds, server_session)
            )
    return {scenario.name: merged(runs[scenario.name], scenario, seconds) for scenario in scenarios}


def warm_up(
    url: str, secret: str, scenarios: list[Scenario], connections: int, server_session: int
) -> None:
    """Every scenario on more connections than the server has threads, so each web process
    has served each kind of request once before anything is timed: a process's first
    100-post request (imports, the broker connection, prepared statements) took ~120 ms."""
    for scenario in scenarios:
        print(f"api: warming up {scenario.name}", file=sys.stderr)
        drive(url, secret, scenario, connections, 1.0, server_session)


def drive(
    url: str,
    secret: str,
    scenario: Scenario,
    clients: int,
    seconds: float,
    server_session: int,
) -> dict[str, Any]:
    """`clients` processes, each sending requests back to back on its own keep-alive
    connection: a short warm-up, then `seconds`. A process each, so no client's timing
    waits for another's response to be read (one event loop for all of them did)."""
    context = multiprocessing.get_context("fork")  # the scenario's closures go as they are
    results = context.SimpleQueue()
    warm_until = time.monotonic() + 0.5 + 0.2 * clients  # every process started by then
    stop_at = warm_until + seconds
    workers = [
        context.Process(target=_client, args=(url, secret, scenario, warm_until, stop_at, results))
        for _ in range(clients)
    ]
    for worker in workers:
        worker.start()
    before = server_cpu(server_session)
    runs = [results.get() for _ in workers]
    after = server_cpu(server_session)
    for worker in workers:
        worker.join()
    served = sum(run["served"] for run in runs)
    return {
        "latencies": [latency for run in runs for latency in run["latencies"]],
        "statuses": sum((Counter(run["statuses"]) for run in runs), Counter()),
        "cpu_seconds": {
            "clients": sum(run["cpu_seconds"] for run in runs),
            **cpu_spent(before, after),
        },
        "served": served,
    }


def server_cpu(server_session: int) -> CpuReading:
    """CPU seconds so far of the web server (its session), PostgreSQL and Redis."""

    def classify(session: int, name: str) -> str | None:
        if session == server_session:
            return "web"
        if name == "postgres":
            return "postgres"
        return "redis" if name.startswith("redis-server") else None

    return cpu_reading(classify)


def merged(runs: list[dict[str, Any]], scenario: Scenario, seconds: float) -> dict[str, Any]:
    latencies = [latency for run in runs for latency in run["latencies"]]
    statuses: Counter[int] = sum((run["statuses"] for run in runs), Counter())
    served = sum(run["served"] for run in runs)  # warm-up requests too: CPU covers them
    spent: Counter[str] = Counter()
    for run in runs:
        spent.update(run["cpu_seconds"])
    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / seconds, 1),
        "latency_ms": {
            name: value if name == "count" else round(value * 1000, 2)
            for name, value in summary(latencies, 6).items()
        },
        "rounds_per_second": [
            round(len(run["latencies"]) / (seconds / len(runs)), 1) for run in runs
        ],
        # Where the CPU of one request goes: clients, web processes, PostgreSQL, Redis.
        "cpu_ms_per_request": {
            name: round(value * 1000 / served, 3) for name, value in spent.items()
        },
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "all_expected": set(statuses) == {scenario.expected},
    }


def _client(
    url: str,
    secret: str,
    scenario: Scenario,
    warm_until: float,
    stop_at: float,
    results: Any,
) -> None:
    """One keep-alive connection with the standard library's client: httpx spent 1.2 ms of
    CPU per request, http.client 0.4, on the 2 cores the server under test shares."""
    random.seed()  # forked with the parent's state: each client its own job ids
    headers = {"Authorization": f"Bearer-API {secret}", "Content-Type": "application/json"}
    encoded: dict[int, bytes] = {}  # bodies are encoded once: the client's CPU is not timed
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    served = 0
    started_cpu = time.process_time()
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    while (now := time.monotonic()) < stop_at:
        path, body = scenario.request()
        content = None
        if body is not None:
            content = encoded.setdefault(id(body), json.dumps(body).encode())
        started = time.perf_counter()
        connection.request(scenario.method, path, body=content, headers=headers)
        response = connection.getresponse()
        response.read()
        served += 1
        if now >= warm_until:
            latencies.append(time.perf_counter() - started)
            statuses[response.status] += 1
    connection.close()
    results.put(
        {
            "latencies": latencies,
            "statuses": dict(statuses),
            "served": served,
            "cpu_seconds": time.process_time() - started_cpu,
        }
    )


# -- the report --------------------------------------------------------------------------


def report(
    rows: int,
    seeding: float,
    clients: int,
    server: str,
    loads: dict[str, Any],
    host: dict[str, Any],
) -> dict[str, Any]:
    under_load, alone = loads["concurrent"], loads["single_client"]
    status, bulk = under_load["job_status"], under_load["schedule_100_posts"]
    ratio = status["per_second"] / under_load["bare"]["per_second"]
    return {
        "benchmark": "api",
        "rows": {"jobs": rows, "posts": rows, "deliveries": rows},
        "seeding_seconds": round(seeding, 1),
        "server": server,
        "concurrent_clients": clients,
        "targets": {
            "job_status_rate_ratio": round(ratio, 3),
            "job_status_at_least_0_7x_bare": ratio >= 0.7,
            "job_status_p99_under_20ms": status["latency_ms"]["p99"] < 20,
            "bulk_100_p99_under_100ms": bulk["latency_ms"]["p99"] < 100,
            # The same two latency targets without queueing (one client at a time).
            "single_client_job_status_p99_under_20ms": alone["job_status"]["latency_ms"]["p99"]
            < 20,
            "single_client_bulk_100_p99_under_100ms": alone["schedule_100_posts"]["latency_ms"][
                "p99"
            ]
            < 100,
            "all_responses_expected": all(
                run["all_expected"] for load in loads.values() for run in load.values()
            ),
        },
        "loads": loads,
        "machine": host,
        "chart": str(chart_path("api")),
    }


def draw(loads: dict[str, Any], clients: int, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(loads["concurrent"])
    figure, (rates, latency) = plt.subplots(1, 2, figsize=(11, 4.5))
    rates.bar(names, [loads["concurrent"][name]["per_second"] for name in names], color="C0")
    rates.set_title(f"requests/s, {clients} concurrent clients")
    width = 0.2
    for offset, (load, share) in enumerate(
        [("concurrent", "p50"), ("concurrent", "p99"), ("single_client", "p50")]
    ):
        latency.bar(
            [index + (offset - 1) * width for index in range(len(names))],
            [loads[load][name]["latency_ms"][share] for name in names],
            width,
            label=f"{share}, {load.replace('_', ' ')}",
        )
    latency.set_xticks(range(len(names)), names)
    latency.set_title("latency (ms)")
    latency.legend()
    for axes in (rates, latency):
        axes.tick_params(axis="x", labelrotation=15)
        axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
