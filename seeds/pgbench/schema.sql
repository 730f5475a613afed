-- pgbench's four tables, as `pgbench -i --foreign-keys` (PostgreSQL 15) creates them, in their own
-- schema so `seed --profile pgbench` owns nothing else. Column types, fillfactor and constraint
-- names are pgbench's: `PGOPTIONS='-c search_path=pgbench' pgbench -i --foreign-keys -s N` drops
-- and re-creates exactly these tables, so both tools can fill the same tables in turn (bench/run.sh).
CREATE SCHEMA pgbench;

CREATE TABLE pgbench.pgbench_history (
    tid integer,
    bid integer,
    aid integer,
    delta integer,
    mtime timestamp without time zone,
    filler character(22)
);

CREATE TABLE pgbench.pgbench_tellers (
    tid integer NOT NULL,
    bid integer,
    tbalance integer,
    filler character(84)
) WITH (fillfactor = 100);

CREATE TABLE pgbench.pgbench_accounts (
    aid integer NOT NULL,
    bid integer,
    abalance integer,
    filler character(84)
) WITH (fillfactor = 100);

CREATE TABLE pgbench.pgbench_branches (
    bid integer NOT NULL,
    bbalance integer,
    filler character(88)
) WITH (fillfactor = 100);

ALTER TABLE pgbench.pgbench_branches ADD CONSTRAINT pgbench_branches_pkey PRIMARY KEY (bid);
ALTER TABLE pgbench.pgbench_tellers ADD CONSTRAINT pgbench_tellers_pkey PRIMARY KEY (tid);
ALTER TABLE pgbench.pgbench_accounts ADD CONSTRAINT pgbench_accounts_pkey PRIMARY KEY (aid);

ALTER TABLE pgbench.pgbench_tellers
    ADD CONSTRAINT pgbench_tellers_bid_fkey FOREIGN KEY (bid) REFERENCES pgbench.pgbench_branches (bid);
ALTER TABLE pgbench.pgbench_accounts
    ADD CONSTRAINT pgbench_accounts_bid_fkey FOREIGN KEY (bid) REFERENCES pgbench.pgbench_branches (bid);
ALTER TABLE pgbench.pgbench_history
    ADD CONSTRAINT pgbench_history_bid_fkey FOREIGN KEY (bid) REFERENCES pgbench.pgbench_branches (bid);
ALTER TABLE pgbench.pgbench_history
    ADD CONSTRAINT pgbench_history_tid_fkey FOREIGN KEY (tid) REFERENCES pgbench.pgbench_tellers (tid);
ALTER TABLE pgbench.pgbench_history
    ADD CONSTRAINT pgbench_history_aid_fkey FOREIGN KEY (aid) REFERENCES pgbench.pgbench_accounts (aid);
