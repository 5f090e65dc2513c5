from typing import Literal

ApiV1AccountsNextSlotRetrieveContentType = Literal['evergreen', 'image', 'text', 'video']

API_V1_ACCOUNTS_NEXT_SLOT_RETRIEVE_CONTENT_TYPE_VALUES: set[ApiV1AccountsNextSlotRetrieveContentType] = { 'evergreen', 'image', 'text', 'video',  }

def check_api_v1_accounts_next_slot_retrieve_content_type(value: str) -> ApiV1AccountsNextSlotRetrieveContentType:
    if value in API_V1_ACCOUNTS_NEXT_SLOT_RETRIEVE_CONTENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_V1_ACCOUNTS_NEXT_SLOT_RETRIEVE_CONTENT_TYPE_VALUES!r}")
