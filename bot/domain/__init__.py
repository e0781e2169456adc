"""Pure follow-up rules: the state machine, what a change does to a record, reminders on Danish
working days, outcomes per scheme, who may decide, one clock. No I/O (storage is ``bot.store``)."""
