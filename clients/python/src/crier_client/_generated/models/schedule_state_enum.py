from typing import Literal

ScheduleStateEnum = Literal['draft', 'scheduled']

SCHEDULE_STATE_ENUM_VALUES: set[ScheduleStateEnum] = { 'draft', 'scheduled',  }

def check_schedule_state_enum(value: str) -> ScheduleStateEnum:
    if value in SCHEDULE_STATE_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SCHEDULE_STATE_ENUM_VALUES!r}")
