//! The flags that decide how `run`, `iterate` and `audit` trust an approval: which
//! allowed-signers file vouches for signers, and whether an unsigned approval is accepted.

use std::path::PathBuf;

use clap::Args;

use crate::pipeline::TrustOptions;

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Accept an unsigned approval (the record says it was unsigned).
    #[arg(long)]
    allow_unsigned: bool,
    /// The allowed signers (ssh-keygen's ALLOWED SIGNERS format) [default: $SDG_ALLOWED_SIGNERS,
    /// else $XDG_CONFIG_HOME/sdg/allowed_signers, else the project's .sdg/allowed_signers].
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
}

impl TrustArgs {
    pub fn options(&self) -> TrustOptions {
        TrustOptions {
            allow_unsigned: self.allow_unsigned,
            allowed_signers: self.allowed_signers.clone(),
        }
    }
}
