"""The account pages, under /admin/ (included before the admin site, whose login page this replaces)."""

from django.urls import path

from . import legal, views

app_name = "accounts"

urlpatterns = [
    path("admin/connexion/code/", views.login_code, name="login_code"),
    path("admin/deux-facteurs/", views.two_factor, name="two_factor"),
    path("admin/invitation/<str:token>/", views.invitation, name="invitation"),
]

#: Outside the namespace: the names Django's admin and auth templates look for.
root_urlpatterns = [
    path("admin/login/", views.login, name="admin_login"),
    path("admin/mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="admin_password_reset"),
    path(
        "admin/mot-de-passe-oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="admin_password_reset_done",
    ),
    path(
        "admin/nouveau-mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/nouveau-mot-de-passe/fait/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

legal_urlpatterns = [
    path("mentions-legales/", legal.LegalNoticeView.as_view(), name="legal_notice"),
    path("accessibilite/", legal.AccessibilityView.as_view(), name="accessibility"),
]
