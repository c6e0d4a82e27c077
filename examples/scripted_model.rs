//! A tiny OpenAI-compatible model server with a canned reply (the test
//! suite's scripted server), so the quick start can run a real turn through
//! opencode on a machine without llama-swap.
//!
//!     cargo run --example scripted_model
//!
//! Prints its URL (use it as LLAMA_SWAP_URL) and serves until killed.

#[path = "../tests/cli/model_server.rs"]
#[allow(dead_code)]
mod model_server;

use model_server::{ModelServer, Script};

fn main() {
    let server = ModelServer::start(&["demo"]);
    server.set_default(
        Script::new()
            .reasoning("The user wants a greeting.")
            .text("Hello from boocoder's quick start: this reply came from a scripted model, through opencode, into a session worktree."),
    );
    println!("{}", server.url());
    loop {
        std::thread::park();
    }
}
