from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("evenements/", views.EventListView.as_view(), name="list"),
    path("evenements.ics", views.events_ics, name="calendar"),
    path("evenements/archives/", views.EventArchiveView.as_view(), name="archive"),
    path("evenements/<slug:slug>.ics", views.event_ics, name="ics"),
    path("evenements/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("evenements/<slug:slug>/inscription/", views.EventRegisterView.as_view(), name="register"),
    path(
        "evenements/<slug:slug>/inscription-groupe/", views.GroupRegisterView.as_view(), name="group_register"
    ),
    path("ateliers/<slug:slug>/", views.WorkshopDetailView.as_view(), name="workshop"),
    path("inscription/<slug:token>/", views.RegistrationView.as_view(), name="registration"),
    path("inscription/<slug:token>/attestation.pdf", views.registration_certificate, name="certificate"),
    path("confidentialite/", views.PrivacyView.as_view(), name="privacy"),
]
