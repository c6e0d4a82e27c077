//! The `boocoder` binary: parse arguments, run the command, map the outcome to
//! a documented exit code. Everything else lives in `cmd/` and the library.

mod cmd;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cmd::main().code())
}
