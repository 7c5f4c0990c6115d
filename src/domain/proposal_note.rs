//! How a need or offer reads in Mastodon and its apps: the HTML of its
//! Note (also a Mastodon `Status`'s content) and its hashtags.

use url::Url;

use super::proposal::{Proposal, ProposalDraft, ProposalKind};
use super::text::escape_html;
use super::urls::Urls;

/// The hashtag that marks every need or offer in Mastodon's hashtag timelines.
pub fn kind_tag(kind: ProposalKind) -> &'static str {
    match kind {
        ProposalKind::Need => "coopNeed",
        ProposalKind::Offer => "coopOffer",
    }
}

/// The hashtags, by name (without `#`) and link: the kind's, then the tags.
pub fn hashtags(d: &ProposalDraft, urls: &Urls) -> Vec<(String, Url)> {
    std::iter::once(kind_tag(d.kind).to_string())
        .chain(d.tags.iter().cloned())
        .map(|name| {
            let href = urls.tag(&name.to_lowercase());
            (name, href)
        })
        .collect()
}

/// The HTML Mastodon shows: a headline with kind and category, the title,
/// the description, the practical facts, then the hashtags.
pub fn html(p: &Proposal, tags: &[(String, Url)]) -> String {
    let d = &p.draft;
    let headline = match d.kind {
        ProposalKind::Need => "🔎 NEED",
        ProposalKind::Offer => "🤝 OFFER",
    };
    let mut html = format!(
        "<p><strong>{headline} · {}</strong></p><p><strong>{}</strong></p>",
        d.category.as_str(),
        escape_html(&d.title)
    );
    html.push_str(&p.description_html);
    let mut facts: Vec<String> = Vec::new();
    if let Some(q) = &d.quantity {
        facts.push(escape_html(&match &q.value {
            Some(v) => format!("{v} {}", q.unit),
            None => q.unit.clone(),
        }));
    }
    if let Some(place) = &d.place {
        facts.push(escape_html(place));
    }
    if d.remote {
        facts.push("remote OK".into());
    }
    if let Some(deadline) = d.deadline {
        facts.push(format!("until {}", deadline.format("%Y-%m-%d")));
    }
    if !facts.is_empty() {
        html.push_str(&format!("<p>{}</p>", facts.join(" · ")));
    }
    let links: Vec<String> = tags
        .iter()
        .map(|(name, href)| {
            format!(
                "<a href=\"{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
                escape_html(href.as_str()),
                escape_html(name)
            )
        })
        .collect();
    html.push_str(&format!("<p>{}</p>", links.join(" ")));
    html
}
