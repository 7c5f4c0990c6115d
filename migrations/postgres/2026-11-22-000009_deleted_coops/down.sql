DROP TABLE deleted_coops;
