from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.social_account import SocialAccount
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    platform: str,
    *,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["code"] = code

    params["error"] = error

    params["error_description"] = error_description

    params["state"] = state


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/accounts/callback/{platform}".format(platform=quote(str(platform), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> SocialAccount | None:
    if response.status_code == 200:
        response_200 = SocialAccount.from_dict(response.json())



        return response_200

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
    platform: str,
    *,
    client: AuthenticatedClient,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> Response[SocialAccount]:
    """  Where the platform sends the user back. No API key: the single-use state is the proof.

    Args:
        platform (str):
        code (str | Unset):
        error (str | Unset):
        error_description (str | Unset):
        state (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SocialAccount]
     """


    kwargs = _get_kwargs(
        platform=platform,
code=code,
error=error,
error_description=error_description,
state=state,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    platform: str,
    *,
    client: AuthenticatedClient,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> SocialAccount | None:
    """  Where the platform sends the user back. No API key: the single-use state is the proof.

    Args:
        platform (str):
        code (str | Unset):
        error (str | Unset):
        error_description (str | Unset):
        state (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SocialAccount
     """


    return sync_detailed(
        platform=platform,
client=client,
code=code,
error=error,
error_description=error_description,
state=state,

    ).parsed

async def asyncio_detailed(
    platform: str,
    *,
    client: AuthenticatedClient,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> Response[SocialAccount]:
    """  Where the platform sends the user back. No API key: the single-use state is the proof.

    Args:
        platform (str):
        code (str | Unset):
        error (str | Unset):
        error_description (str | Unset):
        state (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SocialAccount]
     """


    kwargs = _get_kwargs(
        platform=platform,
code=code,
error=error,
error_description=error_description,
state=state,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    platform: str,
    *,
    client: AuthenticatedClient,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> SocialAccount | None:
    """  Where the platform sends the user back. No API key: the single-use state is the proof.

    Args:
        platform (str):
        code (str | Unset):
        error (str | Unset):
        error_description (str | Unset):
        state (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SocialAccount
     """


    return (await asyncio_detailed(
        platform=platform,
client=client,
code=code,
error=error,
error_description=error_description,
state=state,

    )).parsed
