"""API pagination, kept apart from the viewset base so DRF settings can import it early."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Stable pages over changing data; clients follow ``next``/``previous`` links."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"
