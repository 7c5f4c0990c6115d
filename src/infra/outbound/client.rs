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
        // Sign `(request-target) host date` (and `digest`, `content-type` on
        // a POST) with a `Date` header, as Mastodon's secure mode and
        // GoToSocial require, instead of `(created) (expires)`.
        .http_signature_compat(true)
        .debug(config.dev_mode)
        .allow_http_urls(config.dev_mode);
    if let Some(actor) = signed_fetch_actor {
        builder.signed_fetch_actor(actor);
    }
    Ok(builder.build().await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::config::ConfigValues;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn config(dev_mode: bool) -> Config {
        Config::from_values(ConfigValues {
            public_url: Some("https://coops.test".into()),
            dev_mode: Some(dev_mode),
            ..Default::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn outside_development_mode_a_name_for_a_loopback_address_is_refused() {
        // A server on loopback answers every request it gets (two at most).
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            for _ in 0..2 {
                if let Ok((mut s, _)) = listener.accept().await {
                    let mut request = [0u8; 1024];
                    let _ = s.read(&mut request).await;
                    let _ = s
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                }
            }
        });
        let url = format!("http://localhost:{port}/");
        let refused = http_client(&config(false)).unwrap().get(&url).send().await;
        let why = format!("{:?}", refused.expect_err("reached loopback"));
        assert!(
            why.contains("ResolveInternalIp"),
            "refused for another reason: {why}"
        );
        let reached = http_client(&config(true)).unwrap().get(&url).send().await;
        assert_eq!(reached.unwrap().status(), 200, "development mode may");
        server.abort();
    }
}
