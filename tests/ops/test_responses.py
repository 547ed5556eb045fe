"""What every response carries: no-store on a logged-in user's pages, and kexie's own Chinese error
pages (never Django's debug or English pages) when DEBUG is off."""

import pytest
from django.test import Client


@pytest.fixture
def filler_client(people):
    client = Client()
    client.force_login(people["county_filler"])
    return client


@pytest.mark.django_db
def test_pages_of_a_logged_in_user_are_never_stored(filler_client, people):
    for url in ("/", "/analytics/", "/orgs/", "/no-such-page/"):
        response = filler_client.get(url)
        assert response.status_code in {200, 404}, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


@pytest.mark.django_db
def test_anonymous_responses_are_left_alone(settings):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert not response.has_header("Cache-Control")


@pytest.mark.django_db
def test_not_found_page_is_chinese_without_debug_details(filler_client, settings):
    settings.DEBUG = False
    response = filler_client.get("/activities/999999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在，或您无权访问" in html
    assert "Traceback" not in html
    assert "URLconf" not in html


@pytest.mark.django_db
def test_csrf_failure_page_is_chinese(settings):
    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期，表单未提交" in response.content.decode()


@pytest.mark.django_db
def test_disallowed_host_gets_the_chinese_bad_request_page(settings):
    settings.DEBUG = False
    response = Client(HTTP_HOST="attacker.example").get("/accounts/login/")
    assert response.status_code == 400
    assert "请求有误，无法处理" in response.content.decode()


@pytest.mark.urls("tests.ops.error_urls")
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [("/boom/", 500, "系统出错"), ("/forbidden/", 403, "无权访问"), ("/bad/", 400, "请求有误")],
)
@pytest.mark.django_db
def test_error_pages_are_kexies_own(url, status, text, settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert text in html
    assert "boom" not in html  # the exception's text stays in the log
    assert "Traceback" not in html
