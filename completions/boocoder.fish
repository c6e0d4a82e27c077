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
ndjson\t'One JSON object per line, each with a "type" field'"
complete -c boocoder -n "__fish_boocoder_needs_command" -l color -d 'When to color output' -r -f -a "auto\t'Color when writing to a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c boocoder -n "__fish_boocoder_needs_command" -l json -d 'Short for --format json'
complete -c boocoder -n "__fish_boocoder_needs_command" -s v -l verbose -d 'More messages on stderr (-v info, -vv debug, -vvv trace)'
complete -c boocoder -n "__fish_boocoder_needs_command" -s q -l quiet -d 'Only errors on stderr'
complete -c boocoder -n "__fish_boocoder_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c boocoder -n "__fish_boocoder_needs_command" -s V -l version -d 'Print version'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "config" -d 'Show the effective configuration and where it comes from'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "db" -d 'Inspect and migrate the state database'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "probe" -d 'Probe which agents are installed and which models they offer'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "snapshot" -d 'The provider snapshot: cached, fast, for scripts and cron'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c boocoder -n "__fish_boocoder_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with a "type" field'"
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
ndjson\t'One JSON object per line, each with a "type" field'"
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
ndjson\t'One JSON object per line, each with a "type" field'"
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
ndjson\t'One JSON object per line, each with a "type" field'"
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
ndjson\t'One JSON object per line, each with a "type" field'"
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
ndjson\t'One JSON object per line, each with a "type" field'"
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
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l cwd -d 'Directory the probe sessions are opened in [default: current directory]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand probe" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with a "type" field'"
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
ndjson\t'One JSON object per line, each with a "type" field'"
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
ndjson\t'One JSON object per line, each with a "type" field'"
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
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l db -d 'Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]' -r
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l config -d 'Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]' -r -F
complete -c boocoder -n "__fish_boocoder_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l format -d 'Output format on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
ndjson\t'One JSON object per line, each with a "type" field'"
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
ndjson\t'One JSON object per line, each with a "type" field'"
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
ndjson\t'One JSON object per line, each with a "type" field'"
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
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from config db probe snapshot generate help" -f -a "config" -d 'Show the effective configuration and where it comes from'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from config db probe snapshot generate help" -f -a "db" -d 'Inspect and migrate the state database'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from config db probe snapshot generate help" -f -a "probe" -d 'Probe which agents are installed and which models they offer'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from config db probe snapshot generate help" -f -a "snapshot" -d 'The provider snapshot: cached, fast, for scripts and cron'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from config db probe snapshot generate help" -f -a "generate" -d 'Generate shell completions and man pages'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and not __fish_seen_subcommand_from config db probe snapshot generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective configuration (secrets masked) and where each value came from'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the path of the config file (and, with --format json, every directory)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "migrate" -d 'Apply pending migrations (every command also does this on first use)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'Show the backend, the URL (password masked) and applied / pending migrations'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "peek" -d 'One provider\'s cached entry; never probes (exit 1 when there is none)'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Shell completions: one shell to stdout, or every shell into --dir'
complete -c boocoder -n "__fish_boocoder_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'Man pages, one per command, into DIR'
