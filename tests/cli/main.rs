//! The one integration-test binary: every test drives real processes or
//! services (the `boocoder` binary, git, PostgreSQL, opencode, a scripted
//! model server).

mod acp_host;
mod acp_host_real;
mod acp_opencode;
mod acp_qwen;
mod acp_turns;
mod adapters;
mod cli;
mod confinement;
mod fail_fast;
mod fake_acp;
mod fault;
mod first_minutes;
mod guards;
mod interrupts;
mod json_dialect;
mod keep_auto;
mod land;
mod land_guards;
mod layout;
mod merge_next;
mod model_server;
mod newcomer;
mod opencode;
mod opencode2;
mod permissions;
mod probe;
mod safety;
mod server;
mod session;
mod smoke_opencode;
mod snapshot;
mod store;
mod support;
mod terminal;
mod turn_log;
mod worktree;
mod worktree_setup;
