"""The base of every API input schema."""

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, model_validator


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
