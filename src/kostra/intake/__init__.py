"""Intake: turn portal input, fixed-width KOSTRA files and API payloads into records."""
