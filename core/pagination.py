from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class PagePagination(PageNumberPagination):
    """`?page=N&per_page=M` pages; the envelope says how many there are in all."""

    page_size_query_param = "per_page"
    max_page_size = 200


class SummarizedPagination(PagePagination):
    """A page with fields about the whole list beside it (counts per account, unread): the
    view sets `summary` before the page is answered."""

    summary: dict[str, Any]

    def get_paginated_response(self, data: list) -> Response:
        response = super().get_paginated_response(data)
        response.data.update(self.summary)
        return response
