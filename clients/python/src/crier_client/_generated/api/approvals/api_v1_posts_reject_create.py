from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.post import Post
from ...models.reject_request import RejectRequest
from typing import cast



def _get_kwargs(
    post_id: str,
    *,
    body: RejectRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/posts/{post_id}/reject".format(post_id=quote(str(post_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Post | None:
    if response.status_code == 200:
        response_200 = Post.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Post]:
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
    body: RejectRequest,

) -> Response[Post]:
    """ 
    Args:
        post_id (str):
        body (RejectRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Post]
     """


    kwargs = _get_kwargs(
        post_id=post_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    post_id: str,
    *,
    client: AuthenticatedClient,
    body: RejectRequest,

) -> Post | None:
    """ 
    Args:
        post_id (str):
        body (RejectRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Post
     """


    return sync_detailed(
        post_id=post_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    post_id: str,
    *,
    client: AuthenticatedClient,
    body: RejectRequest,

) -> Response[Post]:
    """ 
    Args:
        post_id (str):
        body (RejectRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Post]
     """


    kwargs = _get_kwargs(
        post_id=post_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    post_id: str,
    *,
    client: AuthenticatedClient,
    body: RejectRequest,

) -> Post | None:
    """ 
    Args:
        post_id (str):
        body (RejectRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Post
     """


    return (await asyncio_detailed(
        post_id=post_id,
client=client,
body=body,

    )).parsed
