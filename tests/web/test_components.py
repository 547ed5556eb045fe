"""The shared cotton components render the same markup wherever they are used."""

import datetime as dt
from types import SimpleNamespace

from django.template import Context, Template
from django_cotton.compiler_regex import CottonCompiler


def _render(source: str, **context) -> str:
    # the cotton loader compiles <c-…> tags of template files; a string is compiled the same way here
    return Template(CottonCompiler().process(source)).render(Context(context))


def _record(kind: str, reason: str = ""):
    user = SimpleNamespace(display_name="张三")
    return SimpleNamespace(
        history_date=dt.datetime(2025, 3, 1, 9, 30),
        history_user=user,
        history_type=kind,
        history_change_reason=reason,
    )


def test_history_lists_each_change_with_its_diff():
    html = _render(
        '<c-history :history="history" />',
        history=[(_record("~", "更正"), [("名称", "旧名", "新名")]), (_record("+"), [])],
    )
    assert "2025-03-01 09:30" in html
    assert "修改：更正" in html
    assert "新建" in html
    assert "旧名 → 新名" in html
    assert "暂无记录" not in html


def test_history_empty_state_and_extra_rows():
    assert "暂无记录。" in _render('<c-history :history="history" />', history=[])
    html = _render('<c-history :history="history"><tr><td>角色变更</td></tr></c-history>', history=[])
    assert "角色变更" in html
    assert "暂无记录。" not in html
