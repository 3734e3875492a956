import numpy as np


def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    first = rng.random(num_samples) < 0.3
    value = np.where(
        first,
        rng.normal(-2.0, 1.0, num_samples),
        rng.normal(3.0, 1.5, num_samples),
    )
    return value
