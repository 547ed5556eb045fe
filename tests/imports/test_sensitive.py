"""Sensitive columns in the pipeline itself (issue #11), on a spec not derived from a declaration: the
org-unit spec with its 简称 column declared sensitive (`ImportSpec.sensitive`). Its cells are masked
in the preview and the correction form, the archive is sealed, a retyped correction is kept sealed and
still reaches the re-check; the same spec without sensitive columns archives the file as uploaded."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kexie.imports import services
from kexie.imports.models import ImportBatch
from kexie.imports.sensitive import is_sealed, mask, unseal_bytes
from kexie.orgs.importers import ORGUNIT_SPEC
from kexie.orgs.models import OrgUnit
from tests.imports.helpers import write_xlsx

SECRET = "太湖县科协简称甲乙丙"  # stands for a whole sensitive value (shown only masked)
RETYPED = "太湖县科协简称丁戊己"


def _rows(parent: str) -> list[list[object]]:
    return [["340825", "太湖县科学技术协会", "县级科协", parent, "340825", SECRET, None]]


def _upload(spec, path: Path, access_of, people) -> ImportBatch:
    with path.open("rb") as fh:
        return services.batch_upload(
            access=access_of("province_sysadmin"),
            user=people["province_sysadmin"],
            spec=spec,
            upload=fh,
            file_name=path.name,
        )


def test_a_spec_without_sensitive_columns_archives_the_file_as_uploaded(tmp_path, access_of, people):
    assert not ORGUNIT_SPEC.sensitive_keys()
    path = write_xlsx(tmp_path / "机构.xlsx", _rows("340800"))
    batch = _upload(ORGUNIT_SPEC, path, access_of, people)
    assert Path(batch.stored_file).read_bytes() == path.read_bytes()
    assert SECRET in str(batch.preview)


def test_a_declared_sensitive_column_is_masked_sealed_and_retyped(tmp_path, access_of, people):
    spec = dataclasses.replace(ORGUNIT_SPEC, sensitive=("short_name",))
    assert spec.sensitive_keys() == {"short_name"}
    path = write_xlsx(tmp_path / "机构.xlsx", _rows("999999"))  # no such parent: the row fails
    batch = _upload(spec, path, access_of, people)
    assert batch.status == ImportBatch.Status.INVALID, batch.errors
    archive = Path(batch.stored_file).read_bytes()
    assert is_sealed(archive)
    assert SECRET.encode() not in archive
    assert unseal_bytes(archive) == path.read_bytes()
    stored = repr([batch.preview, batch.errors])
    assert SECRET not in stored
    assert mask(SECRET) in stored
    cell = next(c for c in batch.preview["fix"]["rows"][0]["cells"] if c["key"] == "short_name")
    assert (cell["text"], cell["masked"], cell["sensitive"]) == ("", mask(SECRET), True)

    batch = services.batch_fix(
        access=access_of("province_sysadmin"),
        spec=spec,
        batch=batch,
        user=people["province_sysadmin"],
        changes={2: {"parent_code": "340800", "short_name": RETYPED}},
    )
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    stored = repr([batch.preview, batch.errors, batch.corrections, batch.corrections_log])
    assert RETYPED not in stored
    assert SECRET not in stored
    assert mask(RETYPED) in stored
    batch = services.batch_commit(access=access_of("province_sysadmin"), spec=spec, batch=batch)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert OrgUnit.objects.get(code="340825").short_name == RETYPED  # the sealed correction arrived
