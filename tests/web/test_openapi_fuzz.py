"""schemathesis over the whole OpenAPI document (``/api/v1/openapi.json``): no 5xx, and every JSON
error in the one error shape ``{"error": {"code", "message", "details"}}``.

Bounded to keep CI time reasonable: at most 25 generated requests per operation (no shrinking), authenticated
as the seeded administrator with a Bearer token, on **SQLite only** (the storage layer is tested on
both backends elsewhere; this test is about the HTTP layer's handling of odd input).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from trygg.config import Settings
from trygg.storage import users as user_store
from trygg.storage.database import Database

ERROR_KEYS = {"code", "message", "details"}


@pytest.fixture
def fuzz_app(sqlite_database: Database) -> Any:
    """The app over a seeded SQLite database, with an administrator's API token in app.state."""
    from tests.factories import seed_world
    from trygg.web.app import create_app

    seed_world(sqlite_database)
    app = create_app(Settings(database_url=sqlite_database.url, secret_key="fuzz-secret", secure_cookies="false"),
                     sqlite_database)
    with sqlite_database.session() as s:
        admin = user_store.get_user_by_name(s, "admin")
        assert admin is not None
        app.state.fuzz_token = user_store.create_token(s, admin, name="schemathesis")
    return app


def test_api_answers_without_server_errors_in_one_error_shape(fuzz_app: Any) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)
    headers = {"Authorization": f"Bearer {fuzz_app.state.fuzz_token}"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # a schema error fails here, loudly
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=(not_a_server_error,))
            ctype = response.headers.get("content-type") or ""
            ctype = ctype[0] if isinstance(ctype, list) else ctype  # schemathesis lists header values
            if response.status_code >= 400 and ctype.startswith("application/json"):
                body = response.json()
                assert isinstance(body, dict) and set(body) == {"error"}, body
                assert set(body["error"]) == ERROR_KEYS, body

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collected, reported together below
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert operations >= 10, "the OpenAPI document lists the API"
    assert not failures, "\n\n".join(failures)
