import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files are archived under MEDIA_ROOT: keep them out of the project's var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
