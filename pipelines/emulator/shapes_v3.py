"""The v3 shapes (`documents-api-v3.json`) of our records: sales orders with their line items, and
customers. What an order's v3 answer derives from its record (the status vocabulary, addresses,
line items, totals) is worked out once in `OrderV3`, which the v3 filters read too, so a filter
and the answer agree. The mapping from v1 follows `V3.md`; fields the world has no data for are
left out (the schemas require almost nothing), never made up."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from . import data
from .clock import days_to_iso
from .money import net_cents, tax_cents
from .shapes import (
    address_type,
    money,
    order_address,
    order_flags,
    quantity,
    subscription_payment_method,
    timestamp,
)

V3_STATUS = {"created": "draft", "released": "released", "completed": "completed", "canceled": "cancelled"}
TAX_RATE_NAMES = {19: "standard", 7: "reduced", 0: "exempt"}
PRODUCT_TAX_RATES = {"standard": "standard", "reduced": "reduced", "free": "exempt"}  # v2 salesTax -> v3 taxRate
POSTAL_FIELDS = ("name", "type", "title", "contactPerson", "department", "subDepartment", "addressSupplement",
                 "street", "zipCode", "city", "state", "country", "salutation", "gln", "email", "phone", "fax",
                 "mobile")
SEPARATE_ADDRESS_IDS = 900_000  # added to a customer id for its address id (setting v3_address_ids)
INTERMEDIATE_ID = 900  # an order's intermediate line items: order id * 1000 + 900 + n
INTERMEDIATE_NAMES = {"heading": "Artikel", "subtotal": "Zwischensumme", "group_total": "Summe der Artikel"}
UNIT = "Stück"  # every product's unit (as v2 products say)
EDITOR = {"id": "1"}  # the user v1 names in log.createdBy
# v3 traffic lights meaning what one of v1's checks means (true: green).
TRAFFIC_LIGHTS = {"stock": "stockOk", "vat": "vatOk", "customerCheck": "customerCheckOk",
                  "creditLimit": "creditLimitOk", "deliveryBlock": "shippingLockOk", "dateOfDelivery": "shippingDateOk"}


@dataclass(frozen=True)
class V3Options:
    """The settings that shape v3 answers."""

    amounts: str  # "string", "number" or "mixed" (per order: odd ids strings, even ids numbers)
    unknown_status: str  # v1's "unknown" in v3's vocabulary
    separate_address_ids: bool


def postal(address: dict) -> dict:
    """A v1 address (an order's billing or shipping address, a customer's) as a v3 PostalAddress;
    what the address does not have is left out (the spec's `type` enum has no null)."""
    found = {**address, "zipCode": address.get("zipCode", address.get("zip")),
             "phone": address.get("phone", address.get("phoneNumber"))}
    return {field: found[field] for field in POSTAL_FIELDS if found.get(field) is not None}


def layout(order_id: int, goods: int) -> list[tuple[int, str]]:
    """An order's intermediate line items as (how many goods precede it, type), in document order:
    a heading first and a subtotal after the goods in every fourth order, also a group total in
    every eighth, an image after the first good in every ninth, a page break after the fifth of
    six or more goods in every other. Deterministic: an order keeps its layout."""
    items = []
    if order_id % 4 == 0:
        items.append((0, "heading"))
    if order_id % 9 == 0:
        items.append((1, "image"))
    if goods > 5 and order_id % 2 == 0:
        items.append((5, "page_break"))
    if order_id % 8 == 0:
        items.append((goods, "group_total"))
    if order_id % 4 == 0:
        items.append((goods, "subtotal"))
    return items


class ProductLine(NamedTuple):
    item: dict  # the line item without `order`
    net: int  # cents
    gross: int
    rate: int  # percent


def customer_addresses(customer: dict) -> tuple[dict, dict]:
    """The document address and the ship-to address of the customer's orders (where an order names
    none of its own), as PostalAddresses."""
    return postal(order_address(customer, "billing")), postal(order_address(customer, "shipping"))


class OrderV3:
    """One order as v3 answers it: its record, its customer with `addresses` (customer_addresses),
    its project; `product(id)` finds a product, deleted or not."""

    def __init__(self, record: dict, customer: dict, addresses: tuple[dict, dict], project: dict | None,
                 product: Callable[[int], dict], options: V3Options) -> None:
        self.record = record
        self.customer = customer
        self.project = project
        self._addresses = addresses
        self._product = product
        self.options = options
        as_numbers = options.amounts == "number" or (options.amounts == "mixed" and record["id"] % 2 == 0)
        self._amount: Callable[[int], str | float] = (lambda cents: cents / 100) if as_numbers else money
        self._currency = record["currency"]

    def money(self, cents: int) -> dict:
        return {"amount": self._amount(cents), "currency": self._currency}

    def net_gross(self, net: int, gross: int) -> dict:
        return {"net": self.money(net), "gross": self.money(gross)}

    @property
    def status(self) -> str:
        return V3_STATUS.get(self.record["status"], self.options.unknown_status)

    @property
    def address_id(self) -> int:
        return self.record["customerId"] + (SEPARATE_ADDRESS_IDS if self.options.separate_address_ids else 0)

    @cached_property
    def document_address(self) -> dict:
        given = self.record["billingAddress"]
        return postal(given) if given else self._addresses[0]

    @cached_property
    def ship_to(self) -> dict:
        given = self.record["shippingAddress"]
        return postal(given) if given else self._addresses[1]

    @property
    def deviating_ship_to(self) -> dict | None:
        return None if self.ship_to == self.document_address else self.ship_to

    @cached_property
    def product_lines(self) -> list[ProductLine]:
        """Every position, then every shipping cost line: the `product` line items."""
        record = self.record
        parents = {p["parent"] for p in record["positions"]}
        lines = [self._product_line(p["id"], p["productId"], p["quantity"], p["price"], p["discount"], p["taxRate"],
                                    p.get("webId") or "", p["id"] in parents, p["parent"])
                 for p in record["positions"]]
        lines += [self._product_line(data.shipping_cost_id(record["id"], k),
                                     cost["productId"], cost["quantity"], cost["price"], 0, cost["taxRate"], "",
                                     False, None)
                  for k, cost in enumerate(record["shippingCosts"])]
        return lines

    def _product_line(self, item_id: int, product_id: int, amount: float, price: int, discount: int, rate: int,
                      external: str, has_children: bool, parent: int | None) -> ProductLine:
        product = self._product(product_id)
        single = (price * (10000 - discount) + 5000) // 10000
        net = net_cents(price, amount, discount)
        gross = net + tax_cents(net, rate)
        item = {
            "type": "product", "id": str(item_id), "number": product["number"], "name": product["name"],
            "description": product["description"], "quantity": quantity(amount), "product": {"id": str(product_id)},
            "unit": UNIT, "project": {"id": str(self.record["projectId"])},
            "taxRate": TAX_RATE_NAMES.get(rate, float(rate)), "effectiveTaxRate": float(rate),
            "price": self.net_gross(price, price + tax_cents(price, rate)), "discount": discount / 100,
            "itemRevenue": self.net_gross(single, single + tax_cents(single, rate)),
            "lineItemRevenue": self.net_gross(net, gross), "externalNumber": external,
            "hasChildLineItems": has_children, "parentLineItem": None if parent is None else {"id": str(parent)},
        }
        return ProductLine(item, net, gross, rate)

    @cached_property
    def line_items(self) -> list[dict]:
        """Product and intermediate line items in document order, numbered by `order` from 1."""
        order_id = self.record["id"]
        goods = len(self.record["positions"])
        pending = layout(order_id, goods)
        items: list[dict] = []
        running = [0, 0]  # net, gross of the goods so far
        group = [0, 0]  # since the last heading
        for index, line in enumerate([*self.product_lines, None]):
            while pending and pending[0][0] == index and index <= goods:
                kind = pending.pop(0)[1]
                item: dict[str, Any] = {"type": kind, "id": str(order_id * data.POSITION_ID_FACTOR + INTERMEDIATE_ID
                                                                   + len(items) + 1)}
                if kind != "page_break":
                    item.update(name=INTERMEDIATE_NAMES.get(kind), description=None)
                if kind == "image":
                    item.update(image=None, imageHeight=None, imageWidth=None)
                if kind in ("subtotal", "group_total"):
                    item["amount"] = self.net_gross(*(running if kind == "subtotal" else group))
                if kind == "heading":
                    group = [0, 0]
                items.append(item)
            if line is not None:
                items.append(dict(line.item))
                if index < goods:
                    running = [running[0] + line.net, running[1] + line.gross]
                    group = [group[0] + line.net, group[1] + line.gross]
        for number, item in enumerate(items, start=1):
            item["order"] = number
        return items

    @property
    def totals(self) -> tuple[int, int]:
        """Net and gross cents of all product line items, shipping costs included."""
        return sum(line.net for line in self.product_lines), sum(line.gross for line in self.product_lines)

    def tax_breakdown(self) -> list[dict]:
        by_rate: dict[int, list[int]] = {}
        for line in self.product_lines:
            sums = by_rate.setdefault(line.rate, [0, 0])
            sums[0] += line.net
            sums[1] += line.gross
        return [{"rate": float(rate), "net": self.money(net), "taxAmount": self.money(gross - net),
                 "gross": self.money(gross)} for rate, (net, gross) in sorted(by_rate.items())]
def sales_order(order: OrderV3, includes: frozenset[str], product_item: Callable[[int, frozenset[str]], dict]) -> dict:
    """A SalesOrder with the requested includes; `product_item(id, includes)` is an included Product."""
    record, customer = order.record, order.customer
    net, gross = order.totals
    created = timestamp(record["createdAt"], record["id"], field=1)
    resource: dict[str, Any] = {
        "id": str(record["id"]), "documentNumber": record["documentNumber"],
        "documentDate": days_to_iso(record["date"]),
        "customerNumber": customer["number"], "address": {"id": str(order.address_id)},
        "documentAddress": order.document_address, "internalDesignation": "", "language": "de",
        "bodyIntroduction": "", "bodyOutroduction": "", "vatId": customer["vatId"], "deliveryTerms": None,
        "editor": EDITOR, "createdAt": created, "updatedAt": timestamp(record["updatedAt"], record["id"]),
        "project": {"id": str(record["projectId"])},
        "shippingMethod": {"id": str(record["shippingMethodId"])},
        "financials": {
            "paymentMethod": {"id": str(record["paymentMethodId"])},
            "paymentTerms": {"paymentTargetDays": 14, "paymentTargetDiscount": 0.0, "paymentTargetDiscountDays": 0},
            "tax": {"taxation": "domestic", "disableTaxNotice": False, "taxRates": {"standard": 19.0, "reduced": 7.0},
                    "taxDisplay": "net" if customer["customerType"] == "company" else "gross"},
            "currency": record["currency"],
        },
        "totals": {"net": order.money(net), "gross": order.money(gross), "taxBreakdown": order.tax_breakdown()},
        "sales": None, "offer": None, "preferredWarehouse": None, "status": order.status,
        "externalOrderNumber": record["externalOrderNumber"], "customerOrderNumber": record["customerOrderNumber"],
        "transactionNumber": record["transactionNumber"], "externalOrderId": record["externalOrderId"],
        "desiredDeliveryDate": None, "desiredDeliveryDateAsCalendarWeek": False, "earliestFulfillmentDate": None,
        "reservationDate": None, "storageCountry": None, "autoDispatch": record["autoShipping"], "fastLane": False,
        "createDocuments": "deliveryNoteAndInvoice", "isSalesOrderToSupplier": False, "supplierNumber": None,
        "deviatingShipToAddress": order.deviating_ship_to,
        "effectiveAddresses": {"soldTo": order.document_address, "shipTo": order.ship_to},
        "directDebitDate": None, "salesChannel": None, "costCenter": None,
    }
    _include(resource, order, includes, product_item, created)
    return resource


def _include(resource: dict, order: OrderV3, includes: frozenset[str],
             product_item: Callable[[int, frozenset[str]], dict], created: str) -> None:
    record = order.record
    if "project" in includes and order.project is not None:
        project = order.project
        resource["project"] = {"id": str(project["id"]), "name": project["name"], "abbreviation": project["keyName"]}
    if "address" in includes:
        resource["address"] = {"id": str(order.address_id), "isDeleted": False,
                               "createdAt": timestamp(order.customer["createdAt"], order.customer["id"], field=1),
                               "updatedAt": timestamp(order.customer["updatedAt"], order.customer["id"])}
    for name in ("tags", "activity", "customFields", "relatedDocuments"):
        if name in includes:
            resource[name] = []  # the world has none
    if "trafficLights" in includes:
        flags = order_flags(record)
        resource["trafficLights"] = [{"id": light, "type": "system", "state": flags[check]}
                                     for light, check in TRAFFIC_LIGHTS.items()]
    if "printDetails" in includes:
        resource["printDetails"] = {"logo": None, "display": {
            "showGrossPrices": resource["financials"]["tax"]["taxDisplay"] == "gross", "homeCountry": "DE",
            "decimalPlaces": 2}}
    if any(name.startswith("lineItems") for name in includes):
        resource["lineItems"] = [_line_item(item, includes, product_item) for item in order.line_items]


def _line_item(item: dict, includes: frozenset[str], product_item: Callable[[int, frozenset[str]], dict]) -> dict:
    if item["type"] != "product":
        return item
    if "lineItems.product" in includes or "lineItems.product.salesPrices" in includes or (
            "lineItems.product.customFields" in includes):
        item = {**item, "product": product_item(int(item["product"]["id"]), includes)}
    if "lineItems.customFields" in includes:
        item = {**item, "customFields": []}
    return item


def product(record: dict, includes: frozenset[str]) -> dict:
    """A v3 Product (`include=lineItems.product`), with its sales price and custom fields when asked."""
    found = {
        "id": str(record["id"]), "uuid": record["uuid"], "number": record["number"], "name": record["name"],
        "description": record["description"], "ean": record["ean"], "unit": UNIT, "countryOfOrigin": "DE",
        "project": {"id": str(record["projectId"])}, "updatedAt": timestamp(record["updatedAt"], record["id"]),
        "isStockItem": record["isStockItem"], "manufacturer": record["manufacturerName"],
        "measurements": {"weight": record["weight"]}, "minimumOrderQuantity": 1,
        "taxRate": PRODUCT_TAX_RATES[record["salesTax"]], "isShippingCostsProduct": record["isShippingCostsProduct"],
        "isDeleted": False, "isDisabled": record["isDisabled"], "isDiscountProduct": False,
    }
    if "lineItems.product.salesPrices" in includes:
        found["salesPrices"] = [{
            "id": str(record["id"]), "customer": None, "customerGroup": None, "quantity": 1.0,
            "price": {"amount": money(record["netCents"]), "currency": "EUR"},
            "isNotCalculatedFromExchangeTable": False, "hideInBulkPriceListing": False,
            "validFrom": None, "expiresAt": None}]
    if "lineItems.product.customFields" in includes:
        found["customFields"] = []
    return found


# ---- customers -------------------------------------------------------------------------

DOCUMENT_KINDS = ("offer", "salesOrder", "invoice", "creditNote", "deliveryNote", "purchaseOrder", "dunning")
SUBSCRIPTION_PAYMENT = {"direct-debit": "directDebit", "invoice": "invoice"}  # v2 -> v3


def main_address(customer: dict) -> dict:
    return next(a for a in customer["addresses"] if a["type"] == "masterdata")


def _customer_postal(customer: dict, address: dict) -> dict:
    """One of the customer's addresses with its contact data, as a PostalAddress."""
    return postal({**address, "type": address_type(customer), "title": customer["title"],
                   "contactPerson": customer["contactPerson"], "email": customer["email"], "phone": customer["phone"]})


def customer(record: dict, includes: frozenset[str]) -> dict:
    """A v3 Customer with the requested includes."""
    billing = next((a for a in record["addresses"] if a["type"] == "billingaddress"), None)
    found: dict[str, Any] = {
        "id": str(record["id"]), "number": record["number"],
        "createdAt": timestamp(record["createdAt"], record["id"], field=1),
        "updatedAt": timestamp(record["updatedAt"], record["id"]), "deviatingDebtorAccountNumber": None,
        "mainProject": {"id": str(record["projectId"])},
        "primaryAddress": _customer_postal(record, main_address(record)),
        "deviatingBillingAddress": None if billing is None else _customer_postal(record, billing),
        "communication": {"language": "de", "website": record["website"]},
        "financials": {
            "tax": {"vatId": record["vatId"], "taxNumber": None, "taxation": "domestic", "taxDisplay": "automatic",
                    "useDeliveryThreshold": False, "customsInformation": None},
            "paymentTerms": {"fixedPaymentTerms": False, "paymentTargetDays": 14, "paymentTargetDiscount": 0.0},
            "paymentMethod": {"id": str(record["paymentMethodId"])},
            "subscriptionPaymentMethod": SUBSCRIPTION_PAYMENT[subscription_payment_method(record)],
            "defaultCurrency": "EUR", "creditLimit": 0.0,
        },
        "fulfillment": {"shippingMethod": {"id": str(record["shippingMethodId"])}, "freeShippingActive": False,
                        "freeShippingFrom": 0.0, "deliveryBlock": False, "deliveryBlockDate": None,
                        "deliveryBlockReason": None},
        "documentDelivery": {
            "invoiceAlwaysPaper": False, "amountInvoicePrints": 1, "preferFax": False,
            "documentRecipients": {kind: {"to": record["email"], "cc": []} for kind in DOCUMENT_KINDS}},
        "accountManager": None, "salesManager": None,
    }
    if "communication.additionalContactInformation" in includes:
        found["communication"]["additionalContactInformation"] = []
    for name in ("customFields", "groups", "tags"):
        if name in includes:
            found[name] = []  # the world has none
    if "customerRoles" in includes:
        found["customerRoles"] = [{"project": {"id": str(record["projectId"])}, "validFrom": None, "expiresAt": None}]
    if "deliveryAddresses" in includes:
        found["deliveryAddresses"] = [_delivery_address(record, address, number == 0) for number, address in
                                      enumerate(a for a in record["addresses"] if a["type"] == "deliveryaddress")]
    if "contactPersons" in includes:
        found["contactPersons"] = [] if not record["contactPerson"] else [{
            "id": str(record["id"]), "name": record["contactPerson"], "email": record["email"],
            "phone": record["phone"], "createdAt": found["createdAt"], "updatedAt": found["updatedAt"]}]
    return found


def _delivery_address(record: dict, address: dict, first: bool) -> dict:
    return {"id": address["id"], "type": address_type(record), "name": address["name"],
            "department": address["department"], "subDepartment": address["subDepartment"],
            "addressSupplement": address["addressSupplement"], "street": address["street"],
            "zipCode": address["zip"], "city": address["city"], "state": address["state"],
            "country": address["country"], "deliveryDetails": {"taxType": "domestic", "defaultDeliveryAddress": first}}
