//! The backoff helper the AWS side uses: the one in `crate::retry`, shared with `genesys`.
//!
//! Part of the `aws` layer (a re-export, so the call sites keep their path).

pub(crate) use crate::retry::{retry_until, Backoff};
