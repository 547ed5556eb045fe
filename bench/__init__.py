"""Benchmarks of issue #3: a synthetic province, hand-written SQL baselines and the timings that the
indicator engine is compared with. Run from the checkout with PYTHONPATH=src:. (see bench/README.md).

Nothing here is a test: the figures are printed, next to a baseline measured in the same process."""
