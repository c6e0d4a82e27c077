
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
            cand config 'Show the effective configuration and where it comes from'
            cand db 'Inspect and migrate the state database'
            cand probe 'Probe which agents are installed and which models they offer'
            cand snapshot 'The provider snapshot: cached, fast, for scripts and cron'
            cand generate 'Generate shell completions and man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
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
        &'boocoder;help'= {
            cand config 'Show the effective configuration and where it comes from'
            cand db 'Inspect and migrate the state database'
            cand probe 'Probe which agents are installed and which models they offer'
            cand snapshot 'The provider snapshot: cached, fast, for scripts and cron'
            cand generate 'Generate shell completions and man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
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
        &'boocoder;help;probe'= {
        }
        &'boocoder;help;snapshot'= {
            cand peek 'One provider''s cached entry; never probes (exit 1 when there is none)'
        }
        &'boocoder;help;snapshot;peek'= {
        }
        &'boocoder;help;generate'= {
            cand completions 'Shell completions: one shell to stdout, or every shell into --dir'
            cand man 'Man pages, one per command, into DIR'
        }
        &'boocoder;help;generate;completions'= {
        }
        &'boocoder;help;generate;man'= {
        }
        &'boocoder;help;help'= {
        }
    ]
    $completions[$command]
}
