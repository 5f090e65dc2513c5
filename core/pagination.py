from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """`?page=N&per_page=M` pages; the envelope says how many there are in all."""

    page_size_query_param = "per_page"
    max_page_size = 200
