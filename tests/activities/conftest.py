import datetime as dt
from pathlib import Path

import pytest

from kexie.activities import services
from kexie.activities.importers import ACTIVITY_SPEC
from kexie.activities.models import ActivityType, Campaign, TargetGroup
from kexie.imports import services as import_services
from kexie.imports.models import ImportBatch


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Attachments and import archives are written under MEDIA_ROOT: keep them out of var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def lecture(db):
    return ActivityType.objects.get(code="lecture")


@pytest.fixture
def make_data(tree, lecture):
    """make_data(**over) → a valid ActivityData for 怀宁县 on 2024-05-20, with fields replaced."""

    def _make(**over) -> services.ActivityData:
        base = {
            "title": "水稻病虫害绿色防控讲座",
            "activity_type": lecture,
            "org_unit": tree["county"],
            "start_date": dt.date(2024, 5, 20),
            "participants": 120,
        }
        return services.ActivityData(**(base | over))

    return _make


def campaign(code: str) -> Campaign:
    return Campaign.objects.get(code=code)


def group(code: str) -> TargetGroup:
    return TargetGroup.objects.get(code=code)


@pytest.fixture
def upload(access_of, people):
    def _upload(name: str, path: Path) -> ImportBatch:
        with path.open("rb") as fh:
            return import_services.batch_upload(
                access=access_of(name), user=people[name], spec=ACTIVITY_SPEC, upload=fh, file_name=path.name
            )

    return _upload


@pytest.fixture
def commit(access_of):
    def _commit(name: str, batch: ImportBatch) -> ImportBatch:
        return import_services.batch_commit(access=access_of(name), spec=ACTIVITY_SPEC, batch=batch)

    return _commit
