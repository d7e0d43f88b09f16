"""The one HTTP client for Xentral's REST API: hosts, auth, the rate limit, retries, paging, errors.

The sync (through the dlt source in `pipelines.xentral`), the import and the lookups all talk to
Xentral through `XentralClient`; nothing else builds URLs or sleeps. No dlt here.
"""
