//! The door protocol between the guest harness (`guest/harness.py`) and the host, version 1.
//!
//! The guest calls the one import `host::call(ptr, len, out_ptr_ptr, out_len_ptr) -> i32` with a
//! small JSON frame; the host answers with bytes it places in guest memory through the guest's
//! `host_alloc` export. Frames carry headers only; column data never crosses as JSON: a `column`
//! frame names *regions* of guest memory (Arrow-layout buffers) that the host bounds-checks and
//! copies. The order is fixed: `hello`, `code`, `begin`, one `column` per contract output in
//! contract order, `done`; an `error` frame may replace everything after `code`.

use serde::{Deserialize, Serialize};

/// Version shared with `guest/harness.py` (`PROTOCOL`).
pub const PROTOCOL_VERSION: u32 = 1;

/// The harness source, run in the guest's `__main__`.
pub const HARNESS: &str = include_str!("../../guest/harness.py");

/// What each run executes in the snapshot, where [`HARNESS`] has already been run.
pub const RUN_CODE: &str = "_sdg_main()\n";

/// Arrow time units for timestamp columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    S,
    Ms,
    Us,
    Ns,
}

/// The physical type of a column as it crosses the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// 8-byte IEEE floats.
    Float64,
    /// 8-byte signed integers.
    Int64,
    /// One byte per value, 0 or 1 (numpy's layout); the host packs the bits.
    Bool,
    /// UTF-8 data + `len + 1` little-endian i32 offsets (Arrow `Utf8`).
    Utf8,
    /// 8-byte integers counting `unit`s since the Unix epoch (numpy `datetime64[unit]`).
    Timestamp,
    /// 4-byte codes into the contract's category list (Arrow dictionary).
    Category,
}

impl ColumnType {
    /// Bytes per value in the values buffer, for fixed-width types.
    pub fn width(self) -> Option<u64> {
        match self {
            ColumnType::Float64 | ColumnType::Int64 | ColumnType::Timestamp => Some(8),
            ColumnType::Bool => Some(1),
            ColumnType::Category => Some(4),
            ColumnType::Utf8 => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Float64 => "float64",
            ColumnType::Int64 => "int64",
            ColumnType::Bool => "bool",
            ColumnType::Utf8 => "utf8",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Category => "category",
        }
    }
}

/// One output the contract promises, as the sandbox needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnSpec {
    pub name: String,
    pub dtype: ColumnType,
    pub nullable: bool,
    /// For `Category`: the allowed values, in code order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// For `Timestamp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<TimeUnit>,
}

/// The host's answer to `hello`.
#[derive(Debug, Serialize)]
pub struct Hello<'a> {
    pub protocol: u32,
    pub function: &'a str,
    pub num_samples: u64,
    pub seed: u64,
    pub outputs: &'a [ColumnSpec],
}

/// A region of guest linear memory: `[ptr, len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Region(pub u64, pub u64);

/// A frame from the guest. Anything that does not parse as one of these is a protocol violation.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Frame {
    Hello {
        protocol: u32,
    },
    // Empty struct variants, not unit variants: serde's `deny_unknown_fields` then refuses
    // `{"op": "begin", "extra": 1}` too.
    Code {},
    Begin {},
    Column {
        index: u32,
        name: String,
        dtype: ColumnType,
        len: u64,
        null_count: u64,
        values: Region,
        validity: Option<Region>,
        offsets: Option<Region>,
    },
    Error {
        exc_type: String,
        message: String,
        traceback: String,
    },
    Done {
        columns: u32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_parse_strictly() {
        let f: Frame = serde_json::from_str(r#"{"op":"hello","protocol":1}"#).unwrap();
        assert!(matches!(f, Frame::Hello { protocol: 1 }));
        assert!(serde_json::from_str::<Frame>(r#"{"op":"hello","protocol":1,"x":2}"#).is_err());
        assert!(serde_json::from_str::<Frame>(r#"{"op":"nope"}"#).is_err());
        assert!(serde_json::from_str::<Frame>(r#"{"op":"begin"}"#).is_ok());
        assert!(serde_json::from_str::<Frame>(r#"{"op":"begin","x":1}"#).is_err());
        assert!(serde_json::from_str::<Frame>(
            r#"{"op":"column","index":0,"name":"x","dtype":"float64","len":3,"null_count":0,"values":[-1,24],"validity":null,"offsets":null}"#
        )
        .is_err(), "negative pointers must not parse");
    }

    #[test]
    fn harness_speaks_this_protocol_version() {
        assert!(HARNESS.contains(&format!("PROTOCOL = {PROTOCOL_VERSION}\n")));
    }
}
