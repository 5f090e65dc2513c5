from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.planned_post import PlannedPost
from ...models.planned_post_request import PlannedPostRequest
from typing import cast



def _get_kwargs(
    *,
    body: PlannedPostRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/planned-posts",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PlannedPost | None:
    if response.status_code == 201:
        response_201 = PlannedPost.from_dict(response.json())



        return response_201

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PlannedPost]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PlannedPostRequest,

) -> Response[PlannedPost]:
    """  Topics to draft: by the configured generator, or by a person (POST .../draft).

    Args:
        body (PlannedPostRequest): A model serializer whose date-time columns render as
            `TimestampField`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlannedPost]
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
    body: PlannedPostRequest,

) -> PlannedPost | None:
    """  Topics to draft: by the configured generator, or by a person (POST .../draft).

    Args:
        body (PlannedPostRequest): A model serializer whose date-time columns render as
            `TimestampField`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlannedPost
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PlannedPostRequest,

) -> Response[PlannedPost]:
    """  Topics to draft: by the configured generator, or by a person (POST .../draft).

    Args:
        body (PlannedPostRequest): A model serializer whose date-time columns render as
            `TimestampField`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlannedPost]
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
    body: PlannedPostRequest,

) -> PlannedPost | None:
    """  Topics to draft: by the configured generator, or by a person (POST .../draft).

    Args:
        body (PlannedPostRequest): A model serializer whose date-time columns render as
            `TimestampField`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlannedPost
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
