"""The 基层组织“3+1” report section on the demo tree: the real annual template writes it for 桐城市 and
every figure in it checks out against the engine."""

import pytest

from kexie.orgs.demo import build_demo
from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.orgs.scoping import access_for
from kexie.people.demo import add_demo_people
from kexie.reports.factcheck.services import Verdict, check_text
from kexie.reports.generator import generate


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    build_demo()
    add_demo_people()
    admin = Membership.objects.filter(role=Role.SYSADMIN, org_unit__depth=1).select_related("user").first()
    return access_for(admin.user, admin.pk)


def _report_section_checks_out(demo):
    unit = OrgUnit.objects.get(code="340881")
    draft = generate(demo, "annual", unit, "2024")
    headings = [b["text"] for b in draft.body["blocks"] if b["kind"] == "heading"]
    assert any(h.endswith("基层组织“3+1”") for h in headings)
    text, _ = draft.text_with_figures()
    assert "截至2024年末，全市乡镇科协组织建设率达20%。" in text
    assert "“三长”兼职总人数3人，有“三长”任职的乡镇（街道）科协占100%。" in text
    assert "截至2024年末，全市登记科技工作者5人，入库专家3人。" in text
    result = check_text(access=demo, text=text, period="2024", unit=unit)
    assert result.counts["inconsistent"] == 0, [
        (c.text, c.indicator.code, c.computed) for c in result.claims if c.verdict == Verdict.INCONSISTENT
    ]
    checked = {c.indicator.code for c in result.claims if c.verdict == Verdict.CONSISTENT}
    assert {
        "township_coverage",
        "posts_three_heads_people",
        "people_sci_workers",
        "people_experts",
    } <= checked


def _dashboard_card(demo, client):
    from django.urls import reverse

    from kexie.accounts.models import User

    client.force_login(User.objects.get(pk=demo.user_id))
    unit = OrgUnit.objects.get(code="340881")
    html = client.get(reverse("people:dashboard_card"), {"unit": unit.pk, "period": "2024"}).content.decode()
    assert 'data-indicator="township_coverage"' in html
    assert ">20.0<" in html
    assert ">3<" in html  # “三长”兼职总人数
    empty = client.get(
        reverse("people:dashboard_card"), {"unit": OrgUnit.objects.get(code="341700").pk, "period": "2024"}
    )
    assert 'data-indicator="township_coverage"' in empty.content.decode()  # its townships are loaded
    assert 'data-indicator="posts_three_heads_people"' not in empty.content.decode()  # no posts there
    client.force_login(User.objects.get(username="other_city_admin"))  # 池州市: 桐城 is out of its scope
    assert (
        client.get(reverse("people:dashboard_card"), {"unit": unit.pk, "period": "2024"}).status_code == 404
    )


def _three_heads_figure_links_to_its_posts(demo, client):
    from kexie.accounts.models import User
    from kexie.indicators.engine import evaluate

    unit = OrgUnit.objects.get(code="340881")
    value = evaluate(access=demo, indicators=["posts_three_heads_people"], periods=["2024"], unit=unit).value(
        "posts_three_heads_people", "2024"
    )
    assert "at=2024-12-31" in value.provenance
    client.force_login(User.objects.get(pk=demo.user_id))
    html = client.get(value.provenance).content.decode()
    for name in ("王建国", "张伟", "陈芳"):
        assert name in html
    for name in ("李明", "刘洋", "赵敏"):  # ended in 2023, 企业家, no source
        assert name not in html


def test_report_dashboard_and_links_on_the_demo(demo, client):
    """One demo tree (building it takes a while) for the three views of the same figures."""
    _report_section_checks_out(demo)
    _dashboard_card(demo, client)
    _three_heads_figure_links_to_its_posts(demo, client)
