-- Where a person stopped reading, per timeline, as Mastodon apps save it
-- (`home`, `notifications`), so another app or device resumes there.
CREATE TABLE markers (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    timeline TEXT NOT NULL,
    last_read_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, timeline)
);
