import numpy as np

START_SECONDS = 1672531200  # 2023-01-01T00:00:00Z


def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    day = np.arange(num_samples, dtype=np.int64)
    season = 3.0 * np.sin(2.0 * np.pi * day / 365.25)
    value = 10.0 + 0.05 * day + season + rng.normal(0.0, 1.0, num_samples)
    date = (START_SECONDS + day * 86400).astype("datetime64[s]")
    return date, day, value
