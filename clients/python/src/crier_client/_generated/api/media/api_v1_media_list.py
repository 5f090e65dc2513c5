from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.api_v1_media_list_status import ApiV1MediaListStatus
from ...models.api_v1_media_list_status import check_api_v1_media_list_status
from ...models.paginated_media_list import PaginatedMediaList
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    status: ApiV1MediaListStatus | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["page"] = page

    params["per_page"] = per_page

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/media",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PaginatedMediaList | None:
    if response.status_code == 200:
        response_200 = PaginatedMediaList.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PaginatedMediaList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    status: ApiV1MediaListStatus | Unset = UNSET,

) -> Response[PaginatedMediaList]:
    """  GET lists the workspace's media; POST uploads one file (multipart, streamed to disk).

    Args:
        page (int | Unset):
        per_page (int | Unset):
        status (ApiV1MediaListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedMediaList]
     """


    kwargs = _get_kwargs(
        page=page,
per_page=per_page,
status=status,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    status: ApiV1MediaListStatus | Unset = UNSET,

) -> PaginatedMediaList | None:
    """  GET lists the workspace's media; POST uploads one file (multipart, streamed to disk).

    Args:
        page (int | Unset):
        per_page (int | Unset):
        status (ApiV1MediaListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedMediaList
     """


    return sync_detailed(
        client=client,
page=page,
per_page=per_page,
status=status,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    status: ApiV1MediaListStatus | Unset = UNSET,

) -> Response[PaginatedMediaList]:
    """  GET lists the workspace's media; POST uploads one file (multipart, streamed to disk).

    Args:
        page (int | Unset):
        per_page (int | Unset):
        status (ApiV1MediaListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedMediaList]
     """


    kwargs = _get_kwargs(
        page=page,
per_page=per_page,
status=status,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    status: ApiV1MediaListStatus | Unset = UNSET,

) -> PaginatedMediaList | None:
    """  GET lists the workspace's media; POST uploads one file (multipart, streamed to disk).

    Args:
        page (int | Unset):
        per_page (int | Unset):
        status (ApiV1MediaListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedMediaList
     """


    return (await asyncio_detailed(
        client=client,
page=page,
per_page=per_page,
status=status,

    )).parsed
