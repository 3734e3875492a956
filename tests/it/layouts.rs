//! Every result shape and column type the contract allows crosses the door intact.

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Float64Type, Int32Type, Int64Type, TimestampMillisecondType};
use sdg::columns::to_batch;
use sdg::sandbox::{ColumnSpec, ColumnType, TimeUnit};

use crate::support::*;

fn customer_specs() -> Vec<ColumnSpec> {
    vec![
        col("id", ColumnType::Int64),
        col("age", ColumnType::Float64),
        ColumnSpec {
            unit: Some(TimeUnit::Ms),
            ..col("signup", ColumnType::Timestamp)
        },
        ColumnSpec {
            categories: vec!["free".into(), "pro".into(), "team".into()],
            ..col("plan", ColumnType::Category)
        },
        ColumnSpec {
            nullable: true,
            ..col("email", ColumnType::Utf8)
        },
        col("active", ColumnType::Bool),
    ]
}

const CUSTOMERS: &str = r#"
import numpy as np
import pandas as pd

def generate_data(num_samples, seed):
    rng = np.random.default_rng(seed)
    ids = np.arange(1, num_samples + 1)
    age = np.clip(rng.normal(40, 12, num_samples), 18, 90)
    start = np.datetime64("2024-01-01T00:00:00", "ms")
    signup = start + rng.integers(0, 365 * 86400 * 1000, num_samples).astype("timedelta64[ms]")
    plan = rng.choice(["free", "pro", "team"], size=num_samples, p=[0.6, 0.3, 0.1])
    email = [None if i % 4 == 0 else f"user{i}@example.com" for i in range(num_samples)]
    active = rng.random(num_samples) < 0.7
    return pd.DataFrame({"email": email, "id": ids, "age": age, "signup": signup,
                         "plan": pd.Categorical(plan), "active": active})
"#;

#[test]
fn a_customer_table_as_a_dataframe() {
    let specs = customer_specs();
    let out = run(&request(CUSTOMERS, specs.clone(), 1000)).unwrap();
    let batch = to_batch(out.columns, &specs).unwrap();
    assert_eq!(batch.num_rows(), 1000);
    let id = batch.column(0).as_primitive::<Int64Type>();
    assert_eq!(id.value(0), 1);
    assert_eq!(id.value(999), 1000);
    let age = batch.column(1).as_primitive::<Float64Type>();
    assert!(age.values().iter().all(|a| (18.0..=90.0).contains(a)));
    let signup = batch.column(2).as_primitive::<TimestampMillisecondType>();
    let jan_2024_ms = 1_704_067_200_000i64;
    assert!(signup
        .values()
        .iter()
        .all(|t| *t >= jan_2024_ms && *t < jan_2024_ms + 366 * 86_400_000));
    let plan = batch.column(3).as_dictionary::<Int32Type>();
    assert_eq!(plan.values().len(), 3);
    let free = plan.keys().values().iter().filter(|k| **k == 0).count();
    assert!((500..700).contains(&free), "{free}");
    let email = batch.column(4).as_string::<i32>();
    assert_eq!(email.null_count(), 250);
    assert!(email.is_null(0));
    assert_eq!(email.value(1), "user1@example.com");
    let active = batch.column(5).as_boolean();
    assert!(
        (600..800).contains(&active.true_count()),
        "{}",
        active.true_count()
    );
}

#[test]
fn dict_and_list_results_and_safe_casts() {
    // int32 (numpy's default int on wasm32) widens safely to int64; a dict is matched by name.
    let code = "import numpy as np\ndef generate_data(num_samples, seed):\n    return {'b': np.arange(num_samples), 'a': [0.5] * num_samples}\n";
    let specs = vec![float("a"), col("b", ColumnType::Int64)];
    let out = run(&request(code, specs.clone(), 5)).unwrap();
    let batch = to_batch(out.columns, &specs).unwrap();
    assert_eq!(
        batch
            .column(1)
            .as_primitive::<Int64Type>()
            .values()
            .as_ref(),
        &[0, 1, 2, 3, 4]
    );
    assert_eq!(batch.column(0).as_primitive::<Float64Type>().value(4), 0.5);
}

#[test]
fn contract_mismatches_are_named_in_the_guest() {
    for (code, needle) in [
        ("def generate_data(num_samples, seed):\n    return [1.0] * (num_samples + 1)\n", "has 4 rows; the contract asked for 3"),
        ("def generate_data(num_samples, seed):\n    return {'y': [1.0] * num_samples}\n", "missing ['x'], unexpected ['y']"),
        ("import numpy as np\ndef generate_data(num_samples, seed):\n    return np.array(['a'] * num_samples)\n", "the contract says float64"),
        ("def generate(num_samples, seed):\n    return 1\n", "defines no function `generate_data`"),
    ] {
        let p = exception(run_x(code, 3));
        assert_eq!(p.exc_type, "ContractError", "{p:?}");
        assert!(p.message.contains(needle), "{needle:?} not in {:?}", p.message);
    }
    let p = exception(run(&request(
        "def generate_data(num_samples, seed):\n    return ([1.0] * num_samples,)\n",
        vec![float("x"), float("y")],
        3,
    )));
    assert!(
        p.message
            .contains("returned 1 values; the contract has 2 outputs"),
        "{p:?}"
    );
    // Floats into an int64 column would lose information: refused, not truncated.
    let p = exception(run(&request(
        "import numpy as np\ndef generate_data(num_samples, seed):\n    return np.ones(num_samples)\n",
        vec![col("x", ColumnType::Int64)],
        3,
    )));
    assert!(p.message.contains("the contract says int64"), "{p:?}");
}

#[test]
fn zero_rows_are_fine() {
    let out = run(&request(SEED_CODE, vec![float("x"), float("y")], 0)).unwrap();
    assert_eq!(out.columns[0].len, 0);
}
