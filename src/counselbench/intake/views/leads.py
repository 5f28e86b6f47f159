from django.http import HttpResponse
from django.urls import path


def board(request):  # placeholder until the leads board lands
    return HttpResponse("Leads")


urlpatterns: list = [path("leads/", board, name="leads")]
