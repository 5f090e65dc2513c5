from typing import Literal

OutcomeEnum = Literal['auth_expired', 'failed', 'processing', 'published', 'rate_limited', 'retry', 'unknown']

OUTCOME_ENUM_VALUES: set[OutcomeEnum] = { 'auth_expired', 'failed', 'processing', 'published', 'rate_limited', 'retry', 'unknown',  }

def check_outcome_enum(value: str) -> OutcomeEnum:
    if value in OUTCOME_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OUTCOME_ENUM_VALUES!r}")
