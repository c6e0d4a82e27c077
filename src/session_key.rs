//! Session keys: the names that key worktrees (and, later, sessions). They
//! become directory and branch names, so only a safe alphabet is allowed.

use std::fmt;

/// The longest session key accepted.
pub const MAX_LEN: usize = 64;

/// The rule, as shown to users when a key is refused.
pub const RULE: &str = "a session key uses only letters, digits, `.`, `_` and `-`, \
does not start with `.` or `-`, does not end with `.` or `.lock`, has no `..`, \
and is 1 to 64 characters long";

/// A validated session key: `[A-Za-z0-9._-]{1,64}`, no leading `.` or `-`,
/// and a name git takes as a branch (`boocoder/<key>`): no `..`, no
/// trailing `.` or `.lock`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionKey(String);

/// Why a string is not a session key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionKeyError {
    #[error("invalid session key (empty): {RULE}")]
    Empty,
    #[error("invalid session key `{key}` ({} characters): {RULE}", key.chars().count())]
    TooLong { key: String },
    #[error("invalid session key `{key}` (starts with `{first}`): {RULE}")]
    BadStart { key: String, first: char },
    #[error("invalid session key `{key}` (contains {found:?}): {RULE}")]
    BadChar { key: String, found: char },
    #[error("invalid session key `{key}` (git refuses it as a branch name): {RULE}")]
    NotABranch { key: String },
}

impl SessionKey {
    pub fn parse(s: &str) -> Result<SessionKey, SessionKeyError> {
        if s.is_empty() {
            return Err(SessionKeyError::Empty);
        }
        if s.chars().count() > MAX_LEN {
            return Err(SessionKeyError::TooLong { key: s.into() });
        }
        if let Some(found) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(SessionKeyError::BadChar {
                key: s.into(),
                found,
            });
        }
        let first = s.chars().next().unwrap_or_default();
        if first == '.' || first == '-' {
            return Err(SessionKeyError::BadStart {
                key: s.into(),
                first,
            });
        }
        let lower = s.to_ascii_lowercase();
        if s.contains("..") || s.ends_with('.') || lower.ends_with(".lock") {
            return Err(SessionKeyError::NotABranch { key: s.into() });
        }
        Ok(SessionKey(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for SessionKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for SessionKey {
    type Err = SessionKeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SessionKey::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_safe_alphabet() {
        for k in ["a", "fix-42", "A.b_c-d", "0", &"x".repeat(64)] {
            assert_eq!(SessionKey::parse(k).unwrap().as_str(), k);
        }
    }

    #[test]
    fn refuses_everything_else() {
        for k in [
            "",
            "../x",
            "a/b",
            "a b",
            ".hidden",
            "-flag",
            "é",
            "a\nb",
            "a..b",
            "x.lock",
            "x.LOCK",
            "end.",
            &"x".repeat(65),
        ] {
            let e = SessionKey::parse(k).unwrap_err();
            assert!(e.to_string().contains(RULE), "{e}");
        }
    }
}
