"""How django-axes names the account a failed sign-in was aimed at (allauth posts it as `login`)."""

from django.http import HttpRequest


def username_from_request(request: HttpRequest, credentials: dict | None) -> str | None:
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not name and request is not None and request.method == "POST":
        name = request.POST.get("login")
    return name.strip().lower() if name else None
