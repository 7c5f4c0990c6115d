//! Introductions over the wire. Asking is a FEP-0837 `Offer` of an
//! `Agreement` whose commitment satisfies the other coop's proposal, for
//! software that understands it, plus a direct `Note` mentioning the other
//! coop, for people on Mastodon. The answer is `Accept` (with the finalised
//! `Agreement` as `result`) or `Reject`, with the `Offer`'s id as object.
//! The asker's contact details travel in the `Offer` and the accepter's in
//! the `Accept`, both as a schema.org `contactPoint`, and only ever in
//! activities addressed to the one other coop.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::activity::OutgoingActivity;
use super::escape_html;
use super::proposal::WireQuantity;
use crate::domain::coop::ContactDetails;
use crate::domain::limits;
use crate::domain::proposal::{ProposalKind, Quantity};
use crate::domain::text::{html_to_text, truncate_chars};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ContactPoint {
    #[serde(rename = "type")]
    pub kind: String,
    /// The contact person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    /// A chat address (Matrix, XMPP, Signal ...), free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chat: Option<String>,
}

impl From<&ContactDetails> for ContactPoint {
    fn from(c: &ContactDetails) -> Self {
        ContactPoint {
            kind: "ContactPoint".into(),
            name: c.person.clone(),
            email: c.email.clone(),
            telephone: c.phone.clone(),
            chat: c.chat.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Commitment {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Url>,
    /// The proposal's primary intent (`…#primary`).
    pub satisfies: Url,
    pub resource_quantity: WireQuantity,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Set once finalised (in the `Accept`), with `attributedTo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<Url>,
    pub stipulates: Commitment,
}

/// FEP-0837 and ValueFlows name a proposal's primary intent `#primary`.
pub fn primary_intent(proposal: &Url) -> Url {
    let mut id = proposal.clone();
    id.set_fragment(Some("primary"));
    id
}

fn agreement(proposal: &Url, quantity: Option<&Quantity>) -> Agreement {
    Agreement {
        kind: "Agreement",
        id: None,
        attributed_to: None,
        stipulates: Commitment {
            kind: "Commitment",
            id: None,
            satisfies: primary_intent(proposal),
            resource_quantity: WireQuantity::of(quantity),
        },
    }
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// The message as HTML paragraphs.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect()
}

/// An `Offer` or its answer: the common envelope plus what introductions
/// add.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntroductionActivity<O: Serialize> {
    #[serde(flatten)]
    pub envelope: OutgoingActivity<O>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Agreement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_point: Option<ContactPoint>,
}

impl<O: Serialize> IntroductionActivity<O> {
    pub fn to_value(&self) -> Value {
        // Serialising plain derive(Serialize) data cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Addressed to the one other coop, with the introduction context.
fn envelope<O: Serialize>(
    kind: &'static str,
    id: &Url,
    actor: &Url,
    to: &Url,
    object: O,
    at: NaiveDateTime,
) -> OutgoingActivity<O> {
    OutgoingActivity {
        context: super::context::introduction(),
        id: id.clone(),
        kind,
        actor: actor.clone(),
        object,
        to: vec![to.to_string()],
        cc: Vec::new(),
        published: Some(utc(at)),
    }
}

/// What an introduction is about, as both activities need it.
pub struct Asking<'a> {
    /// The `Offer`'s id.
    pub id: Url,
    /// The asking coop.
    pub actor: Url,
    /// The coop whose proposal it is.
    pub to: Url,
    /// How people write the other coop: `@handle@domain`.
    pub to_address: String,
    /// The asking coop's name.
    pub actor_name: &'a str,
    pub proposal: Url,
    pub proposal_url: Url,
    pub proposal_kind: ProposalKind,
    pub proposal_title: &'a str,
    pub quantity: Option<&'a Quantity>,
    pub message: &'a str,
    pub contacts: &'a ContactDetails,
    pub at: NaiveDateTime,
}

/// The FEP-0837 `Offer{Agreement}`, with the asker's contact details.
pub fn offer(a: &Asking<'_>) -> IntroductionActivity<Agreement> {
    IntroductionActivity {
        envelope: envelope(
            "Offer",
            &a.id,
            &a.actor,
            &a.to,
            agreement(&a.proposal, a.quantity),
            a.at,
        ),
        content: Some(paragraphs(a.message)),
        result: None,
        contact_point: Some(a.contacts.into()),
    }
}

/// A direct message mentioning one actor, as Mastodon writes them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MentionNote {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub attributed_to: Url,
    pub to: Vec<String>,
    pub content: String,
    pub tag: Vec<Mention>,
    pub published: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mention {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub href: Url,
    pub name: String,
}

/// The same introduction as a direct `Note` in a `Create`, for people on
/// Mastodon-compatible software. It carries no contact details: whoever
/// reads it answers by replying, or on their Intercoop node.
pub fn mention(a: &Asking<'_>) -> OutgoingActivity<MentionNote> {
    let note_id = {
        let mut id = a.id.clone();
        id.set_fragment(Some("note"));
        id
    };
    let mut create_id = a.id.clone();
    create_id.set_fragment(Some("note-create"));
    let what = match a.proposal_kind {
        ProposalKind::Need => "need",
        ProposalKind::Offer => "offer",
    };
    let username = a
        .to_address
        .trim_start_matches('@')
        .split('@')
        .next()
        .unwrap_or_default();
    let content = format!(
        "<p><span class=\"h-card\"><a href=\"{href}\" class=\"u-url mention\">@<span>{user}</span></a></span> \
         {asker} would like to be introduced to you about your {what} \
         <a href=\"{link}\">{title}</a>.</p>{message}\
         <p>Accept or decline on Intercoop; contact details are shared once you accept.</p>",
        href = escape_html(a.to.as_str()),
        user = escape_html(username),
        asker = escape_html(a.actor_name),
        link = escape_html(a.proposal_url.as_str()),
        title = escape_html(a.proposal_title),
        message = paragraphs(a.message),
    );
    OutgoingActivity {
        context: super::context::plain(),
        id: create_id,
        kind: "Create",
        actor: a.actor.clone(),
        object: MentionNote {
            id: note_id,
            kind: "Note",
            attributed_to: a.actor.clone(),
            to: vec![a.to.to_string()],
            content,
            tag: vec![Mention {
                kind: "Mention",
                href: a.to.clone(),
                name: a.to_address.clone(),
            }],
            published: utc(a.at),
        },
        to: vec![a.to.to_string()],
        cc: Vec::new(),
        published: Some(utc(a.at)),
    }
}

/// What an answer needs.
pub struct Answering<'a> {
    pub id: Url,
    /// The answering coop.
    pub actor: Url,
    /// The asking coop.
    pub to: Url,
    pub offer: Url,
    pub proposal: Url,
    pub quantity: Option<&'a Quantity>,
    pub at: NaiveDateTime,
}

/// `Accept` with the finalised `Agreement` (FEP-0837: id and
/// `attributedTo` set) and the accepter's contact details.
pub fn accept(a: &Answering<'_>, contacts: &ContactDetails) -> IntroductionActivity<Url> {
    let mut result = agreement(&a.proposal, a.quantity);
    let mut agreement_id = a.id.clone();
    agreement_id.set_fragment(Some("agreement"));
    let mut commitment_id = a.id.clone();
    commitment_id.set_fragment(Some("primary"));
    result.id = Some(agreement_id);
    result.attributed_to = Some(a.actor.clone());
    result.stipulates.id = Some(commitment_id);
    IntroductionActivity {
        envelope: envelope("Accept", &a.id, &a.actor, &a.to, a.offer.clone(), a.at),
        content: None,
        result: Some(result),
        contact_point: Some(contacts.into()),
    }
}

/// `Reject` of the `Offer`.
pub fn reject(a: &Answering<'_>) -> IntroductionActivity<Url> {
    IntroductionActivity {
        envelope: envelope("Reject", &a.id, &a.actor, &a.to, a.offer.clone(), a.at),
        content: None,
        result: None,
        contact_point: None,
    }
}

/// A received `Offer` of an introduction, read from the activity.
#[derive(Debug, PartialEq)]
pub struct ReceivedOffer {
    /// The proposal it is about, without the intent's fragment.
    pub proposal: Url,
    /// Plain text.
    pub message: String,
    pub contacts: Option<ContactDetails>,
}

/// The text of an HTML message, keeping its paragraphs and line breaks
/// (the inverse of `paragraphs`).
fn message_text(html: &str) -> String {
    let marked = html
        .replace("</p>", "\n\n")
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n");
    let text = html_to_text(&marked);
    let words = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
    text.split("\n\n")
        .map(|p| {
            p.lines()
                .map(words)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Reads the `Offer`'s object (an `Agreement`), `content` and
/// `contactPoint`. An error says what is missing.
pub fn read_offer(
    object: &Value,
    content: &Value,
    contact_point: &Value,
) -> Result<ReceivedOffer, String> {
    if object.get("type").and_then(Value::as_str) != Some("Agreement") {
        return Err("the object of an Offer must be an Agreement".into());
    }
    let satisfies = object
        .get("stipulates")
        .and_then(|c| c.get("satisfies"))
        .and_then(|s| match s {
            Value::String(s) => Some(s.as_str()),
            Value::Object(m) => m.get("id").and_then(Value::as_str),
            _ => None,
        })
        .ok_or("the Agreement must stipulate a Commitment that satisfies an intent")?;
    let mut proposal =
        Url::parse(satisfies).map_err(|_| "stipulates.satisfies must be a URL".to_string())?;
    proposal.set_fragment(None);
    let message = content.as_str().map(message_text).unwrap_or_default();
    Ok(ReceivedOffer {
        proposal,
        message: truncate_chars(message.trim(), limits::INTRODUCTION_MESSAGE_MAX),
        contacts: read_contacts(contact_point),
    })
}

/// A `contactPoint` (an object, or the first of a list); `None` when there
/// is none or it holds nothing usable.
pub fn read_contacts(value: &Value) -> Option<ContactDetails> {
    let point = match value {
        Value::Array(items) => items.first()?,
        other => other,
    };
    let field = |k: &str| point.get(k).and_then(Value::as_str);
    let c = ContactDetails::lenient(
        field("email"),
        field("telephone"),
        field("chat"),
        field("name"),
    );
    (!c.is_empty()).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn contacts() -> ContactDetails {
        ContactDetails {
            email: Some("hola@fiqus.coop".into()),
            phone: Some("+54 11 5555".into()),
            chat: None,
            person: Some("Ana".into()),
        }
    }

    fn asking<'a>(c: &'a ContactDetails, q: Option<&'a Quantity>) -> Asking<'a> {
        Asking {
            id: url("https://a.example/introductions/1"),
            actor: url("https://a.example/actors/fiqus"),
            to: url("https://b.example/actors/cotech"),
            to_address: "@cotech@b.example".into(),
            actor_name: "Fiqus",
            proposal: url("https://b.example/proposals/9"),
            proposal_url: url("https://b.example/proposals/9"),
            proposal_kind: ProposalKind::Offer,
            proposal_title: "Hosting <cheap>",
            quantity: q,
            message: "Hola!\n\nWe need <hosting>.",
            contacts: c,
            at: crate::domain::time::now(),
        }
    }

    #[test]
    fn an_offer_reads_back_with_its_proposal_message_and_contacts() {
        let c = contacts();
        let q = Quantity {
            value: Some("3".into()),
            unit: "month".into(),
        };
        let json = offer(&asking(&c, Some(&q))).to_value();
        assert_eq!(json["type"], "Offer");
        assert_eq!(
            json["to"],
            serde_json::json!(["https://b.example/actors/cotech"])
        );
        assert_eq!(json["object"]["type"], "Agreement");
        assert_eq!(
            json["object"]["stipulates"]["satisfies"],
            "https://b.example/proposals/9#primary"
        );
        assert_eq!(
            json["object"]["stipulates"]["resourceQuantity"],
            serde_json::json!({"hasUnit": "month", "hasNumericalValue": "3"})
        );
        assert_eq!(json["contactPoint"]["email"], "hola@fiqus.coop");
        assert_eq!(
            json["content"],
            "<p>Hola!</p><p>We need &lt;hosting&gt;.</p>"
        );
        let back = read_offer(&json["object"], &json["content"], &json["contactPoint"]).unwrap();
        assert_eq!(back.proposal.as_str(), "https://b.example/proposals/9");
        assert_eq!(back.message, "Hola!\n\nWe need <hosting>.");
        assert_eq!(back.contacts, Some(c));
    }

    #[test]
    fn the_mention_note_is_direct_and_carries_no_contacts() {
        let c = contacts();
        let json = serde_json::to_value(mention(&asking(&c, None))).unwrap();
        assert_eq!(json["type"], "Create");
        let note = &json["object"];
        assert_eq!(
            note["to"],
            serde_json::json!(["https://b.example/actors/cotech"])
        );
        assert!(note.get("cc").is_none() && json.get("cc").is_none());
        assert_eq!(note["tag"][0]["type"], "Mention");
        assert_eq!(note["tag"][0]["name"], "@cotech@b.example");
        let content = note["content"].as_str().unwrap();
        assert!(content.contains("@<span>cotech</span>"), "{content}");
        assert!(content.contains("Hosting &lt;cheap&gt;"), "{content}");
        assert!(!content.contains("hola@fiqus.coop"), "{content}");
        assert_ne!(note["id"], json["id"]);
    }

    #[test]
    fn an_accept_finalises_the_agreement_and_a_reject_does_not() {
        let answering = Answering {
            id: url("https://b.example/introductions/7/accept"),
            actor: url("https://b.example/actors/cotech"),
            to: url("https://a.example/actors/fiqus"),
            offer: url("https://a.example/introductions/1"),
            proposal: url("https://b.example/proposals/9"),
            quantity: None,
            at: crate::domain::time::now(),
        };
        let json = accept(&answering, &contacts()).to_value();
        assert_eq!(json["type"], "Accept");
        assert_eq!(json["object"], "https://a.example/introductions/1");
        assert_eq!(
            json["result"]["attributedTo"],
            "https://b.example/actors/cotech"
        );
        assert!(json["result"]["id"].is_string());
        assert!(json["result"]["stipulates"]["id"].is_string());
        assert_eq!(read_contacts(&json["contactPoint"]), Some(contacts()));
        let json = reject(&answering).to_value();
        assert_eq!(json["type"], "Reject");
        assert!(json.get("result").is_none() && json.get("contactPoint").is_none());
    }

    #[test]
    fn bad_offers_and_odd_contacts() {
        let none = Value::Null;
        assert!(read_offer(&serde_json::json!({"type": "Note"}), &none, &none).is_err());
        assert!(read_offer(&serde_json::json!({"type": "Agreement"}), &none, &none).is_err());
        let odd = serde_json::json!([{"email": "not an email", "name": "  ", "telephone": 5}]);
        assert_eq!(read_contacts(&odd), None);
        let list = serde_json::json!([{"email": "A@B.coop", "chat": "@a:matrix.org"}]);
        let c = read_contacts(&list).unwrap();
        assert_eq!(
            (c.email.as_deref(), c.chat.as_deref()),
            (Some("a@b.coop"), Some("@a:matrix.org"))
        );
    }
}
