DROP TABLE admin_actions;
DROP TABLE node_settings;
DROP TABLE node_followers;
DROP TABLE node_follows;
