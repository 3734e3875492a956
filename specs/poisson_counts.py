import numpy as np


def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    return rng.poisson(3.0, num_samples).astype(np.int64)
