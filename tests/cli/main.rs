//! The one integration-test binary: every test drives real processes (the
//! `boocoder` binary, git, PostgreSQL, opencode, a scripted model server).

mod model_server;
mod opencode;
mod smoke_opencode;
