"""Accounts: the official KOSTRA aggregation of municipal accounts (kasse, særbedrift, nettinger, konsern).

A re-implementation of Statistics Norway's R package kostraregnskap (MIT): signed function and art
hierarchies flattened to sparse matrices, netting hierarchies for transactions between the treasury and
the municipal enterprises, wildcard tables choosing the output rows, correction formulas, and for every
output value the list of input rows (with sign and amount) it is made of. See docs/accounts.md.

* ``engine.compute`` — the matrices of one period; ``Computation.values`` / ``.contributions``.
* ``rcompat.run`` — R's ``KostraRegnskap`` and ``kostra_regnskap`` with R's arguments and output.
"""

from kostra.accounts.engine import COMPONENTS, Computation, Contribution, Definitions, compute
from kostra.accounts.rcompat import FUNCTIONS, RunOptions, RunResult, run

__all__ = ["COMPONENTS", "FUNCTIONS", "Computation", "Contribution", "Definitions", "RunOptions", "RunResult",
           "compute", "run"]
