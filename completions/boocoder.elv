
use builtin;
use str;

set edit:completion:arg-completer[boocoder] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'boocoder'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'boocoder'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand prompt 'One-shot: one turn that edits the checkout (--worktree isolates it), the reply on stdout'
            cand session 'Sessions: a repository, an agent, a model and a worktree; prompt them turn by turn'
            cand worktree 'Session-keyed git worktrees: ensure, diff, list, remove, prune'
            cand server 'The opencode server: start one that later commands reattach to, status, stop'
            cand probe 'Probe which agents are installed and which models they offer'
            cand snapshot 'The provider snapshot: cached, fast, for scripts and cron'
            cand config 'Show the effective configuration and where it comes from'
            cand db 'Inspect and migrate the state database'
            cand doctor 'Check what a turn needs (opencode, llama-swap, database, git, server, agents) and say how to fix it'
            cand completions 'Print the shell completion script (bash, zsh, fish, powershell, elvish)'
            cand generate 'Generate shell completions and man pages'
            cand acp-host 'Keep an ACP agent between commands (started by boocoder itself)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;prompt'= {
            cand --repo 'The repository to work on'
            cand --base 'Base of the worktree [default: HEAD]'
            cand --agent 'The agent: opencode (its server) or any enabled ACP provider'
            cand --model 'The model for this turn [default: the session''s, else default_model]'
            cand --agent-mode 'The agent''s mode (opencode: build, plan, ...)'
            cand --timeout 'Watchdog: no event for this long -> reconcile, abort if still busy (e.g. 90s, 5m; 1s to 365d)'
            cand --permissions 'The permission policy for this turn: read-only, workspace, full, ask, allow, deny, or a policy file [default: the session''s, else workspace]'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --worktree 'Work in a throwaway worktree (your checkout untouched) instead of the repository itself'
            cand --no-stream 'Print the reply once at the end instead of streaming it'
            cand --show-reasoning 'Show the model''s reasoning on stderr (dimmed)'
            cand --keep-server 'Leave a server this command starts running for later commands, until `server stop`'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand new 'Record a session and make its worktree'
            cand list 'The sessions, with their last turn'
            cand show 'One session: worktree, agent session, last turn'
            cand rm 'Remove a session and its clean worktree (dirty: refused without --force)'
            cand changes 'The pending changes of a session''s last turn'
            cand prompt 'Run one turn: send a prompt, stream the reply'
            cand log 'The session''s turns: prompt, reply, tools, tokens, what each changed'
            cand apply 'Write the session''s changes into the checkout, uncommitted'
            cand commit 'Commit the worktree''s pending work on the session branch'
            cand merge 'Commit pending work and merge the session branch into a branch'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;session;new'= {
            cand --repo 'The repository the session works on'
            cand --agent 'The agent that runs its turns'
            cand --model 'The session''s model (default: default_model, else llama-swap''s only model)'
            cand --base 'Base branch, tag or commit of the worktree [default: HEAD]'
            cand --permissions 'The permission policy of the session''s turns (a turn''s --permissions overrides it): read-only, workspace, full, ask, allow, deny, or a policy file [default: workspace]'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --no-worktree 'Work in the repository itself instead of a worktree'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;list'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;show'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;rm'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --force 'Remove even when the worktree holds uncommitted work (it is lost), or while a turn runs'
            cand --keep-branch 'Keep the branch boocoder/<session> in any case'
            cand --delete-branch 'Delete the branch even with commits no other branch has (its tip is printed)'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;changes'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --patch 'Also print each file''s patch (text mode)'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;prompt'= {
            cand -s 'A session to prompt (repeatable)'
            cand --session 'A session to prompt (repeatable)'
            cand --model 'The model for this turn [default: the session''s, else default_model]'
            cand --agent-mode 'The agent''s mode (opencode: build, plan, ...)'
            cand --timeout 'Watchdog: no event for this long -> reconcile, abort if still busy (e.g. 90s, 5m; 1s to 365d)'
            cand --permissions 'The permission policy for this turn: read-only, workspace, full, ask, allow, deny, or a policy file [default: the session''s, else workspace]'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --no-stream 'Print the reply once at the end instead of streaming it'
            cand --show-reasoning 'Show the model''s reasoning on stderr (dimmed)'
            cand --keep-server 'Leave a server this command starts running for later commands, until `server stop`'
            cand --wait 'Wait for a busy session''s turn to end instead of failing'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;log'= {
            cand --last 'Only the last N turns'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;apply'= {
            cand --to 'The checkout to write to (default: the session''s repository); a checkout or linked worktree of the same repository'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;commit'= {
            cand -m 'The commit message (default: from the session''s last prompt)'
            cand --message 'The commit message (default: from the session''s last prompt)'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --no-verify 'Skip the pre-commit and commit-msg hooks (as `git commit --no-verify`)'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;merge'= {
            cand --into 'The local branch to merge into'
            cand -m 'The message of the merge or squashed commit'
            cand --message 'The message of the merge or squashed commit'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --squash 'One commit with the session''s changes instead of a merge or fast-forward'
            cand --remove 'Then remove the session''s worktree and branch (the session stays)'
            cand --no-verify 'Skip the pending-work commit''s pre-commit and commit-msg hooks'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;session;help'= {
            cand new 'Record a session and make its worktree'
            cand list 'The sessions, with their last turn'
            cand show 'One session: worktree, agent session, last turn'
            cand rm 'Remove a session and its clean worktree (dirty: refused without --force)'
            cand changes 'The pending changes of a session''s last turn'
            cand prompt 'Run one turn: send a prompt, stream the reply'
            cand log 'The session''s turns: prompt, reply, tools, tokens, what each changed'
            cand apply 'Write the session''s changes into the checkout, uncommitted'
            cand commit 'Commit the worktree''s pending work on the session branch'
            cand merge 'Commit pending work and merge the session branch into a branch'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;session;help;new'= {
        }
        &'boocoder;session;help;list'= {
        }
        &'boocoder;session;help;show'= {
        }
        &'boocoder;session;help;rm'= {
        }
        &'boocoder;session;help;changes'= {
        }
        &'boocoder;session;help;prompt'= {
        }
        &'boocoder;session;help;log'= {
        }
        &'boocoder;session;help;apply'= {
        }
        &'boocoder;session;help;commit'= {
        }
        &'boocoder;session;help;merge'= {
        }
        &'boocoder;session;help;help'= {
        }
        &'boocoder;worktree'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ensure 'Create (or return the existing) worktree of a session'
            cand diff 'Diff a session''s worktree against its base commit'
            cand list 'List the recorded worktrees with their state'
            cand remove 'Remove a session''s worktree, its git registration and record (its branch when merged)'
            cand prune 'Forget vanished worktrees, prune stale git registrations, remove old clean ones'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;worktree;ensure'= {
            cand --repo 'A directory of the git repository'
            cand --base 'Base branch, tag or commit [default: the branch `session merge --remove` merged the session into, else HEAD of the repository]'
            cand --branch 'Branch to create [default: boocoder/<session>]'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --adopt 'Take over a worktree another host recorded (shared database): recreate it here'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;worktree;diff'= {
            cand --base 'Compare with this branch, tag or commit instead of the recorded base'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --stat 'A diffstat instead of the patch'
            cand --name-only 'Only the changed paths'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;worktree;list'= {
            cand --repo 'Only the worktrees of this repository'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;worktree;remove'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --force 'Remove even with uncommitted or untracked work (it is lost), or while a turn runs'
            cand --keep-branch 'Keep the branch boocoder/<session> in any case'
            cand --delete-branch 'Delete the branch even with commits no other branch has (its tip is printed)'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;worktree;prune'= {
            cand --older-than 'Also remove clean worktrees older than this (30m, 12h, 7d, 2w)'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --dry-run 'List what would be done, change nothing'
            cand --force 'With --older-than: remove old worktrees even with uncommitted work'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;worktree;help'= {
            cand ensure 'Create (or return the existing) worktree of a session'
            cand diff 'Diff a session''s worktree against its base commit'
            cand list 'List the recorded worktrees with their state'
            cand remove 'Remove a session''s worktree, its git registration and record (its branch when merged)'
            cand prune 'Forget vanished worktrees, prune stale git registrations, remove old clean ones'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;worktree;help;ensure'= {
        }
        &'boocoder;worktree;help;diff'= {
        }
        &'boocoder;worktree;help;list'= {
        }
        &'boocoder;worktree;help;remove'= {
        }
        &'boocoder;worktree;help;prune'= {
        }
        &'boocoder;worktree;help;help'= {
        }
        &'boocoder;server'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand start 'Start a detached opencode server later commands reattach to (idempotent)'
            cand status 'Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not'
            cand stop 'Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)'
            cand supervise 'Watch a self-kept server and stop it once idle (started by boocoder itself)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;server;start'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --restart 'Stop the running server first and start a new one (refused while turns run on it)'
            cand --force 'With --restart: stop it even while turns run on it (they fail as server_lost)'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;server;status'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;server;stop'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --force 'Stop it even while turns run on it (they end as server_lost)'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;server;supervise'= {
            cand --pid 'The server''s pid (and process group)'
            cand --state-dir 'The state dir holding its record'
            cand --idle-timeout 'Seconds with no command attached before it stops'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;server;help'= {
            cand start 'Start a detached opencode server later commands reattach to (idempotent)'
            cand status 'Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not'
            cand stop 'Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)'
            cand supervise 'Watch a self-kept server and stop it once idle (started by boocoder itself)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;server;help;start'= {
        }
        &'boocoder;server;help;status'= {
        }
        &'boocoder;server;help;stop'= {
        }
        &'boocoder;server;help;supervise'= {
        }
        &'boocoder;server;help;help'= {
        }
        &'boocoder;probe'= {
            cand --cwd 'Directory the probe sessions are opened in [default: current directory]'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --force 'Start every installed ACP agent, whatever the TTL says'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;snapshot'= {
            cand --cwd 'The directory the snapshot is for [default: current directory]'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --force 'Rebuild it: probe the agents, ignoring the cache and the probe TTL'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand peek 'One provider''s cached entry; never probes (exit 1 when there is none)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;snapshot;peek'= {
            cand --cwd 'The directory the snapshot is for [default: current directory]'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;snapshot;help'= {
            cand peek 'One provider''s cached entry; never probes (exit 1 when there is none)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;snapshot;help;peek'= {
        }
        &'boocoder;snapshot;help;help'= {
        }
        &'boocoder;config'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Print the effective configuration (secrets masked) and where each value came from'
            cand path 'Print the path of the config file (and, with --format json, every directory)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;config;show'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;config;path'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;config;help'= {
            cand show 'Print the effective configuration (secrets masked) and where each value came from'
            cand path 'Print the path of the config file (and, with --format json, every directory)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;config;help;show'= {
        }
        &'boocoder;config;help;path'= {
        }
        &'boocoder;config;help;help'= {
        }
        &'boocoder;db'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand migrate 'Apply pending migrations (every command also does this on first use)'
            cand status 'Show the backend, the URL (password masked) and applied / pending migrations'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;db;migrate'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;db;status'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;db;help'= {
            cand migrate 'Apply pending migrations (every command also does this on first use)'
            cand status 'Show the backend, the URL (password masked) and applied / pending migrations'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;db;help;migrate'= {
        }
        &'boocoder;db;help;status'= {
        }
        &'boocoder;db;help;help'= {
        }
        &'boocoder;doctor'= {
            cand --cwd 'The directory whose cached provider snapshot is read [default: current directory]'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;completions'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;generate'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand completions 'Shell completions: one shell to stdout, or every shell into --dir'
            cand man 'Man pages, one per command, into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;generate;completions'= {
            cand --dir 'Write files named as each shell expects into this directory'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;generate;man'= {
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;generate;help'= {
            cand completions 'Shell completions: one shell to stdout, or every shell into --dir'
            cand man 'Man pages, one per command, into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;generate;help;completions'= {
        }
        &'boocoder;generate;help;man'= {
        }
        &'boocoder;generate;help;help'= {
        }
        &'boocoder;acp-host'= {
            cand --dir 'The host''s directory (record, socket, logs)'
            cand --agent 'The agent''s provider name'
            cand --fingerprint 'The settings fingerprint it was started for'
            cand --idle-timeout 'Seconds with no command attached before it stops (none: until `server stop`)'
            cand --db 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]'
            cand --config 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]'
            cand --format 'Output format on stdout'
            cand --color 'When to color output'
            cand --json 'Short for --format json'
            cand -v 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More messages on stderr (-v info, -vv debug, -vvv trace)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'boocoder;help'= {
            cand prompt 'One-shot: one turn that edits the checkout (--worktree isolates it), the reply on stdout'
            cand session 'Sessions: a repository, an agent, a model and a worktree; prompt them turn by turn'
            cand worktree 'Session-keyed git worktrees: ensure, diff, list, remove, prune'
            cand server 'The opencode server: start one that later commands reattach to, status, stop'
            cand probe 'Probe which agents are installed and which models they offer'
            cand snapshot 'The provider snapshot: cached, fast, for scripts and cron'
            cand config 'Show the effective configuration and where it comes from'
            cand db 'Inspect and migrate the state database'
            cand doctor 'Check what a turn needs (opencode, llama-swap, database, git, server, agents) and say how to fix it'
            cand completions 'Print the shell completion script (bash, zsh, fish, powershell, elvish)'
            cand generate 'Generate shell completions and man pages'
            cand acp-host 'Keep an ACP agent between commands (started by boocoder itself)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'boocoder;help;prompt'= {
        }
        &'boocoder;help;session'= {
            cand new 'Record a session and make its worktree'
            cand list 'The sessions, with their last turn'
            cand show 'One session: worktree, agent session, last turn'
            cand rm 'Remove a session and its clean worktree (dirty: refused without --force)'
            cand changes 'The pending changes of a session''s last turn'
            cand prompt 'Run one turn: send a prompt, stream the reply'
            cand log 'The session''s turns: prompt, reply, tools, tokens, what each changed'
            cand apply 'Write the session''s changes into the checkout, uncommitted'
            cand commit 'Commit the worktree''s pending work on the session branch'
            cand merge 'Commit pending work and merge the session branch into a branch'
        }
        &'boocoder;help;session;new'= {
        }
        &'boocoder;help;session;list'= {
        }
        &'boocoder;help;session;show'= {
        }
        &'boocoder;help;session;rm'= {
        }
        &'boocoder;help;session;changes'= {
        }
        &'boocoder;help;session;prompt'= {
        }
        &'boocoder;help;session;log'= {
        }
        &'boocoder;help;session;apply'= {
        }
        &'boocoder;help;session;commit'= {
        }
        &'boocoder;help;session;merge'= {
        }
        &'boocoder;help;worktree'= {
            cand ensure 'Create (or return the existing) worktree of a session'
            cand diff 'Diff a session''s worktree against its base commit'
            cand list 'List the recorded worktrees with their state'
            cand remove 'Remove a session''s worktree, its git registration and record (its branch when merged)'
            cand prune 'Forget vanished worktrees, prune stale git registrations, remove old clean ones'
        }
        &'boocoder;help;worktree;ensure'= {
        }
        &'boocoder;help;worktree;diff'= {
        }
        &'boocoder;help;worktree;list'= {
        }
        &'boocoder;help;worktree;remove'= {
        }
        &'boocoder;help;worktree;prune'= {
        }
        &'boocoder;help;server'= {
            cand start 'Start a detached opencode server later commands reattach to (idempotent)'
            cand status 'Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not'
            cand stop 'Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)'
            cand supervise 'Watch a self-kept server and stop it once idle (started by boocoder itself)'
        }
        &'boocoder;help;server;start'= {
        }
        &'boocoder;help;server;status'= {
        }
        &'boocoder;help;server;stop'= {
        }
        &'boocoder;help;server;supervise'= {
        }
        &'boocoder;help;probe'= {
        }
        &'boocoder;help;snapshot'= {
            cand peek 'One provider''s cached entry; never probes (exit 1 when there is none)'
        }
        &'boocoder;help;snapshot;peek'= {
        }
        &'boocoder;help;config'= {
            cand show 'Print the effective configuration (secrets masked) and where each value came from'
            cand path 'Print the path of the config file (and, with --format json, every directory)'
        }
        &'boocoder;help;config;show'= {
        }
        &'boocoder;help;config;path'= {
        }
        &'boocoder;help;db'= {
            cand migrate 'Apply pending migrations (every command also does this on first use)'
            cand status 'Show the backend, the URL (password masked) and applied / pending migrations'
        }
        &'boocoder;help;db;migrate'= {
        }
        &'boocoder;help;db;status'= {
        }
        &'boocoder;help;doctor'= {
        }
        &'boocoder;help;completions'= {
        }
        &'boocoder;help;generate'= {
            cand completions 'Shell completions: one shell to stdout, or every shell into --dir'
            cand man 'Man pages, one per command, into DIR'
        }
        &'boocoder;help;generate;completions'= {
        }
        &'boocoder;help;generate;man'= {
        }
        &'boocoder;help;acp-host'= {
        }
        &'boocoder;help;help'= {
        }
    ]
    $completions[$command]
}
