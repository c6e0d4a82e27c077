//! Agent errors as people read them: their first line, and which of
//! opencode's errors no retry can fix.

use super::TurnRunner;

impl TurnRunner<'_> {
    /// An agent's error message as people see it: whole with -v, else its
    /// first line (opencode's JavaScript stack traces stay out).
    pub(super) fn readable(&self, message: &str) -> String {
        if self.verbose {
            message.trim().to_string()
        } else {
            first_line(message).to_string()
        }
    }
}

/// The first non-empty line of a message, trimmed.
pub fn first_line(message: &str) -> &str {
    message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
}

/// What kind of error no retry can fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fatal {
    /// The model is not known (to opencode, or to llama-swap).
    Model,
    /// The model's server answered something that is not a model's answer.
    Answer,
    /// No provider could be set up.
    Provider,
    /// The credentials were refused.
    Auth,
    /// The agent mode does not exist.
    AgentMode,
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fatal::Model => "model not found",
            Fatal::Answer => "the model server's answer is not valid",
            Fatal::Provider => "no provider is available",
            Fatal::Auth => "the provider refused the credentials",
            Fatal::AgentMode => "agent mode not found (--agent-mode)",
        })
    }
}

/// Errors opencode reports that no retry can fix: the model, provider or
/// agent mode is missing, the answer is garbage, the credentials are refused.
pub(super) fn fatal_cause(name: &str, message: &str) -> Option<Fatal> {
    let lower = format!("{name} {message}").to_ascii_lowercase();
    if lower.contains("modelnotfound") || lower.contains("model not found") {
        Some(Fatal::Model)
    } else if lower.contains("agent not found") {
        Some(Fatal::AgentMode)
    } else if lower.contains("noproviders")
        || lower.contains("no providers are available")
        || lower.contains("providerinit")
        || lower.contains("nomodelserror")
    {
        Some(Fatal::Provider)
    } else if name.contains("Auth")
        || lower.contains("unauthorized")
        || lower.contains("authentication")
        || lower.contains("api key")
    {
        Some(Fatal::Auth)
    } else if lower.contains("json parsing failed") || lower.contains("json parse error") {
        Some(Fatal::Answer)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_drops_stack_traces() {
        let m = "Model not found: llama-swap/nosuch\n    at SessionPrompt.loop (/$bunfs/root/src/index.js:1:2)\n";
        assert_eq!(first_line(m), "Model not found: llama-swap/nosuch");
        assert_eq!(first_line("\n  one  \ntwo"), "one");
        assert_eq!(first_line(""), "");
    }

    #[test]
    fn fatal_errors_are_told_from_retryable_ones() {
        assert_eq!(
            fatal_cause("UnknownError", "Model not found: llama-swap/x."),
            Some(Fatal::Model)
        );
        assert_eq!(
            fatal_cause("UnknownError", "No providers are available"),
            Some(Fatal::Provider)
        );
        assert_eq!(fatal_cause("ProviderAuthError", "bad"), Some(Fatal::Auth));
        assert_eq!(
            fatal_cause("UnknownError", "Agent not found: \"x\"."),
            Some(Fatal::AgentMode)
        );
        assert_eq!(fatal_cause("APIError", "Internal Server Error"), None);
        assert_eq!(fatal_cause("APIError", "Cannot connect to API"), None);
    }
}
