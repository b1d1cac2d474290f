"""Intake: the official fixed-width layouts, the file parser and identifiers (records out of files and text)."""
