"""Number formatting of the dashboard.

Django's zh-hans locale sets THOUSAND_SEPARATOR to "" (so `intcomma` prints 1234567 as is); the
dashboard groups digits by three with commas, as Chinese statistical tables and the charts do.
"""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def grouped(value) -> str:
    """1234567 → "1,234,567"; 1234.56 → "1,234.6"; None → "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value()):
        return f"{int(value):,}"
    if isinstance(value, (float, Decimal)):
        return f"{float(value):,.1f}"
    return str(value)
