CREATE SCHEMA tagged;
CREATE TABLE tagged.posts (id serial PRIMARY KEY, title text NOT NULL, tags text[] NOT NULL);
