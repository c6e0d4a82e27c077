//! The permission policy: opencode's `permission` shape (`"*"` plus
//! per-tool rules, each an action or a table of wildcard patterns to
//! actions, the last matching rule winning), the presets it starts from,
//! the `[permissions]` table and policy files that apply on top, and the
//! decision for one request.

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::ConfigError;

/// What a rule says to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Allow,
    Ask,
    Deny,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Allow => "allow",
            Action::Ask => "ask",
            Action::Deny => "deny",
        })
    }
}

/// What `ask` becomes without a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NonInteractive {
    /// Deny the request; the agent goes on without it.
    #[default]
    Deny,
    /// End the turn at the request (nothing of it runs), exit 5.
    Fail,
}

/// One rule: requests for `tool` (a wildcard) whose pattern matches
/// `pattern` get `action`. `source` says where the rule came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub tool: String,
    pub pattern: String,
    pub action: Action,
    pub source: String,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pattern == "*" {
            write!(f, "{:?} = {} ({})", self.tool, self.action, self.source)
        } else {
            write!(
                f,
                "{:?} {:?} = {} ({})",
                self.tool, self.pattern, self.action, self.source
            )
        }
    }
}

/// The presets `--permissions` names; anything else is a policy file.
pub const PRESETS: [&str; 6] = ["read-only", "workspace", "full", "ask", "allow", "deny"];

/// The default preset.
pub const DEFAULT_PRESET: &str = "workspace";

/// Tools that change nothing: opencode's `read`, `list`, `glob`, `grep`,
/// `todoread`, `todowrite` and `lsp`, ACP's `read`/`search` (named `read`)
/// and `think`. The presets allow them, so an agent's bookkeeping works.
pub const READING_TOOLS: [&str; 8] = [
    "read",
    "list",
    "glob",
    "grep",
    "todoread",
    "todowrite",
    "lsp",
    "think",
];

/// A preset's rules (None: not a preset).
pub fn preset(name: &str) -> Option<Vec<Rule>> {
    let source = format!("preset {name}");
    let rule = |tool: &str, action| Rule {
        tool: tool.into(),
        pattern: "*".into(),
        action,
        source: source.clone(),
    };
    let reading = |rules: &mut Vec<Rule>| {
        rules.extend(READING_TOOLS.iter().map(|t| rule(t, Action::Allow)));
    };
    let mut rules = Vec::new();
    match name {
        "read-only" => {
            rules.push(rule("*", Action::Deny));
            reading(&mut rules);
        }
        "workspace" => {
            rules.push(rule("*", Action::Ask));
            reading(&mut rules);
            rules.push(rule("edit", Action::Allow));
        }
        "full" | "allow" => rules.push(rule("*", Action::Allow)),
        "ask" => rules.push(rule("*", Action::Ask)),
        "deny" => rules.push(rule("*", Action::Deny)),
        _ => return None,
    }
    Some(rules)
}

/// A `[permissions]` table or policy file as written: rules in their
/// order, and `non_interactive`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulesFile {
    pub rules: Vec<(String, String, Action)>,
    pub non_interactive: Option<NonInteractive>,
}

impl RulesFile {
    /// The rules, each with `source`.
    pub fn rules(&self, source: &str) -> Vec<Rule> {
        self.rules
            .iter()
            .map(|(tool, pattern, action)| Rule {
                tool: tool.clone(),
                pattern: pattern.clone(),
                action: *action,
                source: source.to_string(),
            })
            .collect()
    }
}

/// One tool's value: an action, or patterns to actions in order.
struct ToolRules(Vec<(String, Action)>);

impl<'de> Deserialize<'de> for ToolRules {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ToolRules, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ToolRules;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"allow\", \"ask\", \"deny\", or a table of patterns to those")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ToolRules, E> {
                let action = Action::deserialize(de::value::StrDeserializer::<E>::new(v))?;
                Ok(ToolRules(vec![("*".into(), action)]))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<ToolRules, A::Error> {
                let mut rules = Vec::new();
                while let Some((pattern, action)) = m.next_entry::<String, Action>()? {
                    rules.push((pattern, action));
                }
                Ok(ToolRules(rules))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RulesFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RulesFile, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RulesFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of tools to rules")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<RulesFile, A::Error> {
                let mut out = RulesFile::default();
                while let Some(key) = m.next_key::<String>()? {
                    if key == "non_interactive" {
                        out.non_interactive = Some(m.next_value()?);
                        continue;
                    }
                    let ToolRules(rules) = m.next_value()?;
                    out.rules
                        .extend(rules.into_iter().map(|(p, a)| (key.clone(), p, a)));
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// A policy file: the rules at its top level, or in a `[permissions]` table.
pub fn read_policy_file(path: &Path) -> Result<RulesFile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            ConfigError::Invalid {
                key: "--permissions".into(),
                from: super::Source::Flag,
                message: format!(
                    "`{}` is neither a preset ({}) nor an existing policy file",
                    path.display(),
                    PRESETS.join(", ")
                ),
                hint: None,
            }
        } else {
            ConfigError::Read {
                file: path.to_path_buf(),
                source,
            }
        }
    })?;
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Wrapped {
        permissions: RulesFile,
    }
    let wrapped = toml::from_str::<toml::Table>(&text)
        .is_ok_and(|t| t.len() == 1 && t.get("permissions").is_some_and(toml::Value::is_table));
    if wrapped {
        Ok(super::file::parse_toml::<Wrapped>(path, &text)?.permissions)
    } else {
        super::file::parse_toml(path, &text)
    }
}

/// The effective policy of a turn: the preset's rules, then the config
/// file's, then the flag's (or the session's) file's; the last matching
/// rule wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// The preset the rules start from, or the policy file.
    pub name: String,
    pub rules: Vec<Rule>,
    pub non_interactive: NonInteractive,
    /// Where `non_interactive` came from.
    pub non_interactive_source: String,
}

/// The decision for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub action: Action,
    /// The pattern that decided (of the request's patterns, the one with
    /// the strictest action).
    pub pattern: String,
    /// The rule that decided (None: no rule matched, which asks).
    pub rule: Option<Rule>,
}

impl Policy {
    /// The policy for `spec` (a preset or a policy file; None: the
    /// default preset) on top of the config's `[permissions]` rules.
    /// `from` names where the spec came from (`--permissions`, `session`).
    pub fn resolve(
        config: &super::Config,
        spec: Option<&str>,
        from: &str,
    ) -> Result<Policy, ConfigError> {
        let spec = spec.unwrap_or(DEFAULT_PRESET);
        let (base, file) = match preset(spec) {
            Some(rules) => (rules, None),
            None => {
                let file = read_policy_file(Path::new(spec))?;
                (
                    preset(DEFAULT_PRESET).expect("the default preset"),
                    Some(file),
                )
            }
        };
        let mut policy = Policy {
            name: spec.to_string(),
            rules: base,
            non_interactive: NonInteractive::Deny,
            non_interactive_source: "default".into(),
        };
        let config_source = format!("config file {}", config.config_file.display());
        policy
            .rules
            .extend(config.permissions.rules(&config_source));
        if let Some(n) = config.permissions.non_interactive {
            policy.non_interactive = n;
            policy.non_interactive_source = config_source;
        }
        if let Some(file) = file {
            let source = format!("{from} {spec}");
            policy.rules.extend(file.rules(&source));
            if let Some(n) = file.non_interactive {
                policy.non_interactive = n;
                policy.non_interactive_source = source;
            }
        }
        Ok(policy)
    }

    /// The action for one pattern of a `tool` request: the last matching
    /// rule's, else ask.
    pub fn action(&self, tool: &str, pattern: &str) -> (Action, Option<&Rule>) {
        match self
            .rules
            .iter()
            .rev()
            .find(|r| wildcard(&r.tool, tool) && wildcard(&r.pattern, pattern))
        {
            Some(r) => (r.action, Some(r)),
            None => (Action::Ask, None),
        }
    }

    /// The decision for a request for `tool` on `patterns`: each pattern
    /// is decided alone, the strictest wins (deny over ask over allow).
    pub fn decide(&self, tool: &str, patterns: &[String]) -> Verdict {
        let none = [String::new()];
        let patterns = if patterns.is_empty() {
            &none[..]
        } else {
            patterns
        };
        let mut worst: Option<Verdict> = None;
        for p in patterns {
            let (action, rule) = self.action(tool, p);
            if worst.as_ref().is_none_or(|w| action > w.action) {
                worst = Some(Verdict {
                    action,
                    pattern: p.clone(),
                    rule: rule.cloned(),
                });
            }
        }
        worst.expect("at least one pattern")
    }
}

/// Whether `text` matches `pattern`: `*` any run of characters, `?` one;
/// a pattern ending in ` *` also matches without its arguments (`git
/// status *` matches `git status`), as opencode's do.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        let (mut pi, mut ti) = (0, 0);
        let (mut star, mut mark) = (None, 0);
        while ti < t.len() {
            if pi < p.len() && p[pi] == '*' {
                star = Some(pi);
                mark = ti;
                pi += 1;
            } else if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
                pi += 1;
                ti += 1;
            } else if let Some(s) = star {
                pi = s + 1;
                mark += 1;
                ti = mark;
            } else {
                return false;
            }
        }
        p[pi..].iter().all(|c| *c == '*')
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t) || pattern.strip_suffix(" *").is_some_and(|head| head == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(extra: &str) -> Policy {
        let file: RulesFile = toml::from_str(extra).unwrap();
        let mut rules = preset("workspace").unwrap();
        rules.extend(file.rules("test"));
        Policy {
            name: "workspace".into(),
            rules,
            non_interactive: NonInteractive::Deny,
            non_interactive_source: "default".into(),
        }
    }

    #[test]
    fn wildcards() {
        assert!(wildcard("*", ""));
        assert!(wildcard("git status*", "git status --short"));
        assert!(wildcard("touch ok-?", "touch ok-1"));
        assert!(!wildcard("touch ok-?", "touch ok-12"));
        assert!(wildcard("rm *", "rm"));
        assert!(!wildcard("rm *", "rmdir x"));
        assert!(wildcard("*.md", "docs/a.md"));
        assert!(!wildcard("a*b", "a"));
        // A `*` in the text is matched by the pattern's `*` like any other.
        assert!(wildcard("*", "*.md"));
        assert!(wildcard("*.md", "*.md"));
        assert!(!wildcard("a*", "*a"));
    }

    #[test]
    fn the_last_matching_rule_wins_and_the_strictest_pattern() {
        let p = policy(
            "bash = { \"*\" = \"deny\", \"touch ok-*\" = \"allow\", \"touch ok-bad\" = \"deny\" }\nwebfetch = \"deny\"",
        );
        assert_eq!(
            p.decide("bash", &["touch ok-1".into()]).action,
            Action::Allow
        );
        assert_eq!(
            p.decide("bash", &["touch ok-bad".into()]).action,
            Action::Deny
        );
        assert_eq!(p.decide("bash", &["ls".into()]).action, Action::Deny);
        assert_eq!(p.decide("read", &["a".into()]).action, Action::Allow);
        assert_eq!(p.decide("edit", &["a".into()]).action, Action::Allow);
        assert_eq!(p.decide("external_directory", &[]).action, Action::Ask);
        let v = p.decide("bash", &["touch ok-1".into(), "ls".into()]);
        assert_eq!((v.action, v.pattern.as_str()), (Action::Deny, "ls"));
        assert_eq!(v.rule.unwrap().source, "test");
    }

    #[test]
    fn presets() {
        let read_only = Policy {
            rules: preset("read-only").unwrap(),
            ..policy("")
        };
        assert_eq!(read_only.decide("edit", &[]).action, Action::Deny);
        assert_eq!(read_only.decide("grep", &[]).action, Action::Allow);
        let full = Policy {
            rules: preset("full").unwrap(),
            ..policy("")
        };
        assert_eq!(
            full.decide("bash", &["rm -rf x".into()]).action,
            Action::Allow
        );
        assert!(preset("nope").is_none());
    }
}
