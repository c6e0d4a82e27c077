# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_boocoder_global_optspecs
    string join \n db= config= format= json v/verbose q/quiet color= h/help V/version
end

function __fish_boocoder_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_boocoder_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_boocoder_using_subcommand
    set -l cmd (__fish_boocoder_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c boocoder -n "__fish_boocoder_needs_command" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_needs_command" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_needs_command" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_needs_command" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_needs_command" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_needs_command" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_needs_command" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_needs_command" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "prompt" -d 'One-shot: one turn that edits the checkout (--worktree isolates it), the reply on stdout'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "session" -d 'Sessions: a repository, an agent, a model and a worktree; prompt them turn by turn'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "worktree" -d 'Session-keyed git worktrees: ensure, diff, list, remove, prune'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "server" -d 'The opencode server: start one that later commands reattach to, status, stop'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "probe" -d 'Probe which agents are installed and which models they offer'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "snapshot" -d 'The provider snapshot: cached, fast, for scripts and cron'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "config" -d 'Show the effective configuration and where it comes from'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "db" -d 'Inspect and migrate the state database'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "doctor" -d 'Check what a turn needs (opencode, llama-swap, database, git, server, agents) and say how to fix it'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "completions" -d 'Print the shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "acp-host" -d 'Keep an ACP agent between commands (started by boocoder itself)'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l repo -d 'The repository to work on' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l base -d 'Base of the worktree [default: HEAD]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l agent -d 'The agent: opencode (its server) or any enabled ACP provider' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l model -d 'The model for this turn [default: the session\'s, else default_model]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l agent-mode -d 'The agent\'s mode (opencode: build, plan, ...)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l timeout -d 'Watchdog: no event for this long -> reconcile, abort if still busy (e.g. 90s, 5m; 1s to 365d)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l permissions -d 'The permission policy for this turn: read-only, workspace, full, ask, allow, deny, or a policy file [default: the session\'s, else workspace]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l worktree -d 'Work in a throwaway worktree (your checkout untouched) instead of the repository itself'
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l no-stream -d 'Print the reply once at the end instead of streaming it'
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l show-reasoning -d 'Show the model\'s reasoning on stderr (dimmed)'
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l keep-server -d 'Leave a server this command starts running for later commands, until `server stop`'
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand prompt" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "new" -d 'Record a session and make its worktree'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "list" -d 'The sessions, with their last turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "show" -d 'One session: worktree, agent session, last turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "rm" -d 'Remove a session and its clean worktree (dirty: refused without --force)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "changes" -d 'The pending changes of a session\'s last turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "prompt" -d 'Run one turn: send a prompt, stream the reply'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "log" -d 'The session\'s turns: prompt, reply, tools, tokens, what each changed'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "apply" -d 'Write the session\'s changes into the checkout, uncommitted'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "commit" -d 'Commit the worktree\'s pending work on the session branch'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "merge" -d 'Commit pending work and merge the session branch into a branch'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and not __fish_seen_subcommand_from new list show rm changes prompt log apply commit merge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l repo -d 'The repository the session works on' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l agent -d 'The agent that runs its turns' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l model -d 'The session\'s model (default: default_model, else llama-swap\'s only model)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l base -d 'Base branch, tag or commit of the worktree [default: HEAD]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l permissions -d 'The permission policy of the session\'s turns (a turn\'s --permissions overrides it): read-only, workspace, full, ask, allow, deny, or a policy file [default: workspace]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l no-worktree -d 'Work in the repository itself instead of a worktree'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from new" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from list" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from list" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from list" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from list" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from list" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from show" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from show" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from show" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from show" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from show" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -l force -d 'Remove even when the worktree holds uncommitted work (it is lost), or while a turn runs'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -l keep-branch -d 'Keep the branch boocoder/<session> in any case'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -l delete-branch -d 'Delete the branch even with commits no other branch has (its tip is printed)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -l patch -d 'Also print each file\'s patch (text mode)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from changes" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -s s -l session -d 'A session to prompt (repeatable)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l model -d 'The model for this turn [default: the session\'s, else default_model]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l agent-mode -d 'The agent\'s mode (opencode: build, plan, ...)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l timeout -d 'Watchdog: no event for this long -> reconcile, abort if still busy (e.g. 90s, 5m; 1s to 365d)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l permissions -d 'The permission policy for this turn: read-only, workspace, full, ask, allow, deny, or a policy file [default: the session\'s, else workspace]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l no-stream -d 'Print the reply once at the end instead of streaming it'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l show-reasoning -d 'Show the model\'s reasoning on stderr (dimmed)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l keep-server -d 'Leave a server this command starts running for later commands, until `server stop`'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l wait -d 'Wait for a busy session\'s turn to end instead of failing'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from prompt" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -l last -d 'Only the last N turns' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from log" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -l to -d 'The checkout to write to (default: the session\'s repository); a checkout or linked worktree of the same repository' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -s m -l message -d 'The commit message (default: from the session\'s last prompt)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -l no-verify -d 'Skip the pre-commit and commit-msg hooks (as `git commit --no-verify`)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from commit" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -l into -d 'The local branch to merge into' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -s m -l message -d 'The message of the merge or squashed commit' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -l squash -d 'One commit with the session\'s changes instead of a merge or fast-forward'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -l remove -d 'Then remove the session\'s worktree and branch (the session stays)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -l no-verify -d 'Skip the pending-work commit\'s pre-commit and commit-msg hooks'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from merge" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "new" -d 'Record a session and make its worktree'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "list" -d 'The sessions, with their last turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "show" -d 'One session: worktree, agent session, last turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a session and its clean worktree (dirty: refused without --force)'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "changes" -d 'The pending changes of a session\'s last turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "prompt" -d 'Run one turn: send a prompt, stream the reply'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "log" -d 'The session\'s turns: prompt, reply, tools, tokens, what each changed'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Write the session\'s changes into the checkout, uncommitted'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "commit" -d 'Commit the worktree\'s pending work on the session branch'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Commit pending work and merge the session branch into a branch'
complete -c boocoder -n "__fish_boocoder_using_subcommand session; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -f -a "ensure" -d 'Create (or return the existing) worktree of a session'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -f -a "diff" -d 'Diff a session\'s worktree against its base commit'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -f -a "list" -d 'List the recorded worktrees with their state'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -f -a "remove" -d 'Remove a session\'s worktree, its git registration and record (its branch when merged)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -f -a "prune" -d 'Forget vanished worktrees, prune stale git registrations, remove old clean ones'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and not __fish_seen_subcommand_from ensure diff list remove prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -l repo -d 'A directory of the git repository' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -l base -d 'Base branch, tag or commit [default: the branch `session merge --remove` merged the session into, else HEAD of the repository]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -l branch -d 'Branch to create [default: boocoder/<session>]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -l adopt -d 'Take over a worktree another host recorded (shared database): recreate it here'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from ensure" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -l base -d 'Compare with this branch, tag or commit instead of the recorded base' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -l stat -d 'A diffstat instead of the patch'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -l name-only -d 'Only the changed paths'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from diff" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -l repo -d 'Only the worktrees of this repository' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -l force -d 'Remove even with uncommitted or untracked work (it is lost), or while a turn runs'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -l keep-branch -d 'Keep the branch boocoder/<session> in any case'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -l delete-branch -d 'Delete the branch even with commits no other branch has (its tip is printed)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -l older-than -d 'Also remove clean worktrees older than this (30m, 12h, 7d, 2w)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -l dry-run -d 'List what would be done, change nothing'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -l force -d 'With --older-than: remove old worktrees even with uncommitted work'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from help" -f -a "ensure" -d 'Create (or return the existing) worktree of a session'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Diff a session\'s worktree against its base commit'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the recorded worktrees with their state'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a session\'s worktree, its git registration and record (its branch when merged)'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Forget vanished worktrees, prune stale git registrations, remove old clean ones'
complete -c boocoder -n "__fish_boocoder_using_subcommand worktree; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -f -a "start" -d 'Start a detached opencode server later commands reattach to (idempotent)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -f -a "status" -d 'Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -f -a "stop" -d 'Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -f -a "supervise" -d 'Watch a self-kept server and stop it once idle (started by boocoder itself)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and not __fish_seen_subcommand_from start status stop supervise help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -l restart -d 'Stop the running server first and start a new one (refused while turns run on it)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -l force -d 'With --restart: stop it even while turns run on it (they fail as server_lost)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from status" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from status" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from status" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from status" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from status" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -l force -d 'Stop it even while turns run on it (they end as server_lost)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -l pid -d 'The server\'s pid (and process group)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -l state-dir -d 'The state dir holding its record' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -l idle-timeout -d 'Seconds with no command attached before it stops' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from supervise" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start a detached opencode server later commands reattach to (idempotent)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from help" -f -a "status" -d 'Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from help" -f -a "supervise" -d 'Watch a self-kept server and stop it once idle (started by boocoder itself)'
complete -c boocoder -n "__fish_boocoder_using_subcommand server; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l cwd -d 'Directory the probe sessions are opened in [default: current directory]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l force -d 'Start every installed ACP agent, whatever the TTL says'
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -l cwd -d 'The directory the snapshot is for [default: current directory]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -l force -d 'Rebuild it: probe the agents, ignoring the cache and the probe TTL'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -f -a "peek" -d 'One provider\'s cached entry; never probes (exit 1 when there is none)'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and not __fish_seen_subcommand_from peek help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -l cwd -d 'The directory the snapshot is for [default: current directory]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from peek" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "peek" -d 'One provider\'s cached entry; never probes (exit 1 when there is none)'
complete -c boocoder -n "__fish_boocoder_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "show" -d 'Print the effective configuration (secrets masked) and where each value came from'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "path" -d 'Print the path of the config file (and, with --format json, every directory)'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from show" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from show" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from path" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from path" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from path" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the effective configuration (secrets masked) and where each value came from'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the path of the config file (and, with --format json, every directory)'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -f -a "migrate" -d 'Apply pending migrations (every command also does this on first use)'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -f -a "status" -d 'Show the backend, the URL (password masked) and applied / pending migrations'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and not __fish_seen_subcommand_from migrate status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from migrate" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from migrate" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from migrate" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from migrate" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from migrate" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from status" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from status" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from status" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from status" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from status" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Apply pending migrations (every command also does this on first use)'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the backend, the URL (password masked) and applied / pending migrations'
complete -c boocoder -n "__fish_boocoder_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -l cwd -d 'The directory whose cached provider snapshot is read [default: current directory]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand completions" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand completions" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand completions" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand completions" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand completions" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand completions" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand completions" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand completions" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "completions" -d 'Shell completions: one shell to stdout, or every shell into --dir'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "man" -d 'Man pages, one per command, into DIR'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -l dir -d 'Write files named as each shell expects into this directory' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from completions" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from man" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from man" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from man" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from man" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from man" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from man" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Shell completions: one shell to stdout, or every shell into --dir'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'Man pages, one per command, into DIR'
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -l dir -d 'The host\'s directory (record, socket, logs)' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -l agent -d 'The agent\'s provider name' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -l fingerprint -d 'The settings fingerprint it was started for' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -l idle-timeout -d 'Seconds with no command attached before it stops (none: until `server stop`)' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with "type" and "ts" (RFC 3339 UTC) first'"
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_using_subcommand acp-host" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "prompt" -d 'One-shot: one turn that edits the checkout (--worktree isolates it), the reply on stdout'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "session" -d 'Sessions: a repository, an agent, a model and a worktree; prompt them turn by turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "worktree" -d 'Session-keyed git worktrees: ensure, diff, list, remove, prune'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "server" -d 'The opencode server: start one that later commands reattach to, status, stop'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "probe" -d 'Probe which agents are installed and which models they offer'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "snapshot" -d 'The provider snapshot: cached, fast, for scripts and cron'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "config" -d 'Show the effective configuration and where it comes from'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "db" -d 'Inspect and migrate the state database'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "doctor" -d 'Check what a turn needs (opencode, llama-swap, database, git, server, agents) and say how to fix it'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "completions" -d 'Print the shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "acp-host" -d 'Keep an ACP agent between commands (started by boocoder itself)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from prompt session worktree server probe snapshot config db doctor completions generate acp-host help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "new" -d 'Record a session and make its worktree'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "list" -d 'The sessions, with their last turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "show" -d 'One session: worktree, agent session, last turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "rm" -d 'Remove a session and its clean worktree (dirty: refused without --force)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "changes" -d 'The pending changes of a session\'s last turn'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "prompt" -d 'Run one turn: send a prompt, stream the reply'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "log" -d 'The session\'s turns: prompt, reply, tools, tokens, what each changed'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "apply" -d 'Write the session\'s changes into the checkout, uncommitted'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "commit" -d 'Commit the worktree\'s pending work on the session branch'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from session" -f -a "merge" -d 'Commit pending work and merge the session branch into a branch'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from worktree" -f -a "ensure" -d 'Create (or return the existing) worktree of a session'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from worktree" -f -a "diff" -d 'Diff a session\'s worktree against its base commit'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from worktree" -f -a "list" -d 'List the recorded worktrees with their state'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from worktree" -f -a "remove" -d 'Remove a session\'s worktree, its git registration and record (its branch when merged)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from worktree" -f -a "prune" -d 'Forget vanished worktrees, prune stale git registrations, remove old clean ones'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from server" -f -a "start" -d 'Start a detached opencode server later commands reattach to (idempotent)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from server" -f -a "status" -d 'Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from server" -f -a "stop" -d 'Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from server" -f -a "supervise" -d 'Watch a self-kept server and stop it once idle (started by boocoder itself)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "peek" -d 'One provider\'s cached entry; never probes (exit 1 when there is none)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective configuration (secrets masked) and where each value came from'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the path of the config file (and, with --format json, every directory)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "migrate" -d 'Apply pending migrations (every command also does this on first use)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'Show the backend, the URL (password masked) and applied / pending migrations'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Shell completions: one shell to stdout, or every shell into --dir'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'Man pages, one per command, into DIR'
