"""人员 (the person registry) as a record type of the record layer: list, detail, form, import and
export derived from this declaration; every rule in services.py, every read in selectors.py.

PIPL on the layer: the 证件号码 field is the stored mask — the form takes a whole number on entry (kept
as fingerprint + mask), the detail, list and export show the mask only; the phone is an import column
but never a form input on edit, never on the detail page or in the history (shown masked by the
detail panel, revealed by the logged 查看完整号码 action), and the export leaves it out unless a
管理员 of the keeping unit ticks it (people.views.person_export).
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from kexie.core.errors import DomainError
from kexie.orgs.scoping import Action, scope
from kexie.people import selectors, services
from kexie.people.models import Person, Position, Post, PostSource, Role, TitleLevel
from kexie.records.declarations import Declaration, Field, Filter, ListColumn, Texts, register
from kexie.records.forms import SensitiveInput


def _existing(access, values) -> Person | None:
    """The person an import row names by its natural key (a re-imported export: the mask unchanged)."""
    masked = str(values.get("id_masked") or "")
    if "*" not in masked or values.get("org_unit") is None:
        return None
    return (
        scope(Person.objects.filter(merged_into__isnull=True), access, Action.ENTER)
        .filter(org_unit=values["org_unit"], name=str(values.get("name") or "").strip(), id_masked=masked)
        .first()
    )


def _linked(exc: DomainError) -> DomainError:
    """A duplicate's message with a link to the registered person (the form shows it as a link)."""
    if isinstance(exc, services.DuplicatePersonError):
        existing = exc.existing
        exc.message = format_html(
            '证件号码与已登记的 <a href="{}">{}</a>相同。',
            reverse("people:detail", args=[existing.pk]),
            selectors.person_label(existing),
        )
    return exc


def _create(*, access, actor, values):
    try:
        return services.person_create(access=access, actor=actor, values=values)
    except DomainError as exc:
        raise _linked(exc) from None


def _update(*, access, actor, record, values):
    try:
        return services.person_update(access=access, actor=actor, person=record, values=values)
    except DomainError as exc:
        raise _linked(exc) from None


def _delete(*, access, actor, record):
    services.person_delete(access=access, actor=actor, person=record)


def _validate(*, access, values):
    services.check_person(access=access, values=values, person=_existing(access, values))


def _roles(person: Person):
    return format_html_join(
        " ", '<span class="badge bg-blue-lt">{}</span>', ((label,) for label in selectors.role_labels(person))
    )


def _role_field():
    return forms.MultipleChoiceField(
        label="人员身份",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="可多选；同一个人只登记一次，以身份区分（科技工作者、专家、科技志愿者……）",
        error_messages={"required": "请至少选择一种人员身份。"},
    )


def _phone_field():
    return forms.CharField(
        label="手机号码",
        required=False,
        max_length=20,
        widget=SensitiveInput(attrs={"class": "form-control", "inputmode": "tel"}, label="手机号码"),
        help_text="11位手机号码；登记后只显示打码号码（138****1234）",
    )


def _detail_context(*, access, record):
    return {
        "masked_phone": selectors.masked_phone(record),
        "can_see_phone": bool(record.phone) and services.can_see_phone(access, record),
        "can_enter": access.covers(record.org_unit, Action.ENTER) and record.merged_into_id is None,
        "can_merge": access.covers(record.org_unit, Action.MANAGE) and record.merged_into_id is None,
        "roles": list(record.roles.all()),
        "role_choices": Role.choices,
        "posts": list(selectors.posts_of(access=access, person=record)),
        "merged_from": list(
            scope(record.merged_from.all(), access, Action.VIEW) if record.merged_from.exists() else []
        ),
    }


PEOPLE = Declaration(
    key="people",
    model=Person,
    label="人员",
    namespace="people",
    section="人员",
    fields=(
        Field("org_unit", aliases=("建档单位代码", "单位", "单位代码"), example="340822"),
        Field("name", aliases=("名字",), example="张三"),
        Field("gender", example="男"),
        Field("birth_date", aliases=("出生年月",), example="1980-01-01"),
        Field(
            "id_masked",
            label="证件号码",
            help="18位居民身份证号码；系统只保存打码后的号码和用于查重的指纹，不保存完整号码",
            aliases=("身份证号", "身份证号码", "证件号", "公民身份号码"),
            example="340822198001010011",
            width=22,
            sensitive=True,
        ),
        Field(
            "phone",
            form=False,
            detail=False,
            aliases=("手机", "手机号", "联系电话"),
            width=14,
            sensitive=True,
        ),
        Field("employer", aliases=("单位名称", "所在单位"), example="怀宁县农业技术推广中心", width=28),
        Field("title", aliases=("专业技术职称",), example="高级农艺师"),
        Field("title_level", aliases=("职称等级",), example="副高级"),
        Field("field", aliases=("专业", "研究领域"), example="农学"),
        Field("education", aliases=("最高学历",), example="大学本科"),
    ),
    filters=(
        Filter("q", "关键词", "text", lookups=("name", "employer"), placeholder="姓名或工作单位"),
        Filter("role", "身份", "choice", lookup="roles__role", choices=Role.choices),
        Filter("title_level", "职称级别", "choice", lookup="title_level", choices=TitleLevel.choices),
        Filter("field", "专业领域", "text", lookups=("field",), placeholder="如 农学"),
        Filter("unit", "建档单位", "unit"),
        Filter(
            "at",
            "在库日期",
            "date",
            q=selectors.role_in_force_q,
            q_with=("role",),
            help="只列这一天身份有效的人员（身份起始日期不晚于该日，截止日期为空或不早于该日）",
        ),
    ),
    columns=(
        ListColumn("姓名", field="name", link=True),
        ListColumn("身份", render=_roles),
        ListColumn("工作单位", field="employer", css="d-none d-md-table-cell"),
        ListColumn("职称", field="title", css="d-none d-md-table-cell"),
        ListColumn("手机号码", render=selectors.masked_phone, css="d-none d-lg-table-cell text-nowrap"),
        ListColumn("建档单位", field="org_unit", css="d-none d-lg-table-cell"),
    ),
    texts=Texts(
        intro="这里登记本单位及下级联系的科技工作者、专家、科技志愿者、科普信息员等人员：每人只登记一次，用“身份”区分；"
        "荣誉、竞赛和志愿服务名单导入时会自动关联到这里的人员。证件号码只保存打码后的号码，手机号码只对建档单位的管理员显示。",
        create="登记人员",
        empty_can_enter="还没有登记任何人员",
        empty_hint_can_enter="点击“登记人员”逐个登记，或用“批量导入”上传已有的人才库、专家库名单；证件号码相同的人员会被提示重复。",
        empty="本单位及下级还没有登记人员",
        empty_hint="由各单位的填报员登记；登记后会显示在这里。",
        form_hint="证件号码用于查重：与已登记人员相同时会提示并给出链接。修改时证件号码显示为打码号码，不改就保持原样。",
        noun="人员记录",
    ),
    create=_create,
    update=_update,
    delete=_delete,
    validate=_validate,
    get=selectors.person_get,
    list_queryset=selectors.person_list,
    title=lambda person: person.name,
    natural_key=("org_unit", "name", "id_masked"),
    create_extras=(("roles", _role_field), ("phone", _phone_field)),
    detail_extra="people/_person_extra.html",
    detail_context=_detail_context,
    history_hidden=frozenset({"created_at", "updated_at", "created_by", "id_hash", "phone", "merged_into"}),
    ordering=("name", "pk"),
    import_description="批量登记或更新人员。导入的新人员登记为“科技工作者”，其他身份可在人员页面添加。"
    "建档单位、姓名和证件号码（导出文件中的打码号码）相同的行会更新已有人员；证件号码与已登记人员相同的行会被指出。",
)

register(PEOPLE)


# --------------------------------------------------------------------------- 任职 (科协领导班子)


def _post_create(*, access, actor, values):
    return services.post_create(access=access, actor=actor, values=values)


def _post_update(*, access, actor, record, values):
    return services.post_update(access=access, actor=actor, post=record, values=values)


def _post_delete(*, access, actor, record):
    services.post_delete(access=access, actor=actor, post=record)


def _post_validate(*, access, values):
    services.check_post(access=access, values=values)


def _term(post: Post) -> str:
    end = f"{post.term_end:%Y-%m-%d}" if post.term_end else "今"
    return f"{post.term_start:%Y-%m-%d} 至 {end}"


def _person_link(post: Post):
    return format_html(
        '<a href="{}">{}</a>', reverse("people:detail", args=[post.person_id]), post.person.name
    )


POSTS = Declaration(
    key="posts",
    model=Post,
    label="科协领导班子",
    namespace="posts",
    section="组织建设",
    fields=(
        Field("org_unit", aliases=("单位", "单位代码", "任职单位代码"), example="340822100000"),
        Field(
            "person",
            options=lambda access: selectors.person_list(access=access).order_by("name"),
            help="先在“人员”中登记；导入时填写人员姓名",
            aliases=("姓名", "人员"),
            example="张三",
        ),
        Field("position", aliases=("担任职务",), example="兼职副主席"),
        Field(
            "source",
            help="“三长”（医院院长、学校校长、农技站站长）和企业家兼职时选择",
            aliases=("来源",),
            example="医院院长",
        ),
        Field("source_org", aliases=("原单位", "所在单位"), example="高河镇中心卫生院", width=28),
        Field("term_start", aliases=("任职时间", "开始日期"), example="2023-01-01"),
        Field("term_end", aliases=("结束日期", "离任日期")),
        Field("note", aliases=("说明",)),
    ),
    filters=(
        Filter("q", "关键词", "text", lookups=("person__name", "source_org"), placeholder="姓名或来源单位"),
        Filter("position", "职务", "choice", lookup="position", choices=Position.choices),
        Filter("source", "来源身份", "choice", lookup="source", choices=PostSource.choices, many=True),
        Filter("at", "某日在任", "date", q=selectors.in_office_q),
        Filter("unit", "任职单位", "unit"),
    ),
    columns=(
        ListColumn("姓名", render=_person_link),
        ListColumn("职务", field="position", link=True),
        ListColumn("来源身份", field="source"),
        ListColumn("来源单位", field="source_org", css="d-none d-md-table-cell"),
        ListColumn("任期", render=_term, css="text-nowrap"),
        ListColumn("任职单位", field="org_unit", css="d-none d-lg-table-cell"),
    ),
    texts=Texts(
        intro="这里登记各级科协（特别是乡镇、街道科协）的主席、副主席、兼职副主席、挂职副主席、秘书长和委员及其任期；"
        "“三长”和企业家兼职要选来源身份。乡镇科协“3+1”覆盖率和“三长”兼职人数由这里的记录计算。",
        create="登记任职",
        empty_can_enter="还没有登记科协领导班子",
        empty_hint_can_enter="先在“人员”中登记任职人员，再点击“登记任职”；也可以“批量导入”。",
        empty="本单位及下级还没有登记科协领导班子",
        empty_hint="由各单位的填报员登记；登记后会显示在这里。",
        form_hint="任期未结束的，结束日期留空。",
        noun="任职记录",
    ),
    create=_post_create,
    update=_post_update,
    delete=_post_delete,
    validate=_post_validate,
    get=selectors.post_get,
    list_queryset=selectors.post_list,
    title=lambda post: f"{post.person.name}（{post.org_unit.name}{post.get_position_display()}）",
    natural_key=("org_unit", "person", "position", "term_start"),
    ordering=("org_unit__path", "position", "term_start", "pk"),
    import_description="批量登记科协领导班子成员的任职。任职单位、人员、职务和任职开始日期相同的行会更新已有记录。",
)

register(POSTS)
