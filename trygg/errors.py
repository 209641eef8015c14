"""The exception tree. Every error says what was found, what was expected and how to fix it.

    TryggError
    ├── ConfigError            bad setting, unreachable database, missing PostGIS, unsafe durability
    ├── ValidationError        bad input; ``details`` maps field → message (→ HTTP 422)
    │   └── PersonalDataError  free text that contains personal data (→ HTTP 422)
    ├── NotFound               the object does not exist or may not be seen (→ HTTP 404)
    ├── PermissionDenied       authenticated but not allowed (→ HTTP 403)
    ├── AuthenticationRequired no or bad credentials (→ HTTP 401)
    ├── Conflict               state conflict, e.g. editing a signed plan (→ HTTP 409)
    └── RateLimited            too many requests (→ HTTP 429)
"""

from __future__ import annotations

from typing import Any


class TryggError(Exception):
    """Base of every error Trygg raises on purpose."""

    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, *, hint: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def __str__(self) -> str:
        return f"{self.message} Hint: {self.hint}" if self.hint else self.message


class ConfigError(TryggError):
    code = "configuration_error"


class ValidationError(TryggError):
    status_code = 422
    code = "validation_error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, hint: str | None = None,
                 details: Any = None) -> None:
        super().__init__(message, hint=hint, details=details if details is not None else (fields or {}))
        self.fields = fields or {}


class PersonalDataError(ValidationError):
    code = "personal_data"


class NotFound(TryggError):
    status_code = 404
    code = "not_found"


class PermissionDenied(TryggError):
    status_code = 403
    code = "forbidden"


class AuthenticationRequired(TryggError):
    status_code = 401
    code = "authentication_required"


class Conflict(TryggError):
    status_code = 409
    code = "conflict"


class RateLimited(TryggError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int = 60, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after
