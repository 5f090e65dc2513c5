from typing import Literal

BulkStateEnum = Literal['draft', 'queue', 'scheduled']

BULK_STATE_ENUM_VALUES: set[BulkStateEnum] = { 'draft', 'queue', 'scheduled',  }

def check_bulk_state_enum(value: str) -> BulkStateEnum:
    if value in BULK_STATE_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {BULK_STATE_ENUM_VALUES!r}")
