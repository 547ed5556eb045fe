"""The navigation: the four services + 组织建设 + 统计报表 + 系统管理. Items without a URL name are
sections not built yet; they lead to a page that says so plainly."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from kexie.orgs.scoping import Action


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str | None = None  # None → not built yet
    action: Action = Action.VIEW
    slug: str = ""
    query: str = ""  # e.g. "programme=academician_station": a list page filtered


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    items: tuple[Item, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "scientists",
        "服务科技工作者",
        (
            Item("科技工作者与专家", "people:list"),  # issue 11: the person registry
            Item("获奖与荣誉", "honours:list"),  # issue 11
            Item("评选与推荐", "honour_rounds:list"),  # issue 11
            Item("推荐人选", "nominations:list"),  # issue 11
            Item("荣誉项目", "honours:programmes"),  # issue 11
            Item("全国科技工作者日", slug="worker-day"),
        ),
    ),
    Section(
        "innovation",
        "服务创新驱动",
        (
            Item("院士专家工作站", "registries:list", query="programme=academician_station"),
            Item("海智计划", "registries:list", query="programme=haizhi_base,haizhi_station"),
            Item("学会服务站", "registries:list", query="programme=society_station,expert_station"),
        ),
    ),
    Section(
        "literacy",
        "科学素质",
        (
            Item("科普活动", "activities:list"),
            Item("批量导入科普活动", "imports:upload", Action.ENTER, slug="activities"),
            Item("活动品牌与类型", "activities:lists"),
            Item("科普基地", "registries:list", query="category=popsci_site"),
            Item("阵地与平台", "registries:list"),
            Item("科普设施", "facilities:list"),
            Item("青少年科技创新大赛", "contests:list"),  # issue 11
            Item("赛事", "contest_editions:list"),  # issue 11
            Item("科技志愿服务队", "volunteer_teams:list"),  # issue 11
            Item("科技志愿者", "volunteers:list"),  # issue 11
            Item("志愿服务时长", "volunteer_service:list"),  # issue 11
            Item("志愿者星级标准", "volunteer_stars:page"),  # issue 11
        ),
    ),
    Section(
        "decisions",
        "服务决策",
        (Item("建议征集", slug="suggestions"), Item("调研课题", slug="research")),
    ),
    Section(
        "organisation",
        "组织建设",
        (
            Item("组织机构", "orgs:tree"),
            Item("批量导入组织机构", "imports:upload", Action.MANAGE, slug="orgunits"),
            Item("科协领导班子", "posts:list"),  # issue 11: posts, 三长
        ),
    ),
    Section(
        "statistics",
        "统计报表",
        (
            Item("统计分析", "analytics:dashboard"),
            Item("统计年报", slug="statistics"),
            Item("工作报告", "reports:list"),
            Item("指标目录", "indicators:catalogue"),
            Item("荣誉与排名", "facts:list"),
            Item("数字核对", "reports:factcheck:check"),
        ),
    ),
    Section(
        "system",
        "系统管理",
        (
            Item("用户管理", "orgs:users", Action.MANAGE),
            Item("导入记录", "imports:batches", Action.VIEW),
            Item("个人信息查看记录", "people:access_log", Action.MANAGE),  # issue 11
        ),
    ),
)
UNBUILT = {item.slug: (section, item) for section in SECTIONS for item in section.items if not item.url_name}


def _url(item: Item) -> str:
    if item.url_name is None:
        return reverse("web:section", args=[item.slug])
    if item.slug:
        return reverse(item.url_name, args=[item.slug])
    return reverse(item.url_name) + (f"?{item.query}" if item.query else "")


def navigation_for(request) -> list[dict]:
    access = request.access
    path = request.path
    sections = []
    for section in SECTIONS:
        items = [
            {"label": i.label, "url": _url(i), "built": i.url_name is not None, "active": path == _url(i)}
            for i in section.items
            if access.can(i.action)
        ]
        if items:
            sections.append(
                {
                    "key": section.key,
                    "label": section.label,
                    "items": items,
                    "active": any(i["active"] for i in items),
                }
            )
    return sections
