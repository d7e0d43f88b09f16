"""The JSON shapes of the official schemas, built from internal records.

Internal records hold cents and epoch seconds; only this module knows the API shapes.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # JSON string, non-ASCII kept
from typing import Any

from .clock import days_to_iso, iso
from .data import POSITION_ID_FACTOR


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def quantity(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _address_type(customer: dict) -> str:
    return customer["salutation"] if customer["salutation"] in ("mr", "mrs", "company") else "other"


def order_address(customer: dict, kind: str) -> dict:
    """The customer's primary address of a kind (billing when there is no shipping one)."""
    addresses = customer["addresses"]
    chosen = next((a for a in addresses if a["type"] == kind and a["isPrimary"]), addresses[0])
    result = {"type": _address_type(customer), "name": chosen["name"], "street": chosen["street"],
              "zipCode": chosen["zipCode"], "city": chosen["city"], "state": chosen["state"],
              "country": chosen["country"], "email": customer["email"]}
    if customer["contactPerson"]:
        result["contactPerson"] = customer["contactPerson"]
    return result


SHIPPING_ADDRESS_KEYS = ("type", "name", "department", "contactPerson", "subDepartment", "street", "zipCode",
                         "city", "state", "country", "addressSupplement", "gln", "title", "email")
PAYMENT_TERMS = ('{"paymentTargetDiscount":0.0,"paymentTargetDays":14,"paymentTargetDiscountDays":0,'
                 '"directDebitDate":null}')
FLAGS = ('"isBeingEdited":false,"shippingDateOk":true,"creditLimitOk":true,"subsequentDelivery":false,'
         '"shippingLockOk":true,"postageOk":true,"customerCheckOk":true,"vatOk":true')
BOOL = {True: "true", False: "false"}


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
                 discount_scale: Callable[[], int]) -> None:
        self._customer = customer
        self._product = product
        self._discount_scale = discount_scale  # basis points per rendered unit of discount
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

    def _common(self, record: dict, created: str) -> str:
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
            f'"shippingCosts":[],"storageCountry":null,"preferredWarehouse":null,"shippingAddress":{shipping},'
            f'"shippingMethod":{{"id":"{record["shippingMethodId"]}"}},"deliveryTerms":null}},'
            f'"createdAt":"{created}","updatedAt":"{iso(record["updatedAt"])}"'
        )

    def list_item(self, record: dict) -> str:
        """JSON of a list item: no positions, netSales and total as plain numbers."""
        status = record["status"]
        prepaid = status != "created" or record["paymentMethodId"] != 3
        created = iso(record["createdAt"])
        return (
            f'{{{self._common(record, created)},{FLAGS},'
            f'"stockOk":{BOOL[status != "created"]},"prepaidOk":{BOOL[prepaid]},'
            f'"netSales":{record["net"] / 100!r},"total":{(record["net"] + record["tax"]) / 100!r},'
            f'"desiredDeliveryDateAsCalendarWeek":false,'
            f'"log":{{"createdAt":"{created}","createdBy":{{"id":"1","name":'
            f'{encode_basestring(record["editor"])}}}}}}}'
        )

    def view(self, record: dict) -> str:
        """JSON of the single view: positions, netSales and total as money objects."""
        currency = record["currency"]
        positions = _json([self.position(p, k, currency) for k, p in enumerate(record["positions"])])
        created = iso(record["createdAt"])
        return (
            f'{{{self._common(record, created)},"salesChannel":null,"bodyIntroduction":"","internalDesignation":"",'
            f'"desiredDeliveryDateCw":false,"autoCreateDocuments":"deliveryNote+invoice",'
            f'"log":{{"createdAt":"{created}","createdBy":{{"id":"1","name":'
            f'{encode_basestring(record["editor"])},"email":"admin@haendler.example"}}}},"tags":[],'
            f'"netSales":{_money(record["net"], currency)},'
            f'"total":{_money(record["net"] + record["tax"], currency)},"positions":{positions}}}'
        )

    def position(self, pos: dict, index: int, currency: str) -> dict:
        product = self._product(pos["productId"])
        net_single = (pos["price"] * (10000 - pos["discount"]) + 5000) // 10000
        rate = pos["taxRate"]
        gross_single = net_single + (net_single * rate + 50) // 100
        category = "normal" if rate == 19 else ("reduced" if rate else "exempt")
        return {
            "id": str(pos["id"]), "quantity": quantity(pos["quantity"]), "sort": index + 1,
            "hasChildren": False, "parent": None, "comment": pos.get("comment", ""),
            "product": {"id": str(pos["productId"]), "name": product["name"], "number": product["number"]},
            "tax": {"effectiveVatRate": float(rate), "vatCategory": category, "rate": None,
                    "taxText": f"{rate}% MwSt." if rate else "steuerfrei"},
            "price": {"amount": money(pos["price"]), "currency": currency},
            "netRevenueSingle": {"amount": money(net_single), "currency": currency},
            "netRevenueTotal": {"amount": money(pos["net"]), "currency": currency},
            "grossRevenueSingle": {"amount": money(gross_single), "currency": currency},
            "grossRevenueTotal": {"amount": money(pos["net"] + pos["tax"]), "currency": currency},
            "discount": pos["discount"] / self._discount_scale(),
            "webId": pos.get("webId", ""),
        }


def position_id(order_id: int, index: int) -> int:
    return order_id * POSITION_ID_FACTOR + index + 1


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
        "purchasePriceNet": {"amount": money(purchase)},
        "purchasePriceGross": {"amount": money((purchase * (100 + rate) + 50) // 100)},
        "salesPriceNet": {"amount": money(product["netCents"])},
        "salesPriceGross": {"amount": money(product["grossCents"])},
        "ean": product["ean"], "manufacturer": {"name": product["manufacturerName"], "number": None, "link": None},
        "customsTariffNumber": None, "isShippingCostsProduct": False,
        "discount": {"isDiscountProduct": False, "discountPercentage": 0.0},
        "stockStats": {"purchasedCount": "0", "totalCount": str(stock), "availableCount": str(stock - reserved),
                       "inProductionCount": str(product["inProduction"])},
        "minimumOrderQuantity": 1, "minimumStorageQuantity": 0, "isDeleted": False, "countryOfOrigin": "DE",
        "unit": {"name": "Stück"}, "measurements": {"weight": {"value": product["weight"], "unit": "kg"}},
        "isStockItem": product["isStockItem"], "isDisabled": product["isDisabled"], "disabledReason": None,
        "salesTax": product["salesTax"], "freeFields": [], "isVariant": False, "variantOf": None,
        "categories": [], "updatedAt": iso(product["updatedAt"]),
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


def customer_view(customer: dict) -> dict:
    item = customer_list_item(customer)
    item["contactDetails"]["mobile"] = None
    item.update({
        "createdAt": iso(customer["createdAt"]), "updatedAt": iso(customer["updatedAt"]),
        "salutationPhrase": _salutation_phrase(customer), "mainProject": {"id": str(customer["projectId"])},
        "groups": [], "language": "de",
        "financials": {
            "tax": {"taxation": "domestic", "taxDisplay": "automatically", "useDeliveryThreshold": False,
                    "taxNumber": None, "vatId": customer["vatId"]},
            "paymentTerms": {"fixedPaymentTerms": False, "paymentTargetDays": 14, "paymentTargetDiscount": 0.0,
                             "paymentTargetDiscountDays": None},
            "paymentMethod": {"id": str(customer["paymentMethodId"])}, "subscriptionPaymentMethod": None,
            "customsInformation": None, "creditLimit": 0.0, "defaultCurrency": "EUR",
        },
        "shipping": {"freeShipping": False, "freeShippingFrom": 0.0, "trackingMailBan": False, "deliveryBan": False,
                     "deliveryBanDate": None, "deliveryBanReason": None,
                     "shippingMethod": {"id": str(customer["shippingMethodId"])}},
    })
    return item


def customer_address(address: dict, customer: dict) -> dict:
    """Shape of /api/v2/customers/{id}/addresses items: an assumption, the endpoint is not in the spec."""
    return {"id": str(address["id"]), "type": address["type"], "name": address["name"],
            "contactPerson": customer["contactPerson"], "street": address["street"], "zipCode": address["zipCode"],
            "city": address["city"], "state": address["state"], "country": address["country"],
            "email": address["email"], "phone": customer["phone"], "isPrimary": address["isPrimary"]}


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
