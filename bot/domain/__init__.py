"""Follow-up engine: state machine, reminders on Danish working days (storage lives in ``bot.store``)."""
