"""The OpenAPI document names each schema once: two different schemas of one name would leave
one operation described by the other's fields (django-ninja keeps the last one it meets). Found
when the insights API's WeekOut replaced booking's in the published document."""

from collections import defaultdict

from ninja import Schema

import counselbench.api  # noqa: F401 (every router, so every schema, is loaded)


def _schemas(base=Schema):
    for cls in base.__subclasses__():
        if cls.__module__.startswith("counselbench."):
            yield cls
        yield from _schemas(cls)


def test_no_two_different_api_schemas_share_a_name():
    by_name = defaultdict(set)
    for cls in _schemas():
        by_name[cls.__name__].add(cls)
    clashes = {
        name: sorted(c.__module__ for c in classes)
        for name, classes in by_name.items()
        if len({str(c.model_json_schema()) for c in classes}) > 1
    }
    assert clashes == {}
