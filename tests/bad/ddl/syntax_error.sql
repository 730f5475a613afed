-- A DDL file with a syntax error on its third line.
CREATE SCHEMA broken;
CREATE TABLE broken.t (id int PRIMARY KEY,);
