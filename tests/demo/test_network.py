"""The running demo talks to nobody but the machine it runs on."""

from __future__ import annotations

import psutil

from tests.demo.conftest import is_loopback
from tests.demo.test_client import exercise_every_endpoint


def test_serving_and_using_the_app_connects_only_to_loopback(running_app, face_photo, outbound):
    from gradio_client import Client

    server = psutil.Process()  # the app is served by a thread of this process
    remote = set()
    client = Client(running_app[1], verbose=False)
    answers = exercise_every_endpoint(client, face_photo)
    for connection in server.net_connections(kind="inet"):
        if connection.raddr:
            remote.add(connection.raddr.ip)
    assert answers["catch"] and answers["make_fake"]
    assert outbound == [], f"non-loopback connections attempted: {outbound}"
    assert remote and all(is_loopback(ip) for ip in remote), remote
    listening = {c.laddr.ip for c in server.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    assert listening and all(is_loopback(ip) for ip in listening), listening
