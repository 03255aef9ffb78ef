"""Golden records of the shipped scenarios (see tests/test_golden.py)."""
