"""The org tree (OrgUnit, a treebeard materialized path) and memberships (user, unit, role)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node


class Level(models.IntegerChoices):
    """Administrative roll-up level (domain.md §1.2)."""

    NATIONAL = 0, "全国"
    PROVINCIAL = 1, "省级"
    PREFECTURE = 2, "地市级"
    COUNTY = 3, "县级"
    TOWNSHIP = 4, "乡镇（街道）级"
    VILLAGE = 5, "村（社区）级"


class OrgType(models.TextChoices):
    """科协 body types on the territorial chain (§1.2) and beside it (§1.4)."""

    NATIONAL = "national", "全国科协"
    PROVINCIAL = "provincial", "省级科协"
    SUB_PROVINCIAL = "sub_provincial", "副省级城市科协"
    MUNICIPAL = "municipal", "市级科协"
    COUNTY = "county", "县级科协"
    TOWNSHIP = "township", "乡镇科协"
    SUBDISTRICT = "subdistrict", "街道科协"
    VILLAGE = "village", "村（社区）科协"
    SOCIETY = "society", "学会"
    ENTERPRISE = "enterprise", "企业科协"
    UNIVERSITY = "university", "高校科协"
    PARK = "park", "园区科协"
    RURAL_TECH = "rural_tech", "农技协"
    OTHER = "other", "其他"


# Territorial types have a fixed level; side types take the level of the unit they hang under.
TERRITORIAL_LEVEL: dict[str, int] = {
    OrgType.NATIONAL: Level.NATIONAL,
    OrgType.PROVINCIAL: Level.PROVINCIAL,
    OrgType.SUB_PROVINCIAL: Level.PREFECTURE,
    OrgType.MUNICIPAL: Level.PREFECTURE,
    OrgType.COUNTY: Level.COUNTY,
    OrgType.TOWNSHIP: Level.TOWNSHIP,
    OrgType.SUBDISTRICT: Level.TOWNSHIP,
    OrgType.VILLAGE: Level.VILLAGE,
}


class OrgUnit(MP_Node):
    """A 科协 body: one node of the org tree. Closed units stay in the tree with `active_to` set."""

    code = models.CharField("机构代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=30, blank=True)
    org_type = models.CharField("类型", max_length=20, choices=OrgType.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    region_code = models.CharField("区划代码", max_length=12, blank=True)
    region_code_year = models.PositiveSmallIntegerField("区划代码版本年份", null=True, blank=True)
    active_from = models.DateField("成立日期", null=True, blank=True)
    active_to = models.DateField("撤销日期", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["numchild", "depth"])

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        indexes = [models.Index(fields=["org_type", "level"]), models.Index(fields=["region_code"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True)
                | models.Q(active_from__isnull=True)
                | models.Q(active_to__gte=models.F("active_from")),
                name="orgunit_active_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.active_to is None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "系统管理员"
    ADMIN = "admin", "管理员"
    FILLER = "filler", "填报员"
    REVIEWER = "reviewer", "审核员"
    VIEWER = "viewer", "查看者"


class Membership(models.Model):
    """A user's role at an org unit; the grant covers the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "成员角色"
        verbose_name_plural = "成员角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "org_unit", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.org_unit} · {self.get_role_display()}"
