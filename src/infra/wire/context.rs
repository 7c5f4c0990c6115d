//! JSON-LD contexts. We never fetch remote contexts; these are what we send,
//! written inline so plain-JSON consumers and LD processors agree.

use serde_json::{json, Value};

pub const ACTIVITYSTREAMS: &str = "https://www.w3.org/ns/activitystreams";
pub const SECURITY: &str = "https://w3id.org/security/v1";

/// For actors: Mastodon's extensions (profile fields, discoverability,
/// featured collection) and FEP-2c59's `webfinger`.
pub fn actor() -> Value {
    json!([
        ACTIVITYSTREAMS,
        SECURITY,
        {
            "toot": "http://joinmastodon.org/ns#",
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "addressCountry": "schema:addressCountry",
            "knowsLanguage": "schema:knowsLanguage",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "webfinger": "https://purl.archive.org/socialweb/webfinger#webfinger",
            "intercoop": "https://w3id.org/intercoop/ns#",
            "directory": {"@id": "intercoop:directory", "@type": "@id"},
            "stage": "intercoop:stage",
            "implements": {"@id": "https://w3id.org/fep/844e#implements", "@type": "@id"}
        }
    ])
}

/// For proposals and the activities carrying them: FEP-0837 (ValueFlows) terms.
pub fn proposal() -> Value {
    json!([
        ACTIVITYSTREAMS,
        {
            "vf": "https://w3id.org/valueflows/ont/vf#",
            "om2": "http://www.ontology-of-units-of-measure.org/resource/om-2/",
            "Hashtag": "as:Hashtag",
            "sensitive": "as:sensitive",
            "Proposal": "vf:Proposal",
            "Intent": "vf:Intent",
            "purpose": "vf:purpose",
            "publishes": "vf:publishes",
            "reciprocal": "vf:reciprocal",
            "unitBased": "vf:unitBased",
            "action": "vf:action",
            "provider": {"@id": "vf:provider", "@type": "@id"},
            "receiver": {"@id": "vf:receiver", "@type": "@id"},
            "resourceConformsTo": {"@id": "vf:resourceConformsTo", "@type": "@id"},
            "resourceClassifiedAs": {"@id": "vf:resourceClassifiedAs", "@type": "@id"},
            "resourceQuantity": "vf:resourceQuantity",
            "availableQuantity": "vf:availableQuantity",
            "minimumQuantity": "vf:minimumQuantity",
            "hasBeginning": "vf:hasBeginning",
            "hasEnd": "vf:hasEnd",
            "hasUnit": "om2:hasUnit",
            "hasNumericalValue": "om2:hasNumericalValue",
            "intercoop": "https://w3id.org/intercoop/ns#",
            "remote": "intercoop:remote"
        }
    ])
}

/// Introductions: FEP-0837's Offer of an Agreement (ValueFlows terms) with
/// schema.org contact details.
pub fn introduction() -> Value {
    json!([
        ACTIVITYSTREAMS,
        {
            "vf": "https://w3id.org/valueflows/ont/vf#",
            "om2": "http://www.ontology-of-units-of-measure.org/resource/om-2/",
            "schema": "http://schema.org#",
            "intercoop": "https://w3id.org/intercoop/ns#",
            "Agreement": "vf:Agreement",
            "Commitment": "vf:Commitment",
            "stipulates": "vf:stipulates",
            "satisfies": {"@id": "vf:satisfies", "@type": "@id"},
            "resourceQuantity": "vf:resourceQuantity",
            "hasUnit": "om2:hasUnit",
            "hasNumericalValue": "om2:hasNumericalValue",
            "ContactPoint": "schema:ContactPoint",
            "contactPoint": "schema:contactPoint",
            "email": "schema:email",
            "telephone": "schema:telephone",
            "chat": "intercoop:chat"
        }
    ])
}

/// Gatherings: an ActivityStreams `Event` with the terms Mobilizon uses
/// for events and participation (schema.org, its `mz:` namespace, and
/// iCalendar's status), plus Intercoop's `delegate` on a `Join`.
pub fn event() -> Value {
    json!([
        ACTIVITYSTREAMS,
        {
            "sc": "http://schema.org#",
            "mz": "https://joinmobilizon.org/ns#",
            "pt": "https://joinpeertube.org/ns#",
            "ical": "http://www.w3.org/2002/12/cal/ical#",
            "intercoop": "https://w3id.org/intercoop/ns#",
            "timezone": {"@id": "mz:timezone", "@type": "sc:Text"},
            "isOnline": {"@id": "mz:isOnline", "@type": "sc:Boolean"},
            "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
            "participantCount": {"@id": "mz:participantCount", "@type": "sc:Integer"},
            "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
            "remainingAttendeeCapacity": "sc:remainingAttendeeCapacity",
            "anonymousParticipationEnabled": {"@id": "mz:anonymousParticipationEnabled", "@type": "sc:Boolean"},
            "commentsEnabled": {"@id": "pt:commentsEnabled", "@type": "sc:Boolean"},
            "inLanguage": "sc:inLanguage",
            "participationMessage": {"@id": "mz:participationMessage", "@type": "sc:Text"},
            "delegate": "intercoop:delegate"
        }
    ])
}

/// Collections and tombstones need only ActivityStreams.
pub fn plain() -> Value {
    Value::String(ACTIVITYSTREAMS.to_string())
}
