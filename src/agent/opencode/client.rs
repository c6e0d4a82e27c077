//! opencode's HTTP API: Basic auth on every route, `?directory=` to say
//! which worktree a request is about.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::agent::PermissionReply;
use serde_json::{Value, json};

use super::OpencodeError;

/// The user name opencode expects with `OPENCODE_SERVER_PASSWORD`.
pub const USERNAME: &str = "opencode";

/// How long an ordinary request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// `GET /global/health`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Health {
    pub healthy: bool,
    #[serde(default)]
    pub version: String,
}

/// A session's state in `GET /session/status` (busy sessions only).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct SessionStatus {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub attempt: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
}

/// A client of one opencode server.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    password: String,
    http: reqwest::Client,
}

impl Client {
    pub fn new(url: &str, password: &str) -> Client {
        Client {
            base: url.trim_end_matches('/').to_string(),
            password: password.to_string(),
            http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .pool_idle_timeout(Duration::from_secs(30))
                .build()
                .expect("HTTP client"),
        }
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        dir: Option<&Path>,
    ) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .basic_auth(USERNAME, Some(&self.password));
        if let Some(d) = dir {
            r = r.query(&[("directory", d.to_string_lossy())]);
        }
        r
    }

    /// Send; 401 -> Unauthorized, other non-2xx -> Http (unless `ok` accepts it).
    async fn send(
        &self,
        route: &str,
        req: reqwest::RequestBuilder,
        timeout: Duration,
        ok: impl Fn(u16) -> bool,
    ) -> Result<(u16, String), OpencodeError> {
        let resp = req
            .timeout(timeout)
            .send()
            .await
            .map_err(|source| OpencodeError::Request {
                route: route.to_string(),
                source,
            })?;
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap_or_default();
        if status == 401 {
            return Err(OpencodeError::Unauthorized {
                route: route.to_string(),
            });
        }
        if !(200..300).contains(&status) && !ok(status) {
            return Err(OpencodeError::Http {
                route: route.to_string(),
                status,
                body: body.chars().take(500).collect(),
            });
        }
        Ok((status, body))
    }

    fn parse<T: serde::de::DeserializeOwned>(route: &str, body: &str) -> Result<T, OpencodeError> {
        serde_json::from_str(body).map_err(|e| OpencodeError::Http {
            route: route.to_string(),
            status: 200,
            body: format!(
                "unexpected body ({e}): {}",
                body.chars().take(200).collect::<String>()
            ),
        })
    }

    /// `GET /global/health`, bounded by `timeout` (a request sent while the
    /// server starts can be accepted and never answered).
    pub async fn health(&self, timeout: Duration) -> Result<Health, OpencodeError> {
        let route = "GET /global/health";
        let (_, body) = self
            .send(
                route,
                self.request(reqwest::Method::GET, "/global/health", None),
                timeout,
                |_| false,
            )
            .await?;
        Self::parse(route, &body)
    }

    /// `POST /session?directory=D` -> the new session's id.
    pub async fn create_session(&self, dir: &Path) -> Result<String, OpencodeError> {
        let route = "POST /session";
        let req = self
            .request(reqwest::Method::POST, "/session", Some(dir))
            .json(&json!({}));
        let (_, body) = self.send(route, req, REQUEST_TIMEOUT, |_| false).await?;
        let v: Value = Self::parse(route, &body)?;
        v["id"]
            .as_str()
            .map(String::from)
            .ok_or_else(|| OpencodeError::Http {
                route: route.into(),
                status: 200,
                body: format!("no id in {v}"),
            })
    }

    /// `GET /session/<id>?directory=D`; None when the session is gone (404,
    /// or the 503 some versions give after a restart).
    pub async fn get_session(&self, id: &str, dir: &Path) -> Result<Option<Value>, OpencodeError> {
        let route = "GET /session/<id>";
        let req = self.request(reqwest::Method::GET, &format!("/session/{id}"), Some(dir));
        let (status, body) = self
            .send(route, req, REQUEST_TIMEOUT, |s| s == 404 || s == 503)
            .await?;
        if status == 404 || status == 503 {
            return Ok(None);
        }
        Self::parse(route, &body).map(Some)
    }

    /// `POST /session/<id>/prompt_async` (204 at once). `model` is
    /// `(providerID, modelID)`; `agent` an opencode agent/mode name.
    pub async fn prompt_async(
        &self,
        id: &str,
        dir: &Path,
        text: &str,
        model: Option<(&str, &str)>,
        agent: Option<&str>,
    ) -> Result<(), OpencodeError> {
        let mut body = json!({"parts": [{"type": "text", "text": text}]});
        if let Some((provider, model)) = model {
            body["model"] = json!({"providerID": provider, "modelID": model});
        }
        if let Some(agent) = agent {
            body["agent"] = json!(agent);
        }
        let req = self
            .request(
                reqwest::Method::POST,
                &format!("/session/{id}/prompt_async"),
                Some(dir),
            )
            .json(&body);
        self.send(
            "POST /session/<id>/prompt_async",
            req,
            REQUEST_TIMEOUT,
            |_| false,
        )
        .await
        .map(drop)
    }

    /// `POST /session/<id>/abort`.
    /// `POST /instance/dispose?directory=D`: the server drops what it keeps
    /// for a directory.
    pub async fn dispose_instance(&self, dir: &Path) -> Result<(), OpencodeError> {
        let req = self.request(reqwest::Method::POST, "/instance/dispose", Some(dir));
        self.send("POST /instance/dispose", req, REQUEST_TIMEOUT, |_| false)
            .await
            .map(drop)
    }

    pub async fn abort(&self, id: &str, dir: &Path) -> Result<(), OpencodeError> {
        let req = self.request(
            reqwest::Method::POST,
            &format!("/session/{id}/abort"),
            Some(dir),
        );
        self.send("POST /session/<id>/abort", req, REQUEST_TIMEOUT, |_| false)
            .await
            .map(drop)
    }

    /// `GET /session/status?directory=D`: the busy sessions of a directory.
    pub async fn session_status(
        &self,
        dir: &Path,
    ) -> Result<HashMap<String, SessionStatus>, OpencodeError> {
        let route = "GET /session/status";
        let req = self.request(reqwest::Method::GET, "/session/status", Some(dir));
        let (_, body) = self.send(route, req, REQUEST_TIMEOUT, |_| false).await?;
        Self::parse(route, &body)
    }

    /// `GET /session/<id>/message?directory=D&limit=N`: the last messages.
    pub async fn messages(
        &self,
        id: &str,
        dir: &Path,
        limit: usize,
    ) -> Result<Vec<Value>, OpencodeError> {
        let route = "GET /session/<id>/message";
        let req = self
            .request(
                reqwest::Method::GET,
                &format!("/session/{id}/message"),
                Some(dir),
            )
            .query(&[("limit", limit)]);
        let (_, body) = self.send(route, req, REQUEST_TIMEOUT, |_| false).await?;
        Self::parse(route, &body)
    }

    /// `POST /permission/<id>/reply`.
    pub async fn reply_permission(
        &self,
        permission_id: &str,
        dir: &Path,
        reply: PermissionReply,
    ) -> Result<(), OpencodeError> {
        let req = self
            .request(
                reqwest::Method::POST,
                &format!("/permission/{permission_id}/reply"),
                Some(dir),
            )
            .json(&json!({"reply": reply}));
        self.send("POST /permission/<id>/reply", req, REQUEST_TIMEOUT, |_| {
            false
        })
        .await
        .map(drop)
    }

    /// Open `GET /global/event` (the one stream for every directory).
    pub(crate) async fn open_events(&self) -> Result<reqwest::Response, OpencodeError> {
        let route = "GET /global/event";
        let req = self
            .request(reqwest::Method::GET, "/global/event", None)
            .header("Accept", "text/event-stream");
        let resp = tokio::time::timeout(Duration::from_secs(10), req.send())
            .await
            .map_err(|_| OpencodeError::Http {
                route: route.into(),
                status: 0,
                body: "no response within 10 s".into(),
            })?
            .map_err(|source| OpencodeError::Request {
                route: route.into(),
                source,
            })?;
        match resp.status().as_u16() {
            200 => Ok(resp),
            401 => Err(OpencodeError::Unauthorized {
                route: route.into(),
            }),
            status => Err(OpencodeError::Http {
                route: route.into(),
                status,
                body: String::new(),
            }),
        }
    }
}
