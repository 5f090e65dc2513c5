from typing import Literal

ApiV1MediaListStatus = Literal['failed', 'pending_upload', 'processing', 'ready']

API_V1_MEDIA_LIST_STATUS_VALUES: set[ApiV1MediaListStatus] = { 'failed', 'pending_upload', 'processing', 'ready',  }

def check_api_v1_media_list_status(value: str) -> ApiV1MediaListStatus:
    if value in API_V1_MEDIA_LIST_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_V1_MEDIA_LIST_STATUS_VALUES!r}")
