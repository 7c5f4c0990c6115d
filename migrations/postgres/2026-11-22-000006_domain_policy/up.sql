-- Kept in step with migrations/sqlite/2026-11-22-000006_domain_policy.
-- Domain blocks: 'suspend' (refuse everything, deliver nothing, keep
-- nothing) or 'limit' (federate, but out of the directory and matching;
-- follows from there wait for approval). A block covers subdomains.
CREATE TABLE domain_blocks (
    domain TEXT PRIMARY KEY NOT NULL,
    severity TEXT NOT NULL,
    public_comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Domains allowed to federate when the node runs in allow-list mode.
CREATE TABLE domain_allows (
    domain TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL
);
