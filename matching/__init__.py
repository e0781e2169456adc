"""Pure matching: domain models, Danish text normalisation, taxonomy, hard filters, scores.

No aiohttp, botbuilder, redis or ``bot`` imports here: this package must stay easy to test and
benchmark. Modules, lowest layer first:

- ``texts``: every Danish sentence the package writes; imports nothing.
- ``privacy``, ``geo``, ``models``: the CPR guard, postcodes, validated job orders and profiles.
- ``rules``: ``MatchRules`` from ``config/matching.toml``, loaded once and passed in.
- ``normalize``, ``taxonomy``: title and skill keys; occupations, synonyms, related trades.
- ``results``: what a match returns (``Shortlist``, ``MatchResult``, ``Explanation``...).
- ``explain``: contributions, exclusions and explanations in words; never imports the index.
- ``columns``: the pool as numpy rows; ``index``: ``MatchIndex``, vectorised filters and scores.
- ``io``: reading job orders and pools with errors a caseworker can act on.
"""
