//! The contract's columns as the stages below it need them: the sandbox's [`ColumnSpec`] (what
//! crosses the door, and what `columns` builds Arrow arrays from). The contract keeps its own
//! plain types; this is the one place that maps them.

use crate::contract::{self, Contract};
use crate::sandbox::{ColumnSpec, ColumnType, TimeUnit};

/// Every output of the contract as the sandbox and `columns` see it.
pub fn column_specs(contract: &Contract) -> Vec<ColumnSpec> {
    contract.outputs().iter().map(column_spec).collect()
}

fn column_spec(c: &contract::Column) -> ColumnSpec {
    ColumnSpec {
        name: c.name.clone(),
        dtype: match c.dtype {
            contract::ColumnType::Float64 => ColumnType::Float64,
            contract::ColumnType::Int64 => ColumnType::Int64,
            contract::ColumnType::Bool => ColumnType::Bool,
            contract::ColumnType::Utf8 => ColumnType::Utf8,
            contract::ColumnType::Timestamp => ColumnType::Timestamp,
            contract::ColumnType::Category => ColumnType::Category,
        },
        nullable: c.nullable,
        categories: c.categories.clone(),
        unit: c.unit.map(|u| match u {
            contract::TimeUnit::S => TimeUnit::S,
            contract::TimeUnit::Ms => TimeUnit::Ms,
            contract::TimeUnit::Us => TimeUnit::Us,
            contract::TimeUnit::Ns => TimeUnit::Ns,
        }),
    }
}
