-- Kept in step with migrations/postgres/2026-11-22-000001_init by hand:
-- same tables, columns and indexes; only the type spellings differ.
CREATE TABLE coops (
    id TEXT PRIMARY KEY NOT NULL,
    handle TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    about TEXT NOT NULL,
    about_html TEXT NOT NULL,
    website TEXT,
    country TEXT,
    city TEXT,
    languages TEXT NOT NULL,
    sectors TEXT NOT NULL,
    legal_form TEXT,
    member_count INTEGER,
    founded_year INTEGER,
    stage TEXT,
    networks TEXT NOT NULL,
    public_contact TEXT NOT NULL,
    private_contact TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    coop_id TEXT REFERENCES coops(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX users_coop_id ON users (coop_id);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE proposals (
    id TEXT PRIMARY KEY NOT NULL,
    coop_id TEXT NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    description_html TEXT NOT NULL,
    tags TEXT NOT NULL,
    quantity_value TEXT,
    quantity_unit TEXT,
    place TEXT,
    remote BOOLEAN NOT NULL DEFAULT 0,
    deadline TEXT,
    status TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE INDEX proposals_status_id ON proposals (status, id);
CREATE INDEX proposals_coop_id_id ON proposals (coop_id, id);

CREATE TABLE proposal_tags (
    proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (proposal_id, tag)
);
CREATE INDEX proposal_tags_tag ON proposal_tags (tag, proposal_id);
