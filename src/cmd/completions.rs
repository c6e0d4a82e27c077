//! `boocoder completions SHELL`: the completion script on stdout, so an
//! installed binary brings its own completions.

use anyhow::Result;
use boocoder::Exit;
use clap::{Args, ValueEnum};
use clap_complete::Shell;

use super::Printer;

#[derive(Debug, Args)]
#[command(after_help = "\
Install (the script goes to stdout; nothing else is written):
  bash        boocoder completions bash > ~/.local/share/bash-completion/completions/boocoder
  zsh         boocoder completions zsh > \"${fpath[1]}/_boocoder\"
  fish        boocoder completions fish > ~/.config/fish/completions/boocoder.fish
  powershell  boocoder completions powershell >> $PROFILE
  elvish      boocoder completions elvish >> ~/.config/elvish/rc.elv

The same scripts are committed in the repository's completions/ directory.")]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl From<CompletionShell> for Shell {
    fn from(s: CompletionShell) -> Shell {
        match s {
            CompletionShell::Bash => Shell::Bash,
            CompletionShell::Zsh => Shell::Zsh,
            CompletionShell::Fish => Shell::Fish,
            CompletionShell::Powershell => Shell::PowerShell,
            CompletionShell::Elvish => Shell::Elvish,
        }
    }
}

pub fn run(args: &CompletionsArgs, mut cmd: clap::Command, out: &Printer) -> Result<Exit> {
    let mut buf = Vec::new();
    clap_complete::generate(Shell::from(args.shell), &mut cmd, "boocoder", &mut buf);
    out.script(&buf)?;
    Ok(Exit::Ok)
}
