"""The official OpenAPI specs as contracts for answers.

Beside this file, copied unmodified: `openapi-subset.json` (Xentral's public spec, the v1/v2
operations in scope, OpenAPI 3.0) and `documents-api-v3.json` (the v3 business documents API,
OpenAPI 3.1). `Contract.answer_problems` says what is wrong with one HTTP answer to one operation:
a media type the spec does not declare for that status, a body where it declares none, or a body
its schema refuses. Bodies are validated by openapi-schema-validator (the OAS 3.0 or 3.1 validator,
as the spec says; formats such as `date-time`, `date`, `email` are checked).

Policies that are ours, all making the check stricter or reading the spec as its authors mean it:
- An object schema that lists its properties but does not say `additionalProperties` is read as
  closed (`additionalProperties: false`), so an invented field fails; an `allOf` of such objects as
  one closed object holding all their properties (parts that both define an object property are
  merged the same way, deeply). Objects that list no properties (a problem's `violations`, which
  mirror any payload) stay open.
- `$ref`s are resolved in place (the v3 spec uses them; the v1 subset has none).
- In the 3.1 spec, `nullable: true` (a 3.0 keyword it still uses, e.g. for the pagination's
  `links.next`, null on the last page) allows null, as it does in 3.0.
- A status an operation leaves out (the 401 of `salesOrder.list`, the 400 of v3 lists) gets the
  declaration every other operation of the spec makes for it, where they all agree (their
  descriptions and examples aside).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, OAS31Validator, oas30_format_checker, oas31_format_checker

HERE = Path(__file__).parent
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
PROSE = ("description", "example", "examples", "title")


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # the spec's template, e.g. /api/v2/customers/{customerId}/addresses
    responses: Mapping[str, Any]
    parameters: tuple[dict, ...]


class Contract:
    """One spec file and what it allows."""

    def __init__(self, file_name: str) -> None:
        self.file = HERE / file_name
        self._validators: dict[tuple[str, str, str], Any] = {}

    @cached_property
    def spec(self) -> dict[str, Any]:
        return json.loads(self.file.read_text(encoding="utf-8"))

    @cached_property
    def is_31(self) -> bool:
        return str(self.spec["openapi"]).startswith("3.1")

    @cached_property
    def operations(self) -> dict[str, Operation]:
        found = {}
        for path, item in self.spec["paths"].items():
            for method in HTTP_METHODS:
                if method in item:
                    operation = item[method]
                    found[operation["operationId"]] = Operation(
                        operation["operationId"], method.upper(), path, operation["responses"],
                        tuple(operation.get("parameters", ())))
        return found

    def parameter(self, operation_id: str, name: str) -> dict[str, Any]:
        return next(p for p in self.operations[operation_id].parameters if p["name"] == name)

    def media_types(self, operation_id: str, status: int | str) -> tuple[str, ...]:
        """What the spec declares for the answer's body at `status` (empty: no body)."""
        return tuple((self.declared_response(operation_id, status).get("content") or {}).keys())

    def declared_response(self, operation_id: str, status: int | str) -> dict[str, Any]:
        """The operation's declaration of `status`, else the one all others agree on (see the module docstring)."""
        responses = self.operations[operation_id].responses
        if str(status) in responses:
            return responses[str(status)]
        elsewhere = {json.dumps(_without_prose(operation.responses[str(status)]), sort_keys=True)
                     for operation in self.operations.values() if str(status) in operation.responses}
        if len(elsewhere) != 1:
            raise LookupError(f"the spec declares no single {status} answer to apply to {operation_id}")
        return json.loads(elsewhere.pop())

    def resolved(self, schema: Any, seen: tuple[str, ...] = ()) -> Any:
        """The schema with every `$ref` replaced by what it names (siblings of a `$ref` kept)."""
        if isinstance(schema, list):
            return [self.resolved(item, seen) for item in schema]
        if not isinstance(schema, dict):
            return schema
        reference = schema.get("$ref")
        if isinstance(reference, str):
            if reference in seen:
                raise ValueError(f"a cycle through {reference}")
            target = self.spec
            for part in reference.removeprefix("#/").split("/"):
                target = target[part]
            siblings = {key: value for key, value in schema.items() if key != "$ref"}
            return self.resolved({**target, **siblings}, (*seen, reference))
        return {key: self.resolved(value, seen) for key, value in schema.items()}

    def validator(self, operation_id: str, status: int | str, media_type: str) -> Any:
        key = (operation_id, str(status), media_type)
        if key not in self._validators:
            schema = self.declared_response(operation_id, status)["content"][media_type].get("schema", {})
            strict = closed(self.resolved(schema))
            if self.is_31:
                self._validators[key] = OAS31Validator(with_nullable(strict), format_checker=oas31_format_checker)
            else:
                self._validators[key] = OAS30Validator(strict, format_checker=oas30_format_checker)
        return self._validators[key]

    def body_problems(self, operation_id: str, status: int, media_type: str, instance: Any) -> list[str]:
        """Where a decoded body breaks the declared schema (path: message), at most ten."""
        errors = sorted(self.validator(operation_id, status, media_type).iter_errors(instance),
                        key=lambda e: list(e.path))
        return [complaint for error in errors for complaint in _complaints(error)][:10]

    def answer_problems(self, operation_id: str, status: int, content_type: str | None, body: bytes) -> list[str]:
        """Everything the spec refuses in one answer: its media type for the status, then its body."""
        media_types = self.media_types(operation_id, status)
        if not media_types:
            return [] if not body else [f"{status} declares no body, but {len(body)} bytes came ({content_type})"]
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type not in media_types:
            return [f"{status} as {content_type!r}, but the spec declares only {', '.join(media_types)}"]
        try:
            instance: Any = json.loads(body) if media_type.endswith("json") else body.decode("utf-8")
        except ValueError as error:
            return [f"{status} {media_type} body does not decode: {error}"]
        return self.body_problems(operation_id, status, media_type, instance)


V1 = Contract("openapi-subset.json")
V3 = Contract("documents-api-v3.json")


def _complaints(error: ValidationError) -> list[str]:
    """What is wrong, as "path: message"; where every branch of an anyOf/oneOf failed, the deepest
    complaint of each branch (one of them is about the branch the body meant), without repeats."""
    if not error.context:
        return [f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message[:300]}"]
    branches: dict[Any, list[ValidationError]] = {}
    for child in error.context:
        branches.setdefault(child.relative_schema_path[0], []).append(child)
    found: dict[str, None] = {}
    for children in branches.values():
        deepest = max(children, key=lambda child: len(child.absolute_path))
        found.update(dict.fromkeys(_complaints(deepest)))
    return list(found)


def _without_prose(node: Any, names: bool = False) -> Any:
    """The node without descriptions and examples (`names`: the node maps property names, which stay)."""
    if isinstance(node, dict):
        return {key: _without_prose(value, key == "properties" and not names) for key, value in node.items()
                if names or key not in PROSE}
    if isinstance(node, list):
        return [_without_prose(item) for item in node]
    return node


def closed(schema: Any) -> Any:
    """The schema with our policy applied (see the module docstring); the input is not changed."""
    if not isinstance(schema, dict):
        return schema
    node = _flat(dict(schema))
    if isinstance(node.get("properties"), dict):
        node["properties"] = {name: closed(child) for name, child in node["properties"].items()}
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), dict):
            node[key] = closed(node[key])
    for key in SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            node[key] = [closed(child) for child in node[key]]
    if isinstance(node.get("properties"), dict) and "additionalProperties" not in node:
        node["additionalProperties"] = False
    return node


def _flat(schema: Any) -> Any:
    """An `allOf` whose parts (flattened the same way) all list open properties, as one object."""
    if isinstance(schema, dict) and schema.get("allOf"):
        parts = [_flat(part) for part in schema["allOf"]]
        if all(_lists_open_properties(part) for part in parts):
            return _merged_all_of({**schema, "allOf": parts})
    return schema


def _lists_open_properties(schema: Any) -> bool:
    return isinstance(schema, dict) and "properties" in schema and "additionalProperties" not in schema


def _merged_all_of(node: dict[str, Any]) -> dict[str, Any]:
    """One object with the properties and required names of every part; a property that two parts
    define is merged when both list open properties, else must satisfy both. It may be null when
    every part may."""
    merged = {key: value for key, value in node.items() if key != "allOf"}
    parts = node["allOf"]
    merged["type"] = ["object", "null"] if all("null" in _types(part) for part in parts) else "object"
    if all(part.get("nullable") is True for part in parts):
        merged["nullable"] = True
    properties: dict[str, list[Any]] = {name: [child] for name, child in node.get("properties", {}).items()}
    required: list[str] = list(node.get("required", []))
    for part in node["allOf"]:
        for name, child in part["properties"].items():
            properties.setdefault(name, []).append(child)
        required += [name for name in part.get("required", []) if name not in required]
    merged["properties"] = {name: _one(schemas) for name, schemas in properties.items()}
    if required:
        merged["required"] = required
    merged.pop("additionalProperties", None)
    return merged


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _one(schemas: list[Any]) -> Any:
    if len(schemas) == 1:
        return schemas[0]
    flat = [_flat(schema) for schema in schemas]
    if all(_lists_open_properties(schema) for schema in flat):
        return _merged_all_of({"allOf": flat})
    return {"allOf": schemas}


def with_nullable(schema: Any) -> Any:
    """For a 3.1 validator: `nullable: true` (3.0's keyword) read as allowing null."""
    if isinstance(schema, list):
        return [with_nullable(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    node = {key: with_nullable(value) for key, value in schema.items()}
    if node.pop("nullable", False) is True:
        kind = node.get("type")
        if isinstance(kind, str):
            node["type"] = [kind, "null"]
        elif isinstance(kind, list):
            node["type"] = [*kind, "null"] if "null" not in kind else kind
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node

