"""Page pagination for every API list (`?page=&page_size=`) and every HTML list (`?page=`)."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Far beyond any real list, and small enough that page × size stays a valid SQL offset.
MAX_PAGE = 100_000


class PagePagination(PaginationBase):
    """`{"items": [...], "count": N, "page": P, "page_size": S, "next_page": P+1 | null}`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number")
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int
        next_page: int | None

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        count = self._items_count(queryset)
        return {
            "items": list(queryset[offset : offset + size]),
            "count": count,
            "page": pagination.page,
            "page_size": size,
            "next_page": pagination.page + 1 if offset + size < count else None,
        }


def page_of(request: HttpRequest, queryset: QuerySet, per_page: int = DEFAULT_PAGE_SIZE) -> Page:
    """The requested page of an HTML list; a malformed or out-of-range ?page= shows the first or
    the last page rather than an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
