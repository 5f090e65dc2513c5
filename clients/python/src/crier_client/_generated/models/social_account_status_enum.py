from typing import Literal

SocialAccountStatusEnum = Literal['active', 'disabled', 'needs_reauth']

SOCIAL_ACCOUNT_STATUS_ENUM_VALUES: set[SocialAccountStatusEnum] = { 'active', 'disabled', 'needs_reauth',  }

def check_social_account_status_enum(value: str) -> SocialAccountStatusEnum:
    if value in SOCIAL_ACCOUNT_STATUS_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SOCIAL_ACCOUNT_STATUS_ENUM_VALUES!r}")
