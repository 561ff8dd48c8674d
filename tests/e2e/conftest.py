"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``, never a downloaded browser).

Each test runs the real web app with uvicorn in a thread on a free port, against a migrated SQLite
database (and the sandbox when the journey needs orders). Chromium missing: the tests skip with the
reason, except under CI (``CI=true``), where they fail — CI installs Chromium (``make browser``).
Screenshots go to ``KUAJING_SCREENSHOT_DIR`` when set (``make screenshots`` sets it to
``docs/screenshots``, the pictures the user guides embed), otherwise to the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn

from kuajing.config import Settings
from kuajing.db import migrate
from kuajing.web.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOT_LIMIT_BYTES = 200_000


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true")


def chromium_path() -> str | None:
    """``KUAJING_CHROMIUM`` if set, else Debian's Chromium where the package puts it."""
    chosen = os.environ.get("KUAJING_CHROMIUM")
    candidates = (chosen,) if chosen else CHROMIUM_CANDIDATES
    for candidate in candidates:
        if candidate and (Path(candidate).is_file() or shutil.which(candidate)):
            return candidate
    return None


def _cannot_run(reason: str) -> None:
    if under_ci():
        pytest.fail(f"CI must run the browser tests: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module (not per session: Playwright's event loop stays inside the module)."""
    path = chromium_path()
    if path is None:
        _cannot_run(
            "Chromium is not installed (looked for /usr/bin/chromium): run `make browser` as root "
            "(apt-get install chromium fonts-wqy-microhei)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _cannot_run("the playwright package is missing: run `make install`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh zh-CN browser window at the documentation's size (1280×800)."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    chosen = os.environ.get("KUAJING_SCREENSHOT_DIR")
    folder = Path(chosen) if chosen else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shoot(page: Page, screenshot_dir: Path) -> Any:
    """``shoot("journey-step")`` saves the page as ``<journey>-<step>.png`` (under 200 KB) and returns it."""

    def take(name: str, *, full_page: bool = False) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        if path.stat().st_size > SCREENSHOT_LIMIT_BYTES:  # long pages: keep the top only
            page.screenshot(path=str(path), full_page=False)
        assert 0 < path.stat().st_size <= SCREENSHOT_LIMIT_BYTES, (path, path.stat().st_size)
        return path

    return take


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    """A migrated SQLite database, the files folders inside the test's temporary folder."""
    url = f"sqlite:///{tmp_path / 'kuajing.sqlite3'}"
    migrate.upgrade(url)
    return Settings(
        database_url=url,
        aftersales_folder=str(tmp_path / "aftersales"),
        compliance_folder=str(tmp_path / "compliance"),
        hs_opinion_folder=str(tmp_path / "hs_opinions"),
    )


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[Settings], str]]:
    """``serve(settings)`` starts the web app and returns its base URL; it stops after the test."""
    with ExitStack() as stack:

        def start(settings: Settings) -> str:
            return stack.enter_context(running_app(settings, tmp_path / "uploads"))

        yield start


@contextmanager
def running_app(settings: Settings, upload_dir: Path) -> Iterator[str]:
    """The web app served by uvicorn in a thread on a free port; yields its base URL."""
    app = create_app(settings)
    app.state.offer_upload_dir = upload_dir
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="e2e-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()
