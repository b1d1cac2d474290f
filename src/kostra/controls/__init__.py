"""Controls: the official file-control catalogue, the rule language and statistical checks."""
