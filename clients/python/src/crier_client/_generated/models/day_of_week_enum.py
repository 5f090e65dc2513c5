from typing import Literal

DayOfWeekEnum = Literal['friday', 'monday', 'saturday', 'sunday', 'thursday', 'tuesday', 'wednesday']

DAY_OF_WEEK_ENUM_VALUES: set[DayOfWeekEnum] = { 'friday', 'monday', 'saturday', 'sunday', 'thursday', 'tuesday', 'wednesday',  }

def check_day_of_week_enum(value: str) -> DayOfWeekEnum:
    if value in DAY_OF_WEEK_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DAY_OF_WEEK_ENUM_VALUES!r}")
