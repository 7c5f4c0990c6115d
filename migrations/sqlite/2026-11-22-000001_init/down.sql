DROP TABLE proposal_tags;
DROP TABLE proposals;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE coops;
