DROP INDEX remote_actors_host;
DROP INDEX remote_proposals_actor_published;
DROP INDEX proposals_open_created;
DROP INDEX remote_proposals_published;
