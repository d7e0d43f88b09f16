"""HTTP side: routing, auth, Accept, rate limit, faults; v1/v2 and v3 answers. The admin API
under /_emulator/ is admin.py."""
from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import UTC
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import importer, media, resources, shapes, v3
from .admin import handle_admin
from .faults import Fault, Faults
from .knobs import EmulatorSettings
from .query import ListSpec, Problem, parse_list_query
from .quota import RateLimiter
from .resources_v3 import CUSTOMERS_V3, SALES_ORDER_VIEW_INCLUDES, SALES_ORDERS_V3, V3ListSpec
from .responses import Response, json_response, message, raw_json
from .stats import Stats
from .world import World

IMPORT_SCOPE = "salesOrder:create"
PAGE_PARAMETERS = ("page[number]", "page[size]")
V3_ORDER_VIEW = "GET::api-v3-salesorders-id"
V3_SCOPES = {SALES_ORDERS_V3.operation: "salesOrder:read", V3_ORDER_VIEW: "salesOrder:read",
             CUSTOMERS_V3.operation: "customer:read"}  # the spec's x-scopes
SLOW_PAGE_STATUS = 504  # what a v3 page above `v3_fail_above` gets: a proxy giving up on a slow answer


def page_links(path: str, query: str, number: int, size: int, total: int) -> dict[str, str | None]:
    """`links` of a paged answer that has them: this page, the next and previous (null at the ends)."""
    kept = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True) if name not in PAGE_PARAMETERS]

    def page(page_number: int) -> str:
        return f"{path}?{urlencode([*kept, ('page[number]', page_number), ('page[size]', size)])}"

    return {"self": page(number), "next": page(number + 1) if number * size < total else None,
            "prev": page(number - 1) if number > 1 else None}


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    operation: str
    spec: ListSpec | V3ListSpec | None = None  # list endpoints

    @property
    def v3(self) -> bool:
        return self.operation.startswith("GET::api-v3")


def _route(method: str, path: str, operation: str, spec: ListSpec | V3ListSpec | None = None) -> Route:
    return Route(method, re.compile(path + r"\Z"), operation, spec)


API_ROUTES = (
    _route("GET", r"/api/v1/salesOrders", "salesOrder.list", resources.SALES_ORDERS),
    _route("POST", r"/api/v1/salesOrders/actions/import", "salesOrder.import"),
    _route("GET", r"/api/v1/salesOrders/([^/]+)", "salesOrder.view"),
    _route("GET", r"/api/v2/products", "product.listV2", resources.PRODUCTS),
    _route("GET", r"/api/v2/products/([^/]+)", "product.viewV2"),
    _route("GET", r"/api/v2/customers", "customer.list.v2", resources.CUSTOMERS),
    _route("GET", r"/api/v2/customers/([^/]+)/addresses", "customer.address.list.v2", resources.CUSTOMER_ADDRESSES),
    _route("GET", r"/api/v2/customers/([^/]+)", "customer.view.v2"),
    _route("GET", r"/api/v1/projects", "Project.list", resources.PROJECTS),
    _route("GET", r"/api/v1/paymentMethods", "paymentMethod.list", resources.PAYMENT_METHODS),
    _route("GET", r"/api/v1/shippingMethods", "shippingMethod.list", resources.SHIPPING_METHODS),
    _route("GET", r"/api/v3/salesOrders", SALES_ORDERS_V3.operation, SALES_ORDERS_V3),
    _route("GET", r"/api/v3/salesOrders/([^/]+)", V3_ORDER_VIEW),
    _route("GET", r"/api/v3/customers", CUSTOMERS_V3.operation, CUSTOMERS_V3),
)


class Application:
    """Everything a request needs; one per running emulator."""

    def __init__(self, settings: EmulatorSettings, world: World) -> None:
        self.settings = settings
        self.world = world
        self.stats = Stats(settings.recent_requests)
        self.limiter = RateLimiter(settings.rate_limit, settings.rate_window_seconds)
        self.faults = Faults(settings.fault_seed)
        self.base_url = ""
        self._settings_lock = threading.Lock()

    def update_settings(self, **changes: Any) -> EmulatorSettings:
        with self._settings_lock:
            settings = self.settings.updated(**changes)
            self.settings = self.world.settings = settings
            self.limiter.configure(settings.rate_limit, settings.rate_window_seconds)
            if "fault_seed" in changes:
                self.faults = Faults(settings.fault_seed)
            return settings

    # ---- answers without data ----------------------------------------------------------

    def authorized(self, header: str | None) -> bool:
        scheme, _, token = (header or "").partition(" ")
        return scheme.lower() == "bearer" and token.strip() == self.settings.token

    def unauthorized(self, route: Route | None) -> Response:
        """401: v3 declares no body; v1 declares JSON or text (setting `unauthorized_body`)."""
        if route is not None and route.v3:
            return Response(401, b"", None)
        if self.settings.unauthorized_body == "text":
            return Response(401, b"Unauthorized", "text/html; charset=UTF-8")
        return message(401, "Unauthorized")

    def too_many(self, route: Route | None) -> Response:
        """429: v3 declares `{"message": "Too Many Requests"}`, v1 no body."""
        if route is not None and route.v3:
            return message(429, "Too Many Requests")
        return self.bare(429, "Too Many Requests")

    def bare(self, status: int, text: str) -> Response:
        """An answer whose body the spec does not declare (403, 404, 406, 429, 5xx...): none,
        or `{"message": text}` with the setting `error_body = "message"`."""
        return message(status, text) if self.settings.error_body == "message" else Response(status, b"", None)

    def _refusal(self, route: Route) -> Response | None:
        """403 for a v3 route whose feature flag is off or whose scope the token lacks."""
        settings = self.settings
        if route.v3 and route.operation != CUSTOMERS_V3.operation and settings.v3_sales_orders == "forbidden":
            return self.bare(403, "Forbidden")
        scope = V3_SCOPES.get(route.operation)
        if scope and settings.token_scopes is not None and scope not in settings.token_scopes:
            return self.bare(403, f"Missing required scopes: {scope}.")
        return None

    # ---- API requests ------------------------------------------------------------------

    def handle_api(self, method: str, path: str, query: str, headers: Any, body: bytes,
                   ) -> tuple[Response, Fault | None, str | None]:
        """The answer, a transport fault to apply while sending it, and the operation id."""
        route, match = self._match(method, path)
        operation = route.operation if route else None
        decision = self.limiter.acquire()
        if not decision.allowed:
            return self._with_limits(self.too_many(route), decision.headers()), None, operation
        limits = decision.headers()
        settings = self.settings
        if not self.authorized(headers.get("Authorization")):
            return self._with_limits(self.unauthorized(route), limits), None, operation
        if route is None:
            status = 405 if match else 404
            return self._with_limits(self.bare(status, "Not found" if status == 404 else "Method not allowed"),
                                     limits), None, operation
        chosen = media.negotiate(headers.get("Accept"), media.success_media_types(route.operation))
        if chosen is None:
            return self._with_limits(self.bare(406, "Not Acceptable"), limits), None, operation
        refusal = self._refusal(route)
        if refusal is not None:
            return self._with_limits(refusal, limits), None, operation
        fault = self.faults.decide(route.operation, settings, method == "GET")
        if fault and fault.kind == "error":
            return self._with_limits(self.bare(fault.status, HTTPStatus(fault.status).phrase), limits), None, operation
        if fault and fault.kind == "foreign_429":
            refusal = self.limiter.exhausted(retry_after=1)
            return self._with_limits(self.too_many(route), refusal.headers()), None, operation
        if settings.latency_ms:
            time.sleep(settings.latency_ms / 1000)
        try:
            response = self._dispatch(route, match.groups(), path, query, headers, body, chosen)
        except Problem as problem:
            response = json_response(problem.status, problem.body, problem.content_type)
        return self._with_limits(response, limits), fault, operation

    @staticmethod
    def _with_limits(response: Response, limits: dict[str, str]) -> Response:
        response.headers.update(limits)
        return response

    def _served(self, route: Route) -> bool:
        """Whether this instance has the route (v3 ones depend on the settings)."""
        settings = self.settings
        if route.operation == CUSTOMERS_V3.operation:
            return settings.v3_customers == "on"
        return not route.v3 or settings.v3_sales_orders != "absent"

    def _match(self, method: str, path: str) -> tuple[Route | None, re.Match | None]:
        """The route for method and path; (None, match) when only the method is wrong."""
        other = None
        for route in API_ROUTES:
            found = route.pattern.match(path)
            if found and not self._served(route):
                continue
            if found and route.method == method:
                return route, found
            other = other or found
        return None, other

    def _dispatch(self, route: Route, args: tuple, path: str, query: str, headers: Any, body: bytes,
                  chosen: str) -> Response:
        if route.operation == "salesOrder.import":
            return self._import(body)
        if route.operation == "customer.address.list.v2":
            return self._addresses(args[0], path, query)
        if isinstance(route.spec, V3ListSpec):
            return self._v3_list(route.spec, path, query, headers.get("x-pagination"))
        if route.operation == V3_ORDER_VIEW:
            return self._v3_view(args[0], query)
        if route.spec is not None:
            text = self._list(route, query)
        else:
            data = self.world.view_json(route.operation, args[0])
            if data is None:
                return self.bare(404, "Not found")
            text = '{"data":' + data + "}"
        if chosen == media.MINIMAL:
            text = json.dumps(shapes.minimal(route.operation, json.loads(text)), ensure_ascii=False)
        return raw_json(200, text, chosen)

    def _list(self, route: Route, query: str) -> str:
        settings = self.settings
        parsed = parse_list_query(query, route.spec, settings.oversize_page, settings.customer_cursor == "on")
        if parsed.number > 1 and not parsed.by_cursor:
            rng = self.faults.churn(settings)
            if rng is not None:
                self.world.churn(route.operation, parsed, rng)
        return self.world.list_body(route.operation, parsed)

    def _v3_list(self, spec: V3ListSpec, path: str, query: str, pagination: str | None) -> Response:
        """A v3 list; slow per record (`v3_latency_per_order_ms`) or 504 above a page size
        (`v3_fail_above`) where the settings say so."""
        settings = self.settings
        parsed = v3.parse_v3_query(query, pagination, spec, settings.oversize_page)
        if settings.v3_fail_above and parsed.per_page > settings.v3_fail_above:
            return self.bare(SLOW_PAGE_STATUS, HTTPStatus(SLOW_PAGE_STATUS).phrase)
        if parsed.mode != "cursor" and parsed.page > 1:
            rng = self.faults.churn(settings)
            if rng is not None:
                self.world.churn_v3(spec.operation, parsed, rng)
        body, records = self.world.v3_list(spec.operation, parsed, v3.page_url(self.base_url, path, query),
                                           self.base_url + path)
        if settings.v3_latency_per_order_ms:
            time.sleep(records * settings.v3_latency_per_order_ms / 1000)
        return Response(200, body)

    def _v3_view(self, order_id: str, query: str) -> Response:
        text = self.world.order_v3_json(order_id, v3.parse_includes(query, SALES_ORDER_VIEW_INCLUDES))
        return self.bare(404, "Not found") if text is None else raw_json(200, text)

    def _addresses(self, customer_id: str, path: str, query: str) -> Response:
        """A customer's addresses: a paged list with `links`, filterable on `type`."""
        parsed = parse_list_query(query, resources.CUSTOMER_ADDRESSES, self.settings.oversize_page, False)
        found = self.world.address_page(customer_id, parsed)
        if found is None:
            return self.bare(404, "Not found")
        page, total = found
        links = {**page_links(path, query, parsed.number, parsed.size, total),
                 "customer": path.removesuffix("/addresses")}
        extra = {"totalCount": total, "page": {"number": parsed.number, "size": parsed.size}}
        return json_response(200, {"data": page, "extra": extra, "links": links})

    def _import(self, body: bytes) -> Response:
        settings = self.settings
        if settings.token_scopes is not None and IMPORT_SCOPE not in settings.token_scopes:
            return self.bare(403, f"Missing required scopes: {IMPORT_SCOPE}.")
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            invalid = {"type": "https://api.xentral.biz/problems/generic-validation",
                       "title": "Invalid request body.", "messages": ["The body is not valid JSON."]}
            raise Problem(400, invalid) from None
        order_id = importer.import_order(self.world, payload)
        location = f"/api/v1/salesOrders/{order_id}"
        if settings.location_form == "absolute":
            location = self.base_url + location
        if settings.slow_import_seconds:
            time.sleep(settings.slow_import_seconds)
        return Response(201, b"", f"{media.HTML}; charset=UTF-8", {"Location": location})

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet server
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        app = self.server.app
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        url = urlsplit(self.path)
        if url.path.startswith("/_emulator/"):
            if not app.authorized(self.headers.get("Authorization")):
                self._send(app.unauthorized(None), None)
            else:
                self._send(handle_admin(app, method, url.path, body), None)
            return
        try:
            response, fault, operation = app.handle_api(method, url.path, url.query, self.headers, body)
        except Exception:  # a bug in the emulator: answer 500 and show it, keep serving
            traceback.print_exc()
            response, fault, operation = message(500, "Emulator error (see its log)"), None, None
        app.stats.record(operation, response.status, f"{method} {self.path}")
        self._send(response, fault)

    def _send(self, response: Response, fault: Fault | None) -> None:
        body = response.body
        if fault and fault.kind == "truncate" and response.status == 200 and len(body) > 1:
            body = body[: len(body) // 2]
        now = self.server.app.world.now().astimezone(UTC)
        lines = [f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}",
                 f"Date: {format_datetime(now, usegmt=True)}", "Server: xentral-emulator"]
        if response.content_type:
            lines.append(f"Content-Type: {response.content_type}")
        lines.append(f"Content-Length: {len(body)}")
        lines += [f"{name}: {value}" for name, value in response.headers.items()]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if fault and fault.kind == "drop":
            # The request was carried out (an import's order exists); the client reads half the
            # answer, or nothing when there is no body to cut (cut headers would read as complete).
            if body:
                self.wfile.write(head + body[: len(body) // 2])
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(head + body)


class EmulatorServer(ThreadingHTTPServer):
    """Listens on 127.0.0.1 only."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: Application, port: int) -> None:
        self.app = app
        super().__init__(("127.0.0.1", port), Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, dropped answers) are normal here; other errors print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

