"""The demo facts load onto the demo city through the service, once."""

from kexie.facts.demo import DEMO_FACTS, add_demo_facts
from kexie.facts.models import Fact
from kexie.orgs.demo import build_demo


def test_demo_facts_load_once(db, settings):
    settings.DEBUG = True
    build_demo()
    assert add_demo_facts() == len(DEMO_FACTS)
    assert add_demo_facts() == 0
    assert Fact.objects.count() == len(DEMO_FACTS)
    assert {f.org_unit.code for f in Fact.objects.all()} == {"340800", "340881"}
    assert all(f.history.count() == 1 for f in Fact.objects.all())


def test_without_the_demo_tree_nothing_is_added(db):
    assert add_demo_facts() == 0


def test_seed_demo_offers_the_facts_hook(db, settings):
    from kexie.facts import demo
    from kexie.orgs.management.commands.seed_demo import demo_extensions

    assert demo.extend_demo in demo_extensions()
    settings.DEBUG = True
    build_demo()
    assert demo.extend_demo().startswith(f"演示荣誉与排名：{len(DEMO_FACTS)}条")
