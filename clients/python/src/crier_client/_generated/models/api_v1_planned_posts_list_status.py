from typing import Literal

ApiV1PlannedPostsListStatus = Literal['drafted', 'failed', 'generating', 'planned']

API_V1_PLANNED_POSTS_LIST_STATUS_VALUES: set[ApiV1PlannedPostsListStatus] = { 'drafted', 'failed', 'generating', 'planned',  }

def check_api_v1_planned_posts_list_status(value: str) -> ApiV1PlannedPostsListStatus:
    if value in API_V1_PLANNED_POSTS_LIST_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_V1_PLANNED_POSTS_LIST_STATUS_VALUES!r}")
