from django.urls import path

from . import api, selfservice_views, views
from .error_reports import error_report_view
from .open_data import actors_csv_fr, datapackage_json
from .proposals import actor_propose_view

app_name = "actors"
urlpatterns = [
    path("acteurs/", views.ActorListView.as_view(), name="list"),
    path("acteurs/proposer/", actor_propose_view, name="propose"),
    path("acteurs/<slug:slug>/", views.ActorDetailView.as_view(), name="detail"),
    path(
        "acteurs/<slug:slug>/mettre-a-jour/", selfservice_views.link_request_view, name="selfservice_request"
    ),
    path("fiche/modifier/<str:token>/", selfservice_views.edit_view, name="selfservice_edit"),
    path("fiche/validation/<str:token>/", selfservice_views.review_view, name="selfservice_review"),
    path("fiche/a-jour/<str:token>/", selfservice_views.freshness_view, name="freshness_confirm"),
    path("acteurs/<slug:slug>/signaler/", error_report_view, name="report_error"),
    path("carte/", views.map_page, name="map"),
    path("integrer/", views.EmbedBuilderView.as_view(), name="embed"),
    path("donnees/", views.OpenDataView.as_view(), name="open_data"),
    path("donnees/acteurs.csv", api.actors_csv, name="csv"),
    path("donnees/acteurs-fr.csv", actors_csv_fr, name="csv_fr"),
    path("donnees/datapackage.json", datapackage_json, name="datapackage"),
    path("api/acteurs.geojson", api.actors_geojson, name="geojson"),
]
