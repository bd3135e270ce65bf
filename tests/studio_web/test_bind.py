"""Where `punchup studio` may listen: loopback unless --host names another address on the command line."""

from __future__ import annotations

import pytest

from punchup.errors import PunchupError
from punchup.studio.web.bind import decide_bind, is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_addresses(host):
    assert is_loopback(host)
    assert decide_bind(host, explicit=False).warning is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1"])
def test_non_loopback_is_refused_unless_explicit_and_then_warned(host):
    assert not is_loopback(host)
    with pytest.raises(PunchupError, match="refusing to listen"):
        decide_bind(host, explicit=False)
    decision = decide_bind(host, explicit=True)
    assert decision.host == host and decision.warning and "not loopback" in decision.warning


def test_the_default_is_loopback():
    assert decide_bind(None, explicit=False).host == "127.0.0.1"


def test_the_cli_refuses_a_non_loopback_host_from_the_environment(monkeypatch, capsys):
    from punchup.cli.main import main

    monkeypatch.setenv("PUNCHUP_STUDIO_HOST", "0.0.0.0")
    with pytest.raises(SystemExit) as exit_info:
        main(["studio", "--port", "0"])
    assert exit_info.value.code == 2
    assert "refusing to listen on non-loopback address 0.0.0.0" in capsys.readouterr().err
