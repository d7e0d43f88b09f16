"""The basic endpoints answer over real HTTP."""
from __future__ import annotations

from tests.emulator.conftest import Client


def test_every_list_endpoint_answers_with_the_envelope(client: Client) -> None:
    for path in ("/api/v1/salesOrders", "/api/v2/products", "/api/v2/customers", "/api/v1/projects",
                 "/api/v1/paymentMethods", "/api/v1/shippingMethods"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.json()
        assert body["data"], path
        assert body["extra"]["totalCount"] >= len(body["data"])
        assert response.headers["X-RateLimit-Limit"] == "100"


def test_views_answer_data_and_unknown_ids_404(client: Client) -> None:
    world = client.emulator.world
    for path, ids in (("/api/v1/salesOrders/", world.order_ids()), ("/api/v2/products/", world.product_ids()),
                      ("/api/v2/customers/", world.customer_ids())):
        response = client.get(path + ids[0])
        assert response.status_code == 200
        assert response.json()["data"]["id"] == ids[0]
        missing = client.get(path + "999999")
        assert missing.status_code == 404
        assert missing.content == b"" and "Content-Type" not in missing.headers  # the spec declares no body
    client.emulator.update_settings(error_body="message")
    assert client.get("/api/v1/salesOrders/999999").json() == {"message": "Not found"}


def test_binds_loopback_only_and_keeps_connections_alive(client: Client) -> None:
    assert client.emulator._server.socket.getsockname() == ("127.0.0.1", client.emulator.port)
    first = client.get("/api/v1/projects")
    second = client.get("/api/v1/paymentMethods")
    assert first.raw.version == 11 and "close" not in first.headers.get("Connection", "")
    assert int(first.headers["Content-Length"]) == len(first.content)
    pool = client.session.get_adapter(client.emulator.base_url).poolmanager
    assert second.status_code == 200 and len(pool.pools) == 1
    assert pool.pools[next(iter(pool.pools.keys()))].num_connections == 1
