"""Fixtures of the browser tests against the Agents Playground (tests/playground/browser.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.playground.browser import CHROMIUM, SCREENSHOTS, PlaygroundPage, Servers, require_tools, servers

# Shared 2-core machines: a card may take a while to come back; wait on it, generously.
expect.set_options(timeout=60_000)


@pytest.fixture(scope="module")
def running() -> Iterator[Servers]:
    require_tools()
    with servers(SCREENSHOTS / "logs") as started:
        yield started


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_tools()
    with sync_playwright() as p:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, running: Servers) -> Iterator[Page]:
    """A fresh tab on the Playground; it (re)installs the bot in the personal chat and the team."""
    context = browser.new_context(viewport={"width": 1280, "height": 1600}, locale="da-DK")
    tab = context.new_page()
    tab.goto(running.playground_url)
    yield tab
    context.close()


def playground(page: Page, folder: str) -> PlaygroundPage:
    return PlaygroundPage(page, SCREENSHOTS / folder)
