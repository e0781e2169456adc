"""The layering, checked on the source of ``bot/``, ``matching/`` and ``config/``.

- no import cycle between their modules, counting imports inside functions (a function-level import
  only hides a cycle until the function runs) and ``if TYPE_CHECKING`` blocks alike;
- ``matching/`` never imports ``bot/`` (the engine knows nothing of Teams or Redis);
- the Bot Framework SDK (botbuilder, botframework, msrest) is imported only under ``bot/teams/``;
- Redis (redis, fakeredis) is imported only under ``bot/store/``;
- the rules (``bot/domain/``) and the store (``bot/store/``) import nothing from ``bot.ui``: they raise
  typed errors, and Danish text is written only where it reaches a person; ``bot/ui/`` imports no store.

The checker is plain ``ast`` over the files (nothing is imported), and is itself tested on small
planted packages, so a passing run means "no cycle", not "the checker saw nothing".
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "matching", "config")
SDK = frozenset({"botbuilder", "botframework", "msrest"})
REDIS = frozenset({"redis", "fakeredis"})

# --- the checker ---------------------------------------------------------------------------------


def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module of ``packages`` under ``root`` by dotted name (a package by its ``__init__``)."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, list[str]]]:
    """(imported module, names taken from it) for every import statement anywhere in ``tree``."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(part for part in (*anchor, base) if part)
            yield base, [alias.name for alias in node.names]


def imported_names(path: Path, module: str) -> set[str]:
    """The absolute dotted names a file imports (``from a import b`` gives ``a`` and ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for base, taken in _imports(tree, module, path.name == "__init__.py"):
        names.add(base)
        names |= {f"{base}.{name}" for name in taken if name != "*"}
    return names


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """Module → the first-party modules it imports. ``from pkg import name`` points at ``pkg.name``
    when that is a module, else at ``pkg`` (whose ``__init__`` defines the name)."""
    files = module_files(root, packages)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: set[str] = set()
        for base, taken in _imports(tree, module, path.name == "__init__.py"):
            submodules = {f"{base}.{name}" for name in taken} & files.keys()
            targets |= submodules
            if base in files and (len(submodules) < len(taken) or not taken):
                targets.add(base)
        graph[module] = targets - {module}
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other (directly or round a loop), each sorted.

    Tarjan's strongly connected components, iterative (no recursion limit on a deep graph)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return sorted(cycles)


LOWER = ("bot/domain/", "bot/store/")


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def layer_violations(root: Path, packages: Iterable[str]) -> list[str]:
    """``path: imports name`` for every import that crosses a layer it must not."""
    found: list[str] = []
    for module, path in module_files(root, packages).items():
        where = path.relative_to(root).as_posix()
        for name in sorted(imported_names(path, module)):
            top = name.split(".")[0]
            if where.startswith("matching/") and top == "bot":
                found.append(f"{where}: imports {name} (matching must not import bot)")
            elif top in SDK and not where.startswith("bot/teams/"):
                found.append(f"{where}: imports {name} (the Bot Framework SDK only under bot/teams)")
            elif top in REDIS and not where.startswith("bot/store/"):
                found.append(f"{where}: imports {name} (Redis only under bot/store)")
            elif where.startswith(LOWER) and _within(name, "bot.ui"):
                found.append(f"{where}: imports {name} (domain and store raise typed errors, no ui)")
            elif where.startswith("bot/ui/") and _within(name, "bot.store"):
                found.append(f"{where}: imports {name} (ui renders values, it reads no store)")
    return sorted(set(found))


# --- the project --------------------------------------------------------------------------------------


def test_no_import_cycles_between_modules_not_even_inside_functions() -> None:
    cycles = find_cycles(import_graph(ROOT, PACKAGES))
    assert cycles == [], "import cycles:\n" + "\n".join(" ↔ ".join(cycle) for cycle in cycles)


def test_layers_matching_sdk_and_redis_stay_where_they_belong() -> None:
    assert layer_violations(ROOT, PACKAGES) == []


def test_the_sdk_and_redis_are_used_where_they_belong() -> None:
    """The checks above are not empty: the SDK is imported in bot/teams, Redis in bot/store."""
    users = {
        path.relative_to(ROOT).as_posix(): {name.split(".")[0] for name in imported_names(path, module)}
        for module, path in module_files(ROOT, PACKAGES).items()
    }
    assert any(tops & SDK for where, tops in users.items() if where.startswith("bot/teams/"))
    assert any(tops & REDIS for where, tops in users.items() if where.startswith("bot/store/"))


# --- the checker on planted packages ----------------------------------------------------------------


def _plant(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_finds_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    _plant(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "import pkg.c\n",
            "pkg/c.py": "def later() -> None:\n    from pkg.a import thing\n",
            "pkg/d.py": "from pkg.a import thing\n",  # imports into the loop, is not part of it
            "pkg/sub/__init__.py": "",
            "pkg/sub/x.py": "from . import y\n",  # relative imports, a second loop
            "pkg/sub/y.py": "from ..sub.x import name\n",
        },
    )
    graph = import_graph(tmp_path, ["pkg"])
    assert graph["pkg.c"] == {"pkg.a"} and graph["pkg.sub.x"] == {"pkg.sub.y"}
    assert find_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"], ["pkg.sub.x", "pkg.sub.y"]]


def test_the_checker_finds_no_cycle_where_there_is_none(tmp_path: Path) -> None:
    _plant(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import thing\n",  # a package re-exporting its modules
            "pkg/a.py": "from pkg.b import other\n",
            "pkg/b.py": "import json\n",
        },
    )
    assert find_cycles(import_graph(tmp_path, ["pkg"])) == []


def test_the_checker_finds_planted_layer_violations(tmp_path: Path) -> None:
    _plant(
        tmp_path,
        {
            "matching/explain.py": "def explain() -> None:\n    from bot.ui import texts\n",
            "bot/features/post.py": "from botbuilder import core\n",
            "bot/router.py": "import redis.asyncio\n",
            "bot/teams/edge.py": "from msrest import Serializer\n",  # allowed here
            "bot/store/client.py": "import fakeredis\n",  # and here
            "bot/domain/states.py": "from bot.ui import texts\n",
            "bot/store/records.py": "from bot.ui.texts import NOTE_EMPTY\n",
            "bot/ui/cards.py": "from bot.store import keys\n",
            "bot/ui/texts.py": "from bot.domain import errors\n",  # allowed: ui turns errors into text
        },
    )
    assert layer_violations(tmp_path, ["bot", "matching"]) == [
        "bot/domain/states.py: imports bot.ui (domain and store raise typed errors, no ui)",
        "bot/domain/states.py: imports bot.ui.texts (domain and store raise typed errors, no ui)",
        "bot/features/post.py: imports botbuilder (the Bot Framework SDK only under bot/teams)",
        "bot/features/post.py: imports botbuilder.core (the Bot Framework SDK only under bot/teams)",
        "bot/router.py: imports redis.asyncio (Redis only under bot/store)",
        "bot/store/records.py: imports bot.ui.texts (domain and store raise typed errors, no ui)",
        "bot/store/records.py: imports bot.ui.texts.NOTE_EMPTY (domain and store raise typed errors, no ui)",
        "bot/ui/cards.py: imports bot.store (ui renders values, it reads no store)",
        "bot/ui/cards.py: imports bot.store.keys (ui renders values, it reads no store)",
        "matching/explain.py: imports bot.ui (matching must not import bot)",
        "matching/explain.py: imports bot.ui.texts (matching must not import bot)",
    ]
