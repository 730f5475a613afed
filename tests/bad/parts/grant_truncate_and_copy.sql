-- Every privilege on the tables a load uses, but not their ownership.
GRANT USAGE ON SCHEMA shop TO {noright};
GRANT SELECT, INSERT, TRUNCATE ON ALL TABLES IN SCHEMA shop TO {noright};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA shop TO {noright};
