from django.urls import path

from . import agenda, cycle_views, views

app_name = "events"
urlpatterns = [
    path("evenements/", views.event_list, name="list"),
    path("evenements/flux.rss", agenda.EventsFeed(), name="feed_rss"),
    path("evenements/flux.atom", agenda.EventsAtomFeed(), name="feed_atom"),
    path("donnees/evenements.csv", agenda.events_csv, name="open_data_csv"),
    path("donnees/evenements.json", agenda.events_json, name="open_data_json"),
    path("evenements.ics", views.events_ics, name="calendar"),
    path("evenements/archives/", views.EventArchiveView.as_view(), name="archive"),
    path("evenements/<slug:slug>.ics", views.event_ics, name="ics"),
    path("evenements/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("evenements/<slug:slug>/inscription/", views.EventRegisterView.as_view(), name="register"),
    path("ateliers/<slug:slug>/", cycle_views.WorkshopDetailView.as_view(), name="workshop"),
    path("ateliers/<slug:slug>/inscription/", cycle_views.CycleRegisterView.as_view(), name="cycle_register"),
    path("inscription/cycle/<slug:token>/", cycle_views.CycleView.as_view(), name="cycle"),
    path(
        "evenements/<slug:slug>/inscription-groupe/", views.GroupRegisterView.as_view(), name="group_register"
    ),
    path("inscription/<slug:token>/", views.RegistrationView.as_view(), name="registration"),
    path("inscription/<slug:token>/attestation.pdf", views.registration_certificate, name="certificate"),
    path("confidentialite/", views.PrivacyView.as_view(), name="privacy"),
]
