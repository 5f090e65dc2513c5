from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.paginated_posting_schedule_list import PaginatedPostingScheduleList
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    account_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["account_id"] = account_id

    params["page"] = page

    params["per_page"] = per_page


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/posting-schedules",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PaginatedPostingScheduleList | None:
    if response.status_code == 200:
        response_200 = PaginatedPostingScheduleList.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PaginatedPostingScheduleList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,

) -> Response[PaginatedPostingScheduleList]:
    """  Weekly slots of the workspace's accounts; POST adds one.

    **Repostra dialect**: the same path with `X-API-Key: <key>` and no `Authorization` header reaches
    Repostra's variant: Repostra's schedule list `{data, meta}` (GET) and create with account_id,
    platform, day_of_week, time, content_type, blog_column_index, is_active (POST).

    Args:
        account_id (str | Unset):
        page (int | Unset):
        per_page (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPostingScheduleList]
     """


    kwargs = _get_kwargs(
        account_id=account_id,
page=page,
per_page=per_page,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,

) -> PaginatedPostingScheduleList | None:
    """  Weekly slots of the workspace's accounts; POST adds one.

    **Repostra dialect**: the same path with `X-API-Key: <key>` and no `Authorization` header reaches
    Repostra's variant: Repostra's schedule list `{data, meta}` (GET) and create with account_id,
    platform, day_of_week, time, content_type, blog_column_index, is_active (POST).

    Args:
        account_id (str | Unset):
        page (int | Unset):
        per_page (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPostingScheduleList
     """


    return sync_detailed(
        client=client,
account_id=account_id,
page=page,
per_page=per_page,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,

) -> Response[PaginatedPostingScheduleList]:
    """  Weekly slots of the workspace's accounts; POST adds one.

    **Repostra dialect**: the same path with `X-API-Key: <key>` and no `Authorization` header reaches
    Repostra's variant: Repostra's schedule list `{data, meta}` (GET) and create with account_id,
    platform, day_of_week, time, content_type, blog_column_index, is_active (POST).

    Args:
        account_id (str | Unset):
        page (int | Unset):
        per_page (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPostingScheduleList]
     """


    kwargs = _get_kwargs(
        account_id=account_id,
page=page,
per_page=per_page,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,

) -> PaginatedPostingScheduleList | None:
    """  Weekly slots of the workspace's accounts; POST adds one.

    **Repostra dialect**: the same path with `X-API-Key: <key>` and no `Authorization` header reaches
    Repostra's variant: Repostra's schedule list `{data, meta}` (GET) and create with account_id,
    platform, day_of_week, time, content_type, blog_column_index, is_active (POST).

    Args:
        account_id (str | Unset):
        page (int | Unset):
        per_page (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPostingScheduleList
     """


    return (await asyncio_detailed(
        client=client,
account_id=account_id,
page=page,
per_page=per_page,

    )).parsed
