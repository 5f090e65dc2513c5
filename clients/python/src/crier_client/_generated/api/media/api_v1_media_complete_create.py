from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.media import Media
from typing import cast



def _get_kwargs(
    media_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/media/{media_id}/complete".format(media_id=quote(str(media_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Media | None:
    if response.status_code == 200:
        response_200 = Media.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Media]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    media_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Media]:
    """  After the PUT to `uploadUrl`: check the bytes and make the media usable.

    Args:
        media_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Media]
     """


    kwargs = _get_kwargs(
        media_id=media_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    media_id: str,
    *,
    client: AuthenticatedClient,

) -> Media | None:
    """  After the PUT to `uploadUrl`: check the bytes and make the media usable.

    Args:
        media_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Media
     """


    return sync_detailed(
        media_id=media_id,
client=client,

    ).parsed

async def asyncio_detailed(
    media_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Media]:
    """  After the PUT to `uploadUrl`: check the bytes and make the media usable.

    Args:
        media_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Media]
     """


    kwargs = _get_kwargs(
        media_id=media_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    media_id: str,
    *,
    client: AuthenticatedClient,

) -> Media | None:
    """  After the PUT to `uploadUrl`: check the bytes and make the media usable.

    Args:
        media_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Media
     """


    return (await asyncio_detailed(
        media_id=media_id,
client=client,

    )).parsed
