"""What people read: every Danish sentence (``texts``) and every Adaptive Card (``cards``).

Why apart: the rules and the store raise typed errors and hand out values; only here are they put
into words and cards, so tone and terms are reviewed in one place and the lower layers stay testable
without Danish strings.
"""
