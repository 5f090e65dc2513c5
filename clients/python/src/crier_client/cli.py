"""`crier`: Crier from the command line, on the Python client.

Every command takes `--json` (the API's own shapes on stdout, for scripts). Exit codes:
0 done; 1 unexpected error; 2 bad usage; 3 not logged in; 4 Crier refused the request (4xx);
5 Crier unreachable or failing (5xx, network) after the client's retries; 6 the work ended
but not all of it succeeded (a failed or `unknown` delivery, a failed job); 7 still working
when `--wait` gave up.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn
from rich.table import Table

from crier_client import config
from crier_client.client import Crier
from crier_client.errors import ApiError, WaitTimeout

# No locals in tracebacks: they would print the API key.
app = typer.Typer(
    help="Crier from the command line.", no_args_is_help=True, pretty_exceptions_show_locals=False
)
media_app = typer.Typer(help="Media files.", no_args_is_help=True)
webhooks_app = typer.Typer(help="Webhook endpoints.", no_args_is_help=True)
app.add_typer(media_app, name="media")
app.add_typer(webhooks_app, name="webhooks")

out = Console()
err = Console(stderr=True)

# Delivery states after which nothing more happens without someone acting.
SETTLED = {"published", "failed", "cancelled", "unknown", "draft"}
UNSUCCESSFUL = {"failed", "unknown"}

Json = Annotated[bool, typer.Option("--json", help="Print the API's JSON instead of a table.")]


class Exit(IntEnum):
    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    NOT_LOGGED_IN = 3
    REFUSED = 4
    UNAVAILABLE = 5
    UNSUCCESSFUL = 6
    TIMEOUT = 7


def emit(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))


def as_data(value: Any) -> Any:
    if isinstance(value, list):
        return [as_data(item) for item in value]
    return value.to_dict() if hasattr(value, "to_dict") else value


def fail(code: Exit, message: str, as_json: bool, detail: dict[str, Any] | None = None) -> None:
    if as_json:
        emit({"error": {"message": message, **(detail or {})}})
    else:
        err.print(f"[red]{message}[/red]", highlight=False)
    raise typer.Exit(code)


def logged_in(as_json: bool) -> config.Settings:
    settings = config.load()
    if settings is None:
        fail(
            Exit.NOT_LOGGED_IN,
            "Not logged in: run `crier login` or set CRIER_URL and CRIER_API_KEY.",
            as_json,
        )
    return settings


@contextmanager
def api_errors(as_json: bool, url: str) -> Iterator[None]:
    """Crier's refusals, outages and waits that ran out, as messages and exit codes."""
    try:
        yield
    except ApiError as error:
        code = Exit.UNAVAILABLE if error.status >= 500 else Exit.REFUSED
        detail = {"status": error.status, "errors": error.messages}
        fail(code, f"Crier answered {error}", as_json, detail)
    except httpx.TransportError as error:
        fail(Exit.UNAVAILABLE, f"Crier cannot be reached at {url}: {error}", as_json)
    except WaitTimeout as error:
        fail(Exit.TIMEOUT, str(error), as_json, {"status": error.status})


@contextmanager
def crier(as_json: bool) -> Iterator[Crier]:
    """The client from the saved login or the environment."""
    settings = logged_in(as_json)
    with (
        api_errors(as_json, settings.url),
        Crier(settings.url, settings.api_key, workspace_id=settings.workspace) as client,
    ):
        yield client


def parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise typer.BadParameter(f"{value!r} needs an offset, e.g. 2026-12-24T09:00+01:00")
    return moment


def deliveries_table(job: Any) -> Table:
    payload = job.payload.to_dict()
    table = Table(title=f"job {job.status}")
    for column in ("post", "delivery", "account", "state", "url / error"):
        table.add_column(column)
    for delivery in payload.get("posts", []):
        state = delivery["state"]
        colour = "green" if state == "published" else "red" if state in UNSUCCESSFUL else "yellow"
        table.add_row(
            delivery["post_id"],
            delivery["id"],
            delivery["account_id"],
            f"[{colour}]{state}[/{colour}]",
            delivery.get("url") or delivery.get("error") or "",
        )
    for where, problem in payload.get("failures", {}).items():
        table.add_row("", "", where, "[red]refused[/red]", json.dumps(problem))
    return table


def job_outcome(job: Any) -> Exit:
    if job.status == "working":
        return Exit.OK
    payload = job.payload.to_dict()
    states = {delivery["state"] for delivery in payload.get("posts", [])}
    if job.status == "failed" or payload.get("failures") or states & UNSUCCESSFUL:
        return Exit.UNSUCCESSFUL
    return Exit.OK


def wait_and_show(client: Crier, job_id: str, timeout: float, as_json: bool) -> Any:
    """Polls the job; without --json, a live table of its deliveries until it ends."""
    if as_json:
        return client.wait_for_job(job_id, timeout=timeout)
    with Live(console=out, auto_refresh=False) as live:

        def show(job: Any) -> None:
            live.update(deliveries_table(job), refresh=True)

        return client.wait_for_job(job_id, timeout=timeout, on_poll=show)


def finish_job(job: Any, as_json: bool, printed: bool) -> None:
    if as_json:
        emit(as_data(job))
    elif not printed:
        out.print(deliveries_table(job))
    code = job_outcome(job)
    if code != Exit.OK:
        raise typer.Exit(code)


@contextmanager
def transfer_bar(as_json: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    if as_json or not sys.stderr.isatty():
        yield None
        return
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=err,
    ) as progress:
        task = progress.add_task(label, total=None)
        yield lambda sent, total: progress.update(task, completed=sent, total=total)


def upload_file(client: Crier, path: Path, as_json: bool) -> Any:
    with transfer_bar(as_json, path.name) as progress:
        return client.upload(path, progress=progress)


@app.command()
def login(
    url: Annotated[
        str, typer.Option(prompt="Crier URL", envvar="CRIER_URL", help="e.g. http://127.0.0.1:8000")
    ],
    api_key: Annotated[
        str, typer.Option(prompt="API key", hide_input=True, envvar="CRIER_API_KEY")
    ],
    workspace: Annotated[str | None, typer.Option(help="Publer-Workspace-Id, when needed.")] = None,
    as_json: Json = False,
) -> None:
    """Check the key against Crier, then keep URL and key in your config dir (mode 0600)."""
    settings = config.Settings(url=url, api_key=api_key, workspace=workspace)
    with api_errors(as_json, url), Crier(url, api_key, workspace_id=workspace) as client:
        user = client.me()
    path = config.save(settings)
    if as_json:
        emit({"user": as_data(user), "config": str(path)})
    else:
        out.print(f"Logged in as {user.username} at {url}; saved to {path}")


@app.command()
def accounts(as_json: Json = False) -> None:
    """Connected accounts."""
    with crier(as_json) as client:
        found = client.accounts()
    if as_json:
        emit(as_data(found))
        return
    table = Table()
    for column in ("id", "provider", "name", "username", "status"):
        table.add_column(column)
    for account in found:
        table.add_row(
            account.id, account.provider, account.name, str(account.username), str(account.status)
        )
    out.print(table)


@app.command()
def post(
    text: Annotated[str, typer.Argument(help="The text, for every network.")],
    account: Annotated[list[str], typer.Option("--account", "-a", help="Account id; repeatable.")],
    at: Annotated[str | None, typer.Option(help="ISO 8601 with offset; default: now.")] = None,
    media: Annotated[
        list[str] | None, typer.Option(help="A file to upload, or a media id; repeatable.")
    ] = None,
    network_text: Annotated[
        list[str] | None, typer.Option(help='Text for one network: x="..."; repeatable.')
    ] = None,
    draft: Annotated[bool, typer.Option(help="Store a draft; publish nothing.")] = False,
    wait: Annotated[bool, typer.Option(help="Follow each delivery until the job ends.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds --wait waits.")] = 300.0,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Send it again with the same key: still one post.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Publish now, schedule with --at, or keep a --draft."""
    moment = parse_time(at)
    overrides: dict[str, str] = {}
    for item in network_text or []:
        platform, sep, value = item.partition("=")
        if not sep or not platform:
            raise typer.BadParameter(
                f'{item!r}: expected network="text"', param_hint="--network-text"
            )
        overrides[platform.strip()] = value
    with crier(as_json) as client:
        media_ids = [
            upload_file(client, Path(item), as_json).id if Path(item).is_file() else item
            for item in media or []
        ]
        accepted = client.post(
            text,
            account,
            at=moment,
            media=media_ids,
            network_text=overrides,
            draft=draft,
            idempotency_key=idempotency_key,
        )
        if not wait:
            if as_json:
                emit(as_data(accepted))
            else:
                out.print(
                    f"Accepted: job {accepted.job_id} (crier status {accepted.job_id} --wait)"
                )
            return
        job = wait_and_show(client, accepted.job_id, timeout, as_json)
    finish_job(job, as_json, printed=True)


@app.command()
def status(
    job_id: str,
    wait: Annotated[bool, typer.Option(help="Follow each delivery until the job ends.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds --wait waits.")] = 300.0,
    as_json: Json = False,
) -> None:
    """A job and its deliveries; exit code 6 when any of them failed."""
    with crier(as_json) as client:
        job = wait_and_show(client, job_id, timeout, as_json) if wait else client.job_status(job_id)
    finish_job(job, as_json, printed=wait)


@app.command()
def posts(
    state: Annotated[str | None, typer.Option(help="e.g. scheduled, published, failed")] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Scheduled at or after (ISO 8601).")
    ] = None,
    to: Annotated[str | None, typer.Option(help="Scheduled at or before (ISO 8601).")] = None,
    account: Annotated[str | None, typer.Option(help="Only this account's.")] = None,
    page: Annotated[int | None, typer.Option()] = None,
    as_json: Json = False,
) -> None:
    """Posts with their deliveries, newest first."""
    with crier(as_json) as client:
        found = client.posts(
            state=state, from_=parse_time(from_), to=parse_time(to), account_id=account, page=page
        )
    if as_json:
        emit(as_data(found))
        return
    table = Table(title=f"{found.count} posts")
    for column in ("post", "state", "account", "scheduled at", "text"):
        table.add_column(column)
    for item in found.results:
        text = (item.networks or {}).get("default", {}).get("text", "")
        for delivery in item.deliveries:
            table.add_row(
                item.id, delivery.state, delivery.account_id, str(delivery.scheduled_at), text[:60]
            )
    out.print(table)


def show_post(found: Any, as_json: bool, verb: str) -> None:
    if as_json:
        emit(as_data(found))
    else:
        states = ", ".join(f"{d.account_id}: {d.state}" for d in found.deliveries)
        out.print(f"{verb} {found.id} ({found.state}): {states}")


@app.command()
def retry(post_id: str, as_json: Json = False) -> None:
    """Run a post's failed and `unknown` deliveries again."""
    with crier(as_json) as client:
        found = client.retry_post(post_id)
    show_post(found, as_json, "Retrying")


@app.command()
def cancel(post_id: str, as_json: Json = False) -> None:
    """Cancel what is still pending of a post."""
    with crier(as_json) as client:
        found = client.cancel_post(post_id)
    show_post(found, as_json, "Cancelled")


@app.command("next-slot")
def next_slot(
    account: str,
    content_type: Annotated[str | None, typer.Option(help="text, image or video")] = None,
    as_json: Json = False,
) -> None:
    """The account's next free posting-schedule slot."""
    with crier(as_json) as client:
        slot = client.next_slot(account, content_type=content_type)
    if as_json:
        emit(as_data(slot))
    else:
        out.print(f"{slot.account_id}: {slot.next_slot.isoformat()} ({slot.timezone})")


@media_app.command("upload")
def media_upload(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    as_json: Json = False,
) -> None:
    """Upload a file, with a progress bar; prints its media id."""
    with crier(as_json) as client:
        uploaded = upload_file(client, file, as_json)
    if as_json:
        emit(as_data(uploaded))
    else:
        out.print(f"{uploaded.id} ({uploaded.status}, {uploaded.mime_type}, {uploaded.size} bytes)")


@webhooks_app.command("list")
def webhooks_list(as_json: Json = False) -> None:
    """Webhook endpoints."""
    with crier(as_json) as client:
        found = client.webhooks()
    if as_json:
        emit(as_data(found))
        return
    table = Table()
    for column in ("id", "url", "events", "active"):
        table.add_column(column)
    for endpoint in found.results:
        events = ", ".join(endpoint.events) if endpoint.events else "all"
        table.add_row(endpoint.id, endpoint.url, events, str(endpoint.is_active))
    out.print(table)


@webhooks_app.command("create")
def webhooks_create(
    url: str,
    event: Annotated[
        list[str] | None, typer.Option(help="An event; repeatable; none: all.")
    ] = None,
    description: str = "",
    as_json: Json = False,
) -> None:
    """Subscribe a URL; prints the signing secret, shown this once."""
    with crier(as_json) as client:
        created = client.create_webhook(url, events=event or [], description=description)
    if as_json:
        emit(as_data(created))
    else:
        out.print(f"{created.id}: signing secret {created.secret} (shown once)")


@webhooks_app.command("delete")
def webhooks_delete(webhook_id: str, as_json: Json = False) -> None:
    """Remove an endpoint."""
    with crier(as_json) as client:
        client.delete_webhook(webhook_id)
    if as_json:
        emit({"deleted": webhook_id})
    else:
        out.print(f"Deleted {webhook_id}")


@app.command()
def mcp(
    transport: Annotated[str, typer.Option(help="stdio, or http (streamable HTTP)")] = "stdio",
    host: str = "127.0.0.1",
    port: int = 8765,
    as_json: Json = False,
) -> None:
    """Serve Crier's tools to an AI agent over MCP (needs `pip install 'crier-client[mcp]'`)."""
    try:
        from crier_client.mcp_server import serve
    except ImportError as error:
        fail(Exit.UNEXPECTED, f"The MCP server needs the mcp extra: {error}", as_json)
    settings = logged_in(as_json)
    if transport not in ("stdio", "http"):
        raise typer.BadParameter("stdio or http", param_hint="--transport")
    serve(settings, transport=transport, host=host, port=port)


def main() -> None:
    app()
