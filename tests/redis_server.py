"""A redis-server of one test module alone (tests/app/test_scaleout.py, the proxy test)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.harness import free_port


class RedisProcess:
    """A redis-server of this test alone, on a fixed port so it can come back on it."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([binary, *args, "no"], stdout=log, stderr=log)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        for _ in range(200):  # polling for readiness, not waiting for an outcome
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    break
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited:\n{self.log.read_text()}")
            time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)
