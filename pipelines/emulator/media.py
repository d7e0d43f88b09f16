"""Media types: what each operation's success answer is declared as, and which one an `Accept` picks.

Negotiation is strict, as on a strict server: a request whose `Accept` allows none of the media
types declared for the operation's success answer gets 406 before anything happens (an import is
not created). Error answers are sent in the one media type the spec declares for them.
"""
from __future__ import annotations

JSON = "application/json"
MINIMAL = "application/vnd.xentral.minimal+json"
PROBLEM = "application/problem+json"
HTML = "text/html"

# Declared by the spec for the 200/201 answer where it is not just JSON. salesOrder.view also
# declares application/pdf, which the emulator does not render: asked for alone, it is 406.
SUCCESS_MEDIA_TYPES: dict[str, tuple[str, ...]] = {
    "salesOrder.list": (JSON, MINIMAL),
    "salesOrder.view": (JSON, MINIMAL),
    "product.viewV2": (JSON, MINIMAL),
    "salesOrder.import": (HTML,),
}


def success_media_types(operation: str) -> tuple[str, ...]:
    return SUCCESS_MEDIA_TYPES.get(operation, (JSON,))


def _ranges(header: str) -> list[tuple[str, float]]:
    """(media range, quality) pairs of an Accept header; unreadable qualities count as 0."""
    ranges = []
    for part in header.split(","):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        if not media_range:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The quality of the most specific range matching `media_type` (0 when none does)."""
    main = media_type.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media_range, quality in ranges:
        specificity = {media_type: 2, f"{main}/*": 1, "*/*": 0}.get(media_range, -1)
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1]


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered media type `accept` prefers (ties go to the first offered), or None when it
    accepts none of them. No header, or an empty one, accepts anything."""
    if accept is None or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    chosen, chosen_quality = None, 0.0
    for media_type in offered:
        quality = _quality(media_type, ranges)
        if quality > chosen_quality:
            chosen, chosen_quality = media_type, quality
    return chosen
