from django.urls import path

from . import views

app_name = "poles"
urlpatterns = [
    path("poles/", views.PoleListView.as_view(), name="list"),
    path("poles/<slug:slug>/", views.PoleDetailView.as_view(), name="detail"),
]
