from typing import Literal

UploadUrlRequestTypeEnum = Literal['image', 'video']

UPLOAD_URL_REQUEST_TYPE_ENUM_VALUES: set[UploadUrlRequestTypeEnum] = { 'image', 'video',  }

def check_upload_url_request_type_enum(value: str) -> UploadUrlRequestTypeEnum:
    if value in UPLOAD_URL_REQUEST_TYPE_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {UPLOAD_URL_REQUEST_TYPE_ENUM_VALUES!r}")
