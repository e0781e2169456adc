"""Adaptive Cards as terminal text: the demo shows every card as the channel would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text

TABLE_WIDTH = 76  # what fits inside the demo's card panel
_COLORS = {"Attention": "red", "Good": "green", "Warning": "yellow"}

_Element = dict[str, Any]


def card_lines(card: dict[str, Any]) -> list[Text]:
    """The card as a reader sees it: texts, facts, and the buttons in brackets."""
    out: list[Text] = []
    _walk(card.get("body", []), out)
    if card.get("actions"):
        out.append(_buttons(card["actions"]))
    return out


def _walk(node: Any, out: list[Text]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, out)
        return
    if not isinstance(node, dict):
        return
    kind = str(node.get("type") or "")
    render = _RENDERERS.get(kind)
    if render is not None:
        render(node, out)
    elif kind.startswith("Input."):
        label = node.get("label") or node.get("placeholder") or node.get("id")
        out.append(Text(f"  ⌨ {label}", style="dim"))
    _walk(node.get("body", []), out)


def _text_block(node: _Element, out: list[Text]) -> None:
    style = "bold" if node.get("weight") == "Bolder" or node.get("size") == "Large" else ""
    if node.get("isSubtle"):
        style += " dim"
    color = _COLORS.get(str(node.get("color")))
    if color:
        style += f" {color}"
    out.append(Text(str(node.get("text", "")).replace("**", ""), style=style.strip()))


def _fact_set(node: _Element, out: list[Text]) -> None:
    for fact in node.get("facts", []):
        out.append(Text.assemble((f"{fact.get('title')}: ", "bold"), str(fact.get("value", ""))))


def _table(node: _Element, out: list[Text]) -> None:
    out.extend(_table_lines(node))


def _action_set(node: _Element, out: list[Text]) -> None:
    out.append(_buttons(node.get("actions", [])))


_RENDERERS: dict[str, Callable[[_Element, list[Text]], None]] = {
    "TextBlock": _text_block,
    "FactSet": _fact_set,
    "Container": lambda node, out: _walk(node.get("items", []), out),
    "Column": lambda node, out: _walk(node.get("items", []), out),
    "ColumnSet": lambda node, out: _walk(node.get("columns", []), out),
    "Table": _table,
    "ActionSet": _action_set,
}


def _table_lines(table: dict[str, Any]) -> list[Text]:
    """A Table as aligned columns; the header row (and a bold row, the total) in bold."""
    grid: list[tuple[list[str], bool]] = []
    for row in table.get("rows", []):
        cells = row.get("cells", [])
        items = [item for cell in cells for item in cell.get("items", [])]
        bold = any(item.get("weight") == "Bolder" for item in items)
        grid.append(([" ".join(str(i.get("text", "")) for i in c.get("items", [])) for c in cells], bold))
    widths = [
        max(len(r[i]) for r, _ in grid if i < len(r))
        for i in range(max((len(r) for r, _ in grid), default=0))
    ]
    if len(grid) > 1 and sum(widths) + len(widths) > TABLE_WIDTH:  # too wide for the panel: a line per row
        header = grid[0][0]
        return [
            Text.assemble(
                (f"{cells[0]}: ", "bold"),
                ", ".join(f"{h} {c}" for h, c in zip(header[1:], cells[1:], strict=False)),
            )
            for cells, _ in grid[1:]
        ]
    lines = []
    for cells, bold in grid:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ]
        lines.append(Text(" ".join(padded), style="bold" if bold else ""))
    return lines


def _buttons(actions: list[dict[str, Any]]) -> Text:
    return Text("  ".join(f"[{a.get('title', '?')}]" for a in actions), style="cyan")
