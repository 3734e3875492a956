//! `sdg compare A B`: two experiment records side by side: their validation metrics (value,
//! value, delta) and a two-sample Kolmogorov-Smirnov test per numeric column shared by both
//! datasets (read from the bytes each record kept, checked against its hash).

use serde::Serialize;

use super::PipelineError;
use crate::columns::read_dataset;
use crate::contract::Contract;
use crate::experiments::store::summary;
use crate::experiments::{compare_metrics, Experiment, MetricRow, Summary};
use crate::validate::checks::arrays::{finite_values, numeric_array};
use crate::validate::stats::ks::ks_2samp;

/// The two-sample KS test of one column, or why it was not run.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnComparison {
    pub column: String,
    /// Non-null values in A and in B.
    pub n_a: usize,
    pub n_b: usize,
    /// KS statistic D and its two-sided p-value (None when skipped).
    pub statistic: Option<f64>,
    pub p_value: Option<f64>,
    /// Why the test was not run (not numeric, only in one dataset, empty, ...).
    pub skipped: Option<String>,
}

/// Both records and what differs between them.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub a: Summary,
    pub b: Summary,
    pub metrics: Vec<MetricRow>,
    pub columns: Vec<ColumnComparison>,
    /// Why the column tests could not run at all (a dataset is gone or changed), if so.
    pub datasets_unavailable: Option<String>,
}

/// Compares two loaded records.
pub fn compare(a: &Experiment, b: &Experiment) -> Result<Comparison, PipelineError> {
    a.verify_files()?;
    b.verify_files()?;
    let metrics = compare_metrics(&a.report()?, &b.report()?);
    let (columns, datasets_unavailable) = match column_tests(a, b) {
        Ok(c) => (c, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    Ok(Comparison {
        a: summary(&a.record),
        b: summary(&b.record),
        metrics,
        columns,
        datasets_unavailable,
    })
}

fn batch_of(e: &Experiment) -> Result<arrow::array::RecordBatch, PipelineError> {
    let spec = e.spec()?;
    let text = String::from_utf8_lossy(&spec);
    let contract = Contract::from_text(&text, &e.dir.join("spec.yaml"))?;
    let path = e.dataset_file()?;
    Ok(read_dataset(&path, &super::column_specs(&contract))?)
}

fn column_tests(a: &Experiment, b: &Experiment) -> Result<Vec<ColumnComparison>, PipelineError> {
    let (ba, bb) = (batch_of(a)?, batch_of(b)?);
    let mut names: Vec<String> = ba
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    for f in bb.schema().fields() {
        if !names.contains(f.name()) {
            names.push(f.name().clone());
        }
    }
    let values =
        |batch: &arrow::array::RecordBatch, name: &str| -> Option<Result<Vec<f64>, String>> {
            batch.schema().index_of(name).ok()?;
            Some(numeric_array(batch, name).and_then(|a| finite_values(name, &[a], true)))
        };
    let mut out = Vec::new();
    for name in names {
        let mut row = ColumnComparison {
            column: name.clone(),
            n_a: 0,
            n_b: 0,
            statistic: None,
            p_value: None,
            skipped: None,
        };
        match (values(&ba, &name), values(&bb, &name)) {
            (None, _) => row.skipped = Some("only in B".into()),
            (_, None) => row.skipped = Some("only in A".into()),
            (Some(Err(e)), _) | (_, Some(Err(e))) => row.skipped = Some(e),
            (Some(Ok(x)), Some(Ok(y))) => {
                row.n_a = x.len();
                row.n_b = y.len();
                match ks_2samp(&x, &y) {
                    Ok(r) => {
                        row.statistic = Some(r.statistic);
                        row.p_value = Some(r.pvalue);
                    }
                    Err(e) => row.skipped = Some(e.to_string()),
                }
            }
        }
        out.push(row);
    }
    Ok(out)
}
