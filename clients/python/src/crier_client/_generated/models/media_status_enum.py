from typing import Literal

MediaStatusEnum = Literal['failed', 'pending_upload', 'processing', 'ready']

MEDIA_STATUS_ENUM_VALUES: set[MediaStatusEnum] = { 'failed', 'pending_upload', 'processing', 'ready',  }

def check_media_status_enum(value: str) -> MediaStatusEnum:
    if value in MEDIA_STATUS_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MEDIA_STATUS_ENUM_VALUES!r}")
