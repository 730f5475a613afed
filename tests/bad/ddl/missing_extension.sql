-- Needs an extension the server does not have.
CREATE EXTENSION IF NOT EXISTS seed_no_such_extension;
CREATE SCHEMA ext;
CREATE TABLE ext.t (id int PRIMARY KEY);
