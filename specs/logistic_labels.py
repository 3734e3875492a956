import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    x1 = rng.normal(0.0, 1.0, num_samples)
    x2 = rng.normal(0.0, 1.0, num_samples)
    p = sigmoid(0.5 + 2.0 * x1 - x2)
    label = (rng.random(num_samples) < p).astype(np.int64)
    return x1, x2, label
