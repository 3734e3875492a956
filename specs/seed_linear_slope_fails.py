import numpy as np


def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, num_samples)
    noise = rng.normal(0, 1, num_samples)
    y = 1.5 * x + noise
    return x, y
