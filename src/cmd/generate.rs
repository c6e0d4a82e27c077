//! `boocoder generate ...` (hidden): shell completions and man pages from the
//! clap definition. The outputs are committed in `completions/` and `man/`;
//! a test fails when they drift from the code.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use boocoder::Exit;
use clap::{Args, Subcommand, ValueEnum};
use clap_complete::Shell;

use super::Printer;
use super::output::CliError;

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: Generate,
}

#[derive(Debug, Subcommand)]
pub enum Generate {
    /// Shell completions: one shell to stdout, or every shell into --dir
    Completions {
        /// The shell, or `all` (requires --dir)
        shell: ShellChoice,
        /// Write files named as each shell expects into this directory
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Man pages, one per command, into DIR
    Man {
        /// Output directory (created if missing)
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShellChoice {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
    All,
}

impl ShellChoice {
    fn shells(self) -> Vec<Shell> {
        match self {
            ShellChoice::Bash => vec![Shell::Bash],
            ShellChoice::Zsh => vec![Shell::Zsh],
            ShellChoice::Fish => vec![Shell::Fish],
            ShellChoice::Powershell => vec![Shell::PowerShell],
            ShellChoice::Elvish => vec![Shell::Elvish],
            ShellChoice::All => vec![
                Shell::Bash,
                Shell::Zsh,
                Shell::Fish,
                Shell::PowerShell,
                Shell::Elvish,
            ],
        }
    }
}

pub fn run(args: &GenerateArgs, mut cmd: clap::Command, out: &Printer) -> Result<Exit> {
    match &args.what {
        Generate::Completions { shell, dir } => match dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                for sh in shell.shells() {
                    clap_complete::generate_to(sh, &mut cmd, "boocoder", dir)
                        .with_context(|| format!("cannot write {sh} completions"))?;
                }
            }
            None => {
                let [sh] = shell.shells()[..] else {
                    return Err(CliError {
                        exit: Exit::Usage,
                        message: "`all` writes several files and needs --dir".into(),
                        hint: Some("boocoder generate completions all --dir completions".into()),
                    }
                    .into());
                };
                let mut buf = Vec::new();
                clap_complete::generate(sh, &mut cmd, "boocoder", &mut buf);
                out.script(&buf)?;
            }
        },
        Generate::Man { dir } => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("cannot write man pages to {}", dir.display()))?;
        }
    }
    Ok(Exit::Ok)
}
