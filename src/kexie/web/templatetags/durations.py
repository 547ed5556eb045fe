"""{{ delta|duration_zh }}: a timedelta as Chinese text says it (30分钟, 1小时, 1小时30分钟, 2天)."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duration_zh(delta: timedelta | None) -> str:
    if not isinstance(delta, timedelta):
        return ""
    minutes = max(1, round(delta.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        f"{days}天" if days else "",
        f"{hours}小时" if hours else "",
        f"{minutes}分钟" if minutes else "",
    ]
    return "".join(parts)
