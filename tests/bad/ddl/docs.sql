CREATE SCHEMA docs;
CREATE TABLE docs.settings (id int PRIMARY KEY, features jsonb NOT NULL);
