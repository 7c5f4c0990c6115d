DROP TABLE received_activities;
DROP TABLE remote_proposals;
DROP TABLE following;
DROP TABLE followers;
DROP TABLE remote_actors;
