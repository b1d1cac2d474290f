"""Controls of KOSTRA file attachments with the official rule names and severities."""
