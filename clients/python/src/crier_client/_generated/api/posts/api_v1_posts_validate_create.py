from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.schedule_request_request import ScheduleRequestRequest
from ...models.validation_preview import ValidationPreview
from typing import cast



def _get_kwargs(
    *,
    body: ScheduleRequestRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/posts/validate",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ValidationPreview | None:
    if response.status_code == 200:
        response_200 = ValidationPreview.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ValidationPreview]:
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

) -> Response[ValidationPreview]:
    """  The body of POST /posts/schedule, checked as the job would check it; nothing stored.

    A body that /posts/schedule would refuse outright is the same 400 here.

    Args:
        body (ScheduleRequestRequest): A request shape validated once per item of a bulk (up to
            CRIER_BULK_LIMIT posts).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ValidationPreview]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: ScheduleRequestRequest,

) -> ValidationPreview | None:
    """  The body of POST /posts/schedule, checked as the job would check it; nothing stored.

    A body that /posts/schedule would refuse outright is the same 400 here.

    Args:
        body (ScheduleRequestRequest): A request shape validated once per item of a bulk (up to
            CRIER_BULK_LIMIT posts).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ValidationPreview
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ScheduleRequestRequest,

) -> Response[ValidationPreview]:
    """  The body of POST /posts/schedule, checked as the job would check it; nothing stored.

    A body that /posts/schedule would refuse outright is the same 400 here.

    Args:
        body (ScheduleRequestRequest): A request shape validated once per item of a bulk (up to
            CRIER_BULK_LIMIT posts).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ValidationPreview]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ScheduleRequestRequest,

) -> ValidationPreview | None:
    """  The body of POST /posts/schedule, checked as the job would check it; nothing stored.

    A body that /posts/schedule would refuse outright is the same 400 here.

    Args:
        body (ScheduleRequestRequest): A request shape validated once per item of a bulk (up to
            CRIER_BULK_LIMIT posts).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ValidationPreview
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
