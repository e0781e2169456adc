"""``matchbot demo``: the match unit's day played against the real app, apart from runtime code.

Why a package of its own: the demo and its loopback stand-in for Teams (``loopback``, which the tests'
fake connector builds on) are not part of the running bot; keeping them here keeps ``bot/`` proper
free of them.
"""
