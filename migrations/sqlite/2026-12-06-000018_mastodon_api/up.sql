-- OAuth 2 for the Mastodon client API: registered apps, short-lived
-- authorization codes and the access tokens apps hold. Secrets, codes and
-- tokens are stored only as SHA-256 hashes, like the native API's tokens.
CREATE TABLE oauth_apps (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    client_secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    -- One per line.
    redirect_uris TEXT NOT NULL,
    -- Space-separated, as OAuth writes them.
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES oauth_apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    -- PKCE (RFC 7636), S256 only; none when the app sent no challenge.
    code_challenge TEXT,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX oauth_codes_expires_at ON oauth_codes (expires_at);

CREATE TABLE oauth_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES oauth_apps(id) ON DELETE CASCADE,
    -- None for a client-credentials token (the app acting for itself).
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX oauth_tokens_user_id ON oauth_tokens (user_id);
CREATE INDEX oauth_tokens_app_id ON oauth_tokens (app_id);

-- Mastodon apps look accounts up by handle and domain.
CREATE INDEX remote_actors_host_username ON remote_actors (host, username);
