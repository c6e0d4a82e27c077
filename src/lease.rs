//! A session's lease: one turn (or landing) at a time per session, across
//! processes and machines. Below the session layer and the worktree
//! service, which both hold it. Taken (or waited for) before a turn, renewed in the background,
//! and lost when another process takes it over or it cannot be renewed in
//! time: the turn holding it must then stop its agent and write nothing more.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::Exit;
use crate::config::Config;
use crate::store::{LeaseAttempt, LeaseRow, Store, TurnRow};
use crate::timestamp::{format_utc, now_ms};

/// A lease that could not be taken, or was lost.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    #[error("session {name} is busy (turn started {started} by {owner})")]
    Busy {
        name: String,
        owner: String,
        started: String,
    },
    #[error(
        "session {name} lost its lease ({why}): the agent turn was aborted and nothing more was recorded"
    )]
    Lost { name: String, why: String },
}

impl LeaseError {
    pub fn exit(&self) -> Exit {
        match self {
            LeaseError::Busy { .. } => Exit::No,
            LeaseError::Lost { .. } => Exit::Runtime,
        }
    }

    pub fn hint(&self) -> Option<String> {
        Some(match self {
            LeaseError::Busy { .. } => {
                "wait for that turn (or pass --wait to queue behind it)".into()
            }
            LeaseError::Lost { .. } => {
                "another process runs this session now; raise lease_seconds if this process \
                 stalls or the database is slow"
                    .into()
            }
        })
    }
}

/// How soon a failed lease renewal is tried again.
const RENEW_RETRY: Duration = Duration::from_millis(200);

/// How often `--wait` retries a busy lease.
const LEASE_POLL: Duration = Duration::from_millis(250);

/// `host:pid`, how leases name their owner.
pub fn lease_owner() -> String {
    format!("{}:{}", crate::util::hostname(), std::process::id())
}

/// Whether `lease`'s owner (`host:pid`) is a process of this host that is
/// gone: its pid unused, a zombie, or now another process (started at
/// another time than the owner). Owners on other hosts are never judged
/// (their leases expire).
pub(crate) fn owner_gone_here(lease: &LeaseRow) -> bool {
    let Some((host, pid)) = lease.owner.rsplit_once(':') else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    host == crate::util::hostname()
        && pid != std::process::id()
        && crate::util::process::process_gone(pid, lease.owner_start)
}

/// A held lease, renewed in the background until released. Lost when it
/// was taken over or could not be renewed before it expired: the turn
/// holding it must stop and write nothing more.
pub(crate) struct Lease {
    store: Store,
    session: String,
    owner: String,
    renewer: tokio::task::JoinHandle<()>,
    pub(crate) lost: CancellationToken,
    why: Arc<std::sync::Mutex<Option<String>>>,
}

impl Lease {
    /// Take the session's lease (or wait for it with `wait`), and renew it
    /// in the background until released or lost.
    pub(crate) async fn take(
        store: &Store,
        config: &Config,
        key: &str,
        owner: &str,
        wait: bool,
        cancel: &CancellationToken,
    ) -> crate::Result<Lease> {
        let ttl = config.lease_ttl;
        let ttl_ms = ttl.as_millis() as i64;
        // This process's start time goes with its own `host:pid`.
        let started = (owner == lease_owner())
            .then(|| crate::util::process::start_time(std::process::id()))
            .flatten();
        let mut asked;
        loop {
            asked = Instant::now();
            match store
                .acquire_lease_started(key, owner, started, ttl_ms)
                .await?
            {
                LeaseAttempt::Acquired(_) => break,
                // Its owner is a process of this host that is gone (killed,
                // crashed): taken over now, not when the lease expires.
                LeaseAttempt::Busy(held) if owner_gone_here(&held) => {
                    if store
                        .take_over_lease(&held, owner, started, ttl_ms)
                        .await?
                        .is_some()
                    {
                        tracing::info!("took over the lease of {key} from {}, gone", held.owner);
                        break;
                    }
                }
                LeaseAttempt::Busy(held) if !wait => {
                    return Err(LeaseError::Busy {
                        name: key.into(),
                        owner: held.owner,
                        started: format_utc(held.acquired_at),
                    }
                    .into());
                }
                LeaseAttempt::Busy(_) => {
                    tokio::select! {
                        _ = cancel.cancelled() => return Err(crate::Error::Interrupted),
                        _ = tokio::time::sleep(LEASE_POLL) => {}
                    }
                }
            }
        }
        let lost = CancellationToken::new();
        let why = Arc::new(std::sync::Mutex::new(None));
        let renewer = tokio::spawn(renew(
            store.clone(),
            key.to_string(),
            owner.to_string(),
            asked + ttl,
            ttl,
            lost.clone(),
            why.clone(),
        ));
        Ok(Lease {
            store: store.clone(),
            session: key.into(),
            owner: owner.into(),
            renewer,
            lost,
            why,
        })
    }

    /// The turn a crashed owner left `running` (its lease expired), if any;
    /// the lease is released when the database cannot say.
    pub(crate) async fn crashed_turn(&self) -> crate::Result<Option<TurnRow>> {
        match self.store.last_turn(&self.session).await {
            Ok(t) => Ok(t.filter(|t| t.status == crate::agent::TurnStatus::Running)),
            Err(e) => Err(e.into()),
        }
    }

    /// Record the crashed owner's turn as `crashed`.
    pub(crate) async fn settle_crashed(&self, last: &TurnRow) -> crate::Result<()> {
        self.store
            .finish_turn(
                last.id,
                crate::agent::TurnStatus::Crashed,
                now_ms(),
                &last.tokens,
                Some("the process running this turn ended before it finished"),
            )
            .await?;
        Ok(())
    }

    pub(crate) async fn release(self) {
        self.renewer.abort();
        if self.lost.is_cancelled() {
            return;
        }
        if let Err(e) = self.store.release_lease(&self.session, &self.owner).await {
            tracing::warn!("cannot release the lease of {}: {e}", self.session);
        }
    }

    fn lose(&self, why: String) {
        lose(&self.lost, &self.why, why);
    }

    /// Whether the lease is still this process's, asked of the database
    /// (the renewer may not have noticed yet).
    pub(crate) async fn check(&self) -> bool {
        if self.lost.is_cancelled() {
            return false;
        }
        match self.store.get_lease(&self.session).await {
            Ok(Some(l)) if l.owner == self.owner => true,
            Ok(Some(l)) => {
                self.lose(format!("it was taken over by {}", l.owner));
                false
            }
            Ok(None) => {
                self.lose("it was released by another process".into());
                false
            }
            Err(e) => {
                self.lose(format!("the database cannot confirm it: {e}"));
                false
            }
        }
    }

    pub(crate) fn error(&self) -> LeaseError {
        LeaseError::Lost {
            name: self.session.clone(),
            why: self
                .why
                .lock()
                .expect("lease reason")
                .clone()
                .unwrap_or_else(|| "it was lost".into()),
        }
    }
}

/// Renew `owner`'s lease of `name` every third of `ttl` until it is lost:
/// a failed renewal is retried at once, for as long as the lease is still
/// surely ours (`valid_until`: at least `ttl` after the request that took
/// or renewed it was sent); lost once it may have expired, or when another
/// owner has it.
async fn renew(
    store: Store,
    name: String,
    me: String,
    mut valid_until: Instant,
    ttl: Duration,
    lost: CancellationToken,
    why: Arc<std::sync::Mutex<Option<String>>>,
) {
    let ttl_ms = ttl.as_millis() as i64;
    let step = ttl / 3;
    loop {
        tokio::time::sleep(step).await;
        let mut last_error = String::new();
        loop {
            let sent = Instant::now();
            let left = valid_until.saturating_duration_since(sent);
            if left.is_zero() {
                lose(
                    &lost,
                    &why,
                    format!("it could not be renewed before it expired ({last_error})"),
                );
                return;
            }
            match tokio::time::timeout(left, store.renew_lease(&name, &me, ttl_ms)).await {
                Ok(Ok(true)) => {
                    valid_until = sent + ttl;
                    break;
                }
                Ok(Ok(false)) => {
                    let by = match store.get_lease(&name).await {
                        Ok(Some(l)) => format!("it was taken over by {}", l.owner),
                        _ => "it was taken over".to_string(),
                    };
                    lose(&lost, &why, by);
                    return;
                }
                failed => {
                    last_error = match failed {
                        Ok(Err(e)) => store.explain(e).to_string(),
                        _ => format!("no answer within {} ms", left.as_millis()),
                    };
                    tracing::warn!("cannot renew the lease of {name}: {last_error}");
                    tokio::time::sleep(RENEW_RETRY.min(left)).await;
                }
            }
        }
    }
}

fn lose(token: &CancellationToken, slot: &std::sync::Mutex<Option<String>>, why: String) {
    let mut w = slot.lock().expect("lease reason");
    if w.is_none() {
        *w = Some(why);
    }
    token.cancel();
}
