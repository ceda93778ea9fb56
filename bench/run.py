"""`make bench`: the benchmarks and their recorded results (bench/RESULTS.md).

The platform issue sets no performance target; the periodic-reporting issue adds the national
roll-up benchmark here.
"""

if __name__ == "__main__":
    print("no benchmarks yet: the reporting roll-up benchmark arrives with periodic reports")
