"""Speed and memory benchmarks: they print figures (and ratios against a baseline in the same run)."""
