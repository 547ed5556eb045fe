"""The indicator catalogue page: every declared figure with its Chinese definition."""

from kexie.indicators import registry


def test_catalogue_lists_every_indicator_with_its_definition(tree, login):
    response = login("county_viewer").get("/indicators/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>指标目录 · 科协工作平台</title>" in body
    assert 'aria-current="page">指标目录</li>' in body  # breadcrumbs end with the page
    for ind in registry.indicators():
        assert f"<code>{ind.code}</code>" in body
        assert ind.name in body
        assert ind.description in body
    assert "流量（期间内发生）" in body
    assert "活动记录按“参与人次”求和" in body
    assert "科普活动参与人次 ÷ 科普活动场次" in body
    assert "活动类型、活动品牌、目标人群" in body


def test_catalogue_groups_indicators_by_section(tree, login):
    body = login("township_filler").get("/indicators/").content.decode()
    assert body.index("科普活动</h3>") < body.index("学术交流</h3>") < body.index("全部活动</h3>")


def test_catalogue_needs_a_login(tree, client):
    response = client.get("/indicators/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_without_membership_gets_404(tree, django_user_model, client):
    user = django_user_model.objects.create_user(
        username="nobody", password="pw-for-tests-1", full_name="nobody"
    )
    client.force_login(user)
    assert client.get("/indicators/").status_code == 404
