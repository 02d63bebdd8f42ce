from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("evenements/", views.EventListView.as_view(), name="list"),
    path("evenements/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("ateliers/<slug:slug>/", views.WorkshopDetailView.as_view(), name="workshop"),
    path("inscription/<str:token>/", views.RegistrationView.as_view(), name="registration"),
]
