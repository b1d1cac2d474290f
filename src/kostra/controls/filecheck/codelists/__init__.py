"""Year-versioned KOSTRA accounts code lists (package data, read by ``accounts_codes``)."""
