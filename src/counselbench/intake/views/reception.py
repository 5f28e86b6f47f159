from django.http import HttpResponse
from django.urls import path


def log(request):  # placeholder until the reception log lands
    return HttpResponse("Reception")


urlpatterns: list = [path("reception/", log, name="reception")]
