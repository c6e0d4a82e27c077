//! How the library reports to its caller: one [`Reporter`], which the
//! command layer implements once and hands (as `Arc<dyn Reporter>`) to
//! every library call that reports. The library never prints; it calls
//! the reporter, and the caller decides what is shown.
//!
//! Each lower layer names only what it reports, in a narrow trait of its
//! own (the providers' [`Progress`], the worktree service's [`Output`]);
//! [`Reporter`] has them all as
//! supertraits, so a caller passes `reporter.clone()` and each layer gets
//! its view of it. Every method does nothing unless implemented.

pub use crate::providers::Progress;
pub use crate::worktree::{Output, OutputSource};

/// Everything the library reports while a command runs.
pub trait Reporter: Progress + Output + Send + Sync {}

/// A reporter that reports nothing.
pub struct NoReporter;

impl Progress for NoReporter {}

impl Output for NoReporter {}

impl Reporter for NoReporter {}
