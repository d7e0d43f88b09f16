"""The official OpenAPI subset as a contract for answers.

`openapi-subset.json` beside this file is Xentral's public spec (the operations in scope), copied
unmodified. `answer_problems` says what is wrong with one HTTP answer to one operation: a media
type the spec does not declare for that status, a body where it declares none, or a body its
schema refuses. Bodies are validated by openapi-schema-validator's OAS 3.0 validator (OpenAPI's
`nullable`, its formats on top of jsonschema's: `date-time`, `date`, `email`, `float`, ...).

One policy is ours, to make an invented field fail: an object schema that lists its properties
but does not say `additionalProperties` is read as closed (`additionalProperties: false`), and an
`allOf` of such objects as one closed object holding all their properties. Objects that list no
properties (a problem's `violations`, which mirror any payload) stay open.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator, oas30_format_checker

SPEC_FILE = Path(__file__).with_name("openapi-subset.json")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # the spec's template, e.g. /api/v2/customers/{customerId}/addresses
    responses: Mapping[str, Any]

    def media_types(self, status: int | str) -> tuple[str, ...]:
        """What the spec declares for the answer's body at `status` (empty: no body)."""
        return tuple((declared_response(self.operation_id, status).get("content") or {}).keys())


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_FILE.read_text(encoding="utf-8"))


@cache
def operations() -> dict[str, Operation]:
    found = {}
    for path, item in spec()["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                operation = item[method]
                found[operation["operationId"]] = Operation(
                    operation["operationId"], method.upper(), path, operation["responses"]
                )
    return found


def declared_response(operation_id: str, status: int | str) -> dict[str, Any]:
    """The operation's declaration of `status`. A status it leaves out (the 401 of
    `salesOrder.list`, the 429 of the address list...) gets the declaration every other
    operation makes for it: the spec declares each error status identically everywhere."""
    responses = operations()[operation_id].responses
    if str(status) in responses:
        return responses[str(status)]
    elsewhere = {
        json.dumps(operation.responses[str(status)], sort_keys=True)
        for operation in operations().values()
        if str(status) in operation.responses
    }
    if len(elsewhere) != 1:
        raise LookupError(f"the spec declares no single {status} answer to apply to {operation_id}")
    return json.loads(elsewhere.pop())


def closed(schema: Any) -> Any:
    """The schema with our policy applied (see the module docstring); the input is not changed."""
    if not isinstance(schema, dict):
        return schema
    node = dict(schema)
    if isinstance(node.get("properties"), dict):
        node["properties"] = {name: closed(child) for name, child in node["properties"].items()}
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), dict):
            node[key] = closed(node[key])
    for key in SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            node[key] = [closed(child) for child in node[key]]
    if node.get("allOf") and all(_lists_open_properties(part) for part in schema["allOf"]):
        node = _merged_all_of(node)
    if isinstance(node.get("properties"), dict) and "additionalProperties" not in node:
        node["additionalProperties"] = False
    return node


def _lists_open_properties(schema: Any) -> bool:
    return isinstance(schema, dict) and "properties" in schema and "additionalProperties" not in schema


def _merged_all_of(node: dict[str, Any]) -> dict[str, Any]:
    """One object with the properties and required names of every part; a property that two
    parts define must satisfy both."""
    merged = {key: value for key, value in node.items() if key != "allOf"}
    merged["type"] = "object"
    properties: dict[str, list[Any]] = {name: [child] for name, child in node.get("properties", {}).items()}
    required: list[str] = list(node.get("required", []))
    for part in node["allOf"]:
        for name, child in part["properties"].items():
            properties.setdefault(name, []).append(child)
        required += [name for name in part.get("required", []) if name not in required]
    merged["properties"] = {
        name: schemas[0] if len(schemas) == 1 else {"allOf": schemas} for name, schemas in properties.items()
    }
    if required:
        merged["required"] = required
    merged.pop("additionalProperties", None)
    return merged


@cache
def _validator(operation_id: str, status: str, media_type: str) -> OAS30Validator:
    schema = declared_response(operation_id, status)["content"][media_type].get("schema", {})
    return OAS30Validator(closed(schema), format_checker=oas30_format_checker)


def body_problems(operation_id: str, status: int, media_type: str, instance: Any) -> list[str]:
    """Where a decoded body breaks the declared schema (path: message), at most ten."""
    errors = sorted(_validator(operation_id, str(status), media_type).iter_errors(instance), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, error.path)) or '(body)'}: {error.message[:300]}" for error in errors[:10]]


def answer_problems(operation_id: str, status: int, content_type: str | None, body: bytes) -> list[str]:
    """Everything the spec refuses in one answer: its media type for the status, then its body."""
    media_types = operations()[operation_id].media_types(status)
    if not media_types:
        return [] if not body else [f"{status} declares no body, but {len(body)} bytes came ({content_type})"]
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in media_types:
        return [f"{status} as {content_type!r}, but the spec declares only {', '.join(media_types)}"]
    try:
        instance: Any = json.loads(body) if media_type.endswith("json") else body.decode("utf-8")
    except ValueError as error:
        return [f"{status} {media_type} body does not decode: {error}"]
    return body_problems(operation_id, status, media_type, instance)
