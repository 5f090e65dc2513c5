"""`python -m connectors.simulator`: serve the fake platform until interrupted."""

from __future__ import annotations

import argparse
import json
from typing import Any

from connectors.simulator.faults import FaultError, clean_settings
from connectors.simulator.server import SimulatorServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m connectors.simulator",
        description="A fake social platform. Flags set the faults of every account (`*`); "
        "POST /_admin/faults changes them at runtime.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--latency-ms", type=float, help="delay before every answer")
    parser.add_argument("--hang-seconds", type=float, help="how long a timeout fault holds")
    parser.add_argument("--processing-polls", type=int, help="polls before a post is published")
    parser.add_argument("--chaos-rate", type=float, help="share of publishes given a random fault")
    parser.add_argument(
        "--faults",
        type=json.loads,
        default={},
        help='more settings as JSON, e.g. \'{"fail": [{"status": 503}]}\'',
    )
    parser.add_argument("--seed", type=int, help="seed for chaos, to replay a run")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    flags: dict[str, Any] = {
        "latency_ms": args.latency_ms,
        "hang_seconds": args.hang_seconds,
        "processing_polls": args.processing_polls,
        "chaos_rate": args.chaos_rate,
    }
    defaults = {
        **args.faults,
        **{name: value for name, value in flags.items() if value is not None},
    }
    try:
        clean_settings(defaults)
    except FaultError as exc:
        parser.error(str(exc))
    server = SimulatorServer(
        args.host, args.port, defaults=defaults, seed=args.seed, log_requests=args.verbose
    )
    print(f"Crier simulator listening on {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
