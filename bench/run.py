"""`make bench`: the benchmarks and their recorded results (bench/RESULTS.md).

The showcase search benchmark (bench/showcase.py) measures the issue's target: the public
showcase search over 100,000 practices answers in under 100 ms on PostgreSQL.
The reporting benchmark (bench/reporting.py) measures periodic reports at national scale:
live roll-ups, the national pivot, a completeness board and approvals, against the ORM walk.
The situation benchmark (bench/situation.py) measures early warning and forecast of the
people's situation notes at national scale: detection and false alarms of the warning
methods, the forecast's error against the seasonal naive, and the engine's time.
The dialogue benchmark (bench/dialogue.py) measures petitions at national scale (1 million):
a province's scorecard, the public tracking page and the daily reminder job on PostgreSQL.
The meetings benchmark (bench/meetings.py) measures a national online conference on PostgreSQL:
creating it with the 3,321 communes as bridge points (under 2 s) and its page (p95 under 300 ms).
The dashboard benchmark (bench/dashboard.py) measures tinh's home page on the demo province
(SQLite, as `make run` installs it), in a process of its own: first paint p95 under 300 ms.
The load benchmark (bench/load.py, scenario bench/locustfile.py) puts the demo province under
many people at once through `danvan serve` with locust, for a fixed number of requests: 50 users
(every page's p95 under 150 ms, the API's under 100 ms, no error), saturation (200 req/s or
more) on PostgreSQL, and 10 users on the SQLite default without "database is locked".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dialogue
import load
import meetings
import reporting
import showcase
import situation
import situation_db


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
    found = situation.run()
    print("the early-warning run and the board on PostgreSQL (bench/situation_db.py)", flush=True)
    found.db = situation_db.markdown(situation_db.measure())
    situation.write_results(found)
    print()
    print(f"{situation.HEADING} — recorded in bench/RESULTS.md:")
    print(situation.summary(found))
    petitions = dialogue.run()
    dialogue.write_results(petitions)
    print()
    print(f"{dialogue.HEADING} — recorded in bench/RESULTS.md:")
    print(dialogue.summary(petitions))
    conference = meetings.run()
    meetings.write_results(conference)
    print()
    print(f"{meetings.HEADING} — recorded in bench/RESULTS.md:")
    print(meetings.summary(conference))
    print()
    home = Path(__file__).resolve().parent / "dashboard.py"
    code = subprocess.run([sys.executable, str(home)], check=False).returncode  # noqa: S603
    crowd = load.run()
    load.write_results(crowd)
    print()
    print(f"{load.HEADING} — recorded in bench/RESULTS.md:")
    print(load.summary(crowd))
    return code


if __name__ == "__main__":
    sys.exit(main())
