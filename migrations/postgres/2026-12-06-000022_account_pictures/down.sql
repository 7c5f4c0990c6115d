DROP TABLE account_pictures;
