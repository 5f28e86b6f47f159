"""PDF documents rendered by WeasyPrint from the same templates the pages use.

WeasyPrint needs the Pango library on the server (most Linux images have it; see the README).
Without it, `render_pdf` raises `PdfUnavailable` and views answer 503 with what to do instead.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify


class PdfUnavailable(RuntimeError):
    """The PDF engine cannot run on this server (WeasyPrint or Pango is missing)."""


def _html_class():  # imported late: loading WeasyPrint loads Pango, which may be missing
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    return HTML


def render_pdf(request: HttpRequest, template: str, context: dict) -> bytes:
    """The template rendered as HTML for the request, then laid out as a PDF."""
    html = render_to_string(template, context, request=request)
    return _html_class()(string=html, base_url=request.build_absolute_uri("/")).write_pdf()


def pdf_response(
    request: HttpRequest, template: str, context: dict, *, filename: str
) -> HttpResponse:
    """A PDF download, or a 503 page explaining that this server cannot make PDFs."""
    try:
        pdf = render_pdf(request, template, context)
    except PdfUnavailable:
        return HttpResponse(
            render_to_string("core/pdf_unavailable.html", request=request), status=503
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.pdf"'
    return response
