"""Benchmarks: ``python -m bench [--quick]`` (``make bench`` / ``make bench-quick``).

Every figure is printed next to a raw Temporal baseline taken in the same run on the same
servers, because machines here are noisy: ratios travel, absolute times do not.
"""
