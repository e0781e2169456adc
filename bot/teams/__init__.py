"""Everything that speaks the Bot Framework: the only package that imports botbuilder or msrest.

Why one package: an SDK upgrade or a move to its successor rewrites this and nothing else. ``edge``
turns activities into ``bot.turn.Turn`` for the router, ``messenger`` sends proactively,
``references`` remembers conversations and users, ``activity`` checks and builds activities, ``auth``
checks tokens, ``transport`` holds the msrest speed-ups and ``package`` builds the Teams app zip.
"""
