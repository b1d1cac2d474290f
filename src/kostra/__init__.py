"""KOSTRA: municipality–state reporting to Statistics Norway.

The package follows the pipeline: ``reference`` (classifications, population), ``intake``
(files and forms), ``controls``, ``followup``, ``store`` (database) and ``web``.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
