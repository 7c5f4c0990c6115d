DROP TABLE introductions;
