import numpy as np

RHO = 0.7


def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    cov = np.array([[1.0, RHO], [RHO, 1.0]])
    xy = rng.multivariate_normal([0.0, 0.0], cov, size=num_samples, method="cholesky")
    return xy[:, 0].copy(), xy[:, 1].copy()
