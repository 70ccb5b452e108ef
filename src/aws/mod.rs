//! The `aws` layer: the only code that talks to AWS. Client construction and error translation
//! (`client`), which credentials a run uses (`credentials`), every read (`observe`, driven by
//! `prepare`; the whole path's organization policies in `organizations` and function policies
//! in `function_policy`), every write (`apply`, with the `retry` helper), and the live probe of
//! `verify --assume-profile` (`probe`).
//!
//! It imports the pure layers below it (`core`, `config`, `iam`), never `report` or
//! `commands`. No file outside this folder names an `aws_sdk_*` client: a test holds us to it.

pub mod accounts;
pub mod apply;
mod attempts;
pub mod audit;
pub mod client;
pub mod config_aggregator;
pub mod credentials;
pub mod function_policy;
pub mod inventory;
mod lost_answer;
pub mod observe;
pub mod organizations;
pub mod pace;
mod permission;
pub mod prepare;
pub mod probe;
pub mod retry;
pub mod secrets;
pub mod security_hub;
pub mod trail;

pub use client::{has_code, AwsError, AwsSettings, Clients, DEFAULT_REGION};
