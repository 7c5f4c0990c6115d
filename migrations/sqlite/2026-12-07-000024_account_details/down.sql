ALTER TABLE users DROP COLUMN language;
ALTER TABLE api_tokens DROP COLUMN last_used_at;
ALTER TABLE api_tokens DROP COLUMN agent;
ALTER TABLE api_tokens DROP COLUMN kind;
