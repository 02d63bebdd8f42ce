from django.urls import path

from . import api, views

app_name = "poles"
urlpatterns = [
    path("poles/", views.PoleListView.as_view(), name="list"),
    path("poles/<slug:slug>/", views.PoleDetailView.as_view(), name="detail"),
    path("api/poles.geojson", api.poles_geojson, name="geojson"),
]
