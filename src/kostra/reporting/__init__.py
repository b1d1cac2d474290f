"""Reporting: the portal's services. Drafts, append-only submissions with receipts, nil returns, attachments.

Above ``controls``: saving and submitting a form runs its rules, uploading a file runs the file controls.
"""
