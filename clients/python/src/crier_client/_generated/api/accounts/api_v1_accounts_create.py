from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.social_account import SocialAccount
from ...models.token_connect_request import TokenConnectRequest
from typing import cast



def _get_kwargs(
    *,
    body: TokenConnectRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/accounts",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> SocialAccount | None:
    if response.status_code == 201:
        response_201 = SocialAccount.from_dict(response.json())



        return response_201

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[SocialAccount]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TokenConnectRequest,

) -> Response[SocialAccount]:
    """  Connect a token platform (bluesky, mastodon, telegram, wordpress, webhook): the credentials are
    verified with the platform before they are stored.

    Args:
        body (TokenConnectRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SocialAccount]
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
    body: TokenConnectRequest,

) -> SocialAccount | None:
    """  Connect a token platform (bluesky, mastodon, telegram, wordpress, webhook): the credentials are
    verified with the platform before they are stored.

    Args:
        body (TokenConnectRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SocialAccount
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TokenConnectRequest,

) -> Response[SocialAccount]:
    """  Connect a token platform (bluesky, mastodon, telegram, wordpress, webhook): the credentials are
    verified with the platform before they are stored.

    Args:
        body (TokenConnectRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SocialAccount]
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
    body: TokenConnectRequest,

) -> SocialAccount | None:
    """  Connect a token platform (bluesky, mastodon, telegram, wordpress, webhook): the credentials are
    verified with the platform before they are stored.

    Args:
        body (TokenConnectRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SocialAccount
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
