//! Per-block summaries: what a check keeps of one block of rows, merged in block order into
//! what it keeps of the whole dataset (a check computed from the merge equals the check computed
//! from the concatenated blocks, exactly: `tests/it/validate.rs` checks every kind).
//!
//! Counting checks keep counts; checks that need every value keep the values ([`Values`],
//! [`Columns`]): Arrow's own arrays, one per block, shared and never copied.

/// A summary that absorbs the summary of the next block.
pub trait Merge {
    /// `self` followed by `next` (the next block in row order).
    fn merge(&mut self, next: Self);
}

use arrow::array::ArrayRef;

/// One numeric column (see `arrays::numeric_array`): its array in each block, in order.
#[derive(Debug, Clone, Default)]
pub struct Values(pub Vec<ArrayRef>);

impl Merge for Values {
    fn merge(&mut self, next: Self) {
        self.0.extend(next.0);
    }
}

/// Several numeric columns read together: for each column, its array in each block.
#[derive(Debug, Clone, Default)]
pub struct Columns(pub Vec<Vec<ArrayRef>>);

impl Merge for Columns {
    fn merge(&mut self, next: Self) {
        for (a, b) in self.0.iter_mut().zip(next.0) {
            a.extend(b);
        }
    }
}

/// A column read on its own, whose read error is reported only when the check gets to it
/// (so a check over two columns reports its errors in the order it always has).
#[derive(Debug, Clone)]
pub struct Read<T>(pub Result<T, String>);

impl<T: Merge> Merge for Read<T> {
    fn merge(&mut self, next: Self) {
        match (&mut self.0, next.0) {
            (Err(_), _) => {}
            (Ok(_), Err(e)) => self.0 = Err(e),
            (Ok(a), Ok(b)) => a.merge(b),
        }
    }
}
