"""Domain errors raised by services; views map them to messages or HTTP once."""


class DomainError(Exception):
    """A rule of the domain was broken; `message` is shown to the user as is (Chinese)."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class PermissionDeniedError(DomainError):
    """The actor may not do this (inside its scope, but the role does not allow it)."""

    def __init__(self, message: str = "您没有执行此操作的权限。"):
        super().__init__(message, code="forbidden")
