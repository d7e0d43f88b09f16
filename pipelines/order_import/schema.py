"""The official request schema of ``POST /api/v1/salesOrders/actions/import``: no body it refuses is sent.

``import_request.schema.json`` is the schema from Xentral's OpenAPI file, extracted unmodified
(``tests/contract`` checks it against the official file). It is OpenAPI 3.0, whose ``nullable``
JSON Schema lacks; :func:`json_schema_of` turns it into ``"null"`` among the allowed types.
Formats are checked: ``date`` as jsonschema does, ``email`` by the HTML standard's definition of a
valid e-mail address (the one browsers apply to e-mail fields), since jsonschema's own check only
looks for an ``@``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft7Validator, FormatChecker, ValidationError

from pipelines.order_import import columns
from pipelines.order_import.fields import problem_at
from pipelines.order_import.model import OrderDraft, Problem

SCHEMA_FILE = "import_request.schema.json"
_EMAIL = re.compile(
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
FORMATS = FormatChecker()
_NOT_JSON_SCHEMA = ("nullable", "example", "examples")


@FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or _EMAIL.fullmatch(value) is not None


def json_schema_of(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable: true`` becomes ``null`` among the types (and the enum)."""
    if isinstance(node, list):
        return [json_schema_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema_of(value) for key, value in node.items() if key not in _NOT_JSON_SCHEMA}
    if node.get("nullable"):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def validator_for(openapi_schema: dict[str, Any]) -> Draft7Validator:
    """A validator of ``openapi_schema`` with formats checked."""
    return Draft7Validator(json_schema_of(openapi_schema), format_checker=FORMATS)


@cache
def request_schema() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


@cache
def _request_validator() -> Draft7Validator:
    return validator_for(request_schema())


def body_problems(draft: OrderDraft, body: dict[str, Any]) -> list[Problem]:
    """What the schema refuses in the draft's body, each at the row and column its value came from."""
    problems = [problem_at(path, reason, draft, body) for path, reason in body_violations(body)]
    if draft.currency is None:  # the currency came from the setting, not from the file
        problems = [replace(p, reason=f"{p.reason} (from default_currency)") if p.column == columns.CURRENCY else p
                    for p in problems]
    return problems


def body_violations(body: dict[str, Any]) -> list[tuple[str, str]]:
    """What the schema refuses in ``body``: (dotted path such as ``positions.0.price.currency``, reason)."""
    found: dict[str, str] = {}
    errors = sorted(_request_validator().iter_errors(body), key=lambda error: error.validator != "enum")
    for error in errors:  # one reason a field: the list of allowed values says more than a pattern
        for path in _paths_of(error):
            found.setdefault(path, _reason(error))
    return sorted(found.items())


def _paths_of(error: ValidationError) -> list[str]:
    """Where the error is; for a missing property, the property (one error per missing one, all alike)."""
    parts = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        return [".".join([*parts, name]) for name in error.validator_value if name not in error.instance]
    return [".".join(parts)]


def _reason(error: ValidationError) -> str:
    value = error.validator_value
    if error.validator == "enum":
        return f"Xentral's import accepts only {', '.join(str(item) for item in value if item is not None)}"
    if error.validator == "format":
        return f"not a valid {'e-mail address' if value == 'email' else value}"
    if error.validator == "required":
        return "missing: Xentral's import requires it"
    if error.validator == "pattern":
        return f"Xentral's import needs it to match {value}"
    return f"Xentral's import refuses it: {error.message}"
