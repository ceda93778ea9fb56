"""`make bench`: the benchmarks and their recorded results (bench/RESULTS.md).

The showcase search benchmark (bench/showcase.py) measures the issue's target: the public
showcase search over 100,000 practices answers in under 100 ms on PostgreSQL.
The reporting benchmark (bench/reporting.py) measures periodic reports at national scale:
live roll-ups, the national pivot, a completeness board and approvals, against the ORM walk.
"""

from __future__ import annotations

import sys

import reporting
import showcase


def main() -> int:
    report = showcase.run()
    showcase.write_results(report)
    print()
    print("Showcase search, 100,000 practices, PostgreSQL — recorded in bench/RESULTS.md:")
    print(showcase.summary(report))
    result = reporting.run()
    reporting.write_results(result)
    print()
    print("Periodic reports at national scale, PostgreSQL — recorded in bench/RESULTS.md:")
    print(reporting.summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
