"""dlt's DuckDB destination as the sync uses it: its capabilities worked out once per run."""

from __future__ import annotations

from typing import Any

import dlt
from dlt.common.destination.capabilities import DestinationCapabilitiesContext
from dlt.common.normalizers.naming import NamingConvention


class DuckDbDestination(dlt.destinations.duckdb):
    """`dlt.destinations.duckdb`, answering `capabilities()` from the first time it was asked.

    dlt asks seven times a step, and each time resolves the destination's whole configuration
    through every config provider, about a fifth of a small sync's time. For DuckDB that
    configuration changes nothing; the one input that does is whether the naming convention is
    case sensitive, so answers are kept per that. dlt sets the same loader file formats on
    the answer each time it uses it.
    """

    def capabilities(
        self, config: Any = None, naming: NamingConvention | None = None
    ) -> DestinationCapabilitiesContext:
        if config is not None:
            return super().capabilities(config, naming)
        kept: dict[bool | None, DestinationCapabilitiesContext] = self.__dict__.setdefault("_kept_capabilities", {})
        case_sensitive = None if naming is None else naming.is_case_sensitive
        if case_sensitive not in kept:
            kept[case_sensitive] = super().capabilities(None, naming)
        return kept[case_sensitive]
