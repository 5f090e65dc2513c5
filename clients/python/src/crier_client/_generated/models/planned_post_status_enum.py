from typing import Literal

PlannedPostStatusEnum = Literal['drafted', 'failed', 'generating', 'planned']

PLANNED_POST_STATUS_ENUM_VALUES: set[PlannedPostStatusEnum] = { 'drafted', 'failed', 'generating', 'planned',  }

def check_planned_post_status_enum(value: str) -> PlannedPostStatusEnum:
    if value in PLANNED_POST_STATUS_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PLANNED_POST_STATUS_ENUM_VALUES!r}")
