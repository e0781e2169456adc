"""Redis storage: the only package that imports ``redis``. Key names live in ``bot.store.keys``.

``connect`` is in ``bot.store.connection``; the follow-up store in ``bot.store.followup``.
"""
