"""What a user can do, one module per capability (shortlist, hand-over, follow-up, job orders,
reminders, intake, imports, the pool index).

Why features and not layers: a reader who asks "what does ``match`` do?" or "what happens on
Godkend?" finds the command (``@command``) or button (``@action``) declared on the method that
implements it; the router (``bot.router``) only dispatches. Features reach Redis through the stores
(``bot.store``) they are given, Teams through ``bot.turn.Messenger``, and people through
``bot.ui``.
"""
