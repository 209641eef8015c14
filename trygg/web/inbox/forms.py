"""The input contract of an action's change, shared by the action page and the API.

`ActionChange` is the body of ``PATCH /api/v1/actions/{id}`` (OpenAPI documents it) and reads the
action page's posted form: both answer the same bad input with the same field messages (the ones
`storage/actions.change_status` has always given, which stays as the last guard and alone asks for
a status or a note, once the route knows the user may see the action).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from trygg.domain.enums import ActionStatus
from trygg.domain.msgid import _
from trygg.errors import ValidationError
from trygg.storage.actions import MAX_NOTE

STATUSES = [str(s) for s in ActionStatus]
MESSAGE = "The action could not be changed."


class ActionChange(BaseModel):
    """A new status and/or a note (the outcome when the action is finished)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    status: str | None = Field(None, description="open (ny), in_progress (pågår), done (klar), "
                                                 "cancelled (kan inte åtgärdas).",
                               json_schema_extra={"enum": list[Any](STATUSES)})
    note: str = Field("", description=f"What was done or why not, at most {MAX_NOTE} characters. "
                                      "No names of people.")

    @model_validator(mode="before")
    @classmethod
    def _checked(cls, data: Any) -> Any:
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            raise ValidationError(MESSAGE, fields={"body": _("Send an object with the fields.")})
        errors: dict[str, str] = {}
        for key in data:
            if key not in ("status", "note"):
                errors[str(key)[:100]] = _("Extra inputs are not permitted")
        status, note = data.get("status"), data.get("note", "")
        if status is not None and status not in STATUSES:
            errors["status"] = f"One of {', '.join(ActionStatus)}."
        if note is None:
            note = ""
        if not isinstance(note, str):
            errors["note"] = _("Give a text.")
        elif len(note.strip()) > MAX_NOTE:
            errors["note"] = _("At most 4000 characters.")
        # "Give a new status, a note, or both." stays with `change_status`, after the route has checked
        # that the user may see the action: an empty body from an outsider is a 404, not a 422.
        if errors:
            raise ValidationError(MESSAGE, fields=errors)
        return {"status": status, "note": note}
