from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.post_series import PostSeries
from typing import cast



def _get_kwargs(
    post_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/analytics/posts/{post_id}".format(post_id=quote(str(post_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PostSeries | None:
    if response.status_code == 200:
        response_200 = PostSeries.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PostSeries]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    post_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[PostSeries]:
    """  Metrics of each of the post's deliveries over time (impressions, likes, comments,
    shares, clicks where the platform offers them; null where it does not).

    Args:
        post_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostSeries]
     """


    kwargs = _get_kwargs(
        post_id=post_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    post_id: str,
    *,
    client: AuthenticatedClient,

) -> PostSeries | None:
    """  Metrics of each of the post's deliveries over time (impressions, likes, comments,
    shares, clicks where the platform offers them; null where it does not).

    Args:
        post_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostSeries
     """


    return sync_detailed(
        post_id=post_id,
client=client,

    ).parsed

async def asyncio_detailed(
    post_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[PostSeries]:
    """  Metrics of each of the post's deliveries over time (impressions, likes, comments,
    shares, clicks where the platform offers them; null where it does not).

    Args:
        post_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostSeries]
     """


    kwargs = _get_kwargs(
        post_id=post_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    post_id: str,
    *,
    client: AuthenticatedClient,

) -> PostSeries | None:
    """  Metrics of each of the post's deliveries over time (impressions, likes, comments,
    shares, clicks where the platform offers them; null where it does not).

    Args:
        post_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostSeries
     """


    return (await asyncio_detailed(
        post_id=post_id,
client=client,

    )).parsed
