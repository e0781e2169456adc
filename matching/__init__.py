"""Pure matching: domain models, Danish text normalisation, taxonomy, hard filters, scores.

No aiohttp, botbuilder or redis imports here: this package must stay easy to test and benchmark.
"""
