"""Danish-aware normalisation of job titles and skills into comparison keys.

Companies write "Lagerarbejdere til travlt lager i Brøndby" or "Rengøringsmedarbejder (m/k) søges";
jobcentres record "Lagermedarbejder". A key is the title with the noise removed, the context tail cut
off, compounds joined ("Pakkeri medarbejdere" = "Pakkerimedarbejder") and the inflection removed by
snowball's Danish stemmer (only the last element of a Danish compound inflects, so the joined word is
stemmed once). Keys are compared exactly (taxonomy variants) and with rapidfuzz (everything else).

The word lists (noise words, connectors, abbreviations) are data in ``config/matching.toml``
(``[normalization]``, :class:`matching.rules.NormalizationRules`), passed in to :class:`Normalizer`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

from matching.rules import NormalizationRules, load_rules

_STEMMER = snowballstemmer.stemmer("danish")
_PLAIN_WORD = re.compile(r"[a-zæøå]+")  # one folded word of letters only: see Normalizer._title_parse


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    # Foreign keyboard spellings of the Danish letters; keep æøå.
    return text.replace("é", "e").replace("ä", "æ").replace("ö", "ø").replace("ü", "y")


def stem(word: str) -> str:
    """Snowball's Danish stem of one word (plural and definite endings removed)."""
    return str(_STEMMER.stemWord(word))


class TitleParse(NamedTuple):
    """A job title read as the occupation(s) it names and the facts that qualify the job.

    ``keys``: the occupation phrase(s) ("Chauffør/lagermedarbejder" names two); ``function_keys``:
    what a "til …" phrase names ("Lagermedarbejder til truckkørsel"), which counts only when the
    taxonomy knows it as an occupation; ``hours``: weekly hours written in the title; ``facts``: the
    modifiers found, per kind ("arbejdstid": ["deltid"], "vagt": ["aften", "weekend"]).
    """

    keys: tuple[str, ...]
    function_keys: tuple[str, ...]
    hours: float | None
    facts: tuple[tuple[str, str], ...]


class Normalizer:
    """Turns titles and skills into keys; pure and memoised (the pool repeats the same titles)."""

    def __init__(self, rules: NormalizationRules | None = None) -> None:
        self.rules = rules or NormalizationRules()
        r = self.rules
        phrases = sorted((_fold(p) for p in r.noise_phrases), key=len, reverse=True)
        self._noise_re = (
            re.compile(r"(?<![0-9a-zæøå])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![0-9a-zæøå])")
            if phrases
            else None
        )
        self._noise_display_re = re.compile(self._noise_re.pattern, re.IGNORECASE) if self._noise_re else None
        self._connectors = frozenset(_fold(c) for c in r.tail_connectors)
        self._generic = frozenset(_fold(g) for g in r.generic_heads)
        self._separators = frozenset(_fold(s) for s in r.alternative_separators)
        self._abbrev = {_fold(k).rstrip("."): _fold(v) for k, v in r.abbreviations.items()}
        self._init_modifiers()
        # One-word titles ("Lagermedarbejder", or a typo of it: three in four of a pool's distinct
        # titles) need no regex or tail rule unless the word itself is a word the rules treat specially.
        self._not_plain = frozenset(
            {*(_fold(p) for p in r.noise_phrases), *self._modifier_kind, *self._abbrev, *self._separators}
        )
        self.title_parse = lru_cache(maxsize=200_000)(self._title_parse)
        self.title_keys = lru_cache(maxsize=200_000)(self._title_keys)
        self.skill_key = lru_cache(maxsize=100_000)(self._skill_key)
        self.display_head = lru_cache(maxsize=10_000)(self._display_head)
        # Stemmed generic heads, longest first: "medarbejd" before "arbejd".
        self._heads = sorted({stem(_fold(g)) for g in r.generic_heads}, key=len, reverse=True)
        self.split_head = lru_cache(maxsize=200_000)(self._split_head)

    def _init_modifiers(self) -> None:
        m = self.rules.modifiers
        units = "|".join(re.escape(_fold(u)) for u in sorted(m.hour_units, key=len, reverse=True))
        weeks = "|".join(
            r"\s*".join(re.escape(part) for part in _fold(w).split())
            for w in sorted(m.per_week, key=len, reverse=True)
        )
        number = r"(\d+(?:[.,]\d+)?)"
        self._hours_re = re.compile(
            rf"(?<![0-9a-zæøå]){number}(?:\s*[-–]\s*{number})?\s*(?:{units})\.?(?:\s*(?:{weeks}))?(?![0-9a-zæøå])"
        )
        self._modifier_kind: dict[str, str] = {}
        for kind, phrases in m.kinds.items():
            for phrase in phrases:
                self._modifier_kind.setdefault(_fold(phrase), kind)
        ordered = sorted(self._modifier_kind, key=len, reverse=True)
        self._modifier_re = (
            re.compile(r"(?<![0-9a-zæøå-])(" + "|".join(re.escape(p) for p in ordered) + r")(?![0-9a-zæøå-])")
            if ordered
            else None
        )
        self._display_mod_re = (
            re.compile(self._modifier_re.pattern, re.IGNORECASE) if self._modifier_re is not None else None
        )
        self._function_connectors = frozenset(_fold(c) for c in m.function_connectors)
        self._trainee = tuple(stem(_fold(t)) for t in self.rules.trainee_suffixes)

    def _split_modifiers(self, folded: str) -> tuple[str, float | None, list[tuple[str, str]]]:
        """The title without hours and modifiers, the weekly hours, and the modifiers found."""
        hours: float | None = None
        found = self._hours_re.search(folded)
        if found is not None:
            hours = float((found.group(2) or found.group(1)).replace(",", "."))
            folded = self._hours_re.sub(" ", folded)
        facts: list[tuple[str, str]] = []
        if self._modifier_re is not None:
            for hit in self._modifier_re.finditer(folded):
                facts.append((self._modifier_kind[hit.group(1)], hit.group(1)))
            folded = self._modifier_re.sub(" ", folded)
        return folded, hours, facts

    def is_trainee(self, key: str) -> bool:
        """Whether a title key names a trainee/apprentice ("tømrerlærling", "sosuelev")."""
        return any(key.endswith(t) and len(key) > len(t) for t in self._trainee)

    # --- words ---------------------------------------------------------------------------

    def _words(self, text: str, *, folded: bool = False) -> list[str]:
        """Folded words with noise, parentheses, numbers and abbreviation dots handled."""
        text = text if folded else _fold(text)
        text = re.sub(r"\((?:m/k|k/m)\)", " ", text)
        text = re.sub(r"\([^)]*\)", " ", text)  # "(deltid)", "(barsel)": context, never the title
        if self._noise_re is not None:
            text = self._noise_re.sub(" ", text)
        # A dash between spaces starts context ("Lagermedarbejder - Brøndby"); slashes separate.
        text = re.sub(r"\s[-–—]\s.*$", " ", text)
        # Licence classes written with a slash or plus are one class: "C/E", "C+E" -> "ce".
        text = re.sub(r"(?<![0-9a-zæøå])([bcd])\s*[/+]\s*e(?![0-9a-zæøå])", r"\1e", text)
        text = re.sub(r"[/,;&+|]", " / ", text)
        words: list[str] = []
        for match in re.finditer(r"[0-9a-zæøå]+(?:-[0-9a-zæøå]+)*-?\.?|/", text):
            word = match.group(0)
            if word == "/":
                words.append(word)
                continue
            bare = word.rstrip(".")
            if bare.isdigit():
                continue  # "2 lagermedarbejdere", "37 timer"
            bare = self._abbrev.get(bare, bare)
            # Hyphenated compounds are one word ("SOSU-hjælper"); a trailing hyphen is the Danish
            # suspension hyphen ("Social- og sundhedshjælper") and joins with what follows.
            bare = "-".join(self._abbrev.get(p, p) for p in bare.split("-"))
            words.append(bare)
        return words

    # --- titles --------------------------------------------------------------------------

    def _title_keys(self, text: str) -> tuple[str, ...]:
        """Keys for a title: the whole title first, then each alternative it lists.

        "Chauffør/lagermedarbejder" -> ("chauffør", "lagermedarbejd");
        "Social- og sundhedshjælpere til hjemmeplejen" -> ("socialogsundhedshjælp",).
        """
        return self.title_parse(text).keys

    def _title_parse(self, text: str) -> TitleParse:
        """The occupation phrase(s), the "til …" functions, hours and modifiers of a title."""
        folded = _fold(text)
        word = folded.strip()
        if _PLAIN_WORD.fullmatch(word) and word not in self._not_plain:
            # What the full path below gives for one plain word (no digit for hours, no modifier,
            # noise, abbreviation or separator; a lone word has no tail), ≈ 10× cheaper.
            # tests/unit/test_normalize.py compares the two over the taxonomy and the sample data.
            key = stem(word)
            return TitleParse((key,) if key else (), (), None, ())
        return self._full_title_parse(folded)

    def _full_title_parse(self, folded: str) -> TitleParse:
        """:meth:`_title_parse` of a folded title, every rule applied."""
        rest, hours, facts = self._split_modifiers(folded)
        words = self._words(rest, folded=True)
        keys, functions = self._keys_of(words)
        if facts and (not keys or words[0] in self._connectors):
            # Only modifiers ("Vikar", "Weekend"), or one leading a "til" phrase ("Vikar til
            # børnehave"): then the word is the title after all.
            keys, functions = self._keys_of(self._words(self._hours_re.sub(" ", folded), folded=True))
            facts = []
        return TitleParse(keys, functions, hours, tuple(facts))

    def _keys_of(self, words: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        groups: list[list[str]] = [[]]
        for w in words:
            if w == "/":
                groups.append([])
            else:
                groups[-1].append(w)
        keys: list[str] = []
        functions: list[str] = []
        for group in groups:
            for key in self._group_keys(group, functions):
                if key and key not in keys:
                    keys.append(key)
        return tuple(keys), tuple(f for f in functions if f not in keys)

    def _group_keys(self, words: list[str], functions: list[str] | None = None) -> list[str]:
        # Modifiers removed can leave a dangling "og"/"eller" ("aften og weekend").
        while words and words[-1] in self._separators:
            words = words[:-1]
        while words and words[0] in self._separators:
            words = words[1:]
        head = self._strip_tail(words, functions)
        if not head:
            return []
        whole = self._compact(head)
        out = [whole]
        # "Tjener og bartender": also each side, unless a suspension hyphen binds them.
        parts: list[list[str]] = [[]]
        for w in head:
            if w in self._separators and parts[-1] and not parts[-1][-1].endswith("-"):
                parts.append([])
            elif w not in self._separators or (parts[-1] and parts[-1][-1].endswith("-")):
                parts[-1].append(w)
        if len(parts) > 1:
            out.extend(self._compact(p) for p in parts if p)
        return out

    def _strip_tail(self, words: list[str], functions: list[str] | None = None) -> list[str]:
        for i, w in enumerate(words):
            if w in self._connectors and i > 0:
                head, tail = words[:i], words[i + 1 :]
                if functions is not None and w in self._function_connectors:
                    seg = self._segment(tail)
                    if seg:
                        functions.append(self._compact(seg))
                        if len(seg) > 1:
                            functions.append(self._compact(seg[-1:]))
                if len(head) == 1 and head[0] in self._generic and tail:
                    # "Medarbejdere til travlt lager i Brøndby" -> "lagermedarbejdere"
                    seg = self._segment(tail)
                    if seg:
                        return [seg[-1].replace("-", "") + head[0]]
                return head
        return words

    def _segment(self, tail: list[str]) -> list[str]:
        """The words of a tail up to the next connector or separator ("travlt lager" i …)."""
        seg: list[str] = []
        for t in tail:
            if t in self._connectors or t in self._separators:
                break
            seg.append(t)
        return seg

    @staticmethod
    def _compact(words: list[str]) -> str:
        """Join a split or hyphenated compound into one word and stem it once.

        A short last word is a code, not an inflected Danish word: "Chauffør kat. CE" must not
        become "kat. C" because the stemmer strips a final e, so it is kept as written.
        """
        parts = [w.replace("-", "").replace(" ", "") for w in words]
        code = parts.pop() if len(parts) > 1 and len(parts[-1]) <= 2 else ""
        return stem("".join(parts)) + code

    def _split_head(self, key: str) -> tuple[str, str]:
        """A key's first part and its generic head: "lagermedarbejd" -> ("lager", "medarbejd")."""
        for head in self._heads:
            if key.endswith(head) and len(key) > len(head) + 1:
                return key[: -len(head)], head
        return key, ""

    def _display_head(self, text: str) -> str:
        """The title as written, minus noise and context: for reasons ("'Lagerarbejdere' (96)")."""
        out: list[str] = []
        cleaned = re.sub(r"\([^)]*\)", " ", unicodedata.normalize("NFC", text))
        without = self._hours_re.sub(" ", cleaned.casefold())
        if self._display_mod_re is not None:
            without = self._display_mod_re.sub(" ", without)
        if without.split() and without.split()[0] not in self._connectors:
            cleaned = self._strip_display_modifiers(cleaned)
        if self._noise_display_re is not None:
            cleaned = self._noise_display_re.sub(" ", cleaned)
        for word in cleaned.split():
            folded = _fold(word).strip(".,:;!?")
            if folded.isdigit():
                continue
            if out and folded in self._connectors and not (len(out) == 1 and _fold(out[0]) in self._generic):
                break
            if folded in ("-", "–", "—"):
                break
            out.append(word)
        return " ".join(out).strip(" ,;:-") or text

    def _strip_display_modifiers(self, text: str) -> str:
        """Hours and modifiers out of a title as written (case kept), then dangling "og"/","."""
        text = re.sub(self._hours_re.pattern, " ", text, flags=re.IGNORECASE)
        if self._display_mod_re is not None:
            text = self._display_mod_re.sub(" ", text)
        words = text.split()
        while words and (_fold(words[-1]).strip(",;:") in self._separators or words[-1] in ",;:-"):
            words.pop()
        return " ".join(words)

    def title_key(self, text: str) -> str:
        """The primary key of a title ('' when nothing is left, e.g. "Søges")."""
        keys = self.title_keys(text)
        return keys[0] if keys else ""

    # --- skills --------------------------------------------------------------------------

    def _skill_key(self, text: str) -> str:
        """Skills keep their context words ("kørsel med truck"); only fold, join and stem."""
        words = [w for w in self._words(text) if w != "/"]
        return self._compact(words) if words else ""


@lru_cache(maxsize=1)
def default_normalizer() -> Normalizer:
    """The normaliser configured in ``config/matching.toml``."""
    return Normalizer(load_rules().normalization)


def normalize_title(text: str) -> str:
    """Primary comparison key of a title with the configured vocabulary."""
    return default_normalizer().title_key(text)


def title_keys(text: str) -> tuple[str, ...]:
    return default_normalizer().title_keys(text)


def normalize_skill(text: str) -> str:
    return default_normalizer().skill_key(text)


def language_key(language: str) -> str:
    """Languages compare case- and space-insensitively, never fuzzily ("dansk" is not "tysk")."""
    return language.strip().casefold()
