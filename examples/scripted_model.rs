//! A tiny OpenAI-compatible model server with canned replies (the test
//! suite's scripted server), so the quick start can run real turns through
//! opencode on a machine without llama-swap.
//!
//!     cargo run --example scripted_model
//!
//! Prints its URL (use it as LLAMA_SWAP_URL) and serves until killed. A
//! prompt that names NOTES.md gets a turn that writes that file (once);
//! every other prompt gets a greeting.

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
    server.push_for(
        "NOTES.md",
        Script::new().text("I'll add the notes file.").tool_call(
            "write",
            serde_json::json!({
                "filePath": "NOTES.md",
                "content": "# Notes\n\nWritten by an agent in its own worktree, brought back with git apply.\n"
            }),
        ),
    );
    server.push_for("NOTES.md", Script::new().text("Added NOTES.md."));
    println!("{}", server.url());
    loop {
        std::thread::park();
    }
}
