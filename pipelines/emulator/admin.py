"""The admin API under /_emulator/: statistics, the clock, settings, queued failures and changes to
the data. Never rate limited, never counted."""
from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from .responses import Response, json_response, message

if TYPE_CHECKING:
    from .server import Application

RECORD_KINDS = {"orders": "order", "products": "product", "customers": "customer"}


def handle_admin(app: Application, method: str, path: str, body: bytes) -> Response:
    """The answer to one admin request: 404 for unknown paths and ids, 400 for bad bodies."""
    try:
        payload = json.loads(body) if body else {}
        if not isinstance(payload, dict):
            raise ValueError("the body must be a JSON object")
        return _admin(app, method, path.removeprefix("/_emulator/").strip("/").split("/"), payload)
    except KeyError as error:
        return message(404, str(error.args[0]) if error.args else "Not found")
    except (ValueError, TypeError) as error:
        return message(400, str(error))


def _admin(app: Application, method: str, parts: list[str], payload: dict) -> Response:
    route = (method, *parts)
    if route == ("GET", "stats"):
        return json_response(200, app.stats.snapshot())
    if route == ("POST", "stats", "reset"):
        app.stats.reset()
        return json_response(200, app.stats.snapshot())
    if route[:2] in (("GET", "clock"), ("POST", "clock")):
        _clock(app, payload)
        return json_response(200, {"now": app.world.now().isoformat()})
    if route[:2] in (("GET", "settings"), ("PATCH", "settings")):
        settings = app.update_settings(**payload) if method == "PATCH" else app.settings
        return json_response(200, settings.as_dict())
    if route == ("POST", "fail-next"):
        app.faults.fail_next(payload["operation"], int(payload.get("count", 1)), int(payload.get("status", 500)))
        return json_response(200, {})
    if len(parts) in (1, 2, 3) and parts[0] in RECORD_KINDS:
        return _records(app, method, parts, payload)
    raise KeyError("Not found")


def _clock(app: Application, payload: dict) -> None:
    """{"set": iso} jumps, {"advance": seconds} moves on, {"freeze": iso or true} pins,
    {"unfreeze": true} lets the clock tick again."""
    world = app.world
    if "set" in payload:
        world.set_clock(datetime.fromisoformat(payload["set"]))
    if "advance" in payload:
        world.advance_clock(float(payload["advance"]))
    if payload.get("freeze"):
        world.freeze_clock(None if payload["freeze"] is True else datetime.fromisoformat(payload["freeze"]))
    if payload.get("unfreeze"):
        world.unfreeze_clock()


def _records(app: Application, method: str, parts: list[str], payload: dict) -> Response:
    world = app.world
    kind = RECORD_KINDS[parts[0]]
    if len(parts) == 1 and method == "POST":
        return json_response(201, {"id": getattr(world, f"create_{kind}")(**payload)})
    if len(parts) == 2 and method == "PATCH":
        getattr(world, f"update_{kind}")(parts[1], **payload)
    elif len(parts) == 2 and method == "DELETE":
        getattr(world, f"delete_{kind}")(parts[1])
    elif len(parts) == 3 and parts[2] == "cancel" and kind == "order" and method == "POST":
        world.cancel_order(parts[1])
    else:
        raise KeyError("Not found")
    return json_response(200, {"id": parts[1]})
