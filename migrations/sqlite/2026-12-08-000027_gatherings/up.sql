-- Gatherings: the monthly inter-coop call (domain/gathering.rs). Times are
-- UTC; time_zone is the IANA name they are shown and repeated in.
CREATE TABLE gatherings (
    id TEXT PRIMARY KEY NOT NULL,
    -- NULL when the node organises it.
    organiser_coop_id TEXT REFERENCES coops(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL,
    call_url TEXT,
    -- JSON list of language tags
    languages TEXT NOT NULL,
    -- an RFC 5545 RRULE value, monthly
    recurrence TEXT,
    contributions_until TIMESTAMP,
    -- JSON list of coop ids
    facilitators TEXT NOT NULL,
    note_taker_coop_id TEXT REFERENCES coops(id) ON DELETE SET NULL,
    registration_open BOOLEAN NOT NULL,
    -- the note-taker's Markdown, public once published
    notes TEXT NOT NULL,
    notes_published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX gatherings_by_start ON gatherings (starts_at, id);

-- Coops registered for a gathering, each with its delegate and what it
-- brings to the three rounds: what it is about, and its needs and offers.
CREATE TABLE gathering_participants (
    gathering_id TEXT NOT NULL REFERENCES gatherings(id) ON DELETE CASCADE,
    coop_id TEXT NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    delegate TEXT NOT NULL,
    joined_at TIMESTAMP NOT NULL,
    about TEXT NOT NULL,
    -- JSON list of the coop's proposal ids
    proposals TEXT NOT NULL,
    contributed_at TIMESTAMP,
    PRIMARY KEY (gathering_id, coop_id)
);
CREATE INDEX gathering_participants_by_coop ON gathering_participants (coop_id);
