//! Claude Code: its static model list and the slash commands it finds on
//! disk (`~/.claude/commands/*.md`, skills of installed plugins).

use std::path::Path;

use super::{Model, SlashCommand, ThinkingOption};

/// The models Claude Code offers, each with the thinking options
/// low / medium / high (default medium).
pub fn models() -> Vec<Model> {
    [
        ("default", "Default (recommended)"),
        ("opus", "Opus"),
        ("sonnet", "Sonnet"),
        ("haiku", "Haiku"),
    ]
    .into_iter()
    .map(|(id, label)| Model {
        thinking_options: Some(
            [("low", "Low"), ("medium", "Medium"), ("high", "High")]
                .into_iter()
                .map(|(id, label)| ThinkingOption {
                    id: id.into(),
                    label: label.into(),
                })
                .collect(),
        ),
        default_thinking_option_id: Some("medium".into()),
        ..Model::labelled(id, label)
    })
    .collect()
}

/// Commands from `<home>/.claude/commands/*.md` (the file name is the
/// command) and skills from `<home>/.claude/skills/*/SKILL.md` and
/// `<home>/.claude/plugins/**/skills/*/SKILL.md` (the directory name, or the
/// front matter's `name`), sorted by name without duplicates.
pub fn commands(home: &Path) -> Vec<SlashCommand> {
    let claude = home.join(".claude");
    let mut out: Vec<SlashCommand> = Vec::new();
    if let Ok(dir) = std::fs::read_dir(claude.join("commands")) {
        for f in dir.flatten() {
            let p = f.path();
            if p.extension().is_some_and(|e| e == "md")
                && let Some(stem) = p.file_stem().and_then(|s| s.to_str())
            {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                out.push(SlashCommand {
                    name: stem.to_string(),
                    description: describe(&text).1,
                });
            }
        }
    }
    let mut skill_dirs = vec![claude.join("skills")];
    find_skill_dirs(&claude.join("plugins"), 6, &mut skill_dirs);
    for dir in skill_dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(e.path().join("SKILL.md")) else {
                continue;
            };
            let (name, description) = describe(&text);
            let name = name.or_else(|| e.file_name().to_str().map(String::from));
            if let Some(name) = name {
                out.push(SlashCommand { name, description });
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

/// Every `skills` directory under `dir`, at most `depth` levels down.
fn find_skill_dirs(dir: &Path, depth: usize, out: &mut Vec<std::path::PathBuf>) {
    if depth == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if e.file_name() == "skills" {
            out.push(e.path());
        } else {
            find_skill_dirs(&e.path(), depth - 1, out);
        }
    }
}

/// The front matter's `name` and `description`; without a description, the
/// first non-empty line of the body.
fn describe(text: &str) -> (Option<String>, String) {
    let mut name = None;
    let mut description = None;
    let mut body = text;
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---")
    {
        for line in rest[..end].lines() {
            if let Some((k, v)) = line.split_once(':') {
                let v = v.trim().trim_matches('"').to_string();
                match k.trim() {
                    "name" if !v.is_empty() => name = Some(v),
                    "description" if !v.is_empty() => description = Some(v),
                    _ => {}
                }
            }
        }
        body = rest[end + 4..].trim_start_matches(['-', '\n']);
    }
    let description = description.unwrap_or_else(|| {
        body.lines()
            .map(|l| l.trim().trim_start_matches('#').trim())
            .find(|l| !l.is_empty())
            .unwrap_or_default()
            .to_string()
    });
    (name, description)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_or_first_line() {
        assert_eq!(
            describe("---\nname: x\ndescription: Does X\n---\nbody\n"),
            (Some("x".into()), "Does X".into())
        );
        assert_eq!(
            describe("# Review the diff\nmore\n"),
            (None, "Review the diff".into())
        );
    }
}
