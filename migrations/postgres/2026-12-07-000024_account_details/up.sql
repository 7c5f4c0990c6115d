-- What a coop's member needs to recognise a session or token before
-- revoking it: how it was made (`web` for a browser's sign-in, `api` for
-- the native API's login), the browser or program that asked for it
-- (its User-Agent, cut short and cleaned), and when it was last used (to
-- the hour: refreshed at most hourly, so reading needs no write).
ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE api_tokens ADD COLUMN agent TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP;
-- The language the member chose for the pages (`en`, `es`); NULL: the
-- browser's.
ALTER TABLE users ADD COLUMN language TEXT;
