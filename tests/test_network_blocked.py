"""Guard: the suite runs with the network blocked (loopback only), as CI and DESIGN require."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_outside_addresses_are_blocked() -> None:
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("198.51.100.1", 443), timeout=1)


def test_loopback_stays_open() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=1)
    client.close()
    server.close()
