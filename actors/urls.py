from django.urls import path

from . import views
from .proposals import actor_propose_view

app_name = "actors"
urlpatterns = [
    path("acteurs/", views.ActorListView.as_view(), name="list"),
    path("api/acteurs.geojson", views.actors_geojson, name="geojson"),
    path("acteurs/proposer/", actor_propose_view, name="propose"),
    path("acteurs/<slug:slug>/", views.ActorDetailView.as_view(), name="detail"),
]
