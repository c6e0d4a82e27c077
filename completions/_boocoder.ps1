
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'boocoder' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'boocoder'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'boocoder' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'One-shot: one turn that edits the checkout (--worktree isolates it), the reply on stdout')
            [CompletionResult]::new('session', 'session', [CompletionResultType]::ParameterValue, 'Sessions: a repository, an agent, a model and a worktree; prompt them turn by turn')
            [CompletionResult]::new('worktree', 'worktree', [CompletionResultType]::ParameterValue, 'Session-keyed git worktrees: ensure, diff, list, remove, prune')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'The opencode server: start one that later commands reattach to, status, stop')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Probe which agents are installed and which models they offer')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'The provider snapshot: cached, fast, for scripts and cron')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration and where it comes from')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Inspect and migrate the state database')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check what a turn needs (opencode, llama-swap, database, git, server, agents) and say how to fix it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate shell completions and man pages')
            [CompletionResult]::new('acp-host', 'acp-host', [CompletionResultType]::ParameterValue, 'Keep an ACP agent between commands (started by boocoder itself)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;prompt' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The repository to work on')
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'Base of the worktree [default: HEAD]')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'The agent: opencode (its server) or any enabled ACP provider')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model for this turn [default: the session''s, else default_model]')
            [CompletionResult]::new('--agent-mode', '--agent-mode', [CompletionResultType]::ParameterName, 'The agent''s mode (opencode: build, plan, ...)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Watchdog: no event for this long -> reconcile, abort if still busy (e.g. 90s, 5m; 1s to 365d)')
            [CompletionResult]::new('--permissions', '--permissions', [CompletionResultType]::ParameterName, 'The permission policy for this turn: read-only, workspace, full, ask, allow, deny, or a policy file [default: the session''s, else workspace]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--worktree', '--worktree', [CompletionResultType]::ParameterName, 'Work in a throwaway worktree (your checkout untouched) instead of the repository itself')
            [CompletionResult]::new('--no-stream', '--no-stream', [CompletionResultType]::ParameterName, 'Print the reply once at the end instead of streaming it')
            [CompletionResult]::new('--show-reasoning', '--show-reasoning', [CompletionResultType]::ParameterName, 'Show the model''s reasoning on stderr (dimmed)')
            [CompletionResult]::new('--keep-server', '--keep-server', [CompletionResultType]::ParameterName, 'Leave a server this command starts running for later commands, until `server stop`')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Record a session and make its worktree')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The sessions, with their last turn')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One session: worktree, agent session, last turn')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a session and its clean worktree (dirty: refused without --force)')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'The pending changes of a session''s last turn')
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'Run one turn: send a prompt, stream the reply')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'The session''s turns: prompt, reply, tools, tokens, what each changed')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Write the session''s changes into the checkout, uncommitted')
            [CompletionResult]::new('commit', 'commit', [CompletionResultType]::ParameterValue, 'Commit the worktree''s pending work on the session branch')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Commit pending work and merge the session branch into a branch')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;session;new' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The repository the session works on')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'The agent that runs its turns')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The session''s model (default: default_model, else llama-swap''s only model)')
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'Base branch, tag or commit of the worktree [default: HEAD]')
            [CompletionResult]::new('--permissions', '--permissions', [CompletionResultType]::ParameterName, 'The permission policy of the session''s turns (a turn''s --permissions overrides it): read-only, workspace, full, ask, allow, deny, or a policy file [default: workspace]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--no-worktree', '--no-worktree', [CompletionResultType]::ParameterName, 'Work in the repository itself instead of a worktree')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;rm' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove even when the worktree holds uncommitted work (it is lost), or while a turn runs')
            [CompletionResult]::new('--keep-branch', '--keep-branch', [CompletionResultType]::ParameterName, 'Keep the branch boocoder/<session> in any case')
            [CompletionResult]::new('--delete-branch', '--delete-branch', [CompletionResultType]::ParameterName, 'Delete the branch even with commits no other branch has (its tip is printed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;changes' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--patch', '--patch', [CompletionResultType]::ParameterName, 'Also print each file''s patch (text mode)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;prompt' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A session to prompt (repeatable)')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'A session to prompt (repeatable)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model for this turn [default: the session''s, else default_model]')
            [CompletionResult]::new('--agent-mode', '--agent-mode', [CompletionResultType]::ParameterName, 'The agent''s mode (opencode: build, plan, ...)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Watchdog: no event for this long -> reconcile, abort if still busy (e.g. 90s, 5m; 1s to 365d)')
            [CompletionResult]::new('--permissions', '--permissions', [CompletionResultType]::ParameterName, 'The permission policy for this turn: read-only, workspace, full, ask, allow, deny, or a policy file [default: the session''s, else workspace]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--no-stream', '--no-stream', [CompletionResultType]::ParameterName, 'Print the reply once at the end instead of streaming it')
            [CompletionResult]::new('--show-reasoning', '--show-reasoning', [CompletionResultType]::ParameterName, 'Show the model''s reasoning on stderr (dimmed)')
            [CompletionResult]::new('--keep-server', '--keep-server', [CompletionResultType]::ParameterName, 'Leave a server this command starts running for later commands, until `server stop`')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for a busy session''s turn to end instead of failing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;log' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the last N turns')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;apply' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The checkout to write to (default: the session''s repository); a checkout or linked worktree of the same repository')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;commit' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The commit message (default: from the session''s last prompt)')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The commit message (default: from the session''s last prompt)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Skip the pre-commit and commit-msg hooks (as `git commit --no-verify`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;merge' {
            [CompletionResult]::new('--into', '--into', [CompletionResultType]::ParameterName, 'The local branch to merge into')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The message of the merge or squashed commit')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The message of the merge or squashed commit')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--squash', '--squash', [CompletionResultType]::ParameterName, 'One commit with the session''s changes instead of a merge or fast-forward')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Then remove the session''s worktree and branch (the session stays)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Skip the pending-work commit''s pre-commit and commit-msg hooks')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;session;help' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Record a session and make its worktree')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The sessions, with their last turn')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One session: worktree, agent session, last turn')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a session and its clean worktree (dirty: refused without --force)')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'The pending changes of a session''s last turn')
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'Run one turn: send a prompt, stream the reply')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'The session''s turns: prompt, reply, tools, tokens, what each changed')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Write the session''s changes into the checkout, uncommitted')
            [CompletionResult]::new('commit', 'commit', [CompletionResultType]::ParameterValue, 'Commit the worktree''s pending work on the session branch')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Commit pending work and merge the session branch into a branch')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;session;help;new' {
            break
        }
        'boocoder;session;help;list' {
            break
        }
        'boocoder;session;help;show' {
            break
        }
        'boocoder;session;help;rm' {
            break
        }
        'boocoder;session;help;changes' {
            break
        }
        'boocoder;session;help;prompt' {
            break
        }
        'boocoder;session;help;log' {
            break
        }
        'boocoder;session;help;apply' {
            break
        }
        'boocoder;session;help;commit' {
            break
        }
        'boocoder;session;help;merge' {
            break
        }
        'boocoder;session;help;help' {
            break
        }
        'boocoder;worktree' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ensure', 'ensure', [CompletionResultType]::ParameterValue, 'Create (or return the existing) worktree of a session')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Diff a session''s worktree against its base commit')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the recorded worktrees with their state')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a session''s worktree, its git registration and record (its branch when merged)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Forget vanished worktrees, prune stale git registrations, remove old clean ones')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;worktree;ensure' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'A directory of the git repository')
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'Base branch, tag or commit [default: the branch `session merge --remove` merged the session into, else HEAD of the repository]')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Branch to create [default: boocoder/<session>]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--adopt', '--adopt', [CompletionResultType]::ParameterName, 'Take over a worktree another host recorded (shared database): recreate it here')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;worktree;diff' {
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'Compare with this branch, tag or commit instead of the recorded base')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--stat', '--stat', [CompletionResultType]::ParameterName, 'A diffstat instead of the patch')
            [CompletionResult]::new('--name-only', '--name-only', [CompletionResultType]::ParameterName, 'Only the changed paths')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;worktree;list' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Only the worktrees of this repository')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;worktree;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove even with uncommitted or untracked work (it is lost), or while a turn runs')
            [CompletionResult]::new('--keep-branch', '--keep-branch', [CompletionResultType]::ParameterName, 'Keep the branch boocoder/<session> in any case')
            [CompletionResult]::new('--delete-branch', '--delete-branch', [CompletionResultType]::ParameterName, 'Delete the branch even with commits no other branch has (its tip is printed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;worktree;prune' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Also remove clean worktrees older than this (30m, 12h, 7d, 2w)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be done, change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --older-than: remove old worktrees even with uncommitted work')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;worktree;help' {
            [CompletionResult]::new('ensure', 'ensure', [CompletionResultType]::ParameterValue, 'Create (or return the existing) worktree of a session')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Diff a session''s worktree against its base commit')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the recorded worktrees with their state')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a session''s worktree, its git registration and record (its branch when merged)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Forget vanished worktrees, prune stale git registrations, remove old clean ones')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;worktree;help;ensure' {
            break
        }
        'boocoder;worktree;help;diff' {
            break
        }
        'boocoder;worktree;help;list' {
            break
        }
        'boocoder;worktree;help;remove' {
            break
        }
        'boocoder;worktree;help;prune' {
            break
        }
        'boocoder;worktree;help;help' {
            break
        }
        'boocoder;server' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a detached opencode server later commands reattach to (idempotent)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)')
            [CompletionResult]::new('supervise', 'supervise', [CompletionResultType]::ParameterValue, 'Watch a self-kept server and stop it once idle (started by boocoder itself)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;server;start' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'Stop the running server first and start a new one (refused while turns run on it)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --restart: stop it even while turns run on it (they fail as server_lost)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;server;status' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;server;stop' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Stop it even while turns run on it (they end as server_lost)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;server;supervise' {
            [CompletionResult]::new('--pid', '--pid', [CompletionResultType]::ParameterName, 'The server''s pid (and process group)')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'The state dir holding its record')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds with no command attached before it stops')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;server;help' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a detached opencode server later commands reattach to (idempotent)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)')
            [CompletionResult]::new('supervise', 'supervise', [CompletionResultType]::ParameterValue, 'Watch a self-kept server and stop it once idle (started by boocoder itself)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;server;help;start' {
            break
        }
        'boocoder;server;help;status' {
            break
        }
        'boocoder;server;help;stop' {
            break
        }
        'boocoder;server;help;supervise' {
            break
        }
        'boocoder;server;help;help' {
            break
        }
        'boocoder;probe' {
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'Directory the probe sessions are opened in [default: current directory]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Start every installed ACP agent, whatever the TTL says')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;snapshot' {
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'The directory the snapshot is for [default: current directory]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Rebuild it: probe the agents, ignoring the cache and the probe TTL')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('peek', 'peek', [CompletionResultType]::ParameterValue, 'One provider''s cached entry; never probes (exit 1 when there is none)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;snapshot;peek' {
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'The directory the snapshot is for [default: current directory]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;snapshot;help' {
            [CompletionResult]::new('peek', 'peek', [CompletionResultType]::ParameterValue, 'One provider''s cached entry; never probes (exit 1 when there is none)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;snapshot;help;peek' {
            break
        }
        'boocoder;snapshot;help;help' {
            break
        }
        'boocoder;config' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration (secrets masked) and where each value came from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file (and, with --format json, every directory)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;config;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;config;path' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration (secrets masked) and where each value came from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file (and, with --format json, every directory)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;config;help;show' {
            break
        }
        'boocoder;config;help;path' {
            break
        }
        'boocoder;config;help;help' {
            break
        }
        'boocoder;db' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending migrations (every command also does this on first use)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the backend, the URL (password masked) and applied / pending migrations')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;db;migrate' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;db;status' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;db;help' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending migrations (every command also does this on first use)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the backend, the URL (password masked) and applied / pending migrations')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;db;help;migrate' {
            break
        }
        'boocoder;db;help;status' {
            break
        }
        'boocoder;db;help;help' {
            break
        }
        'boocoder;doctor' {
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'The directory whose cached provider snapshot is read [default: current directory]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;generate' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completions: one shell to stdout, or every shell into --dir')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Man pages, one per command, into DIR')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;generate;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write files named as each shell expects into this directory')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;generate;man' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;generate;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completions: one shell to stdout, or every shell into --dir')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Man pages, one per command, into DIR')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;generate;help;completions' {
            break
        }
        'boocoder;generate;help;man' {
            break
        }
        'boocoder;generate;help;help' {
            break
        }
        'boocoder;acp-host' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The host''s directory (record, socket, logs)')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'The agent''s provider name')
            [CompletionResult]::new('--fingerprint', '--fingerprint', [CompletionResultType]::ParameterName, 'The settings fingerprint it was started for')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds with no command attached before it stops (none: until `server stop`)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More messages on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'boocoder;help' {
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'One-shot: one turn that edits the checkout (--worktree isolates it), the reply on stdout')
            [CompletionResult]::new('session', 'session', [CompletionResultType]::ParameterValue, 'Sessions: a repository, an agent, a model and a worktree; prompt them turn by turn')
            [CompletionResult]::new('worktree', 'worktree', [CompletionResultType]::ParameterValue, 'Session-keyed git worktrees: ensure, diff, list, remove, prune')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'The opencode server: start one that later commands reattach to, status, stop')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Probe which agents are installed and which models they offer')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'The provider snapshot: cached, fast, for scripts and cron')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration and where it comes from')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Inspect and migrate the state database')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check what a turn needs (opencode, llama-swap, database, git, server, agents) and say how to fix it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate shell completions and man pages')
            [CompletionResult]::new('acp-host', 'acp-host', [CompletionResultType]::ParameterValue, 'Keep an ACP agent between commands (started by boocoder itself)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'boocoder;help;prompt' {
            break
        }
        'boocoder;help;session' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Record a session and make its worktree')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The sessions, with their last turn')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One session: worktree, agent session, last turn')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a session and its clean worktree (dirty: refused without --force)')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'The pending changes of a session''s last turn')
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'Run one turn: send a prompt, stream the reply')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'The session''s turns: prompt, reply, tools, tokens, what each changed')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Write the session''s changes into the checkout, uncommitted')
            [CompletionResult]::new('commit', 'commit', [CompletionResultType]::ParameterValue, 'Commit the worktree''s pending work on the session branch')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Commit pending work and merge the session branch into a branch')
            break
        }
        'boocoder;help;session;new' {
            break
        }
        'boocoder;help;session;list' {
            break
        }
        'boocoder;help;session;show' {
            break
        }
        'boocoder;help;session;rm' {
            break
        }
        'boocoder;help;session;changes' {
            break
        }
        'boocoder;help;session;prompt' {
            break
        }
        'boocoder;help;session;log' {
            break
        }
        'boocoder;help;session;apply' {
            break
        }
        'boocoder;help;session;commit' {
            break
        }
        'boocoder;help;session;merge' {
            break
        }
        'boocoder;help;worktree' {
            [CompletionResult]::new('ensure', 'ensure', [CompletionResultType]::ParameterValue, 'Create (or return the existing) worktree of a session')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Diff a session''s worktree against its base commit')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the recorded worktrees with their state')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a session''s worktree, its git registration and record (its branch when merged)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Forget vanished worktrees, prune stale git registrations, remove old clean ones')
            break
        }
        'boocoder;help;worktree;ensure' {
            break
        }
        'boocoder;help;worktree;diff' {
            break
        }
        'boocoder;help;worktree;list' {
            break
        }
        'boocoder;help;worktree;remove' {
            break
        }
        'boocoder;help;worktree;prune' {
            break
        }
        'boocoder;help;server' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a detached opencode server later commands reattach to (idempotent)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)')
            [CompletionResult]::new('supervise', 'supervise', [CompletionResultType]::ParameterValue, 'Watch a self-kept server and stop it once idle (started by boocoder itself)')
            break
        }
        'boocoder;help;server;start' {
            break
        }
        'boocoder;help;server;status' {
            break
        }
        'boocoder;help;server;stop' {
            break
        }
        'boocoder;help;server;supervise' {
            break
        }
        'boocoder;help;probe' {
            break
        }
        'boocoder;help;snapshot' {
            [CompletionResult]::new('peek', 'peek', [CompletionResultType]::ParameterValue, 'One provider''s cached entry; never probes (exit 1 when there is none)')
            break
        }
        'boocoder;help;snapshot;peek' {
            break
        }
        'boocoder;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration (secrets masked) and where each value came from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file (and, with --format json, every directory)')
            break
        }
        'boocoder;help;config;show' {
            break
        }
        'boocoder;help;config;path' {
            break
        }
        'boocoder;help;db' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending migrations (every command also does this on first use)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the backend, the URL (password masked) and applied / pending migrations')
            break
        }
        'boocoder;help;db;migrate' {
            break
        }
        'boocoder;help;db;status' {
            break
        }
        'boocoder;help;doctor' {
            break
        }
        'boocoder;help;completions' {
            break
        }
        'boocoder;help;generate' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completions: one shell to stdout, or every shell into --dir')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Man pages, one per command, into DIR')
            break
        }
        'boocoder;help;generate;completions' {
            break
        }
        'boocoder;help;generate;man' {
            break
        }
        'boocoder;help;acp-host' {
            break
        }
        'boocoder;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
