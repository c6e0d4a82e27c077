//! Where the output of the commands the worktree service runs goes: a new
//! worktree's post-create command, the repository's git hooks during a
//! landing. The library prints nothing; it hands each line to the caller's
//! [`Output`].

/// What wrote an output line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputSource {
    /// `[worktree] post_create`, run in a new worktree.
    PostCreate,
    /// One of the repository's git hooks, run as a landing commits or merges.
    GitHook,
}

/// The output lines (stdout and stderr, without their line ends) of the
/// commands the worktree service runs, as they come, from threads of their
/// own: this layer's view of the command's reporter
/// (`crate::report::Reporter`).
pub trait Output: Send + Sync {
    fn output_line(&self, _source: OutputSource, _line: &str) {}
}
