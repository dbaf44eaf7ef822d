"""The running demo talks to nobody but the machine it runs on."""

from __future__ import annotations

import ipaddress
import socket

import psutil

from tests.demo.test_client import exercise_every_endpoint


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return True  # AF_UNIX and other local families
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


def test_serving_and_using_the_app_connects_only_to_loopback(running_app, face_photo, monkeypatch):
    from gradio_client import Client

    attempts = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def watched(real):
        def connect(sock, address):
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
                attempts.append(address)
            return real(sock, address)

        return connect

    monkeypatch.setattr(socket.socket, "connect", watched(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", watched(real_connect_ex))
    server = psutil.Process()  # the app is served by a thread of this process
    remote = set()
    client = Client(running_app[1], verbose=False)
    answers = exercise_every_endpoint(client, face_photo)
    for connection in server.net_connections(kind="inet"):
        if connection.raddr:
            remote.add(connection.raddr.ip)
    assert answers["catch"] and answers["make_fake"]
    assert attempts == [], f"non-loopback connections attempted: {attempts}"
    assert remote and all(_is_loopback(ip) for ip in remote), remote
    listening = {c.laddr.ip for c in server.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    assert listening and all(_is_loopback(ip) for ip in listening), listening
