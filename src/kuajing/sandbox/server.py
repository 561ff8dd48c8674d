"""Serve the sandbox: in the foreground (``kuajing sandbox serve``) or in a thread (tests, demo)."""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from kuajing.sandbox import admin, protocol_1688, protocol_aliexpress
from kuajing.sandbox.credentials import SandboxCredentials
from kuajing.sandbox.world import DEFAULT_SEED, DEFAULT_START, World


def create_app(world: World) -> FastAPI:
    app = FastAPI(
        title="kuajing sandbox: AliExpress + 1688",
        docs_url="/sandbox/docs",
        openapi_url="/sandbox/openapi.json",
    )
    app.state.world = world
    app.include_router(admin.build_router(world))
    app.include_router(protocol_aliexpress.build_router(world))
    app.include_router(protocol_1688.build_router(world))
    return app


def serve_foreground(host: str, port: int, seed: int, start: datetime) -> None:
    world = World(seed, start=start, credentials=SandboxCredentials.from_env())
    uvicorn.run(create_app(world), host=host, port=port, log_level="info")


class SandboxServer:
    """Runs the sandbox on a free 127.0.0.1 port in a background thread.

    >>> with SandboxServer(seed=7) as sandbox:
    ...     sandbox.base_url  # 'http://127.0.0.1:PORT'
    """

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        *,
        start: datetime = DEFAULT_START,
        credentials: SandboxCredentials | None = None,
        port: int = 0,
    ) -> None:
        self.world = World(seed, start=start, credentials=credentials or SandboxCredentials())
        self.app = create_app(self.world)
        # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted sockets only when the
        # listening socket names TCP explicitly; without it every keep-alive reply waits ~40 ms
        # for a delayed ACK.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port: int = self._socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, log_level="warning", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"sandbox:{self.port}",
            daemon=True,
        )

    def start(self) -> SandboxServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("sandbox server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


__all__ = ["DEFAULT_SEED", "SandboxServer", "create_app", "serve_foreground"]
