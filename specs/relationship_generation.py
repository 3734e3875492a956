import numpy as np

def relationship_generation(num_samples: int, seed: int):
    rng = np.random.default_rng(seed)

    x = rng.uniform(0.0, 1.0, size=num_samples)
    noise = rng.normal(loc=0.0, scale=1.0, size=num_samples)
    y = 2.0 * x + noise

    return x, y
