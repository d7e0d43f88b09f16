"""Finding records live through the API's own filters: ranked search tiers, and one record by
id, number or name.

A search runs its tiers in order (best matches first) and keeps each row once. Finding one
record asks the identity tiers (id and number) together, so a value that is one record's id and
another's number is reported as ambiguous instead of silently picking one; only when neither
matches does it fall back to the name tiers, taking the first tier that matches anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pipelines.api.client import XentralClient
from pipelines.api.errors import NotFoundError, XentralError
from pipelines.api.paging import MAX_PAGE_SIZE, Filter, Order

MIN_PAGE_SIZE = 10  # the spec says sizes "usually" run 10 to 50; stay inside that
CANDIDATE_LIMIT = 10  # candidates listed when a value names several records
Row = dict[str, Any]


@dataclass
class Matches:
    """What one tier found: rows in rank order, whether it had more, and a note for the reader."""

    rows: list[Row]
    more: bool = False
    is_view: bool = False  # the rows are single-resource views (not list items)
    note: str | None = None


class Tier(Protocol):
    label: str

    def fetch(self, client: XentralClient, limit: int) -> Matches: ...


@dataclass(frozen=True)
class FilterTier:
    """Rows a list endpoint returns for AND-ed filters; with ``prefix_of``, rows whose field
    starts with ``prefix`` come first (for ``contains`` filters)."""

    label: str
    path: str
    filters: tuple[Filter, ...]
    prefix_of: str | None = None
    prefix: str = ""

    def fetch(self, client: XentralClient, limit: int) -> Matches:
        rows, more = fetch_rows(client, self.path, limit, self.filters)
        if self.prefix_of is not None:
            wanted = self.prefix.casefold()
            rows.sort(key=lambda row: not str(row.get(self.prefix_of) or "").casefold().startswith(wanted))
        return Matches(rows, more)


@dataclass(frozen=True)
class ViewTier:
    """One record's view by id (a 404 is simply no match)."""

    label: str
    path: str

    def fetch(self, client: XentralClient, limit: int) -> Matches:
        data = client.get_data(self.path)
        return Matches([data] if isinstance(data, dict) else [], is_view=True)


@dataclass(frozen=True)
class ScanTier:
    """Substring matches found by reading the listing itself, for lists whose filters only know
    ``equals``; reads at most ``max_rows`` rows so a search stays a handful of requests."""

    label: str
    path: str
    text: str
    readers: tuple[Callable[[Row], Any], ...]
    max_rows: int
    noun_plural: str

    def fetch(self, client: XentralClient, limit: int) -> Matches:
        wanted = self.text.casefold()
        rows: list[Row] = []
        read = 0
        for page in client.iter_pages(self.path, size=MAX_PAGE_SIZE, order=(Order("id"),)):
            read += len(page.items)
            rows.extend(row for row in page.items if self._matches(row, wanted))
            if page.is_last:
                return Matches(rows[:limit], more=len(rows) > limit)
            if read >= self.max_rows:
                total = f" of {page.total_count}" if page.total_count is not None else ""
                note = f"the substring search read only the first {read}{total} {self.noun_plural}"
                return Matches(rows[:limit], more=True, note=note)
        return Matches(rows[:limit], more=len(rows) > limit)

    def _matches(self, row: Row, wanted: str) -> bool:
        return any(wanted in str(read(row) or "").casefold() for read in self.readers)


@dataclass(frozen=True)
class Kind:
    """How one resource is found: its identity tiers (id, number) and its name tiers."""

    noun: str
    plural: str
    path: str  # the list endpoint; a view is ``{path}/{id}``
    id_tier: Callable[[str], Tier | None]
    number_tier: Callable[[str], Tier]
    name_tiers: Callable[[str], list[Tier]]

    def search_tiers(self, text: str) -> list[Tier]:
        """The ranking of a search: exact number, then the name tiers."""
        return [self.number_tier(text), *self.name_tiers(text)]

    def identity_tiers(self, value: str, by: str = "any") -> list[Tier]:
        """The id and number tiers (only those ``by`` names: ``any``, ``id``, ``number``, ``name``)."""
        id_tier = self.id_tier(value) if by in ("any", "id") else None
        number_tier = [self.number_tier(value)] if by in ("any", "number") else []
        return [id_tier, *number_tier] if id_tier else number_tier


@dataclass
class SearchResult:
    rows: list[Row]
    more: bool
    notes: list[str] = field(default_factory=list)


@dataclass
class Found:
    """The one record a value names: a list item, or its view when that is what was read."""

    row: Row
    is_view: bool


class AmbiguousMatch(XentralError):
    """A value names several records; the candidates go to the user to choose from."""

    def __init__(self, message: str, candidates: list[Row], more: bool) -> None:
        super().__init__(message)
        self.candidates = candidates
        self.more = more


def fetch_rows(
    client: XentralClient, path: str, limit: int, filters: Sequence[Filter] = (), order: Sequence[Order] = ()
) -> tuple[list[Row], bool]:
    """Up to ``limit`` rows of a list, paging as needed; also whether the list had more."""
    size = min(MAX_PAGE_SIZE, max(MIN_PAGE_SIZE, limit))
    rows: list[Row] = []
    for page in client.iter_pages(path, size=size, filters=filters, order=order):
        rows.extend(page.items)
        if len(rows) >= limit:
            return rows[:limit], len(rows) > limit or not page.is_last
    return rows, False


def search(client: XentralClient, tiers: Sequence[Tier], limit: int) -> SearchResult:
    """Rows of every tier in rank order, each once, at most ``limit``."""
    rows: list[Row] = []
    more = False
    notes: list[str] = []
    for tier in tiers:
        if len(rows) >= limit:
            more = True
            break
        matches = tier.fetch(client, limit)
        rows.extend(_unseen(matches.rows, rows))
        more = more or matches.more
        notes.extend([matches.note] if matches.note else [])
    return SearchResult(rows[:limit], more or len(rows) > limit, notes)


def find_one(client: XentralClient, kind: Kind, value: str, by: str = "any") -> Found:
    """The one record ``value`` names by id, number or (failing both) name, or only ``by`` one of
    them; raises ``NotFoundError`` or ``AmbiguousMatch`` naming what was tried."""
    value = value.strip()
    if not value:
        raise NotFoundError(f"an empty value names no {kind.noun}: give an id, a number or a name")
    candidates: list[Row] = []
    views: set[Any] = set()  # ids whose candidate row is a view
    more = False
    tried: list[str] = []
    for tier in kind.identity_tiers(value, by):
        tried.append(tier.label)
        matches = tier.fetch(client, CANDIDATE_LIMIT)
        fresh = _unseen(matches.rows, candidates)
        candidates.extend(fresh)
        views.update(row.get("id") for row in fresh if matches.is_view)
        more = more or matches.more
    if not candidates:
        for tier in kind.name_tiers(value) if by in ("any", "name") else []:
            tried.append(tier.label)
            matches = tier.fetch(client, CANDIDATE_LIMIT)
            if matches.rows:
                candidates, more = matches.rows, matches.more
                views.update(row.get("id") for row in candidates if matches.is_view)
                break
    if not tried:
        raise NotFoundError(f"{value!r} cannot be the {by} of a {kind.noun}")
    if not candidates:
        raise NotFoundError(f"no {kind.noun} matches {value!r} (looked up by {', '.join(tried)})")
    if len(candidates) > 1 or more:
        count = f"{len(candidates)}{' or more' if more else ''}"
        raise AmbiguousMatch(
            f"{count} {kind.plural} match {value!r}; pick one and pass its id with --by id", candidates, more
        )
    return Found(candidates[0], candidates[0].get("id") in views)


def _unseen(rows: Iterable[Row], seen: Sequence[Row]) -> list[Row]:
    ids = {row.get("id") for row in seen}
    fresh = []
    for row in rows:
        if row.get("id") not in ids:
            ids.add(row.get("id"))
            fresh.append(row)
    return fresh
