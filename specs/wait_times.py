import numpy as np


def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    return rng.exponential(scale=2.0, size=num_samples)
