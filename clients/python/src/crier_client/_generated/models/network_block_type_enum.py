from typing import Literal

NetworkBlockTypeEnum = Literal['article', 'carousel', 'link', 'photo', 'reel', 'status', 'story', 'video']

NETWORK_BLOCK_TYPE_ENUM_VALUES: set[NetworkBlockTypeEnum] = { 'article', 'carousel', 'link', 'photo', 'reel', 'status', 'story', 'video',  }

def check_network_block_type_enum(value: str) -> NetworkBlockTypeEnum:
    if value in NETWORK_BLOCK_TYPE_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {NETWORK_BLOCK_TYPE_ENUM_VALUES!r}")
