//! The HTTP client every outgoing federation request uses (deliveries,
//! actor fetches, WebFinger), built the way activitypub_federation asks:
//! no automatic redirects, timeouts, and a resolver that refuses private
//! and loopback addresses, except in development mode. The library asks
//! [`PolicyVerifier`] before every fetch and every send.

use std::sync::Arc;
use std::time::Duration;

use activitypub_federation::resolver::ValidatingDnsResolver;
use reqwest::redirect::Policy;
use reqwest_middleware::ClientWithMiddleware;

use super::policy::{PolicyCache, PolicyVerifier};
use crate::infra::config::Config;

/// Signatures are valid for a short time; so is a request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub fn http_client(config: &Config) -> anyhow::Result<ClientWithMiddleware> {
    let mut builder = reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(REQUEST_TIMEOUT)
        .user_agent(format!(
            "Intercoop/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            config.public_url
        ));
    if config.dev_mode {
        // Several nodes on one machine: named hosts on loopback addresses.
        // The port stays the one in the URL.
        for (host, ip) in &config.dev_hosts {
            builder = builder.resolve(host, std::net::SocketAddr::new(*ip, 0));
        }
    } else {
        builder = builder.dns_resolver(ValidatingDnsResolver::new(Vec::new(), true));
    }
    Ok(builder.build()?.into())
}

/// The library configuration shared by sending and receiving: our domain
/// with its port (the library tells local URLs from remote ones by it), the
/// client above, the federation policy, and development mode.
pub async fn federation_config<T: Clone>(
    config: &Config,
    app_data: T,
    policy: Arc<PolicyCache>,
    signed_fetch_actor: Option<&crate::infra::outbound::Signer>,
) -> anyhow::Result<activitypub_federation::config::FederationConfig<T>> {
    let mut builder = activitypub_federation::config::FederationConfig::builder();
    builder
        .domain(config.domain())
        .app_data(app_data)
        .client(http_client(config)?)
        .url_verifier(Box::new(PolicyVerifier(policy)))
        .request_timeout(REQUEST_TIMEOUT)
        .debug(config.dev_mode)
        .allow_http_urls(config.dev_mode);
    if let Some(actor) = signed_fetch_actor {
        builder.signed_fetch_actor(actor);
    }
    Ok(builder.build().await?)
}
