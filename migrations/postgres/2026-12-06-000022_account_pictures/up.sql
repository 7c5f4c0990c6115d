-- Avatars and headers coops upload from apps, as served: already cut to
-- size and re-encoded (domain/uploaded_image.rs). Without one, the account
-- shows its generated picture.
CREATE TABLE account_pictures (
    coop_id TEXT NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    -- avatar or header
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (coop_id, kind)
);
