"""Page input for facts: parsing only; every rule is in services.validate_fact_data."""

from __future__ import annotations

from django import forms

from kexie.core.uploads import ACCEPTED_EXTENSIONS
from kexie.facts import selectors, services
from kexie.facts.models import Fact

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class FactForm(forms.Form):
    org_unit = forms.ModelChoiceField(
        label="所属单位",
        queryset=None,
        widget=forms.Select(attrs=_SELECT),
        error_messages={"required": "请选择所属单位。", "invalid_choice": "所选单位不在您的填报范围内。"},
    )
    kind = forms.ChoiceField(
        label="类别", choices=[("", "请选择"), *Fact.Kind.choices], widget=forms.Select(attrs=_SELECT)
    )
    statement = forms.CharField(
        label="表述",
        max_length=300,
        widget=forms.TextInput(attrs=_INPUT | {"placeholder": "如：全国科普日优秀组织单位"}),
        help_text="按来源文件的原话填写，报告中照此引用",
    )
    issuer = forms.CharField(
        label="授予/发布单位", max_length=100, required=False, widget=forms.TextInput(attrs=_INPUT)
    )
    level = forms.ChoiceField(
        label="级别",
        choices=[("", "—"), *Fact.Level.choices],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    year = forms.IntegerField(label="年份", required=False, widget=forms.NumberInput(attrs=_INPUT))
    date = forms.DateField(
        label="日期",
        required=False,
        widget=forms.DateInput(attrs=_INPUT | {"type": "date"}, format="%Y-%m-%d"),
    )
    rank = forms.IntegerField(
        label="名次",
        required=False,
        widget=forms.NumberInput(attrs=_INPUT),
        help_text="仅排名填写：第9名填 9",
    )
    source = forms.CharField(
        label="来源",
        max_length=200,
        widget=forms.TextInput(attrs=_INPUT | {"placeholder": "文件名称、文号或报道出处"}),
    )
    source_upload = forms.FileField(
        label="来源文件",
        required=False,
        widget=forms.FileInput(attrs=_INPUT | {"accept": ",".join(ACCEPTED_EXTENSIONS)}),
        help_text="证书照片（jpg、png、webp）或文件（pdf、docx、xlsx），不超过 10 MB",
    )
    remove_source_file = forms.BooleanField(label="删除已上传的来源文件", required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs=_INPUT | {"rows": 3}))

    def __init__(self, *args, access, instance: Fact | None = None, **kwargs):
        bound = bool(args and args[0] is not None) or kwargs.get("data") is not None
        if instance is not None and not bound and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in ("org_unit", "kind", "statement", "issuer", "level", "year", "date", "rank")
            } | {"source": instance.source, "note": instance.note}
        elif instance is None and not bound and "initial" not in kwargs and access.unit is not None:
            kwargs["initial"] = {"org_unit": access.unit}
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = selectors.unit_choices(access=access)
        self.fields["org_unit"].label_from_instance = lambda u: (
            "　" * max(u.depth - access.unit.depth, 0) + u.name
        )
        if instance is None or not instance.source_file:
            del self.fields["remove_source_file"]

    @property
    def data_obj(self) -> services.FactData:
        c = self.cleaned_data
        return services.FactData(
            org_unit=c["org_unit"],
            kind=c["kind"],
            statement=c["statement"],
            year=c["year"],
            source=c["source"],
            issuer=c["issuer"],
            level=c["level"],
            date=c["date"],
            rank=c["rank"],
            note=c["note"],
            source_upload=c.get("source_upload") or None,
            remove_source_file=bool(c.get("remove_source_file")),
        )


class FilterForm(forms.Form):
    """The list's filter bar; bad values are reported, never silently ignored."""

    q = forms.CharField(label="关键词", required=False, max_length=50)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Fact.Kind.choices])
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部"), *Fact.Level.choices])
    year = forms.IntegerField(
        label="年份",
        required=False,
        min_value=services.MIN_YEAR,
        max_value=9999,
        error_messages={"invalid": "年份应为四位数字，如 2023。"},
    )

    def filters(self) -> dict:
        """Keyword arguments for selectors.fact_list (empty when the form is invalid)."""
        if not self.is_valid():
            return {}
        c = self.cleaned_data
        return {
            "q": c["q"].strip(),
            "kind": c["kind"] or None,
            "level": c["level"] or None,
            "year": c["year"],
        }


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="我确认删除这条事实", error_messages={"required": "请勾选确认后再删除。"}
    )
