"""A synthetic reporting year on real municipalities and population, with seeded errors."""
