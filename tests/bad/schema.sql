-- The small schema most bad profiles run against: applied inside the run's transaction, so a
-- failed run leaves nothing behind.
CREATE SCHEMA shop;
CREATE TABLE shop.users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text,
    active boolean NOT NULL DEFAULT true,
    role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    timezone varchar(64)
);
CREATE TABLE shop.teams (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE shop.members (
    team_id int NOT NULL REFERENCES shop.teams,
    user_id int NOT NULL REFERENCES shop.users,
    PRIMARY KEY (team_id, user_id)
);
CREATE TABLE shop.plans (id int PRIMARY KEY, name text NOT NULL, price int NOT NULL CHECK (price >= 0),
    discount numeric(5,2));
CREATE TABLE shop.notes (id serial PRIMARY KEY, body text);
