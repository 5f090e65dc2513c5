from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.posting_schedule import PostingSchedule
from typing import cast



def _get_kwargs(
    schedule_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/posting-schedules/{schedule_id}".format(schedule_id=quote(str(schedule_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PostingSchedule | None:
    if response.status_code == 200:
        response_200 = PostingSchedule.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PostingSchedule]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    schedule_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[PostingSchedule]:
    """  **Repostra dialect**: the same path with `X-API-Key: <key>` and no `Authorization` header reaches
    Repostra's variant: Repostra's schedule `{data}` (GET), update of day_of_week, time, content_type,
    blog_column_index, is_active (PUT) and delete (DELETE); PATCH is native only.

    Args:
        schedule_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostingSchedule]
     """


    kwargs = _get_kwargs(
        schedule_id=schedule_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    schedule_id: str,
    *,
    client: AuthenticatedClient,

) -> PostingSchedule | None:
    """  **Repostra dialect**: the same path with `X-API-Key: <key>` and no `Authorization` header reaches
    Repostra's variant: Repostra's schedule `{data}` (GET), update of day_of_week, time, content_type,
    blog_column_index, is_active (PUT) and delete (DELETE); PATCH is native only.

    Args:
        schedule_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostingSchedule
     """


    return sync_detailed(
        schedule_id=schedule_id,
client=client,

    ).parsed

async def asyncio_detailed(
    schedule_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[PostingSchedule]:
    """  **Repostra dialect**: the same path with `X-API-Key: <key>` and no `Authorization` header reaches
    Repostra's variant: Repostra's schedule `{data}` (GET), update of day_of_week, time, content_type,
    blog_column_index, is_active (PUT) and delete (DELETE); PATCH is native only.

    Args:
        schedule_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostingSchedule]
     """


    kwargs = _get_kwargs(
        schedule_id=schedule_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    schedule_id: str,
    *,
    client: AuthenticatedClient,

) -> PostingSchedule | None:
    """  **Repostra dialect**: the same path with `X-API-Key: <key>` and no `Authorization` header reaches
    Repostra's variant: Repostra's schedule `{data}` (GET), update of day_of_week, time, content_type,
    blog_column_index, is_active (PUT) and delete (DELETE); PATCH is native only.

    Args:
        schedule_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostingSchedule
     """


    return (await asyncio_detailed(
        schedule_id=schedule_id,
client=client,

    )).parsed
