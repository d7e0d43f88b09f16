"""The JSON shapes of the official schemas, built from internal records.

Internal records hold cents and epoch seconds; only this module knows the API shapes.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Callable
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # JSON string, non-ASCII kept
from typing import Any

from .clock import days_to_iso, iso, iso_utc
from .data import DIRECT_DEBIT_PAYMENT_METHOD, shipping_cost_id

UTC_EVERY = 3  # every third record (by id, per field) writes a timestamp in UTC with Z, as Xentral also does


def timestamp(epoch: int, record_id: int, field: int = 0) -> str:
    """A record's timestamp: with the Berlin offset, or for some records in UTC (`Z`); both the same instant."""
    return iso_utc(epoch) if (record_id + field) % UTC_EVERY == 0 else iso(epoch)


def _category(rate: int) -> str:
    return "normal" if rate == 19 else ("reduced" if rate else "exempt")


def _tax_text(rate: int) -> str:
    return f"{rate}% MwSt." if rate else "steuerfrei"


@functools.lru_cache(maxsize=65536)
def money(cents: int) -> str:
    """Cents as an amount with two decimals, 1234 as "12.34" (cached: the same amounts recur on every page)."""
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def quantity(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def address_type(customer: dict) -> str:
    return customer["salutation"] if customer["salutation"] in ("mr", "mrs", "company") else "other"


def _first(customer: dict, *types: str) -> dict:
    """The customer's first address of the first of `types` it has (the main address at the latest)."""
    for kind in types:
        found = next((a for a in customer["addresses"] if a["type"] == kind), None)
        if found is not None:
            return found
    return customer["addresses"][0]


def order_address(customer: dict, kind: str) -> dict:
    """An order's billing address (the customer's billing address, else its main one) or shipping
    address (its first delivery address, else the billing address), in the sales order's shape."""
    types = ("billingaddress", "masterdata") if kind == "billing" else ("deliveryaddress", "billingaddress",
                                                                        "masterdata")
    chosen = _first(customer, *types)
    result = {"type": address_type(customer), "name": chosen["name"], "street": chosen["street"],
              "zipCode": chosen["zip"], "city": chosen["city"], "state": chosen["state"],
              "country": chosen["country"], "email": customer["email"]}
    for key in ("department", "subDepartment", "addressSupplement"):
        if chosen.get(key):
            result[key] = chosen[key]
    if customer["contactPerson"]:
        result["contactPerson"] = customer["contactPerson"]
    return result


SHIPPING_ADDRESS_KEYS = ("type", "name", "department", "contactPerson", "subDepartment", "street", "zipCode",
                         "city", "state", "country", "addressSupplement", "gln", "title", "email")
PAYMENT_TERMS = ('{"paymentTargetDiscount":0.0,"paymentTargetDays":14,"paymentTargetDiscountDays":0,'
                 '"directDebitDate":null}')
BOOL = {True: "true", False: "false"}


PREPAYMENT_METHOD = 3  # vorkasse: a created order paid this way is not yet prepaid


def order_flags(record: dict) -> dict[str, bool]:
    """An order's checks as the list shows them; only stock and prepayment vary (with the status)."""
    created = record["status"] == "created"
    return {"isBeingEdited": False, "shippingDateOk": True, "creditLimitOk": True, "subsequentDelivery": False,
            "shippingLockOk": True, "postageOk": True, "customerCheckOk": True, "vatOk": True,
            "stockOk": not created, "prepaidOk": not created or record["paymentMethodId"] != PREPAYMENT_METHOD}


@functools.cache
def _flags_json(flags: tuple[tuple[str, bool], ...]) -> str:
    """The checks as JSON members (a handful of combinations, each written once)."""
    return ",".join(f'"{name}":{BOOL[value]}' for name, value in flags)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _money(cents: int, currency: str) -> str:
    return f'{{"amount":"{money(cents)}","currency":"{currency}"}}'


class OrderRenderer:
    """Renders order records straight to JSON text.

    Orders are the bulk of every answer, so the JSON is assembled from fragments (the parts
    that come from the customer are cached per customer) rather than from dicts.
    """

    def __init__(self, customer: Callable[[int], dict], product: Callable[[int], dict],
                 discount_scale: Callable[[], int], shipping_in_net_sales: Callable[[], bool]) -> None:
        self._customer = customer
        self._product = product
        self._discount_scale = discount_scale  # basis points per rendered unit of discount
        self._shipping_in_net_sales = shipping_in_net_sales
        self._fragments: dict[int, tuple[dict, str, str, str, str]] = {}

    def warm(self, customer_ids: list[int]) -> None:
        """Build the customer fragments ahead, so first answers are as fast as later ones."""
        for customer_id in customer_ids:
            self._customer_fragments(customer_id)

    def _customer_fragments(self, customer_id: int) -> tuple[str, str, str, str]:
        """Customer number, billing and shipping address, tax block as JSON; cached while the
        record is unchanged (a change replaces the record object, hence the identity check)."""
        customer = self._customer(customer_id)
        cached = self._fragments.get(customer_id)
        if cached is None or cached[0] is not customer:
            shipping = order_address(customer, "shipping")
            tax = {"taxation": "domestic", "vatId": customer["vatId"],
                   "taxDisplay": "net" if customer["customerType"] == "company" else "gross",
                   "noTaxInfoText": False, "normalTaxRate": 19.0, "reducedTaxRate": 7.0}
            cached = (customer, _json(customer["number"]), _json(order_address(customer, "billing")),
                      _json({k: v for k, v in shipping.items() if k in SHIPPING_ADDRESS_KEYS}), _json(tax))
            self._fragments[customer_id] = cached
        return cached[1:]

    def _common(self, record: dict, created: str, delivery_view: str = "") -> str:
        number, billing, shipping, tax = self._customer_fragments(record["customerId"])
        if record.get("billingAddress"):
            billing = _json(record["billingAddress"])
        if record.get("shippingAddress"):
            shipping = _json({k: v for k, v in record["shippingAddress"].items() if k in SHIPPING_ADDRESS_KEYS})
        text = encode_basestring
        return (
            f'"id":"{record["id"]}","documentNumber":{text(record["documentNumber"])},'
            f'"externalOrderNumber":{text(record["externalOrderNumber"])},'
            f'"transactionNumber":{text(record["transactionNumber"])},'
            f'"customerOrderNumber":{text(record["customerOrderNumber"])},'
            f'"externalOrderId":{text(record["externalOrderId"])},"bodyOutroduction":"",'
            f'"date":"{days_to_iso(record["date"])}","desiredDeliveryDate":null,"earliestFulfillmentDate":null,'
            f'"reservationDate":null,"editor":{text(record["editor"])},"sales":{{"id":null,"name":null}},'
            f'"status":"{record["status"]}","customer":{{"id":"{record["customerId"]}","number":{number}}},'
            f'"comment":{text(record["comment"])},"project":{{"id":"{record["projectId"]}"}},'
            f'"language":{{"iso2":"DE"}},'
            f'"financials":{{"paymentMethod":{{"id":"{record["paymentMethodId"]}"}},'
            f'"currency":{text(record["currency"])},"costCenter":null,"billingAddress":{billing},"tax":{tax},'
            f'"paymentTerms":{PAYMENT_TERMS}}},'
            f'"delivery":{{"autoShipping":{BOOL[bool(record["autoShipping"])]},"fastLane":false,'
            f'"shippingCosts":{self._shipping_costs(record)},"storageCountry":null,"preferredWarehouse":null,'
            f'"shippingAddress":{shipping}{delivery_view}}},'
            f'"createdAt":"{created}","updatedAt":"{timestamp(record["updatedAt"], record["id"])}"'
        )

    def _shipping_costs(self, record: dict) -> str:
        costs = record.get("shippingCosts") or []
        if not costs:
            return "[]"
        currency = record["currency"]
        return _json([{
            "id": str(shipping_cost_id(record["id"], k)), "quantity": quantity(cost["quantity"]),
            "shippingCostProduct": self._product_reference(cost["productId"]),
            "tax": {"vatCategory": _category(cost["taxRate"]), "rate": None, "taxText": _tax_text(cost["taxRate"])},
            "price": {"amount": money(cost["price"]), "currency": currency}, "discount": 0.0,
        } for k, cost in enumerate(costs)])

    def _product_reference(self, product_id: int) -> dict:
        product = self._product(product_id)
        return {"id": str(product_id), "name": product["name"], "number": product["number"]}

    def _amounts(self, record: dict) -> tuple[int, int]:
        """netSales and total in cents: the positions', with the shipping costs where the setting says so."""
        net, total = record["net"], record["net"] + record["tax"]
        if self._shipping_in_net_sales():
            for cost in record.get("shippingCosts") or []:
                cost_net = int(round(cost["price"] * cost["quantity"]))
                net += cost_net
                total += cost_net + (cost_net * cost["taxRate"] + 50) // 100
        return net, total

    def list_item(self, record: dict) -> str:
        """JSON of a list item: no positions, netSales and total as plain numbers."""
        created = timestamp(record["createdAt"], record["id"], field=1)
        net, total = self._amounts(record)
        return (
            f'{{{self._common(record, created)},{_flags_json(tuple(order_flags(record).items()))},'
            f'"netSales":{net / 100!r},"total":{total / 100!r},'
            f'"desiredDeliveryDateAsCalendarWeek":false,'
            f'"log":{{"createdAt":"{created}","createdBy":{{"id":"1","name":'
            f'{encode_basestring(record["editor"])}}}}}}}'
        )

    def view(self, record: dict) -> str:
        """JSON of the single view: positions, netSales and total as money objects."""
        currency = record["currency"]
        parents = {p.get("parent") for p in record["positions"]}
        positions = _json([self.position(p, k, currency, p["id"] in parents)
                           for k, p in enumerate(record["positions"])])
        created = timestamp(record["createdAt"], record["id"], field=1)
        net, total = self._amounts(record)
        delivery_view = f',"shippingMethod":{{"id":"{record["shippingMethodId"]}"}},"deliveryTerms":null'
        return (
            f'{{{self._common(record, created, delivery_view)},"salesChannel":null,"bodyIntroduction":"",'
            f'"internalDesignation":"",'
            f'"desiredDeliveryDateCw":false,"autoCreateDocuments":"deliveryNote+invoice",'
            f'"log":{{"createdAt":"{created}","createdBy":{{"id":"1","name":'
            f'{encode_basestring(record["editor"])},"email":"admin@haendler.example"}}}},"tags":[],'
            f'"netSales":{_money(net, currency)},'
            f'"total":{_money(total, currency)},"positions":{positions}}}'
        )

    def position(self, pos: dict, index: int, currency: str, has_children: bool = False) -> dict:
        """A position of the view; a set's parts name it as `parent` and are priced at 0."""
        net_single = (pos["price"] * (10000 - pos["discount"]) + 5000) // 10000
        rate = pos["taxRate"]
        gross_single = net_single + (net_single * rate + 50) // 100
        parent = pos.get("parent")
        return {
            "id": str(pos["id"]), "quantity": quantity(pos["quantity"]), "sort": index + 1,
            "hasChildren": has_children, "parent": None if parent is None else str(parent),
            "comment": pos.get("comment", ""), "product": self._product_reference(pos["productId"]),
            "tax": {"effectiveVatRate": float(rate), "vatCategory": _category(rate), "rate": None,
                    "taxText": _tax_text(rate)},
            "price": {"amount": money(pos["price"]), "currency": currency},
            "netRevenueSingle": {"amount": money(net_single), "currency": currency},
            "netRevenueTotal": {"amount": money(pos["net"]), "currency": currency},
            "grossRevenueSingle": {"amount": money(gross_single), "currency": currency},
            "grossRevenueTotal": {"amount": money(pos["net"] + pos["tax"]), "currency": currency},
            "discount": pos["discount"] / self._discount_scale(),
            "webId": pos.get("webId", ""),
        }


PRODUCT_CURRENCY = "EUR"  # master prices are kept in the instance's currency
PRODUCT_LIST_ONLY = ("purchasePriceNet", "purchasePriceGross", "salesPriceNet", "salesPriceGross", "stockStats")


def product_list_item(product: dict, project_name: str) -> dict:
    stock, reserved = product["stock"], product["reserved"]
    rate = product["taxRate"]
    purchase = product["purchaseNetCents"]
    return {
        "id": str(product["id"]), "uuid": product["uuid"],
        "project": {"id": str(product["projectId"]), "name": project_name},
        "merchandiseGroup": None, "name": product["name"], "stockCount": stock, "number": product["number"],
        "description": product["description"], "internalComment": "", "shortDescription": product["name"],
        "standardSupplier": None, "thumbnailUrl": None, "thumbnailId": None, "tags": [],
        "purchasePriceNet": {"amount": money(purchase), "currency": PRODUCT_CURRENCY},
        "purchasePriceGross": {"amount": money((purchase * (100 + rate) + 50) // 100), "currency": PRODUCT_CURRENCY},
        "salesPriceNet": {"amount": money(product["netCents"]), "currency": PRODUCT_CURRENCY},
        "salesPriceGross": {"amount": money(product["grossCents"]), "currency": PRODUCT_CURRENCY},
        "ean": product["ean"], "manufacturer": {"name": product["manufacturerName"], "number": None, "link": None},
        "customsTariffNumber": None, "isShippingCostsProduct": product["isShippingCostsProduct"],
        "discount": {"isDiscountProduct": False, "discountPercentage": 0.0},
        "stockStats": {"purchasedCount": "0", "totalCount": str(stock), "availableCount": str(stock - reserved),
                       "inProductionCount": str(product["inProduction"])},
        "minimumOrderQuantity": 1, "minimumStorageQuantity": 0, "isDeleted": False, "countryOfOrigin": "DE",
        "unit": {"name": "Stück"}, "measurements": {"weight": {"value": product["weight"], "unit": "kg"}},
        "isStockItem": product["isStockItem"], "isDisabled": product["isDisabled"], "disabledReason": None,
        "salesTax": product["salesTax"], "freeFields": [], "isVariant": False, "variantOf": None,
        "categories": [], "updatedAt": timestamp(product["updatedAt"], product["id"]),
    }


def product_view(product: dict, project_name: str) -> dict:
    item = product_list_item(product, project_name)
    for key in PRODUCT_LIST_ONLY:
        del item[key]
    return item


def customer_list_item(customer: dict) -> dict:
    email = customer["email"]
    documents = {kind: {"email": email, "cc": None}
                 for kind in ("offer", "salesOrder", "invoice", "creditNote", "deliveryNote", "purchaseOrder",
                              "dunning")}
    documents.update({"autoCreateDocuments": "both", "invoiceAlwaysPaper": False, "amountInvoicePrints": 1,
                      "preferFax": False})
    return {
        "id": str(customer["id"]), "uuid": customer["uuid"], "number": customer["number"],
        "deviatingCustomerNumber": "", "customerType": customer["customerType"], "name": customer["name"],
        "firstname": customer["firstname"], "lastname": customer["lastname"], "title": customer["title"],
        "salutation": customer["salutation"], "birthdate": None, "department": None, "subDepartment": None,
        "projects": [{"id": str(customer["projectId"])}],
        "contactDetails": {"phone": customer["phone"], "fax": None, "email": email, "website": customer["website"],
                           "additionalData": []},
        "accountManager": None, "salesManager": None, "isLead": customer["isLead"],
        "contactPerson": customer["contactPerson"], "documentDelivery": documents,
    }


def _salutation_phrase(customer: dict) -> str:
    if customer["salutation"] == "mr":
        return f"Sehr geehrter Herr {customer['lastname']}"
    if customer["salutation"] == "mrs":
        return f"Sehr geehrte Frau {customer['lastname']}"
    return "Sehr geehrte Damen und Herren"


def subscription_payment_method(customer: dict) -> str:
    """Never null: the spec's enum has no null, so OpenAPI 3.0.3 refuses it despite `nullable`."""
    return "direct-debit" if customer["paymentMethodId"] == DIRECT_DEBIT_PAYMENT_METHOD else "invoice"


def customer_view(customer: dict) -> dict:
    item = customer_list_item(customer)
    item["contactDetails"]["mobile"] = None
    item.update({
        "createdAt": timestamp(customer["createdAt"], customer["id"], field=1),
        "updatedAt": timestamp(customer["updatedAt"], customer["id"]),
        "salutationPhrase": _salutation_phrase(customer), "mainProject": {"id": str(customer["projectId"])},
        "groups": [], "language": "de",
        "financials": {
            "tax": {"taxation": "domestic", "taxDisplay": "automatically", "useDeliveryThreshold": False,
                    "taxNumber": None, "vatId": customer["vatId"]},
            "paymentTerms": {"fixedPaymentTerms": False, "paymentTargetDays": 14, "paymentTargetDiscount": 0.0,
                             "paymentTargetDiscountDays": None},
            "paymentMethod": {"id": str(customer["paymentMethodId"])},
            "subscriptionPaymentMethod": subscription_payment_method(customer),
            "customsInformation": None, "creditLimit": 0.0, "defaultCurrency": "EUR",
        },
        "shipping": {"freeShipping": False, "freeShippingFrom": 0.0, "trackingMailBan": False, "deliveryBan": False,
                     "deliveryBanDate": None, "deliveryBanReason": None,
                     "shippingMethod": {"id": str(customer["shippingMethodId"])}},
    })
    return item


ADDRESS_FIELDS = ("id", "type", "name", "street", "addressSupplement", "department", "subDepartment", "zip", "city",
                  "country", "state")


def customer_address(address: dict) -> dict:
    """An item of GET /api/v2/customers/{customerId}/addresses."""
    return {key: address[key] for key in ADDRESS_FIELDS}


def project_item(project: dict, payment: dict, shipping: dict) -> dict:
    return {**{k: project[k] for k in ("name", "keyName", "description", "currency", "normalTaxRate",
                                       "reducedTaxRate")},
            "id": str(project["id"]), "storageProcess": "order", "pickingProcess": "shipmentNote",
            "defaultCustomerPaymentMethod": {"id": str(payment["id"]), "type": payment["type"],
                                             "designation": payment["designation"]},
            "defaultSupplierPaymentMethod": None,
            "defaultShippingMethod": {"id": str(shipping["id"]), "type": shipping["type"],
                                      "designation": shipping["designation"]},
            "freeFields": None}


def payment_method_item(method: dict) -> dict:
    return {"id": str(method["id"]), "type": method["type"], "designation": method["designation"], "project": None}


def shipping_method_item(method: dict) -> dict:
    return {"id": str(method["id"]), "module": method["module"], "type": method["type"],
            "designation": method["designation"], "project": None, "shippingLabelPrinter": {"id": "1"},
            "exportDocumentPrinter": {"id": "1"}, "shippingEmailBehaviour": "default behaviour",
            "textTemplate": None, "supportDeliveries": True, "supportReturns": method["type"] != "selbstabholer"}


MINIMAL_FIELDS = {  # what application/vnd.xentral.minimal+json keeps, per operation (the spec's minimal schemas)
    "salesOrder.list": ("id", "documentNumber", "date", "status"),
    "salesOrder.view": ("id", "documentNumber", "date", "status"),
    "product.viewV2": ("id", "uuid", "name", "number", "isVariant", "updatedAt"),
}


def minimal(operation: str, body: dict) -> dict:
    """A list or view answer cut down to the operation's minimal representation."""
    keep = MINIMAL_FIELDS[operation]

    def pick(item: dict) -> dict:
        return {key: item[key] for key in keep if key in item}

    data = body["data"]
    return {**body, "data": [pick(item) for item in data] if isinstance(data, list) else pick(data)}
