from typing import Literal

ContentTypeEnum = Literal['evergreen', 'image', 'text', 'video']

CONTENT_TYPE_ENUM_VALUES: set[ContentTypeEnum] = { 'evergreen', 'image', 'text', 'video',  }

def check_content_type_enum(value: str) -> ContentTypeEnum:
    if value in CONTENT_TYPE_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CONTENT_TYPE_ENUM_VALUES!r}")
