"""What a person would call a broken card layout, measured in the browser: text cut off or pushed past
the card's edge, and a word split across two lines ("Af ve nt er", "11.12.20 26")."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator

# A phone: 360 px screen less the client's margins around a message; a laptop: the Playground at
# 1,280 px lays the card out at its own width (the conversation column).
PHONE_CARD_PX = 328
LAPTOP_VIEWPORT = {"width": 1280, "height": 1600}

# Runs in the page. Overflow: an element whose content is wider than its box (scrollWidth past
# clientWidth) while it has text of its own and clips it. Split words: each word of each visible text
# node as a DOM Range; its client rects on more than one line mean the word was broken (a line break
# right after a hyphen is typography, not a broken word: the parts around a hyphen count apart).
_MEASURE = """
(card) => {
  const problems = [];
  const seen = new Set();
  for (const el of [card, ...card.querySelectorAll('*')]) {
    const style = getComputedStyle(el);
    const hidden = style.display === 'none' || style.visibility === 'hidden';
    if (hidden || el.getClientRects().length === 0) continue;
    const text = (el.innerText || '').trim();
    if (text && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
        && !['INPUT', 'TEXTAREA', 'SELECT', 'svg'].includes(el.tagName)) {
      const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      const clips = ['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowX);
      if (own || clips) problems.push('overflow: ' + text.slice(0, 60).replace(/\\s+/g, ' ')
                                      + ` (${el.scrollWidth} > ${el.clientWidth} px)`);
    }
  }
  const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.getClientRects().length === 0) continue;
    // Browsers may break a line after a hyphen ("CPR-" / "numre"): that is no broken word.
    const re = /[^\\s-]+-?/g;
    let m;
    while ((m = re.exec(node.textContent)) !== null) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top));
      const lines = new Set(tops.map(t => Math.round(t / 4)));
      if (lines.size > 1 && !seen.has(m[0])) {
        seen.add(m[0]);
        problems.push('split word: ' + m[0]);
      }
    }
  }
  return problems;
}
"""


def layout_problems(card: Locator) -> list[str]:
    problems: list[Any] = card.evaluate(_MEASURE)
    return [str(p) for p in problems]


def set_card_width(card: Locator, px: int | None) -> None:
    """Lay the card out at ``px`` (a phone), or back at the client's own width (``None``)."""
    value = f"{px}px" if px is not None else ""
    card.evaluate(
        "(el, w) => { for (const p of ['width', 'maxWidth', 'minWidth']) el.style[p] = w; }", value
    )
