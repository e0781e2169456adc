"""The bot's layering, checked on the source: only the adapter edge speaks botbuilder, and no bot
module builds Redis keys or imports redis outside ``bot/store``."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_adapter_imports_botbuilder() -> None:
    users = {
        p.relative_to(BOT).as_posix()
        for p in BOT.rglob("*.py")
        if imported_modules(p) & {"botbuilder", "botframework", "msrest"}
    }
    assert users and all(u.startswith("teams/") for u in users), users


def test_redis_is_imported_only_in_the_store() -> None:
    users = {p.relative_to(BOT).as_posix() for p in BOT.rglob("*.py") if "redis" in imported_modules(p)}
    assert all(u.startswith("store/") for u in users), users
