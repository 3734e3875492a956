import numpy as np

SEGMENTS = ("student", "employed", "retired")
SHARES = (0.2, 0.6, 0.2)
LOG_MEANS = (9.5, 10.8, 10.2)
SIGMA = 0.5


def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    codes = rng.choice(3, size=num_samples, p=SHARES)
    income = rng.lognormal(np.array(LOG_MEANS)[codes], SIGMA)
    segment = np.array(SEGMENTS, dtype=object)[codes]
    return segment, income
