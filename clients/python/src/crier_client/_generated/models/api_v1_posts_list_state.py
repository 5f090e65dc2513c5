from typing import Literal

ApiV1PostsListState = Literal['cancelled', 'draft', 'failed', 'pending_approval', 'processing', 'published', 'publishing', 'queued', 'retrying', 'scheduled', 'unknown']

API_V1_POSTS_LIST_STATE_VALUES: set[ApiV1PostsListState] = { 'cancelled', 'draft', 'failed', 'pending_approval', 'processing', 'published', 'publishing', 'queued', 'retrying', 'scheduled', 'unknown',  }

def check_api_v1_posts_list_state(value: str) -> ApiV1PostsListState:
    if value in API_V1_POSTS_LIST_STATE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_V1_POSTS_LIST_STATE_VALUES!r}")
