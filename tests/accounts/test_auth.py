"""Login, logout, password change and lock-out after repeated failures (django-axes)."""

import pytest
from django.test import Client

from tests.factories import PASSWORD


def test_pages_require_login(tree):
    response = Client().get("/orgs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_chinese(db):
    body = Client().get("/accounts/login/").content.decode()
    assert "登录" in body
    assert 'lang="zh-CN"' in body


def test_login_with_the_right_password(people):
    client = Client()
    response = client.post("/accounts/login/", {"username": "county_filler", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_chinese_message(people):
    response = Client().post("/accounts/login/", {"username": "county_filler", "password": "nope"})
    assert "用户名或密码不正确" in response.content.decode()


def test_lockout_after_repeated_failures_even_with_the_right_password(people, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "county_filler", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "county_filler", "password": PASSWORD})
    assert response.status_code == 429
    body = response.content.decode()
    assert "账号已暂时锁定" in body
    assert "请在 30分钟 后再试" in body  # the cool-off said in Chinese, not as PT30M
    assert "PT30M" not in body
    assert Client().get("/orgs/").status_code == 302  # still not logged in


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(30, "30分钟"), (60, "1小时"), (90, "1小时30分钟"), (2 * 24 * 60, "2天"), (0.2, "1分钟")],
)
def test_a_cool_off_is_said_in_chinese(minutes, text):
    from datetime import timedelta

    from kexie.web.templatetags.durations import duration_zh

    assert duration_zh(timedelta(minutes=minutes)) == text


def test_lockout_is_per_user(people, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "county_filler", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "county_admin", "password": PASSWORD})
    assert response.status_code == 302


def test_disabled_user_cannot_log_in(people):
    user = people["county_filler"]
    user.is_active = False
    user.save()
    response = Client().post("/accounts/login/", {"username": "county_filler", "password": PASSWORD})
    assert response.status_code == 200  # form re-rendered, no session


def test_logout_is_post_only_and_ends_the_session(login):
    client = login("county_filler")
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("new", "fragment"), [("short", "太短"), ("12345678901", "数字"), ("password123", "太常见")]
)
def test_password_change_enforces_the_policy(login, new, fragment):
    response = login("county_filler").post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert fragment in response.content.decode()


def test_password_change_works(people, login):
    client = login("county_filler")
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Kexie-new-2026", "new_password2": "Kexie-new-2026"},
    )
    assert response.status_code == 302
    people["county_filler"].refresh_from_db()
    assert people["county_filler"].check_password("Kexie-new-2026")
