//! A scripted OpenAI-compatible model server (what llama-swap looks like to
//! opencode), for driving real agents deterministically.
//!
//! It runs axum on a dedicated thread with its own tokio runtime, so sync and
//! async tests can both use it, and listens on 127.0.0.1 on a random port.
//!
//! Chat requests that carry `tools` are agent requests: each one pops the next
//! queued [`Script`] (the default reply "ok" when the queue is empty). Requests
//! without `tools` (opencode's title generation and similar) never touch the
//! queue and get "Scripted title". After a tool call opencode runs the tool and
//! sends a follow-up agent request, so queue one script per agent request.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;

/// The reply to a title (tool-less) request.
pub const TITLE_REPLY: &str = "Scripted title";
/// The reply to an agent request when no script is queued.
pub const DEFAULT_REPLY: &str = "ok";

/// One step of a scripted reply.
#[derive(Debug, Clone)]
pub enum Step {
    /// Streamed as `delta.reasoning_content`, a few words per chunk.
    Reasoning(String),
    /// Streamed as `delta.content`, a few words per chunk.
    Text(String),
    /// Sleep before the next step (or before the error response).
    Delay(Duration),
    /// A function call; its arguments are streamed in two pieces.
    ToolCall { name: String, arguments: Value },
    /// Stop sending anything, keep the connection open until the client goes
    /// away or the server is dropped.
    Stall,
    /// Answer with this status and an OpenAI-style error body instead of a
    /// stream, with a `retry-after-ms` header when `retry_after` is set.
    /// Only `Delay` steps before it take effect; everything else in the
    /// script is ignored.
    HttpError {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    /// A `data:` line that is not JSON.
    Malformed,
}

/// A scripted reply to one agent request (builder).
#[derive(Debug, Clone, Default)]
pub struct Script {
    pub steps: Vec<Step>,
}

impl Script {
    pub fn new() -> Script {
        Script::default()
    }

    pub fn reasoning(mut self, text: &str) -> Script {
        self.steps.push(Step::Reasoning(text.to_string()));
        self
    }

    pub fn text(mut self, text: &str) -> Script {
        self.steps.push(Step::Text(text.to_string()));
        self
    }

    pub fn delay(mut self, duration: Duration) -> Script {
        self.steps.push(Step::Delay(duration));
        self
    }

    pub fn tool_call(mut self, name: &str, arguments: Value) -> Script {
        self.steps.push(Step::ToolCall {
            name: name.to_string(),
            arguments,
        });
        self
    }

    /// opencode's `bash` tool running `command`.
    pub fn bash(self, command: &str) -> Script {
        self.tool_call(
            "bash",
            json!({"command": command, "description": "Run a command"}),
        )
    }

    /// opencode's `webfetch` tool fetching `url` as text.
    pub fn webfetch(self, url: &str) -> Script {
        self.tool_call("webfetch", json!({"url": url, "format": "text"}))
    }

    pub fn stall(mut self) -> Script {
        self.steps.push(Step::Stall);
        self
    }

    pub fn http_error(mut self, status: u16, message: &str) -> Script {
        self.steps.push(Step::HttpError {
            status,
            message: message.to_string(),
            retry_after: None,
        });
        self
    }

    /// An HTTP error that tells the client when to retry (`retry-after-ms`).
    /// opencode 1.18.33 retries 5xx (and "overloaded"-like messages) up to 5
    /// times, 2 s, 4 s, 8 s... apart unless the response says otherwise.
    pub fn http_error_retry_after(
        mut self,
        status: u16,
        message: &str,
        retry_after: Duration,
    ) -> Script {
        self.steps.push(Step::HttpError {
            status,
            message: message.to_string(),
            retry_after: Some(retry_after),
        });
        self
    }

    pub fn malformed(mut self) -> Script {
        self.steps.push(Step::Malformed);
        self
    }

    fn has_tool_calls(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s, Step::ToolCall { .. }))
    }

    /// The delays before the first `HttpError`, and that error, if any.
    fn http_error_step(&self) -> Option<(Duration, u16, String, Option<Duration>)> {
        let mut waited = Duration::ZERO;
        for step in &self.steps {
            match step {
                Step::Delay(d) => waited += *d,
                Step::HttpError {
                    status,
                    message,
                    retry_after,
                } => {
                    return Some((waited, *status, message.clone(), *retry_after));
                }
                _ => {}
            }
        }
        None
    }
}

#[derive(Default)]
struct Shared {
    queue: VecDeque<Script>,
    /// The reply when no script is queued (None: DEFAULT_REPLY).
    default: Option<Script>,
    /// Scripts for agent requests whose messages contain a marker.
    keyed: Vec<(String, Script)>,
    requests: Vec<Value>,
    agent_requests: usize,
    /// Models listed after those given at start (llama-swap's config grew).
    added_models: Vec<String>,
}

#[derive(Clone)]
struct AppState {
    models: Arc<Vec<String>>,
    shared: Arc<Mutex<Shared>>,
}

/// A running scripted model server; dropping it shuts it down.
pub struct ModelServer {
    url: String,
    shared: Arc<Mutex<Shared>>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ModelServer {
    /// Starts the server; it is listening when this returns.
    pub fn start(models: &[&str]) -> ModelServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind model server");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let port = listener.local_addr().expect("local addr").port();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let state = AppState {
            models: Arc::new(models.iter().map(|m| m.to_string()).collect()),
            shared: shared.clone(),
        };
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("model-server-{port}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("model server runtime");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    let app = Router::new()
                        .route("/v1/models", get(list_models))
                        .route("/v1/chat/completions", post(chat_completions))
                        .with_state(state);
                    tokio::select! {
                        result = axum::serve(listener, app) => {
                            if let Err(e) = result {
                                eprintln!("model server: {e}");
                            }
                        }
                        _ = shutdown_rx => {}
                    }
                });
                // Cancels every open connection, stalled streams included.
                runtime.shutdown_background();
            })
            .expect("spawn model server thread");
        ModelServer {
            url: format!("http://127.0.0.1:{port}"),
            shared,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT` (no `/v1`).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Queues a scripted reply for the next agent chat request.
    pub fn push(&self, script: Script) {
        self.lock().queue.push_back(script);
    }

    /// The reply to agent requests when nothing is queued.
    pub fn set_default(&self, script: Script) {
        self.lock().default = Some(script);
    }

    /// Queues a scripted reply for the next agent request whose messages
    /// contain `marker` (before the plain queue is consulted): for concurrent
    /// sessions, keyed by their prompt or by the working directory opencode
    /// names in its system prompt.
    pub fn push_for(&self, marker: &str, script: Script) {
        self.lock().keyed.push((marker.to_string(), script));
    }

    /// List one more model from now on, as llama-swap does after its
    /// config gained one.
    pub fn add_model(&self, id: &str) {
        self.lock().added_models.push(id.to_string());
    }

    /// Every chat request body received, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.lock().requests.clone()
    }

    /// How many chat requests carried `tools`.
    pub fn agent_requests(&self) -> usize {
        self.lock().agent_requests
    }

    /// How many queued scripts no request has taken yet.
    pub fn pending_scripts(&self) -> usize {
        self.lock().queue.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for ModelServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn list_models(State(state): State<AppState>) -> Response {
    let added = state
        .shared
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .added_models
        .clone();
    let data: Vec<Value> = state
        .models
        .iter()
        .chain(added.iter())
        .map(|id| json!({"id": id, "object": "model", "created": 0, "owned_by": "scripted"}))
        .collect();
    axum::Json(json!({"object": "list", "data": data})).into_response()
}

async fn chat_completions(State(state): State<AppState>, body: Bytes) -> Response {
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return error_response(400, &format!("invalid JSON body: {e}")),
    };
    let is_agent = request
        .get("tools")
        .and_then(Value::as_array)
        .is_some_and(|tools| !tools.is_empty());
    let stream = request
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("scripted")
        .to_string();
    let script = {
        let mut shared = state.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.requests.push(request);
        if is_agent {
            shared.agent_requests += 1;
            let prompt = shared.requests.last().expect("just pushed")["messages"].to_string();
            match shared
                .keyed
                .iter()
                .position(|(m, _)| prompt.contains(m.as_str()))
            {
                Some(i) => shared.keyed.remove(i).1,
                None => match shared.queue.pop_front() {
                    Some(script) => script,
                    None => shared
                        .default
                        .clone()
                        .unwrap_or_else(|| Script::new().text(DEFAULT_REPLY)),
                },
            }
        } else {
            Script::new().text(TITLE_REPLY)
        }
    };

    if let Some((wait, status, message, retry_after)) = script.http_error_step() {
        tokio::time::sleep(wait).await;
        let mut response = error_response(status, &message);
        if let Some(after) = retry_after {
            response.headers_mut().insert(
                "retry-after-ms",
                header::HeaderValue::from(after.as_millis() as u64),
            );
        }
        return response;
    }
    if stream {
        stream_response(script, model)
    } else {
        complete_response(script, model).await
    }
}

fn error_response(status: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({
        "error": {
            "message": message,
            "type": if status.is_server_error() { "server_error" } else { "invalid_request_error" },
            "code": status.as_u16(),
        }
    });
    (status, axum::Json(body)).into_response()
}

/// Splits text into word chunks that join back to the original exactly:
/// "Hello from it." -> ["Hello", " from", " it."].
fn word_chunks(text: &str) -> Vec<String> {
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if in_word {
                chunks.push(std::mem::take(&mut current));
                in_word = false;
            }
        } else {
            in_word = true;
        }
        current.push(c);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

fn usage(completion_tokens: usize) -> Value {
    json!({
        "prompt_tokens": 10,
        "completion_tokens": completion_tokens,
        "total_tokens": 10 + completion_tokens,
    })
}

fn stream_response(script: Script, model: String) -> Response {
    let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(16);
    tokio::spawn(async move {
        // Ends early (send fails) when the client goes away.
        let _ = produce_stream(script, model, &tx).await;
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(ReceiverStream::new(rx)))
        .expect("stream response")
}

struct ClientGone;

async fn produce_stream(
    script: Script,
    model: String,
    tx: &mpsc::Sender<Result<Bytes, Infallible>>,
) -> Result<(), ClientGone> {
    let id = format!("chatcmpl-scripted-{}", next_id());
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let chunk = |delta: Value, finish_reason: Value, usage: Option<Value>| -> Value {
        let mut c = json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        });
        if let Some(u) = usage {
            c["usage"] = u;
        }
        c
    };
    async fn send(
        tx: &mpsc::Sender<Result<Bytes, Infallible>>,
        line: String,
    ) -> Result<(), ClientGone> {
        tx.send(Ok(Bytes::from(line))).await.map_err(|_| ClientGone)
    }
    let data = |v: &Value| format!("data: {v}\n\n");

    send(
        tx,
        data(&chunk(
            json!({"role": "assistant", "content": ""}),
            Value::Null,
            None,
        )),
    )
    .await?;
    let mut tokens = 0usize;
    let mut tool_index = 0usize;
    for step in &script.steps {
        match step {
            Step::Reasoning(text) => {
                for piece in word_chunks(text) {
                    tokens += 1;
                    send(
                        tx,
                        data(&chunk(
                            json!({"reasoning_content": piece}),
                            Value::Null,
                            None,
                        )),
                    )
                    .await?;
                }
            }
            Step::Text(text) => {
                for piece in word_chunks(text) {
                    tokens += 1;
                    send(
                        tx,
                        data(&chunk(json!({"content": piece}), Value::Null, None)),
                    )
                    .await?;
                }
            }
            Step::Delay(d) => {
                tokio::select! {
                    _ = tokio::time::sleep(*d) => {}
                    _ = tx.closed() => return Err(ClientGone),
                }
            }
            Step::ToolCall { name, arguments } => {
                let args = arguments.to_string();
                let split = split_point(&args);
                let (first, rest) = args.split_at(split);
                let call_id = format!("call_scripted_{}", next_id());
                send(
                    tx,
                    data(&chunk(
                        json!({"tool_calls": [{
                            "index": tool_index,
                            "id": call_id,
                            "type": "function",
                            "function": {"name": name, "arguments": first},
                        }]}),
                        Value::Null,
                        None,
                    )),
                )
                .await?;
                if !rest.is_empty() {
                    send(
                        tx,
                        data(&chunk(
                            json!({"tool_calls": [{
                                "index": tool_index,
                                "function": {"arguments": rest},
                            }]}),
                            Value::Null,
                            None,
                        )),
                    )
                    .await?;
                }
                tool_index += 1;
                tokens += 1;
            }
            Step::Stall => {
                tx.closed().await;
                return Err(ClientGone);
            }
            Step::HttpError { .. } => {}
            Step::Malformed => {
                send(tx, "data: {this is not json\n\n".to_string()).await?;
            }
        }
    }
    let finish = if script.has_tool_calls() {
        "tool_calls"
    } else {
        "stop"
    };
    send(
        tx,
        data(&chunk(json!({}), json!(finish), Some(usage(tokens)))),
    )
    .await?;
    send(tx, "data: [DONE]\n\n".to_string()).await?;
    Ok(())
}

/// Roughly the middle of `s`, on a char boundary.
fn split_point(s: &str) -> usize {
    let mut i = s.len() / 2;
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

async fn complete_response(script: Script, model: String) -> Response {
    let mut content = String::new();
    let mut reasoning = String::new();
    let mut tool_calls: Vec<Value> = Vec::new();
    let mut tokens = 0usize;
    for step in &script.steps {
        match step {
            Step::Reasoning(text) => {
                reasoning.push_str(text);
                tokens += word_chunks(text).len();
            }
            Step::Text(text) => {
                content.push_str(text);
                tokens += word_chunks(text).len();
            }
            Step::Delay(d) => tokio::time::sleep(*d).await,
            Step::ToolCall { name, arguments } => {
                tool_calls.push(json!({
                    "id": format!("call_scripted_{}", next_id()),
                    "type": "function",
                    "function": {"name": name, "arguments": arguments.to_string()},
                }));
                tokens += 1;
            }
            Step::Stall => std::future::pending::<()>().await,
            Step::HttpError { .. } => {}
            Step::Malformed => {
                return Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{this is not json"))
                    .expect("malformed response");
            }
        }
    }
    let mut message = json!({"role": "assistant", "content": content});
    if !reasoning.is_empty() {
        message["reasoning_content"] = json!(reasoning);
    }
    let finish = if tool_calls.is_empty() {
        "stop"
    } else {
        message["tool_calls"] = json!(tool_calls);
        "tool_calls"
    };
    axum::Json(json!({
        "id": format!("chatcmpl-scripted-{}", next_id()),
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": usage(tokens),
    }))
    .into_response()
}

/// The model server on its own, through plain HTTP.
mod tests {
    use super::*;

    async fn post(server: &ModelServer, body: Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}/v1/chat/completions", server.url()))
            .json(&body)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("post chat completion")
    }

    fn agent_body(stream: bool) -> Value {
        json!({
            "model": "m1",
            "stream": stream,
            "messages": [{"role": "user", "content": "hi"}],
            "tools": [{"type": "function", "function": {"name": "write", "parameters": {}}}],
        })
    }

    /// The `data:` payloads of an SSE body.
    fn sse_data(body: &str) -> Vec<String> {
        body.lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .map(str::to_string)
            .collect()
    }

    #[tokio::test]
    async fn lists_models() {
        let server = ModelServer::start(&["m1", "m2"]);
        let body: Value = reqwest::get(format!("{}/v1/models", server.url()))
            .await
            .expect("get models")
            .json()
            .await
            .expect("models json");
        assert_eq!(body["object"], "list");
        let ids: Vec<&str> = body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|m| m["id"].as_str().expect("id"))
            .collect();
        assert_eq!(ids, ["m1", "m2"]);
        assert_eq!(body["data"][0]["owned_by"], "scripted");
    }

    #[tokio::test]
    async fn streams_a_script() {
        let server = ModelServer::start(&["m1"]);
        server.push(
            Script::new()
                .reasoning("Let me think.")
                .delay(Duration::from_millis(20))
                .text("Hello there, world.")
                .tool_call("write", json!({"filePath": "/tmp/x", "content": "hi\n"})),
        );
        let resp = post(&server, agent_body(true)).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(
            resp.headers()[header::CONTENT_TYPE.as_str()],
            "text/event-stream"
        );
        let data = sse_data(&resp.text().await.expect("body"));
        assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
        let chunks: Vec<Value> = data[..data.len() - 1]
            .iter()
            .map(|d| serde_json::from_str(d).expect("chunk JSON"))
            .collect();
        let (mut text, mut reasoning, mut args) = (String::new(), String::new(), String::new());
        let mut text_chunks = 0;
        for c in &chunks {
            assert_eq!(c["object"], "chat.completion.chunk");
            let delta = &c["choices"][0]["delta"];
            if let Some(t) = delta["content"].as_str().filter(|t| !t.is_empty()) {
                text.push_str(t);
                text_chunks += 1;
            }
            if let Some(r) = delta["reasoning_content"].as_str() {
                reasoning.push_str(r);
            }
            if let Some(calls) = delta["tool_calls"].as_array() {
                assert_eq!(calls[0]["index"], 0);
                args.push_str(calls[0]["function"]["arguments"].as_str().unwrap_or(""));
            }
        }
        assert_eq!(text, "Hello there, world.");
        assert_eq!(text_chunks, 3);
        assert_eq!(reasoning, "Let me think.");
        let args: Value = serde_json::from_str(&args).expect("arguments JSON");
        assert_eq!(args, json!({"filePath": "/tmp/x", "content": "hi\n"}));
        let last = chunks.last().expect("final chunk");
        assert_eq!(last["choices"][0]["finish_reason"], "tool_calls");
        assert!(last["usage"]["total_tokens"].as_u64().is_some());
        assert_eq!(server.agent_requests(), 1);
        assert_eq!(server.requests().len(), 1);
    }

    #[tokio::test]
    async fn title_requests_leave_the_queue_alone() {
        let server = ModelServer::start(&["m1"]);
        server.push(Script::new().text("Scripted answer."));
        for stream in [true, false] {
            let resp = post(
                &server,
                json!({"model": "m1", "stream": stream, "messages": [{"role": "user", "content": "title?"}]}),
            )
            .await;
            let body = resp.text().await.expect("body");
            if stream {
                let text: String = sse_data(&body)
                    .iter()
                    .filter(|d| *d != "[DONE]")
                    .filter_map(|d| {
                        let v: Value = serde_json::from_str(d).ok()?;
                        v["choices"][0]["delta"]["content"]
                            .as_str()
                            .map(str::to_string)
                    })
                    .collect();
                assert_eq!(text, TITLE_REPLY);
            } else {
                let v: Value = serde_json::from_str(&body).expect("completion JSON");
                assert_eq!(v["choices"][0]["message"]["content"], TITLE_REPLY);
            }
        }
        assert_eq!(server.pending_scripts(), 1);
        assert_eq!(server.agent_requests(), 0);

        // Non-streaming agent requests: the script, then the default.
        for expected in ["Scripted answer.", DEFAULT_REPLY] {
            let v: Value = post(&server, agent_body(false))
                .await
                .json()
                .await
                .expect("completion JSON");
            assert_eq!(v["object"], "chat.completion");
            assert_eq!(v["choices"][0]["message"]["content"], expected);
            assert_eq!(v["choices"][0]["finish_reason"], "stop");
        }
        // A configured default replaces DEFAULT_REPLY, every time.
        server.set_default(Script::new().text("Canned."));
        for _ in 0..2 {
            let v: Value = post(&server, agent_body(false))
                .await
                .json()
                .await
                .expect("JSON");
            assert_eq!(v["choices"][0]["message"]["content"], "Canned.");
        }
        assert_eq!(server.agent_requests(), 4);
        assert_eq!(server.requests().len(), 6);
    }

    #[tokio::test]
    async fn http_errors_and_malformed_lines() {
        let server = ModelServer::start(&["m1"]);
        server.push(Script::new().http_error(503, "busy"));
        server.push(Script::new().http_error_retry_after(
            429,
            "slow down",
            Duration::from_millis(1500),
        ));
        server.push(Script::new().text("a").malformed().text("b"));

        let resp = post(&server, agent_body(true)).await;
        assert_eq!(resp.status(), 503);
        let body: Value = resp.json().await.expect("error JSON");
        assert_eq!(body["error"]["message"], "busy");

        let resp = post(&server, agent_body(true)).await;
        assert_eq!(resp.status(), 429);
        assert_eq!(resp.headers()["retry-after-ms"], "1500");

        let body = post(&server, agent_body(true))
            .await
            .text()
            .await
            .expect("body");
        let bad: Vec<String> = sse_data(&body)
            .into_iter()
            .filter(|d| d != "[DONE]" && serde_json::from_str::<Value>(d).is_err())
            .collect();
        assert_eq!(bad.len(), 1, "body: {body}");
    }

    #[tokio::test]
    async fn stall_holds_the_stream_until_the_server_goes() {
        let server = ModelServer::start(&["m1"]);
        server.push(Script::new().text("before").stall());
        let mut resp = post(&server, agent_body(true)).await;
        let mut seen = String::new();
        while !seen.contains("before") {
            let chunk = resp.chunk().await.expect("chunk").expect("more body");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
        // Nothing more arrives while stalled.
        let more = tokio::time::timeout(Duration::from_millis(300), resp.chunk()).await;
        assert!(more.is_err(), "got {more:?}");
        // Dropping the server ends the stream (as an error or EOF) promptly.
        tokio::task::spawn_blocking(move || drop(server))
            .await
            .expect("drop server");
        let end = tokio::time::timeout(Duration::from_secs(5), async {
            while let Ok(Some(c)) = resp.chunk().await {
                assert!(!String::from_utf8_lossy(&c).contains("[DONE]"));
            }
        })
        .await;
        assert!(
            end.is_ok(),
            "stream still open after the server was dropped"
        );
    }
}
