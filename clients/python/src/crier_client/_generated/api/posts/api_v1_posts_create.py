from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.job_accepted import JobAccepted
from ...models.schedule_request_request import ScheduleRequestRequest
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: ScheduleRequestRequest,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/posts",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> JobAccepted | None:
    if response.status_code == 202:
        response_202 = JobAccepted.from_dict(response.json())



        return response_202

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[JobAccepted]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ScheduleRequestRequest,
    idempotency_key: str | Unset = UNSET,

) -> Response[JobAccepted]:
    """  GET lists posts; POST creates them like `posts/schedule` (the document's `POST /posts`
    with a `{"bulk": ...}` body).

    Args:
        idempotency_key (str | Unset):
        body (ScheduleRequestRequest): A request shape validated once per item of a bulk (up to
            CRIER_BULK_LIMIT posts).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobAccepted]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: ScheduleRequestRequest,
    idempotency_key: str | Unset = UNSET,

) -> JobAccepted | None:
    """  GET lists posts; POST creates them like `posts/schedule` (the document's `POST /posts`
    with a `{"bulk": ...}` body).

    Args:
        idempotency_key (str | Unset):
        body (ScheduleRequestRequest): A request shape validated once per item of a bulk (up to
            CRIER_BULK_LIMIT posts).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobAccepted
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ScheduleRequestRequest,
    idempotency_key: str | Unset = UNSET,

) -> Response[JobAccepted]:
    """  GET lists posts; POST creates them like `posts/schedule` (the document's `POST /posts`
    with a `{"bulk": ...}` body).

    Args:
        idempotency_key (str | Unset):
        body (ScheduleRequestRequest): A request shape validated once per item of a bulk (up to
            CRIER_BULK_LIMIT posts).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobAccepted]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ScheduleRequestRequest,
    idempotency_key: str | Unset = UNSET,

) -> JobAccepted | None:
    """  GET lists posts; POST creates them like `posts/schedule` (the document's `POST /posts`
    with a `{"bulk": ...}` body).

    Args:
        idempotency_key (str | Unset):
        body (ScheduleRequestRequest): A request shape validated once per item of a bulk (up to
            CRIER_BULK_LIMIT posts).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobAccepted
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
