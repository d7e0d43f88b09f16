"""An API answer before it is sent, and the JSON forms most answers take."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from . import media


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = media.JSON  # None: no body, no Content-Type
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, payload: Any, content_type: str = media.JSON) -> Response:
    return Response(status, json.dumps(payload, ensure_ascii=False).encode(), content_type)


def message(status: int, text: str) -> Response:
    return json_response(status, {"message": text})


def raw_json(status: int, text: str, content_type: str = media.JSON) -> Response:
    return Response(status, text.encode(), content_type)
