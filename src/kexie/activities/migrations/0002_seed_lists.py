"""The managed lists every installation starts with: activity types, national campaigns, target groups."""

from django.db import migrations

TYPES = [
    ("lecture", "讲座/报告会", False), ("exhibition", "展览", False), ("contest", "竞赛", False),
    ("consultation", "咨询/义诊", False), ("training", "培训", False), ("open_day", "开放日", False),
    ("caravan", "科普大篷车", False), ("mobile_museum", "流动科技馆", False), ("livestream", "线上直播", False),
    ("academic", "学术会议/论坛", True), ("volunteer", "志愿服务", False), ("other", "其他", False),
]
CAMPAIGNS = [
    ("science_day", "全国科普日", None, 2024), ("science_month", "全国科普月", 2025, None),
    ("st_week", "科技活动周", None, None), ("workers_day", "全国科技工作者日", 2017, None),
    ("st_spring", "科技之春", None, None), ("disaster_day", "防灾减灾日", None, None),
    ("environment_day", "世界环境日", None, None), ("meteorology_day", "世界气象日", None, None),
]
GROUPS = [
    ("youth", "青少年"), ("farmers", "农民"), ("workers", "产业工人"), ("elderly", "老年人"),
    ("officials", "领导干部和公务员"), ("residents", "社区居民"), ("other", "其他"),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("activities", "ActivityType")
    Campaign = apps.get_model("activities", "Campaign")
    TargetGroup = apps.get_model("activities", "TargetGroup")
    for i, (code, name, academic) in enumerate(TYPES):
        ActivityType.objects.get_or_create(code=code, defaults={"name": name, "is_academic": academic, "sort_order": i})
    for i, (code, name, first, last) in enumerate(CAMPAIGNS):
        Campaign.objects.get_or_create(code=code, defaults={"name": name, "first_year": first, "last_year": last, "sort_order": i})
    for i, (code, name) in enumerate(GROUPS):
        TargetGroup.objects.get_or_create(code=code, defaults={"name": name, "sort_order": i})


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
