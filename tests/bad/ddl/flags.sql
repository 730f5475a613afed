-- A table whose only key is a boolean: it can hold at most two rows.
CREATE SCHEMA flags;
CREATE TABLE flags.flags (flag boolean PRIMARY KEY);
