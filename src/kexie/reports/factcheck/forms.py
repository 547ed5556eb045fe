"""Input of the fact-check page: pasted text or a .docx, the unit and the report year."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from kexie.core.periods import Period, PeriodError
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, scope
from kexie.reports.factcheck.services import MAX_CHARS


class CheckForm(forms.Form):
    text = forms.CharField(
        label="要核对的文字",
        required=False,
        max_length=MAX_CHARS,
        strip=False,
        widget=forms.Textarea(
            attrs={"class": "form-control", "rows": 10, "placeholder": "粘贴工作报告、总结或新闻稿的文字"}
        ),
        error_messages={"max_length": f"文字过长，一次最多核对{MAX_CHARS}字，请分段核对。"},
    )
    upload = forms.FileField(
        label="或上传 Word 文档",
        required=False,
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".docx"}),
        help_text=".docx，不超过 10 MB；正文段落和表格都会核对",
    )
    unit = forms.ModelChoiceField(
        label="核对单位（含下级）",
        queryset=OrgUnit.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择单位。", "invalid_choice": "所选单位不在您的范围内。"},
    )
    period = forms.CharField(
        label="报告期间",
        max_length=64,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "如 2024，或五年回顾填 2020..2024"}
        ),
        help_text="文中没有写明期间的数字按这一期间核对；“今年”“五年来”“十四五以来”按它的最后一年推算",
        error_messages={"required": "请填写报告期间，如 2024。"},
    )

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(exc.message) from None

    def __init__(self, *args, access: Access, **kwargs):
        kwargs.setdefault("initial", {"unit": access.unit, "period": str(timezone.localdate().year)})
        super().__init__(*args, **kwargs)
        root = access.unit
        units = scope(OrgUnit.objects.all(), access, Action.VIEW)
        if root is not None:
            units = units.filter(depth__lte=root.depth + 2)
        self.fields["unit"].queryset = units.order_by("path")
        depth = root.depth if root is not None else 0
        self.fields["unit"].label_from_instance = lambda u: "　" * max(u.depth - depth, 0) + u.name

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("upload"):
            raise forms.ValidationError("请粘贴要核对的文字，或上传 .docx 文件。")
        return data
