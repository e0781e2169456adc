"""The bot and the Microsoft 365 Agents Playground as `make playground` starts them, driven by a real
browser (playwright against Debian's chromium: browsers cannot be downloaded here).

Why processes and not the in-process harness: this is the README's try-out as written
(`matchbot serve --sample-data` in local mode on the embedded store, the Playground from
teams/playground/ with its own config), seen through a client nobody here wrote. The bot's clock
starts at ``PLAYGROUND_NOW`` from playground.env, so the sample job orders are open on any day.
Every wait is on a condition of the page (playwright's auto-waiting), never a fixed sleep.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bot.ui import texts
from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND_DIR = ROOT / "teams" / "playground"
PLAYGROUND_CLI = PLAYGROUND_DIR / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Screenshots of every step and of every card family at both widths: CI keeps this folder (README).
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
START_TIMEOUT_S = 180.0  # two cores shared by several engineers: generous
STEP_TIMEOUT_MS = 60_000
BOT = "Matchbot"
# What the Playground or the bot shows when a turn failed: none of it may ever be on the page.
ERROR_TEXTS = (texts.ERROR_GENERIC, "Something went wrong", "Unable to reach", "Failed to send")


def playground_env() -> dict[str, str]:
    """teams/playground/playground.env: the bot's settings for the Playground (as the script reads it)."""
    env: dict[str, str] = {}
    for line in (PLAYGROUND_DIR / "playground.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env


def require_tools() -> None:
    """Skip without chromium or the npm packages on a developer's machine; fail in CI (.ci/run installs
    them, so a missing tool there is a broken install, not a reason to pass)."""
    missing = [str(p) for p in (CHROMIUM, PLAYGROUND_CLI) if not p.exists()]
    if not missing and shutil.which("node"):
        return
    message = f"Agents Playground-testene mangler {missing or ['node']}: kør `make playground-deps`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _wait_for_line(stream: IO[str], pattern: str, deadline: float) -> re.Match[str]:
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            raise AssertionError(f"process ended before printing {pattern!r}")
        if (match := re.search(pattern, line)) is not None:
            return match
    raise AssertionError(f"timed out waiting for {pattern!r}")


@dataclass
class Servers:
    bot_port: int
    playground_url: str


@contextmanager
def servers(log_dir: Path) -> Iterator[Servers]:
    """The bot (sample data, embedded store, the Playground's settings) and the Playground in front."""
    settings = playground_env()
    now = settings.pop("PLAYGROUND_NOW")
    bot_port = free_port()
    env = {**os.environ, **settings, "LOG_LEVEL": "WARNING"}
    log_dir.mkdir(parents=True, exist_ok=True)
    bot_log = (log_dir / "matchbot.log").open("w")
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--sample-data", "--now", now,
         "--host", "127.0.0.1", "--port", str(bot_port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=bot_log, text=True,
    )
    playground: subprocess.Popen[str] | None = None
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        _wait_until_listening(bot_port, deadline, bot)
        playground = subprocess.Popen(
            ["node", str(PLAYGROUND_CLI), "start", "--app-endpoint", f"http://127.0.0.1:{bot_port}/api/messages",
             "--channel-id", "msteams", "--port", str(free_port()), "--disable-telemetry"],
            cwd=PLAYGROUND_DIR, env={**os.environ, "BROWSER": "none"},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        assert playground.stdout is not None
        port = _wait_for_line(playground.stdout, r"Listening on (\d+)", deadline).group(1)
        yield Servers(bot_port, f"http://localhost:{port}/")
    finally:
        for proc in (playground, bot):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        bot_log.close()


def _wait_until_listening(port: int, deadline: float, proc: subprocess.Popen[str]) -> None:
    import socket  # noqa: PLC0415 - only here

    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"matchbot serve ended with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)  # polling a port that is not open yet: the condition, not a fixed pause
    raise AssertionError("matchbot serve did not open its port")


class PlaygroundPage:
    """One browser tab on the Playground: the channel "Match", the personal chat, the cards."""

    def __init__(self, page: Page, shots: Path) -> None:
        self.page = page
        self.shots = shots
        self.step = 0
        page.set_default_timeout(STEP_TIMEOUT_MS)

    def open_channel(self, name: str = "Match") -> None:
        self.page.get_by_text(name, exact=True).first.click()
        self.page.get_by_text("Start a new post").wait_for()

    def open_personal_chat(self) -> None:
        self.page.get_by_role("treeitem", name="Personal Chat").click()

    def post_to_bot(self, text: str) -> None:
        """A new post in the channel: @Matchbot (picked from the mention list, as a person does) + text.

        The composer must hold exactly the mention and the command before Post, and be empty after it:
        a post that never left the composer (a click that only closed the mention list) fails here,
        naming the step, instead of as a card that never came."""
        editor = self.page.locator("[data-lexical-editor=true]").first
        editor.click()
        self.page.keyboard.type("@Match")
        self.page.get_by_role("menuitem", name=BOT).click()
        self.page.keyboard.type(" " + text)
        expect(editor).to_have_text(re.compile(rf"^\s*{BOT}\s+{re.escape(text)}\s*$"))
        self.page.get_by_role("button", name="Post", exact=True).click()
        expect(editor).not_to_contain_text(text)

    def cards(self, text: str) -> Locator:
        return self.page.locator(".ac-adaptiveCard").filter(has_text=text)

    def wait_for(self, found: Locator, what: str) -> Locator:
        """``found.first`` once visible; on a timeout the failure says what the page and the bot showed
        (CI prints only the test output) and a screenshot of the whole page is kept."""
        try:
            found.first.wait_for()
        except PlaywrightTimeout:
            shot = self.shot("timeout")
            body = " ".join(self.page.locator("body").inner_text().split())
            log = SCREENSHOTS / "logs" / "matchbot.log"
            tail = log.read_text(encoding="utf-8").splitlines()[-15:] if log.exists() else []
            raise AssertionError(
                f"{what} did not appear within {STEP_TIMEOUT_MS // 1000} s (screenshot {shot}).\n"
                f"Page: {body[:2500]}\nBot log (last lines):\n" + "\n".join(tail)
            ) from None
        return found.first

    def card(self, text: str) -> Locator:
        """The one card that contains ``text``; waits for it, and fails if there are two (not in place)."""
        found = self.cards(text)
        self.wait_for(found, f"the card with {text!r}")
        assert found.count() == 1, f"{found.count()} cards with {text!r}: not updated in place"
        return found.first

    def press(self, card: Locator, title: str) -> None:
        card.get_by_role("button", name=title, exact=True).first.click()

    def shot(self, name: str) -> Path:
        self.step += 1
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_no_error(self) -> None:
        body = self.page.locator("body").inner_text()
        for text in ERROR_TEXTS:
            assert text not in body, f"error on the page: {text!r}"
