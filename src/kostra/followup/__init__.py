"""After submission: the values as reported and as edited, reporting status, reminders, contacts,
edits with reasons, approval and the audit trail."""
