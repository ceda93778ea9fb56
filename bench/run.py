"""`make bench`: the benchmarks and their recorded results (bench/RESULTS.md).

The showcase search benchmark (bench/showcase.py) measures the issue's target: the public
showcase search over 100,000 practices answers in under 100 ms on PostgreSQL.
"""

from __future__ import annotations

import sys

import showcase


def main() -> int:
    report = showcase.run()
    showcase.write_results(report)
    print()
    print("Showcase search, 100,000 practices, PostgreSQL — recorded in bench/RESULTS.md:")
    print(showcase.summary(report))
    print("note: the reporting roll-up benchmark arrives with periodic reports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
