"""Compensation: EU261, Montreal Convention baggage limits and goodwill, evaluated from rule data.

The rules live in ``conf/compensation/*.yaml`` (versioned); the modules here are a generic engine
(:mod:`.engine`), the quote command (:mod:`.cli`) and the gold pipeline (:mod:`.decide`).
"""
