import pytest

from kexie.people.services import _ID_CHECK, _ID_WEIGHTS


def valid_id(first17: str) -> str:
    """A well-formed 居民身份证号码 (correct check character) from its first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]


@pytest.fixture
def id_number():
    return valid_id
