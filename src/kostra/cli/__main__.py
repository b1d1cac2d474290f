"""``python -m kostra.cli``: the ``kostra`` command (handy for profiling)."""

from kostra.cli import main

main()
