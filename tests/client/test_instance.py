import pytest

from pipelines.api.errors import ConfigError
from pipelines.api.instance import base_url_for


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("mycompany.xentral.biz", "https://mycompany.xentral.biz"),
        ("MyCompany.Xentral.biz", "https://mycompany.xentral.biz"),
        ("  mycompany.xentral.biz\n", "https://mycompany.xentral.biz"),
        ("erp.example.de", "https://erp.example.de"),
        ("erp.example.de/", "https://erp.example.de"),
        ("https://mycompany.xentral.biz", "https://mycompany.xentral.biz"),
        ("https://mycompany.xentral.biz/", "https://mycompany.xentral.biz"),
        ("HTTPS://erp.example.de", "https://erp.example.de"),
        ("erp.example.de:8443", "https://erp.example.de:8443"),
        ("https://erp.example.de:8443/", "https://erp.example.de:8443"),
        ("https://erp.example.de:443", "https://erp.example.de"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("http://localhost:8765", "http://localhost:8765"),
        ("http://[::1]:8765", "http://[::1]:8765"),
        ("https://[::1]:8765", "https://[::1]:8765"),
        ("https://10.0.0.5", "https://10.0.0.5"),
    ],
)
def test_accepted_hosts_become_an_origin(configured: str, expected: str) -> None:
    assert base_url_for(configured) == expected


@pytest.mark.parametrize(
    ("configured", "message_part"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("my company.xentral.biz", "spaces"),
        ("mycompany.xentral.biz/api/v1", "path or query"),
        ("https://mycompany.xentral.biz/api/v1/", "path or query"),
        ("mycompany.xentral.biz?x=1", "path or query"),
        ("mycompany.xentral.biz#top", "path or query"),
        ("http://mycompany.xentral.biz", "https is required"),
        ("http://10.0.0.5:8080", "https is required"),
        ("ftp://mycompany.xentral.biz", "unknown scheme"),
        ("mycompany", "did you mean mycompany.xentral.biz"),
        ("-bad-.xentral.biz", "not a valid host name"),
        ("my_company.xentral.biz", "not a valid host name"),
        ("mycompany..xentral.biz", "not a valid host name"),
        ("https://", "not a valid host name"),
        ("mycompany.xentral.biz:99999", "invalid port"),
        ("mycompany.xentral.biz:abc", "invalid port"),
        ("https://user:pw@mycompany.xentral.biz", "credentials"),
    ],
)
def test_rejected_hosts_name_the_value_in_one_line(configured: str, message_part: str) -> None:
    with pytest.raises(ConfigError) as raised:
        base_url_for(configured)
    message = str(raised.value)
    assert message_part in message
    assert "\n" not in message
    if configured.strip():
        assert configured.strip() in message
