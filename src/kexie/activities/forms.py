"""Page forms for activities. The rules and messages come from services.validate_activity_data, so a
form and a spreadsheet row get the same messages."""

from __future__ import annotations

from django import forms

from kexie.activities import selectors, services
from kexie.activities.models import Activity, Campaign
from kexie.core import uploads
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access

INT_ERRORS = {"invalid": "请输入整数。", "required": "请填写。"}


class UnitChoiceField(forms.ModelChoiceField):
    """Units shown as an indented tree below the user's active unit."""

    def __init__(self, *args, root_depth: int = 1, **kwargs):
        self.root_depth = root_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: OrgUnit) -> str:
        return "　" * max(obj.depth - self.root_depth, 0) + obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, root_depth: int = 1, **kwargs):
        self.root_depth = root_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: OrgUnit) -> str:
        return "　" * max(obj.depth - self.root_depth, 0) + obj.name


class FacilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.get_kind_display()}，{obj.org_unit.name}）"


def _style(form: forms.Form) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.CheckboxInput)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _or(value, default):
    """An optional number left empty takes its default (0 is kept: the service judges it)."""
    return default if value is None else value


class ActivityForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=200)
    activity_type = forms.ModelChoiceField(label="活动类型", queryset=None, empty_label="请选择")
    org_unit = UnitChoiceField(label="主办单位", queryset=None, empty_label="请选择")
    start_date = forms.DateField(
        label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="一天的活动可不填",
    )
    status = forms.ChoiceField(label="状态", choices=Activity.Status.choices, initial=Activity.Status.HELD)
    campaign = forms.ModelChoiceField(
        label="活动品牌",
        queryset=None,
        required=False,
        empty_label="（不属于任何品牌活动）",
        help_text="全国科普日只到2024年；2025年起为全国科普月（9月）",
    )
    mode = forms.ChoiceField(label="形式", choices=Activity.Mode.choices, initial=Activity.Mode.OFFLINE)
    venue = forms.CharField(label="活动地点", max_length=200, required=False)
    region_code = forms.CharField(
        label="活动地区区划代码", max_length=12, required=False, help_text="可空；6位或12位"
    )
    participants = forms.IntegerField(label="参与人次", initial=0, error_messages=INT_ERRORS)
    online_views = forms.IntegerField(label="线上浏览量", initial=0, error_messages=INT_ERRORS)
    sci_workers = forms.IntegerField(label="参与科技工作者人次", initial=0, error_messages=INT_ERRORS)
    volunteers = forms.IntegerField(label="参与志愿者人次", initial=0, error_messages=INT_ERRORS)
    beneficiaries = forms.IntegerField(
        label="受益人数",
        initial=0,
        required=False,
        error_messages=INT_ERRORS,
        help_text="去重的人数（人）：同一人参加多场只算一人；参与人次按场累计",
    )
    sessions = forms.IntegerField(
        label="分场场次",
        initial=1,
        required=False,
        error_messages=INT_ERRORS,
        help_text="一项活动含多场报告、分论坛或工作坊时填总场数（如年会7场主题报告加5场工作坊填12）；单场活动填1",
    )
    series = forms.CharField(
        label="系列活动",
        max_length=100,
        required=False,
        help_text="连续举办的系列活动名称，如“全市职工乒乓球赛”；每届录入为一项活动",
    )
    edition = forms.IntegerField(
        label="届次",
        required=False,
        error_messages=INT_ERRORS,
        help_text="第几届，填数字（第七届填7）；可空",
    )
    materials_copies = forms.IntegerField(
        label="发放科普资料（份/册）", initial=0, required=False, error_messages=INT_ERRORS
    )
    materials_kinds = forms.IntegerField(
        label="科普资料种类（种）", initial=0, required=False, error_messages=INT_ERRORS
    )
    facility = FacilityChoiceField(
        label="举办场馆/流动设施",
        queryset=None,
        required=False,
        empty_label="（不是由科技馆或流动设施举办）",
        help_text="由科技馆、流动科技馆、科普大篷车等举办的活动请选择，设施在“科普设施”中登记",
    )
    target_groups = forms.ModelMultipleChoiceField(
        label="目标人群", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    is_key = forms.BooleanField(label="重点活动", required=False)
    co_organisers = UnitMultipleChoiceField(
        label="协办单位",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="可多选（按住 Ctrl 或 ⌘ 点选）；可不选",
    )
    description = forms.CharField(
        label="活动简介",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=services.MAX_DESCRIPTION,
    )

    field_order = [
        "title",
        "activity_type",
        "campaign",
        "status",
        "mode",
        "org_unit",
        "co_organisers",
        "start_date",
        "end_date",
        "venue",
        "region_code",
        "participants",
        "online_views",
        "sci_workers",
        "volunteers",
        "beneficiaries",
        "sessions",
        "series",
        "edition",
        "materials_copies",
        "materials_kinds",
        "facility",
        "target_groups",
        "is_key",
        "description",
    ]

    def __init__(self, *args, access: Access, instance: Activity | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            current = services.ActivityData.from_activity(instance)
            kwargs["initial"] = {
                name: getattr(current, name)
                for name in (*services.SCALAR_FIELDS, "target_groups", "co_organisers")
            }
        elif "initial" not in kwargs and access.unit is not None:
            kwargs["initial"] = {"org_unit": access.unit.pk}
        super().__init__(*args, **kwargs)
        self.access = access
        self.instance = instance
        root_depth = access.unit.depth if access.unit is not None else 1
        units = selectors.unit_choices(access=access)
        organisers = units
        if instance is not None:
            organisers = (units | OrgUnit.objects.filter(pk=instance.org_unit_id)).order_by("path")
        self.fields["org_unit"].queryset = organisers
        self.fields["org_unit"].root_depth = root_depth
        self.fields["co_organisers"].queryset = units
        self.fields["co_organisers"].root_depth = root_depth
        self.fields["activity_type"].queryset = selectors.activity_types(
            access=access, include=instance.activity_type if instance else None
        )
        self.fields["campaign"].queryset = selectors.campaign_choices(
            access=access, include=instance.campaign if instance else None
        )
        self.fields["target_groups"].queryset = selectors.target_groups()
        self.fields["facility"].queryset = selectors.facility_choices(
            access=access, include=instance.facility if instance else None
        )
        for name in (*services.COUNT_FIELDS, "sessions", "edition"):
            self.fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        _style(self)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.data_obj = services.ActivityData(
            title=cleaned["title"],
            activity_type=cleaned["activity_type"],
            org_unit=cleaned["org_unit"],
            start_date=cleaned["start_date"],
            end_date=cleaned.get("end_date"),
            campaign=cleaned.get("campaign"),
            venue=cleaned.get("venue") or "",
            region_code=cleaned.get("region_code") or "",
            mode=cleaned["mode"],
            participants=cleaned["participants"],
            online_views=cleaned["online_views"],
            sci_workers=cleaned["sci_workers"],
            volunteers=cleaned["volunteers"],
            beneficiaries=_or(cleaned.get("beneficiaries"), 0),
            sessions=_or(cleaned.get("sessions"), 1),
            series=cleaned.get("series") or None,
            edition=cleaned.get("edition"),
            materials_copies=_or(cleaned.get("materials_copies"), 0),
            materials_kinds=_or(cleaned.get("materials_kinds"), 0),
            facility=cleaned.get("facility"),
            is_key=cleaned.get("is_key") or False,
            description=cleaned.get("description") or "",
            status=cleaned["status"],
            target_groups=list(cleaned.get("target_groups") or []),
            co_organisers=list(cleaned.get("co_organisers") or []),
        )
        for name, message in services.validate_activity_data(
            self.data_obj, access=self.access, instance=self.instance
        ).items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label="删除原因", max_length=80, required=False, help_text="可不填，会记入变更历史"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); type and size are the service's job."""

    def clean(self, data, initial=None):
        files = [d for d in (data if isinstance(data, (list, tuple)) else [data]) if d]
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class AttachmentForm(forms.Form):
    files = MultipleFileField(
        label="照片或附件",
        widget=MultipleFileInput(
            attrs={"class": "form-control", "accept": ",".join(uploads.ACCEPTED_EXTENSIONS)}
        ),
        error_messages={"required": "请选择要上传的文件。"},
        help_text="照片 jpg/png/webp，文档 pdf/docx/xlsx，每个不超过 10 MB，可一次选多个",
    )


class ListEntryForm(forms.Form):
    """A unit's own campaign (活动品牌) or activity type; the rules are services.validate_list_entry's."""

    name = forms.CharField(label="名称", max_length=50)
    first_year = forms.IntegerField(
        label="起始年份", required=False, error_messages=INT_ERRORS, help_text="可空：不限"
    )
    last_year = forms.IntegerField(
        label="截止年份", required=False, error_messages=INT_ERRORS, help_text="可空：不限"
    )
    is_academic = forms.BooleanField(
        label="属于学术交流", required=False, help_text="勾选后，这类活动计入学术交流而不是科普活动"
    )
    is_active = forms.BooleanField(
        label="启用", required=False, initial=True, help_text="停用后不能再选，已录入的活动不受影响"
    )

    def __init__(self, *args, model, unit: OrgUnit, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in ("name", "first_year", "last_year", "is_academic", "is_active")
                if hasattr(instance, name)
            }
        super().__init__(*args, **kwargs)
        self.model, self.unit, self.instance = model, unit, instance
        self.fields["name"].max_length = model._meta.get_field("name").max_length
        self.fields["name"].widget.attrs["maxlength"] = self.fields["name"].max_length
        if model is Campaign:
            del self.fields["is_academic"]
        else:
            del self.fields["first_year"], self.fields["last_year"]
        if instance is None:
            del self.fields["is_active"]
        _style(self)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.data_obj = services.ListEntryData(
            name=cleaned["name"],
            first_year=cleaned.get("first_year"),
            last_year=cleaned.get("last_year"),
            is_academic=bool(cleaned.get("is_academic")),
            is_active=cleaned.get("is_active", True) if self.instance is not None else True,
        )
        for name, message in services.validate_list_entry(
            self.model, self.data_obj, unit=self.unit, instance=self.instance
        ).items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned
