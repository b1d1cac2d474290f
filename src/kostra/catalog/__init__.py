"""Catalog: loaders and models for declarative definitions (forms, rules, layouts)."""
