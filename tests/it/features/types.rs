//! Types: every built-in scalar (by family), arrays, enums, domains, ranges, multiranges,
//! composite types and extension types. Every column is NOT NULL, so a type without a generator
//! fails the plan instead of being filled with NULLs. Tables with a type that has no binary
//! encoder load through text COPY, which the quoting of arrays and composites must survive.

use super::{ROWS, seed};

#[tokio::test]
async fn numeric_scalars() {
    let s = seed(
        r#"
        CREATE TABLE numbers (
            a int2 NOT NULL, b int4 NOT NULL, c int8 NOT NULL,
            d numeric(5,2) NOT NULL, e numeric NOT NULL, f numeric(3,0) NOT NULL, g numeric(4,4) NOT NULL,
            h float4 NOT NULL, i float8 NOT NULL, j money NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("numbers").await, ROWS);
}

#[tokio::test]
async fn text_and_simple_scalars() {
    let s = seed(
        r#"
        CREATE TABLE texts (
            a bool NOT NULL, b text NOT NULL, c varchar(3) NOT NULL, d varchar NOT NULL,
            e char(5) NOT NULL, f char NOT NULL, g "char" NOT NULL, h name NOT NULL,
            i bytea NOT NULL, j uuid NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("texts").await, ROWS);
    assert_eq!(s.count("texts WHERE length(e) = 5 AND octet_length(i) > 0").await, ROWS);
}

#[tokio::test]
async fn date_and_time_scalars() {
    let s = seed(
        r#"
        CREATE TABLE moments (
            a date NOT NULL, b time NOT NULL, c timetz NOT NULL, d timestamp NOT NULL,
            e timestamptz NOT NULL, f interval NOT NULL, g timestamp(0) NOT NULL, h time(3) NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("moments").await, ROWS);
}

#[tokio::test]
async fn network_scalars() {
    let s = seed(
        r#"
        CREATE TABLE hosts (
            id serial PRIMARY KEY,
            a inet NOT NULL, b cidr NOT NULL, c macaddr NOT NULL, d macaddr8 NOT NULL,
            ip inet NOT NULL UNIQUE
        );
        "#,
    )
    .await;
    assert_eq!(s.count("hosts").await, ROWS);
}

#[tokio::test]
async fn bit_string_scalars() {
    let s = seed(
        r#"
        CREATE TABLE bits (
            a bit NOT NULL, b bit(8) NOT NULL, c varbit NOT NULL, d bit varying(3) NOT NULL, e bit(70) NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("bits").await, ROWS);
    assert_eq!(s.count("bits WHERE length(b) = 8 AND length(e) = 70 AND length(d) <= 3").await, ROWS);
}

#[tokio::test]
async fn document_scalars() {
    let s = seed(
        r#"
        CREATE TABLE documents (
            a json NOT NULL, b jsonb NOT NULL, c xml NOT NULL, d tsvector NOT NULL, e tsquery NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("documents").await, ROWS);
    assert_eq!(s.count("documents WHERE xml_is_well_formed_document(c::text)").await, ROWS);
}

#[tokio::test]
async fn geometric_scalars() {
    let s = seed(
        r#"
        CREATE TABLE shapes (
            a point NOT NULL, b line NOT NULL, c lseg NOT NULL, d box NOT NULL,
            e path NOT NULL, f polygon NOT NULL, g circle NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("shapes").await, ROWS);
}

/// One-dimensional arrays, through binary COPY (`numbers`) and text COPY (`labels`, which has an
/// inet column): text elements with spaces, quotes or commas must be quoted by array rules.
#[tokio::test]
async fn one_dimensional_arrays() {
    let s = seed(
        r#"
        CREATE TABLE numbers (
            id serial PRIMARY KEY,
            ints int[] NOT NULL, tags text[] NOT NULL, days date[] NOT NULL,
            amounts numeric(6,2)[] NOT NULL, flags boolean[]
        );
        CREATE TABLE labels (
            id serial PRIMARY KEY,
            host inet NOT NULL,
            tags text[] NOT NULL, words varchar(12)[] NOT NULL, hosts inet[] NOT NULL, boxes box[] NOT NULL
        );
        "#,
    )
    .await;
    assert!(s.count("numbers WHERE cardinality(tags) > 0").await > 0, "every array is empty");
    assert!(s.count("labels WHERE cardinality(tags) > 0 AND cardinality(hosts) > 0").await > 0, "every array is empty");
    assert_eq!(s.count("labels l, unnest(l.words) w WHERE w IS NULL OR length(w) > 12").await, 0);
}

/// `int[][]` and `text[][]`: declared two-dimensional, so values are matrices.
#[tokio::test]
async fn multidimensional_arrays() {
    let s = seed(
        r#"
        CREATE TABLE grids (
            id serial PRIMARY KEY,
            matrix int[][] NOT NULL
        );
        CREATE TABLE text_grids (
            id serial PRIMARY KEY,
            host inet NOT NULL,
            cells text[][] NOT NULL
        );
        "#,
    )
    .await;
    assert!(s.count("grids WHERE cardinality(matrix) > 0").await > 0, "every matrix is empty");
    assert_eq!(s.count("grids WHERE cardinality(matrix) > 0 AND array_ndims(matrix) <> 2").await, 0);
    assert!(s.count("text_grids WHERE cardinality(cells) > 0").await > 0, "every matrix is empty");
    assert_eq!(s.count("text_grids WHERE cardinality(cells) > 0 AND array_ndims(cells) <> 2").await, 0);
}

/// Enums, with labels needing quotes inside arrays, through binary and text COPY.
#[tokio::test]
async fn enums() {
    let s = seed(
        r#"
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'it''s "complicated", really');
        CREATE TABLE people (id serial PRIMARY KEY, mood mood NOT NULL, moods mood[] NOT NULL);
        CREATE TABLE people_text (id serial PRIMARY KEY, host inet NOT NULL, mood mood NOT NULL, moods mood[] NOT NULL);
        "#,
    )
    .await;
    assert!(s.scalar("SELECT count(DISTINCT mood) FROM people").await > 1);
    assert!(s.count("people_text WHERE cardinality(moods) > 0").await > 0);
}

/// Domains over arrays, enums, text-only types and other domains.
#[tokio::test]
async fn domains() {
    let s = seed(
        r#"
        CREATE TYPE color AS ENUM ('red', 'green');
        CREATE DOMAIN tag_list AS text[];
        CREATE DOMAIN paint AS color;
        CREATE DOMAIN address AS inet;
        CREATE DOMAIN required_int AS int NOT NULL;
        CREATE DOMAIN counter AS required_int DEFAULT 0;
        CREATE TABLE things (
            id serial PRIMARY KEY,
            tags tag_list NOT NULL, paint paint NOT NULL, host address NOT NULL,
            n required_int, c counter
        );
        "#,
    )
    .await;
    assert_eq!(s.count("things WHERE n IS NOT NULL AND c IS NOT NULL").await, ROWS);
}

/// Built-in ranges and a user-defined range over float8.
#[tokio::test]
async fn ranges() {
    let s = seed(
        r#"
        CREATE TYPE floatrange AS RANGE (subtype = float8);
        CREATE TABLE ranges (
            id serial PRIMARY KEY,
            a int4range NOT NULL, b int8range NOT NULL, c numrange NOT NULL, d daterange NOT NULL,
            e tsrange NOT NULL, f tstzrange NOT NULL, g floatrange NOT NULL
        );
        "#,
    )
    .await;
    assert!(s.count("ranges WHERE NOT isempty(a) AND NOT isempty(d) AND NOT isempty(g)").await > 0);
}

/// Multiranges (`{[1,5),[10,20)}`), built-in and of a user-defined range, as columns and in arrays.
#[tokio::test]
async fn multiranges() {
    let s = seed(
        r#"
        CREATE TYPE floatrange AS RANGE (subtype = float8);
        CREATE TABLE multiranges (
            id serial PRIMARY KEY,
            a int4multirange NOT NULL, b int8multirange NOT NULL, c nummultirange NOT NULL,
            d datemultirange NOT NULL, e tsmultirange NOT NULL, f tstzmultirange NOT NULL,
            g floatmultirange NOT NULL, h int4multirange[] NOT NULL
        );
        "#,
    )
    .await;
    for column in ["a", "b", "c", "d", "e", "f", "g"] {
        let several = format!("multiranges WHERE (SELECT count(*) FROM unnest({column})) > 1");
        assert!(s.count(&several).await > 0, "{column}: no value holds more than one range");
    }
    assert!(s.count("multiranges WHERE cardinality(h) > 0").await > 0);
}

/// Composite types: fields of many types (text needing quotes, arrays, enums, points), nested
/// composites, and arrays of composites. Every field is filled somewhere.
#[tokio::test]
async fn composite_types() {
    let s = seed(
        r#"
        CREATE TYPE mood AS ENUM ('sad', 'it''s "ok"');
        CREATE TYPE address AS (
            street text, city varchar(20), zip char(5), number int, since date,
            location point, tags text[], mood mood, note text
        );
        CREATE TYPE price AS (amount numeric(10,2), currency char(3));
        CREATE TYPE shipment AS (origin address, destination address, cost price, at timestamptz, code uuid);
        CREATE TABLE customers (
            id serial PRIMARY KEY,
            home address NOT NULL,
            billing address,
            budget price NOT NULL,
            previous address[] NOT NULL
        );
        CREATE TABLE shipments (id serial PRIMARY KEY, shipment shipment NOT NULL);
        "#,
    )
    .await;
    for field in ["street", "city", "zip", "number", "since", "location", "tags", "mood", "note"] {
        let filled = format!("customers WHERE (home).{field} IS NOT NULL");
        assert!(s.count(&filled).await > 0, "home.{field} is always NULL");
    }
    assert!(s.count("customers WHERE (budget).amount IS NOT NULL AND length((budget).currency) = 3").await > 0);
    assert!(s.count("customers WHERE cardinality(previous) > 0").await > 0);
    assert!(
        s.count("shipments WHERE ((shipment).origin).street IS NOT NULL AND ((shipment).cost).amount IS NOT NULL")
            .await
            > 0
    );
}

/// Extension types through text COPY: citext (unique), ltree, hstore (installed in another
/// schema), isn's ean13/isbn/issn/upc with valid check digits.
#[tokio::test]
async fn contrib_extension_types() {
    let s = seed(
        r#"
        CREATE EXTENSION citext;
        CREATE EXTENSION ltree;
        CREATE SCHEMA extensions;
        CREATE EXTENSION hstore SCHEMA extensions;
        CREATE EXTENSION isn;
        CREATE TABLE catalog (
            id serial PRIMARY KEY,
            email citext NOT NULL UNIQUE,
            path ltree NOT NULL,
            attributes extensions.hstore NOT NULL,
            ean ean13 NOT NULL,
            book isbn NOT NULL,
            book13 isbn13 NOT NULL,
            journal issn NOT NULL,
            product upc NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("catalog").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT lower(email::text)) FROM catalog").await, ROWS);
}

/// PostGIS geometry and geography with type modifiers: the SRID and shape the column declares.
#[tokio::test]
async fn postgis_geometry() {
    let s = seed(
        r#"
        CREATE EXTENSION postgis;
        CREATE TABLE places (
            id serial PRIMARY KEY,
            location geometry(Point, 4326) NOT NULL,
            area geometry(Polygon, 3857) NOT NULL,
            anything geometry NOT NULL,
            position geography(Point) NOT NULL
        );
        "#,
    )
    .await;
    assert_eq!(s.count("places WHERE ST_SRID(location) = 4326 AND GeometryType(location) = 'POINT'").await, ROWS);
    assert_eq!(
        s.count("places WHERE ST_SRID(area) = 3857 AND GeometryType(area) = 'POLYGON' AND ST_IsValid(area)").await,
        ROWS
    );
}

/// The remaining built-in scalars: log positions, JSON paths, OID aliases naming existing
/// built-in objects, transaction ids and snapshots, and the catalog's vector types.
#[tokio::test]
async fn system_scalars() {
    let s = seed(
        r#"
        CREATE TABLE internals (
            id serial PRIMARY KEY,
            a pg_lsn NOT NULL, b jsonpath NOT NULL, c regclass NOT NULL, d regtype NOT NULL,
            e xid8 NOT NULL, f pg_snapshot NOT NULL, g int2vector NOT NULL, h oidvector NOT NULL,
            i regproc NOT NULL, j regnamespace NOT NULL, k regconfig NOT NULL, l xid NOT NULL,
            m txid_snapshot NOT NULL, n regprocedure NOT NULL, o regoperator NOT NULL,
            p regdictionary NOT NULL, q regcollation NOT NULL, r cid NOT NULL, t tid NOT NULL,
            lsn pg_lsn NOT NULL UNIQUE
        );
        "#,
    )
    .await;
    assert_eq!(s.count("internals").await, ROWS);
    assert_eq!(s.count("internals WHERE c::oid <> 0 AND d::oid <> 0 AND array_length(h::oid[], 1) > 0").await, ROWS);
    assert_eq!(s.scalar("SELECT count(DISTINCT lsn) FROM internals").await, ROWS);
}
