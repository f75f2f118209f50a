"""The workload profiled by the tests."""
from fastmath import mean_square

values = [i / 7 for i in range(20000)]
for _ in range(20):
    mean_square(values)
