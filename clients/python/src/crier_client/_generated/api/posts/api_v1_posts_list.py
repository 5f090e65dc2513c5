from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.api_v1_posts_list_state import ApiV1PostsListState
from ...models.api_v1_posts_list_state import check_api_v1_posts_list_state
from ...models.paginated_post_list import PaginatedPostList
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    account_id: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    state: ApiV1PostsListState | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["account_id"] = account_id

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    params["page"] = page

    params["per_page"] = per_page

    json_state: str | Unset = UNSET
    if not isinstance(state, Unset):
        json_state = state

    params["state"] = json_state

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/posts",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PaginatedPostList | None:
    if response.status_code == 200:
        response_200 = PaginatedPostList.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PaginatedPostList]:
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
    from_: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    state: ApiV1PostsListState | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,

) -> Response[PaginatedPostList]:
    """  GET lists posts; POST creates them like `posts/schedule` (the document's `POST /posts`
    with a `{"bulk": ...}` body).

    Args:
        account_id (str | Unset):
        from_ (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        state (ApiV1PostsListState | Unset):
        to (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPostList]
     """


    kwargs = _get_kwargs(
        account_id=account_id,
from_=from_,
page=page,
per_page=per_page,
state=state,
to=to,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    state: ApiV1PostsListState | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,

) -> PaginatedPostList | None:
    """  GET lists posts; POST creates them like `posts/schedule` (the document's `POST /posts`
    with a `{"bulk": ...}` body).

    Args:
        account_id (str | Unset):
        from_ (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        state (ApiV1PostsListState | Unset):
        to (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPostList
     """


    return sync_detailed(
        client=client,
account_id=account_id,
from_=from_,
page=page,
per_page=per_page,
state=state,
to=to,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    state: ApiV1PostsListState | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,

) -> Response[PaginatedPostList]:
    """  GET lists posts; POST creates them like `posts/schedule` (the document's `POST /posts`
    with a `{"bulk": ...}` body).

    Args:
        account_id (str | Unset):
        from_ (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        state (ApiV1PostsListState | Unset):
        to (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPostList]
     """


    kwargs = _get_kwargs(
        account_id=account_id,
from_=from_,
page=page,
per_page=per_page,
state=state,
to=to,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    state: ApiV1PostsListState | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,

) -> PaginatedPostList | None:
    """  GET lists posts; POST creates them like `posts/schedule` (the document's `POST /posts`
    with a `{"bulk": ...}` body).

    Args:
        account_id (str | Unset):
        from_ (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        state (ApiV1PostsListState | Unset):
        to (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPostList
     """


    return (await asyncio_detailed(
        client=client,
account_id=account_id,
from_=from_,
page=page,
per_page=per_page,
state=state,
to=to,

    )).parsed
