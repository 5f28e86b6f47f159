"""The bases of API schemas: every input schema, and the plain output shape for big lists."""

import re
from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)


class InputSchema(Schema):
    """A JSON object with only the declared fields: a list, a scalar or an unknown field is a 422
    rather than being read as 'nothing to change'."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _must_be_an_object(cls, data: Any) -> Any:
        if not isinstance(data, dict) and not hasattr(data, "__dict__"):
            raise ValueError("The request body must be a JSON object.")
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        """PostgreSQL text cannot hold NUL; refuse it here as bad input, on every database."""
        if _has_nul(value):
            raise ValueError("Text must not contain NUL (\\x00) characters.")
        return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


# The id of a row named in a request body: a positive 64-bit integer, so a huge number is a 422
# rather than an overflow in the database driver (found by the schema fuzzer).
ObjectId = Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]
# The same for an id in the query string (text there, so not strict): a huge or negative number
# is a 422 naming the parameter, not an overflow in the database driver.
QueryId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _iso_date_text(value: Any) -> Any:
    """Only YYYY-MM-DD text (or a date): pydantic would otherwise read a number as a Unix time."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("A date as YYYY-MM-DD.")
    if isinstance(value, int | float):
        raise ValueError("A date as YYYY-MM-DD.")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date given as text in a query or body: the ISO form only, as the OpenAPI document says.
IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]


class DictOut(BaseModel):
    """A response shape the endpoint builds as plain dicts. Plain pydantic: ninja's `Schema`
    wraps every object it validates in a Django attribute getter, which is measurable on lists
    of hundreds of nested objects (ranked matches) and buys nothing for dicts."""
