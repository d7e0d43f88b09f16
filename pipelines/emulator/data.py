"""Deterministic seeded data of a German merchant: reference data, customers and products as
records, and the vocabularies and formulas the seeded sales orders draw from (seeded_orders.py)."""
from __future__ import annotations

import random
import uuid
from datetime import datetime

from .clock import BERLIN

STATUSES = ("created", "released", "completed", "canceled", "unknown")
STATUS_WEIGHTS = (0.10, 0.22, 0.55, 0.12, 0.01)
CURRENCIES = ("EUR", "CHF", "GBP", "USD")
CURRENCY_WEIGHTS = (0.94, 0.03, 0.02, 0.01)
EUR_RATE = {"EUR": 1.0, "CHF": 0.94, "GBP": 0.85, "USD": 1.08}  # price of 1 EUR
POSITION_COUNT_WEIGHTS = (0.30, 0.22, 0.14, 0.10, 0.07, 0.05, 0.04, 0.03, 0.03, 0.02)
QUANTITIES = (1, 1, 1, 1, 2, 2, 3, 4, 5, 10)
DISCOUNTS_BP = (0, 0, 0, 0, 0, 0, 0, 500, 1000, 1500)  # basis points: 500 = 5 %
POSITION_ID_FACTOR = 1000  # position id = order id * 1000 + position number
SHIPPING_COST_ID = POSITION_ID_FACTOR - 1  # an order's shipping cost line: order id * 1000 + 999
SHIPPING_COST_NET_CENTS = 490  # the shipping cost product's net price in EUR
SHIPPING_COST_SHARE = 0.45  # of orders sent by a carrier (not picked up), those that carry shipping costs
PICKUP_SHIPPING_METHOD = 4  # selbstabholer: never shipping costs
DIRECT_DEBIT_PAYMENT_METHOD = 4  # lastschrift
KIT_SHARE = 0.12  # of orders with 3+ positions, those whose first position is a set with the next two as its parts

DATA_START = int(datetime(2024, 1, 1, tzinfo=BERLIN).timestamp())
DATA_END = int(datetime(2026, 10, 31, 23, 59, 59, tzinfo=BERLIN).timestamp())
FIRST_DOCUMENT_NUMBER = 200001

PROJECTS = (
    ("STANDARD", "Hauptprojekt", "Stammgeschäft"),
    ("SHOP", "Onlineshop", "Bestellungen aus dem Shopware-Shop"),
    ("AMAZON", "Amazon Marketplace", "Bestellungen über Amazon"),
    ("B2B", "Großhandel", "Händler und Wiederverkäufer"),
)
PAYMENT_METHODS = (
    ("rechnung", "Rechnung"), ("paypal", "PayPal"), ("vorkasse", "Vorkasse"),
    ("lastschrift", "Lastschrift"), ("kreditkarte", "Kreditkarte"), ("nachnahme", "Nachnahme"),
)
SHIPPING_METHODS = (
    ("dhl", "dhl", "DHL Paket"), ("dpd", "dpd", "DPD Classic"),
    ("glsapi", "gls", "GLS Business Parcel"), ("selbstabholer", "selbstabholer", "Abholung im Lager"),
)

FIRST_MALE = ("Jörg", "Jürgen", "Günter", "Björn", "Sören", "Klaus", "Thomas", "Matthias", "Lukas", "Stefan")
FIRST_FEMALE = ("Käthe", "Bärbel", "Anja", "Sabine", "Ulrike", "Jana", "Lena", "Hannah", "Sophie", "Brigitte")
LAST_NAMES = ("Müller", "Schröder", "Weiß", "Schäfer", "Krüger", "Böhm", "Günther", "Köhler", "Möller",
              "Jäger", "Hoffmann", "Schmidt", "Fischer", "Wagner", "Becker", "Schulz", "Groß", "Fuß")
COMPANY_FORMS = ("{} GmbH", "{} & Söhne KG", "{} Handels GmbH", "Bäckerei {}", "Gärtnerei {} e.K.",
                 "{} Möbelwerkstätten AG", "Brauerei {} GmbH & Co. KG", "Schreinerei {}")
STREETS = ("Hauptstraße", "Bahnhofstraße", "Schloßallee", "Am Mühlbach", "Königstraße", "Gartenweg",
           "Lindenstraße", "Marktplatz", "Äußere Sulzbacher Straße", "Große Bleichen")
CITIES = (  # zip, city, country, state (the subdivision part of its ISO 3166-2 code, as the spec's example)
    ("10115", "Berlin", "DE", "BE"), ("80331", "München", "DE", "BY"),
    ("50667", "Köln", "DE", "NW"), ("20095", "Hamburg", "DE", "HH"),
    ("60311", "Frankfurt am Main", "DE", "HE"), ("01067", "Dresden", "DE", "SN"),
    ("04109", "Leipzig", "DE", "SN"), ("90402", "Nürnberg", "DE", "BY"),
    ("70173", "Stuttgart", "DE", "BW"), ("28195", "Bremen", "DE", "HB"),
    ("8001", "Zürich", "CH", "ZH"), ("1010", "Wien", "AT", "9"),
)
ADDRESS_SUPPLEMENTS = (None, None, None, None, "Hinterhaus", "2. OG", "Tor 3", "c/o Hausverwaltung")
DELIVERY_DEPARTMENTS = ("Wareneingang", "Lager", "Versand", "Einkauf")
ADDRESS_ID_FACTOR = 100  # delivery address ids: customer id * 100 + number
MANY_ADDRESSES = (7, 20)  # customers 7, 27, 47, ... have more delivery addresses than one default page holds
PRODUCTS = (  # name, tax rate in %, net price range in euro
    ("Kaffeebecher Größe L", 19, (4, 15)), ("Küchenmesser Edelstahl", 19, (19, 89)),
    ("Bio-Apfelsaft 1 l", 7, (1, 4)), ("Müsli Früchte 750 g", 7, (3, 7)),
    ("Märchen der Brüder Grimm (Buch)", 7, (9, 29)), ("Wanderschuhe Größe 42", 19, (59, 189)),
    ("LED-Glühbirne 9 W", 19, (3, 12)), ("Gewürzmischung Süß-Scharf", 7, (2, 6)),
    ("Ledertasche Braun", 19, (39, 249)), ("Schneidebrett Buche", 19, (9, 39)),
    ("Honig aus der Lüneburger Heide 500 g", 7, (5, 11)), ("Wollsocken Größe 39–42", 19, (6, 18)),
    ("Gießkanne 10 l", 19, (12, 35)), ("Brötchentüte Papier 100 Stk.", 19, (2, 8)),
)
PRODUCT_VARIANTS = ("", " – Rot", " – Blau", " Premium", " XL", " Öko")
MANUFACTURERS = ("WMF", "Zwilling", "Hengstenberg", "Lowa", "Osram", "Fackelmann", "Gräfe und Unzer")
COMMENTS = ("", "", "", "", "Bitte vor 12 Uhr liefern.", "Geschenkverpackung gewünscht.",
            "Rückruf vor Lieferung.", "Lieferung an Nachbarn erlaubt.")
SHOP_PROJECTS = {2: "SW", 3: "AMZ"}  # project id -> external order number prefix


def transliterate(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
    words = "".join(ch if ch.isalnum() else " " for ch in text.translate(table).lower()).split()
    return "-".join(words)


def projects(count: int) -> list[dict]:
    return [{"id": i + 1, "keyName": key, "name": name, "description": desc, "currency": "EUR",
             "normalTaxRate": 19.0, "reducedTaxRate": 7.0}
            for i, (key, name, desc) in enumerate(PROJECTS[:count])]


def payment_methods() -> list[dict]:
    return [{"id": i + 1, "type": key, "designation": name} for i, (key, name) in enumerate(PAYMENT_METHODS)]


def shipping_methods() -> list[dict]:
    return [{"id": i + 1, "module": module, "type": key, "designation": name}
            for i, (module, key, name) in enumerate(SHIPPING_METHODS)]


def _instant(rng: random.Random, start: int = DATA_START) -> int:
    return rng.randint(start, DATA_END)


def _address(rng: random.Random, address_id: str, kind: str, name: str, department: str | None = None) -> dict:
    """One address in the shape of the address list's items (see shapes.customer_address)."""
    zip_code, city, country, state = rng.choice(CITIES)
    sub_department = f"Rampe {rng.randint(1, 6)}" if department == "Wareneingang" else None
    return {"id": address_id, "type": kind, "name": name, "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
            "addressSupplement": rng.choice(ADDRESS_SUPPLEMENTS), "department": department,
            "subDepartment": sub_department, "zip": zip_code, "city": city, "country": country, "state": state}


def addresses(rng: random.Random, customer_id: int, name: str, is_company: bool) -> list[dict]:
    """The main address, for some companies a billing address, and 0 to 2 delivery addresses
    (11 to 14 for every MANY_ADDRESSES customer)."""
    found = [_address(rng, "masterdata", "masterdata", name)]
    if is_company and rng.random() < 0.4:
        found.append(_address(rng, "billingaddress", "billingaddress", name, "Buchhaltung"))
    count = rng.choices((0, 1, 2), weights=(5, 4, 2))[0]
    if customer_id % MANY_ADDRESSES[1] == MANY_ADDRESSES[0]:
        count = rng.randint(11, 14)
    for number in range(1, count + 1):
        department = rng.choice(DELIVERY_DEPARTMENTS) if is_company else None
        label = f"{name}, Lager {number}" if is_company and number > 1 else name
        found.append(_address(rng, str(customer_id * ADDRESS_ID_FACTOR + number), "deliveryaddress", label, department))
    return found


def customer(rng: random.Random, customer_id: int, project_count: int) -> dict:
    """One customer record with its addresses (the main address first)."""
    is_company = rng.random() < 0.45
    female = rng.random() < 0.5
    first = rng.choice(FIRST_FEMALE if female else FIRST_MALE)
    last = rng.choice(LAST_NAMES)
    name = rng.choice(COMPANY_FORMS).format(last) if is_company else f"{first} {last}"
    local = "info" if is_company else f"{transliterate(first)}.{transliterate(last)}"
    email = f"{local}@{transliterate(name if is_company else last)}.example"
    created = _instant(rng)
    record = {
        "id": customer_id, "number": str(10000 + customer_id), "customerType": "company" if is_company else "person",
        "name": name, "firstname": "" if is_company else first, "lastname": "" if is_company else last,
        "salutation": "company" if is_company else ("mrs" if female else "mr"),
        "title": None if is_company or rng.random() < 0.9 else "Dr.",
        "contactPerson": f"{first} {last}" if is_company else None,
        "email": email, "phone": f"+49 {rng.randint(30, 999)} {rng.randint(100000, 9999999)}",
        "website": f"https://www.{transliterate(name)}.example" if is_company else None,
        "projectId": rng.randint(1, project_count), "isLead": rng.random() < 0.05,
        "paymentMethodId": rng.randint(1, len(PAYMENT_METHODS)),
        "shippingMethodId": rng.randint(1, len(SHIPPING_METHODS)),
        "vatId": f"DE{rng.randint(100000000, 999999999)}" if is_company else "",
        "createdAt": created, "updatedAt": rng.randint(created, DATA_END),
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    }
    record["addresses"] = addresses(rng, customer_id, name, is_company)
    return record


def customers(seed: int, count: int, project_count: int) -> list[dict]:
    rng = random.Random(f"{seed}:customers")
    return [customer(rng, i + 1, project_count) for i in range(count)]


def product(rng: random.Random, product_id: int, project_count: int) -> dict:
    base, rate, (low, high) = PRODUCTS[(product_id - 1) % len(PRODUCTS)]
    variant = PRODUCT_VARIANTS[((product_id - 1) // len(PRODUCTS)) % len(PRODUCT_VARIANTS)]
    net = rng.randint(low * 100, high * 100 - 1) // 10 * 10 + 9  # prices end in 9 cents
    stock = rng.choice((0, rng.randint(1, 40), rng.randint(40, 900)))
    return {
        "id": product_id, "number": f"AR-{10000 + product_id}", "name": base + variant,
        "description": f"{base}{variant} in bewährter Qualität.", "ean": f"40{rng.randint(10**10, 10**11 - 1)}",
        "projectId": rng.randint(1, project_count), "taxRate": rate,
        "salesTax": "standard" if rate == 19 else "reduced", "netCents": net,
        "grossCents": (net * (100 + rate) + 50) // 100, "purchaseNetCents": net * 55 // 100,
        "stock": stock, "reserved": min(stock, rng.randint(0, 5)), "inProduction": 0,
        "isStockItem": rng.random() < 0.9, "isDisabled": rng.random() < 0.05,
        "manufacturerName": rng.choice(MANUFACTURERS), "weight": round(rng.uniform(0.05, 3.0), 2),
        "updatedAt": _instant(rng), "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "isShippingCostsProduct": False,
    }


def as_shipping_cost_product(record: dict) -> dict:
    """The product orders charge shipping costs with (no stock, 19 % tax)."""
    net = SHIPPING_COST_NET_CENTS
    return {**record, "name": "Versandkosten Paket", "description": "Versandkosten für ein Paket.", "taxRate": 19,
            "salesTax": "standard", "netCents": net, "grossCents": (net * 119 + 50) // 100,
            "purchaseNetCents": net * 80 // 100, "stock": 0, "reserved": 0, "isStockItem": False,
            "isShippingCostsProduct": True}


def products(seed: int, count: int, project_count: int) -> list[dict]:
    """`count` products; with two or more, the last is the shipping cost product."""
    rng = random.Random(f"{seed}:products")
    records = [product(rng, i + 1, project_count) for i in range(count)]
    if count >= 2:
        records[-1] = as_shipping_cost_product(records[-1])
    return records


def shipping_cost_id(order_id: int, index: int) -> int:
    """The id of an order's shipping cost line `index` (they count down from order id * 1000 + 999)."""
    return order_id * POSITION_ID_FACTOR + SHIPPING_COST_ID - index


def external_order_number(order_id: int, project_id: int) -> str:
    prefix = SHOP_PROJECTS.get(project_id)
    if prefix == "SW":
        return f"SW{100000 + order_id}"
    if prefix == "AMZ":
        return f"302-{order_id % 10**7:07d}-{order_id * 7919 % 10**7:07d}"
    return ""


def external_order_id(order_id: int, project_id: int) -> str:
    return str(700000 + order_id * 3) if project_id in SHOP_PROJECTS else ""


def transaction_number(order_id: int, payment_id: int) -> str:
    return f"PAYID-{order_id * 2654435761 % 2**32:08X}" if payment_id == 2 else ""


def customer_order_number(order_id: int, is_company: bool) -> str:
    return f"PO-{1000 + order_id % 9000}" if is_company and order_id % 3 == 0 else ""


def comment(order_id: int) -> str:
    return COMMENTS[order_id * 2654435761 % 2**32 % len(COMMENTS)]
