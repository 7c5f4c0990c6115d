//! The background worker that sends due deliveries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use activitypub_federation::activity_sending::SendActivityTask;
use activitypub_federation::config::{Data, FederationConfig};
use reqwest_middleware::ClientWithMiddleware;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinSet;
use url::Url;

use super::schedule::next_attempt;
use super::NODE_SIGNER;
use crate::domain::time;
use crate::domain::urls::Urls;
use crate::infra::config::Config;
use crate::infra::outbound::knocks::{Knocks, Standard};
use crate::infra::outbound::policy::PolicyCache;
use crate::infra::outbound::rfc9421;
use crate::infra::outbound::{Signer, StoredActivity};
use crate::infra::store::{coops, deleted_coops, deliveries, node_actor, Db, StoreError};

/// A claimed delivery belongs to its worker for this long; a worker that
/// dies mid-send leaves it to others after that.
/// Three times the request timeout, so a live worker never loses a send
/// it is still making.
const LEASE: Duration = Duration::from_secs(30);
/// Sends in flight at once, over all hosts.
const MAX_IN_FLIGHT: usize = 32;
/// Sends in flight at or below which the worker looks for more work.
const REFILL_AT: usize = MAX_IN_FLIGHT / 2;
/// How long a signing identity read from the database is reused. Keys do
/// not change; a deleted coop's deliveries stop within this time.
const SIGNER_TTL: Duration = Duration::from_secs(60);
/// Longest idle sleep: also how soon work queued by another process is seen.
const IDLE_POLL: Duration = Duration::from_secs(2);

enum Outcome {
    Delivered,
    /// Worth trying again later.
    Retry(String),
    /// Retrying cannot help (the inbox URL is refused, the signer is gone).
    Permanent(String),
}

/// Sends in flight, per destination host, keyed by task so that a task that
/// ends in any way (even a panic) releases its host's slot.
#[derive(Default)]
struct InFlight {
    tasks: HashMap<tokio::task::Id, String>,
    per_host: HashMap<String, usize>,
}

impl InFlight {
    fn to(&self, host: &str) -> usize {
        self.per_host.get(host).copied().unwrap_or(0)
    }

    fn start(&mut self, task: tokio::task::Id, host: String) {
        *self.per_host.entry(host.clone()).or_default() += 1;
        self.tasks.insert(task, host);
    }

    fn finish(&mut self, task: tokio::task::Id) {
        if let Some(host) = self.tasks.remove(&task) {
            if let Some(n) = self.per_host.get_mut(&host) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.per_host.remove(&host);
                }
            }
        }
    }
}

pub struct DeliveryWorker {
    db: Db,
    urls: Urls,
    federation: FederationConfig<()>,
    per_host: usize,
    wake: Arc<Notify>,
    signers: Mutex<HashMap<String, (Instant, Signer)>>,
    /// For RFC 9421 sends, which the library does not make.
    http: ClientWithMiddleware,
    knocks: Arc<Knocks>,
}

/// How an RFC 9421 knock went.
enum Knock {
    /// 2xx.
    Taken,
    /// 400, 401 or 403: the signature was not understood or not accepted.
    Refused(reqwest::StatusCode),
    /// Anything else: as a draft-cavage send would end.
    Ended(Outcome),
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Database("the signer cache lock is poisoned".into())
}

/// Stops the worker; unfinished sends stay queued for the next start.
pub struct WorkerHandle {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

fn duration_since(earlier: chrono::NaiveDateTime, now: chrono::NaiveDateTime) -> Duration {
    (now - earlier).to_std().unwrap_or(Duration::ZERO)
}

impl DeliveryWorker {
    /// `wake` is notified whenever work is queued, so sends start at once.
    /// Sends to a host the federation `policy` refuses are dropped.
    pub async fn new(
        db: Db,
        config: &Config,
        wake: Arc<Notify>,
        policy: Arc<PolicyCache>,
        knocks: Arc<Knocks>,
    ) -> anyhow::Result<Self> {
        if config.dev_mode {
            tracing::warn!("DEVELOPMENT MODE: federating over plain http and with loopback hosts; never use this in production");
        }
        let federation =
            crate::infra::outbound::client::federation_config(config, (), policy, None).await?;
        Ok(DeliveryWorker {
            db,
            urls: Urls::new(&config.public_url),
            federation,
            per_host: config.delivery_concurrency_per_host as usize,
            wake,
            signers: Mutex::new(HashMap::new()),
            http: crate::infra::outbound::client::http_client(config)?,
            knocks,
        })
    }

    pub fn spawn(self) -> WorkerHandle {
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(self.run(stopped));
        WorkerHandle { stop, task }
    }

    async fn run(self, mut stopped: oneshot::Receiver<()>) {
        let this = Arc::new(self);
        let mut in_flight = InFlight::default();
        let mut running: JoinSet<()> = JoinSet::new();
        loop {
            // Refill in batches (one queue read and one claim transaction
            // for many sends), not after every finished send.
            if running.len() <= REFILL_AT {
                this.start_due(&mut in_flight, &mut running).await;
            }
            if running.is_empty() {
                let wait = this.idle_wait().await;
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = this.wake.notified() => {}
                    _ = &mut stopped => break,
                }
            } else {
                tokio::select! {
                    Some(done) = running.join_next_with_id() => {
                        // A panicked send frees its slot too; its lease lets it be retried.
                        let id = match done {
                            Ok((id, ())) => id,
                            Err(e) => {
                                tracing::error!(error = %e, "a delivery task failed");
                                e.id()
                            }
                        };
                        in_flight.finish(id);
                    }
                    _ = this.wake.notified() => {}
                    _ = &mut stopped => break,
                }
            }
        }
        // Leases on interrupted sends expire and the rows are sent again later.
        running.abort_all();
    }

    async fn idle_wait(&self) -> Duration {
        match self.db.read(deliveries::next_due_at).await {
            Ok(Some(at)) => {
                let now = time::now();
                if at <= now {
                    Duration::from_millis(50)
                } else {
                    duration_since(now, at).min(IDLE_POLL)
                }
            }
            _ => IDLE_POLL,
        }
    }

    async fn start_due(self: &Arc<Self>, in_flight: &mut InFlight, running: &mut JoinSet<()>) {
        let now = time::now();
        let due = match self
            .db
            .read(move |c| deliveries::due(c, now, 2 * MAX_IN_FLIGHT as i64))
            .await
        {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the delivery queue");
                return;
            }
        };
        // Pick what the caps allow, then claim the lot in one transaction.
        let mut picked = Vec::new();
        let mut per_host: HashMap<&str, usize> = HashMap::new();
        for d in &due {
            if running.len() + picked.len() >= MAX_IN_FLIGHT {
                break;
            }
            let to_host = per_host.entry(d.host.as_str()).or_default();
            if in_flight.to(&d.host) + *to_host >= self.per_host {
                continue;
            }
            *to_host += 1;
            picked.push(d.id.clone());
        }
        if picked.is_empty() {
            return;
        }
        let lease_until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
        let claimed = match self
            .db
            .write(move |c| deliveries::claim(c, &picked, now, lease_until))
            .await
        {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim deliveries");
                return;
            }
        };
        for d in due.into_iter().filter(|d| claimed.contains(&d.id)) {
            let host = d.host.clone();
            let this = Arc::clone(self);
            let task = running.spawn(async move { this.deliver(d).await });
            in_flight.start(task.id(), host);
        }
    }

    /// The signing identity `name`, from a cache kept for [`SIGNER_TTL`]:
    /// one fan-out signs many deliveries as the same actor.
    async fn signer(&self, name: &str) -> Result<Signer, StoreError> {
        if let Some((at, signer)) = self.signers.lock().map_err(poisoned)?.get(name) {
            if at.elapsed() < SIGNER_TTL {
                return Ok(signer.clone());
            }
        }
        let signer = self.load_signer(name).await?;
        self.signers
            .lock()
            .map_err(poisoned)?
            .insert(name.to_string(), (Instant::now(), signer.clone()));
        Ok(signer)
    }

    async fn load_signer(&self, name: &str) -> Result<Signer, StoreError> {
        let name = name.to_string();
        let urls = self.urls.clone();
        self.db
            .read(move |conn| {
                if name == NODE_SIGNER {
                    let keys = node_actor::keys(conn)?.ok_or(StoreError::NotFound)?;
                    return Ok(Signer {
                        id: urls.node_actor(),
                        inbox: urls.shared_inbox(),
                        public_key_pem: keys.public_key_pem,
                        private_key_pem: keys.private_key_pem,
                    });
                }
                // A deleted coop still signs the Delete of itself.
                let keys = match coops::by_handle(conn, &name)? {
                    Some(coop) => coop.keys,
                    None => deleted_coops::keys(conn, &name)?,
                }
                .ok_or(StoreError::NotFound)?;
                Ok(Signer {
                    id: urls.actor(&name),
                    inbox: urls.actor_part(&name, "inbox"),
                    public_key_pem: keys.public_key_pem,
                    private_key_pem: keys.private_key_pem,
                })
            })
            .await
    }

    async fn attempt(&self, d: &deliveries::Due) -> Outcome {
        let signer = match self.signer(&d.signer).await {
            Ok(s) => s,
            Err(StoreError::NotFound) => {
                return Outcome::Permanent(format!("signer '{}' no longer exists", d.signer))
            }
            Err(e) => return Outcome::Retry(e.to_string()),
        };
        let (Ok(id), Ok(inbox), Ok(body)) = (
            Url::parse(&d.ap_id),
            Url::parse(&d.inbox),
            serde_json::from_str::<serde_json::Value>(&d.body),
        ) else {
            return Outcome::Permanent("stored activity or inbox is malformed".into());
        };
        let activity = StoredActivity {
            id,
            actor: signer.id.clone(),
            body,
        };
        let data: Data<()> = self.federation.to_request_data();
        let tasks =
            match SendActivityTask::prepare(&activity, &signer, vec![inbox.clone()], &data).await {
                Ok(t) => t,
                Err(e) => return Outcome::Retry(e.to_string()),
            };
        let Some(task) = tasks.into_iter().next() else {
            return Outcome::Permanent(
                "the inbox URL is refused (scheme, host or address not allowed, or the host refused by the federation policy)".into(),
            );
        };
        if self.knocks.first(&d.host) == Standard::Rfc9421 {
            match self.knock_rfc9421(&signer, &inbox, &d.body).await {
                Knock::Taken => return Outcome::Delivered,
                Knock::Ended(outcome) => return outcome,
                Knock::Refused(status) => {
                    tracing::info!(host = %d.host, %status, "RFC 9421 signature refused; sending with draft-cavage");
                    self.knocks.remember(&d.host, Standard::DraftCavage);
                }
            }
        }
        match task.sign_and_send(&data).await {
            Ok(()) => Outcome::Delivered,
            Err(e) => Outcome::Retry(e.to_string()),
        }
    }

    /// Sends `body` to `inbox` signed the RFC 9421 way. 2xx delivers; a
    /// refusal of the signature asks for draft-cavage; otherwise it ends as
    /// the library's send would (other 4xx: dropped; 5xx, 408, 429 and
    /// network errors: retried).
    async fn knock_rfc9421(&self, signer: &Signer, inbox: &Url, body: &str) -> Knock {
        let request = self
            .http
            .post(inbox.as_str())
            .header("content-type", "application/activity+json")
            .header(
                "date",
                httpdate::fmt_http_date(std::time::SystemTime::now()),
            )
            .body(body.to_string())
            .build();
        let mut request = match request {
            Ok(r) => r,
            Err(e) => return Knock::Ended(Outcome::Permanent(e.to_string())),
        };
        let key_id = self.urls.key_id(&signer.id);
        if let Err(e) =
            rfc9421::sign_request(&mut request, key_id.as_str(), &signer.private_key_pem)
        {
            return Knock::Ended(Outcome::Permanent(e));
        }
        let status = match self.http.execute(request).await {
            Ok(response) => response.status(),
            Err(e) => return Knock::Ended(Outcome::Retry(e.to_string())),
        };
        use reqwest::StatusCode as S;
        match status {
            s if s.is_success() => Knock::Taken,
            S::BAD_REQUEST | S::UNAUTHORIZED | S::FORBIDDEN => Knock::Refused(status),
            S::REQUEST_TIMEOUT | S::TOO_MANY_REQUESTS => {
                Knock::Ended(Outcome::Retry(format!("{inbox} answered {status}")))
            }
            s if s.is_server_error() => {
                Knock::Ended(Outcome::Retry(format!("{inbox} answered {status}")))
            }
            _ => {
                tracing::info!(%inbox, %status, "delivery refused by the receiver");
                Knock::Ended(Outcome::Delivered)
            }
        }
    }

    async fn deliver(&self, d: deliveries::Due) {
        let outcome = self.attempt(&d).await;
        let now = time::now();
        let (id, host) = (d.id.clone(), d.host.clone());
        let result = match outcome {
            Outcome::Delivered => {
                self.db
                    .write(move |c| deliveries::delivered(c, &d, now))
                    .await
            }
            Outcome::Permanent(error) => {
                tracing::warn!(inbox = %d.inbox, activity = %d.ap_id, %error, "delivery dropped");
                self.db
                    .write(move |c| deliveries::abandon(c, &d, &error, now))
                    .await
            }
            Outcome::Retry(error) => {
                let failures = u32::try_from(d.attempts).unwrap_or(0).saturating_add(1);
                let age = duration_since(d.activity_created_at, now);
                let h = host.clone();
                let failing_for = self
                    .db
                    .read(move |c| deliveries::host_failing_since(c, &h))
                    .await
                    .ok()
                    .flatten()
                    .map(|since| duration_since(since, now));
                match next_attempt(failures, age, failing_for) {
                    Some(delay) => {
                        tracing::info!(inbox = %d.inbox, attempt = failures, retry_in_s = delay.as_secs(), %error, "delivery failed; will retry");
                        let at = now + chrono::Duration::from_std(delay).unwrap_or_default();
                        let attempts = i32::try_from(failures).unwrap_or(i32::MAX);
                        self.db
                            .write(move |c| {
                                deliveries::failed(c, &id, &host, attempts, at, &error, now)
                            })
                            .await
                    }
                    None => {
                        tracing::warn!(inbox = %d.inbox, activity = %d.ap_id, %error, "delivery abandoned after a week of failures");
                        self.db
                            .write(move |c| deliveries::abandon(c, &d, &error, now))
                            .await
                    }
                }
            }
        };
        if let Err(e) = result {
            // The lease runs out and the delivery is tried again.
            tracing::warn!(error = %e, "cannot record a delivery outcome");
        }
    }
}
