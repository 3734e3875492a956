import numpy as np
import pandas as pd

START = 1704067200  # 2024-01-01T00:00:00Z
SPAN = 2 * 365 * 24 * 3600


def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    customer_id = np.arange(1, num_samples + 1, dtype=np.int64)
    age = np.clip(np.rint(rng.normal(40, 12, num_samples)), 18, 90).astype(np.int64)
    signup = (START + rng.integers(0, SPAN, num_samples)).astype("datetime64[s]")
    plan = rng.choice(["free", "pro", "enterprise"], size=num_samples, p=[0.6, 0.3, 0.1])
    domain = rng.choice(["com", "org"], size=num_samples)
    email = np.array(
        ["user" + str(i) + "@example." + d for i, d in zip(customer_id, domain)], dtype=object
    )
    email[rng.random(num_samples) < 0.1] = None
    return pd.DataFrame(
        {
            "customer_id": customer_id,
            "age": age,
            "signup": signup,
            "plan": pd.Categorical(plan, categories=["free", "pro", "enterprise"]),
            "email": email,
        }
    )
