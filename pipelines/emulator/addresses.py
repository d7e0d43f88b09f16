"""Addresses handed to the world (`create_customer`/`update_customer(addresses=[...])`): checked,
then completed to the records the address list serves."""
from __future__ import annotations

import re
from typing import Any

from .data import ADDRESS_ID_FACTOR
from .resources import ADDRESS_TYPES
from .shapes import ADDRESS_FIELDS

NAMED_IDS = ("masterdata", "billingaddress")  # these types have one address each, named like the type
NULLABLE = ("addressSupplement", "department", "subDepartment")
TEXT_DEFAULTS = {"street": "", "zip": "", "city": "", "state": "", "country": "DE"}


def checked_addresses(given: Any, customer: dict) -> list[dict]:
    """The customer's addresses after `addresses=given`: the main address (the given one, else the
    one it has), the billing address if given, then the delivery addresses in the given order.

    Each entry needs a `type`; ids are filled in (a delivery address gets the next free number),
    `name` defaults to the customer's name, `country` to DE, other fields to empty or null.
    Raises ValueError naming the entry and field for anything the address list could not serve.
    """
    if not isinstance(given, list):
        raise ValueError("addresses must be a list of address objects")
    entries = [_entry(index, entry, customer["name"]) for index, entry in enumerate(given)]
    ids = [entry["id"] for entry in entries if entry["id"] is not None]
    duplicates = sorted({address_id for address_id in ids if ids.count(address_id) > 1})
    if duplicates:
        raise ValueError(f"addresses: id {duplicates[0]} is given twice")
    taken = set(ids)
    number = customer["id"] * ADDRESS_ID_FACTOR
    for entry in entries:
        while entry["id"] is None:
            number += 1
            if str(number) not in taken:
                entry["id"] = str(number)
                taken.add(entry["id"])
    main = [entry for entry in entries if entry["type"] == "masterdata"] or [
        address for address in customer["addresses"] if address["type"] == "masterdata"]
    billing = [entry for entry in entries if entry["type"] == "billingaddress"]
    return main + billing + [entry for entry in entries if entry["type"] == "deliveryaddress"]


def _entry(index: int, entry: Any, customer_name: str) -> dict:
    where = f"addresses[{index}]"
    if not isinstance(entry, dict):
        raise ValueError(f"{where} must be an object with a type ({', '.join(ADDRESS_TYPES)})")
    unknown = sorted(set(entry) - set(ADDRESS_FIELDS))
    if unknown:
        raise ValueError(
            f"{where}: unknown field(s) {', '.join(unknown)}; address fields are {', '.join(ADDRESS_FIELDS)}")
    kind = entry.get("type")
    if kind not in ADDRESS_TYPES:
        raise ValueError(f"{where}.type must be one of {', '.join(ADDRESS_TYPES)}, not {kind!r}")
    record = {"id": _id(where, kind, entry.get("id")), "type": kind, "name": entry.get("name", customer_name)}
    for key, default in TEXT_DEFAULTS.items():
        record[key] = entry.get(key, default)
    for key in NULLABLE:
        record[key] = entry.get(key)
    for key, value in record.items():
        if key != "id" and not isinstance(value, str) and not (key in NULLABLE and value is None):
            raise ValueError(f"{where}.{key} must be text{' or null' if key in NULLABLE else ''}, not {value!r}")
    if not re.fullmatch(r"[A-Z]{2}", record["country"]):
        raise ValueError(f"{where}.country must be an ISO 3166-1 alpha-2 code such as DE, not {record['country']!r}")
    return {key: record[key] for key in ADDRESS_FIELDS}


def _id(where: str, kind: str, given: Any) -> str | None:
    """The id a `kind` address must have: its type's name, or digits (None: to be filled in)."""
    if kind in NAMED_IDS:
        if given not in (None, kind):
            raise ValueError(f"{where}.id of a {kind} address is {kind!r}, not {given!r}")
        return kind
    if given is None:
        return None
    if isinstance(given, bool) or not re.fullmatch(r"\d+", str(given)):
        raise ValueError(f"{where}.id of a delivery address must be digits, not {given!r}")
    return str(given)
