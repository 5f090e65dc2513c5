from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.api_v1_accounts_next_slot_retrieve_content_type import ApiV1AccountsNextSlotRetrieveContentType
from ...models.api_v1_accounts_next_slot_retrieve_content_type import check_api_v1_accounts_next_slot_retrieve_content_type
from ...models.next_slot import NextSlot
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    account_id: str,
    *,
    content_type: ApiV1AccountsNextSlotRetrieveContentType | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_content_type: str | Unset = UNSET
    if not isinstance(content_type, Unset):
        json_content_type = content_type

    params["content_type"] = json_content_type


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/accounts/{account_id}/next-slot".format(account_id=quote(str(account_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> NextSlot | None:
    if response.status_code == 200:
        response_200 = NextSlot.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[NextSlot]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient,
    content_type: ApiV1AccountsNextSlotRetrieveContentType | Unset = UNSET,

) -> Response[NextSlot]:
    """ 
    Args:
        account_id (str):
        content_type (ApiV1AccountsNextSlotRetrieveContentType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NextSlot]
     """


    kwargs = _get_kwargs(
        account_id=account_id,
content_type=content_type,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    account_id: str,
    *,
    client: AuthenticatedClient,
    content_type: ApiV1AccountsNextSlotRetrieveContentType | Unset = UNSET,

) -> NextSlot | None:
    """ 
    Args:
        account_id (str):
        content_type (ApiV1AccountsNextSlotRetrieveContentType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NextSlot
     """


    return sync_detailed(
        account_id=account_id,
client=client,
content_type=content_type,

    ).parsed

async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient,
    content_type: ApiV1AccountsNextSlotRetrieveContentType | Unset = UNSET,

) -> Response[NextSlot]:
    """ 
    Args:
        account_id (str):
        content_type (ApiV1AccountsNextSlotRetrieveContentType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NextSlot]
     """


    kwargs = _get_kwargs(
        account_id=account_id,
content_type=content_type,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient,
    content_type: ApiV1AccountsNextSlotRetrieveContentType | Unset = UNSET,

) -> NextSlot | None:
    """ 
    Args:
        account_id (str):
        content_type (ApiV1AccountsNextSlotRetrieveContentType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NextSlot
     """


    return (await asyncio_detailed(
        account_id=account_id,
client=client,
content_type=content_type,

    )).parsed
