-- The time zone a person reads times in (IANA name); NULL: not chosen,
-- pages then give times in the gathering's zone and in UTC only.
ALTER TABLE users ADD COLUMN time_zone TEXT;
