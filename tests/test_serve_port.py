"""``./dev demo`` (``lms demo``) and ``lms serve`` on a port another program holds: they say so at once and
how to choose another port, instead of printing "Serving on …" and dying five seconds later."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

LMS = Path(sys.executable).parent / "lms"


@pytest.fixture
def taken_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_a_taken_port_is_named_with_the_way_out(command, taken_port, tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("LMS_")}
    env.update(LMS_INSTANCE_PATH=str(tmp_path), LMS_SECRET_KEY="port-test")
    started = time.monotonic()
    done = subprocess.run(
        [str(LMS), command, "--port", str(taken_port)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert f"Port {taken_port} on 127.0.0.1 is already in use" in done.stderr
    assert f"--port {taken_port + 1}" in done.stderr  # how to choose another
    assert "Serving on" not in done.stderr
    assert time.monotonic() - started < 30
    if command == "demo":
        # Nothing was seeded for a server that could not start.
        assert not (tmp_path / "lms.sqlite3").exists()
