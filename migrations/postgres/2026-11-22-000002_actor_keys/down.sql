DROP TABLE node_actor;
ALTER TABLE coops DROP COLUMN manually_approves_followers;
ALTER TABLE coops DROP COLUMN private_key_pem;
ALTER TABLE coops DROP COLUMN public_key_pem;
