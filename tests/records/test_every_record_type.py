"""The standard page tests, generated once for every registered record type (NetBox-style): the list,
create, export and import pages answer each persona as its role allows, and the declarations are sound."""

import pytest
from django.urls import reverse

from kexie.imports.specs import get_spec
from kexie.records.declarations import declarations

KEYS = sorted(declarations())


def test_the_registries_and_the_facts_are_on_the_layer():
    assert {"facts", "designations", "facilities", "activities"} <= set(KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_the_declaration_is_sound(key):
    d = declarations()[key]
    names = {f.name for f in d.bound_fields}
    assert set(d.natural_key) <= names
    assert d.org_field in names
    assert [c.key for c in get_spec(key).columns] == [f.column_key for f in d.column_fields]
    for f in d.filters:
        assert f.kind in {"text", "choice", "flag", "int", "date", "period", "unit", "own", "model"}


@pytest.mark.parametrize("key", KEYS)
def test_pages_answer_each_role(login, key):
    d = declarations()[key]
    filler, viewer = login("county_filler"), login("county_viewer")
    listing = viewer.get(d.url("list"))
    assert listing.status_code == 200
    assert d.texts.intro in listing.text
    assert viewer.get(d.url("export")).status_code == 200
    assert viewer.get(d.url("create")).status_code == 404
    assert filler.get(d.url("create")).status_code == 200
    assert filler.get(reverse("imports:upload", args=[d.key])).status_code == 200
    assert viewer.get(reverse("imports:upload", args=[d.key])).status_code == 404
