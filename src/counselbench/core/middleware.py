"""Request-level guards: a domain error that escapes an HTML view becomes a page that says what
blocked the action; repeated API query parameters are refused."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from counselbench.core.errors import CoreErrorCode, DomainError, FieldError, error_payload


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        return render(request, "core/error.html", {"error": exception}, status=exception.status)


class SingleQueryValuesMiddleware:
    """API query parameters each take one value: `?language=en&language=es` is refused with a 422
    naming the parameter, rather than the API silently using the last one (found by the schema
    fuzzer). No API operation takes a list in its query string."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/v1/"):
            repeated = sorted(k for k in request.GET if len(request.GET.getlist(k)) > 1)
            if repeated:
                fields = [FieldError(f"query.{k}", "Give this parameter once.") for k in repeated]
                payload = error_payload(
                    CoreErrorCode.INVALID, "A query parameter was given more than once.", fields
                )
                return JsonResponse(payload, status=422)
        return self.get_response(request)
