import pytest


@pytest.mark.django_db
def test_the_site_is_french_whatever_the_browser_prefers(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switcher_selects_english_for_the_visitor(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_french(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/").headers["Content-Language"] == "fr"


@pytest.mark.django_db
def test_the_admin_titles_follow_the_visitor_language(admin_client, settings):
    assert "Back-office des pôles" in admin_client.get("/admin/").content.decode()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Back-office of the poles" in admin_client.get("/admin/").content.decode()
