from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.paginated_notification_list import PaginatedNotificationList
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    event: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    unread: bool | None | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["event"] = event

    params["page"] = page

    params["per_page"] = per_page

    json_unread: bool | None | Unset
    if isinstance(unread, Unset):
        json_unread = UNSET
    else:
        json_unread = unread
    params["unread"] = json_unread


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/notifications",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PaginatedNotificationList | None:
    if response.status_code == 200:
        response_200 = PaginatedNotificationList.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PaginatedNotificationList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    event: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    unread: bool | None | Unset = UNSET,

) -> Response[PaginatedNotificationList]:
    """  Newest first; `?unread=true` for what is left to read.

    Args:
        event (str | Unset):
        page (int | Unset):
        per_page (int | Unset):
        unread (bool | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedNotificationList]
     """


    kwargs = _get_kwargs(
        event=event,
page=page,
per_page=per_page,
unread=unread,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    event: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    unread: bool | None | Unset = UNSET,

) -> PaginatedNotificationList | None:
    """  Newest first; `?unread=true` for what is left to read.

    Args:
        event (str | Unset):
        page (int | Unset):
        per_page (int | Unset):
        unread (bool | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedNotificationList
     """


    return sync_detailed(
        client=client,
event=event,
page=page,
per_page=per_page,
unread=unread,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    event: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    unread: bool | None | Unset = UNSET,

) -> Response[PaginatedNotificationList]:
    """  Newest first; `?unread=true` for what is left to read.

    Args:
        event (str | Unset):
        page (int | Unset):
        per_page (int | Unset):
        unread (bool | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedNotificationList]
     """


    kwargs = _get_kwargs(
        event=event,
page=page,
per_page=per_page,
unread=unread,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    event: str | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    unread: bool | None | Unset = UNSET,

) -> PaginatedNotificationList | None:
    """  Newest first; `?unread=true` for what is left to read.

    Args:
        event (str | Unset):
        page (int | Unset):
        per_page (int | Unset):
        unread (bool | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedNotificationList
     """


    return (await asyncio_detailed(
        client=client,
event=event,
page=page,
per_page=per_page,
unread=unread,

    )).parsed
