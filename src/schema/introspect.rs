//! Reads the [`Schema`] from the live `pg_catalog`.
//!
//! Why the catalog: the server already knows every table, exact type, key and constraint, including
//! what no DDL parser gets right (identity columns, partitions attached later, domains over arrays,
//! extension types). So the schema is read from `pg_catalog`, never restated by hand or re-parsed from
//! SQL files, and the model can never drift from the database it is about to fill.
//!
//! Cost: one query per kind of object over all tables at once (tables, columns, types, unique keys,
//! foreign keys, checks, triggers), not one per table, all inside one read-only repeatable-read
//! transaction so that every query sees the same catalog snapshot. A schema of hundreds of tables
//! introspects in milliseconds.
//!
//! Needs PostgreSQL 14 or newer (multiranges); `NULLS NOT DISTINCT` is read on 15 and newer.

use std::collections::HashMap;

use sqlx::postgres::PgRow;
use sqlx::postgres::types::Oid;
use sqlx::{Connection, PgConnection, Row};

use super::check::SqlFunction;
use super::{
    CheckConstraint, Column, Exclusion, Fires, ForeignKey, Identity, PgType, QualifiedName, Schema, Table, TableKind,
    Trigger, TypeKind, UniqueKey,
};

/// Why the schema could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    /// A catalog query failed, or one of its values did not decode.
    #[error("reading {purpose} from the catalog failed: {source}")]
    Query {
        purpose: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// A column whose type `seed` cannot represent in its model.
    #[error("column {column:?} of table {table}: cannot represent its type: {reason}")]
    UnsupportedType { table: String, column: String, reason: String },
    /// The catalog holds something the model has no place for (or contradicts itself).
    #[error("unexpected catalog contents for {object}: {reason}")]
    Catalog { object: String, reason: String },
    /// The server is older than the catalog layout these queries read.
    #[error("PostgreSQL {version} is too old: seed needs PostgreSQL 14 or newer")]
    UnsupportedServer { version: String },
}

/// Reads every user table of the database the connection points at.
///
/// Tables of all schemas but `pg_catalog`, `information_schema`, `pg_toast*`, `pg_temp*` and
/// `seed_recovery` (seed's own record of a `--jobs` load, `load::record`) are read, except those
/// that belong to an extension (PostGIS's `spatial_ref_sys`). Ordinary and partitioned tables, and
/// partitions themselves, sorted by (schema, name).
///
/// When the connection is not already in a transaction, the queries run in a read-only
/// repeatable-read transaction so they all see one catalog snapshot. Inside a transaction sqlx
/// knows of (`conn.begin()`), they run in it and see its uncommitted DDL; a transaction opened
/// behind sqlx's back with a raw `BEGIN` is not detected and makes this fail.
pub async fn introspect(conn: &mut PgConnection) -> Result<Schema, IntrospectError> {
    if conn.is_in_transaction() {
        return read_schema(conn, true).await;
    }
    let mut tx = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await
        .map_err(failed("a read-only transaction"))?;
    let schema = read_schema(&mut tx, false).await?;
    tx.commit().await.map_err(failed("the end of the read-only transaction"))?;
    Ok(schema)
}

fn failed(purpose: &'static str) -> impl FnOnce(sqlx::Error) -> IntrospectError {
    move |source| IntrospectError::Query { purpose, source }
}

/// Decodes one column of a catalog row, naming the query on failure.
fn get<'r, T>(row: &'r PgRow, column: &str, purpose: &'static str) -> Result<T, IntrospectError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(column).map_err(failed(purpose))
}

/// A `"char"` catalog column read as text (`relkind`, `typtype`...): its single byte, or `'\0'`.
fn get_char(row: &PgRow, column: &str, purpose: &'static str) -> Result<char, IntrospectError> {
    let text: String = get(row, column, purpose)?;
    Ok(text.chars().next().unwrap_or('\0'))
}

async fn read_schema(conn: &mut PgConnection, callers_transaction: bool) -> Result<Schema, IntrospectError> {
    let (version, jit) = server_settings(conn).await?;
    // The planner guesses the recursive type query returns ~10^5 rows (it returns dozens) and would
    // JIT-compile it: over a second spent compiling. Catalog queries never need JIT.
    set_jit(conn, "off").await?;
    let mut tables = read_tables(conn).await?;
    let oids: Vec<Oid> = tables.iter().map(|t| Oid(t.oid)).collect();
    let by_oid: HashMap<u32, usize> = tables.iter().enumerate().map(|(i, t)| (t.oid, i)).collect();

    let types = read_types(conn, &oids).await?;
    read_columns(conn, &oids, &types, &by_oid, &mut tables).await?;
    read_unique_keys(conn, &oids, version, &by_oid, &mut tables).await?;
    read_foreign_keys(conn, &oids, &by_oid, &mut tables).await?;
    lift_partition_foreign_keys(&mut tables);
    read_checks(conn, &oids, &by_oid, &mut tables).await?;
    read_exclusions(conn, &oids, &by_oid, &mut tables).await?;
    read_triggers(conn, &oids, &by_oid, &mut tables).await?;

    // Our own transaction's end restores it; the caller's transaction gets its setting back.
    if callers_transaction {
        set_jit(conn, &jit).await?;
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Schema { tables })
}

/// Sets `jit` for the rest of the current transaction only (`SET LOCAL`).
async fn set_jit(conn: &mut PgConnection, value: &str) -> Result<(), IntrospectError> {
    sqlx::query("SELECT set_config('jit', $1, true)")
        .bind(value)
        .execute(&mut *conn)
        .await
        .map_err(failed("the jit setting"))?;
    Ok(())
}

/// `server_version_num` (e.g. 150020; older than 14 is refused) and the current `jit` setting.
async fn server_settings(conn: &mut PgConnection) -> Result<(i32, String), IntrospectError> {
    const PURPOSE: &str = "the server version";
    let row = sqlx::query(
        "SELECT current_setting('server_version_num')::int4 AS num, \
                current_setting('server_version') AS version, \
                current_setting('jit') AS jit",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(failed(PURPOSE))?;
    let num: i32 = get(&row, "num", PURPOSE)?;
    if num < 140000 {
        return Err(IntrospectError::UnsupportedServer { version: get(&row, "version", PURPOSE)? });
    }
    Ok((num, get(&row, "jit", PURPOSE)?))
}

/// Looks a table up by the OID a per-object query returned. Every query is restricted to the OIDs
/// read first, so a miss means the catalog changed under a non-snapshot connection.
fn table_mut<'a>(
    tables: &'a mut [Table],
    by_oid: &HashMap<u32, usize>,
    oid: u32,
) -> Result<&'a mut Table, IntrospectError> {
    by_oid.get(&oid).and_then(|&i| tables.get_mut(i)).ok_or_else(|| IntrospectError::Catalog {
        object: format!("relation OID {oid}"),
        reason: "not among the tables read first".to_string(),
    })
}

// ---------------------------------------------------------------------------------------------
// Tables

/// The user tables, with partitioning and inheritance. Parents come as two arrays (schema, name)
/// in `inhseqno` order: a partition's single parent is its `partition_of`.
const TABLES_SQL: &str = r"
SELECT c.oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind::text AS kind,
       c.relispartition AS is_partition,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition AND c.relkind = 'r'
            THEN pg_get_partition_constraintdef(c.oid) END AS partition_constraint,
       ARRAY(SELECT pn.nspname::text
               FROM pg_inherits i
               JOIN pg_class p ON p.oid = i.inhparent
               JOIN pg_namespace pn ON pn.oid = p.relnamespace
              WHERE i.inhrelid = c.oid
              ORDER BY i.inhseqno) AS parent_schemas,
       ARRAY(SELECT p.relname::text
               FROM pg_inherits i
               JOIN pg_class p ON p.oid = i.inhparent
              WHERE i.inhrelid = c.oid
              ORDER BY i.inhseqno) AS parent_names
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'seed_recovery')
   AND n.nspname NOT LIKE 'pg\_toast%'
   AND n.nspname NOT LIKE 'pg\_temp\_%'
   AND NOT EXISTS (SELECT 1
                     FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid
                      AND d.deptype = 'e')
 ORDER BY n.nspname, c.relname";

async fn read_tables(conn: &mut PgConnection) -> Result<Vec<Table>, IntrospectError> {
    const PURPOSE: &str = "the list of tables";
    let rows = sqlx::query(TABLES_SQL).fetch_all(&mut *conn).await.map_err(failed(PURPOSE))?;
    let mut tables = Vec::with_capacity(rows.len());
    for row in &rows {
        let oid: Oid = get(row, "oid", PURPOSE)?;
        let name = QualifiedName::new(get::<String>(row, "schema", PURPOSE)?, get::<String>(row, "name", PURPOSE)?);
        let kind = match get_char(row, "kind", PURPOSE)? {
            'p' => TableKind::Partitioned,
            _ => TableKind::Ordinary,
        };
        let parent_schemas: Vec<String> = get(row, "parent_schemas", PURPOSE)?;
        let parent_names: Vec<String> = get(row, "parent_names", PURPOSE)?;
        let mut parents: Vec<QualifiedName> = parent_schemas
            .into_iter()
            .zip(parent_names)
            .map(|(schema, name)| QualifiedName::new(schema, name))
            .collect();
        let is_partition: bool = get(row, "is_partition", PURPOSE)?;
        let partition_of = if is_partition {
            if parents.len() != 1 {
                return Err(IntrospectError::Catalog {
                    object: format!("table {name}"),
                    reason: format!("a partition with {} parents", parents.len()),
                });
            }
            parents.pop()
        } else {
            None
        };
        tables.push(Table {
            oid: oid.0,
            name,
            kind,
            partition_of,
            partition_bound: get(row, "partition_bound", PURPOSE)?,
            partition_key: get(row, "partition_key", PURPOSE)?,
            partition_constraint: get(row, "partition_constraint", PURPOSE)?,
            inherits: parents,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            exclusions: Vec::new(),
            triggers: Vec::new(),
        });
    }
    Ok(tables)
}

// ---------------------------------------------------------------------------------------------
// Types

/// Every (type, typmod) pair the columns need, followed recursively through array elements,
/// domain base types, range subtypes and composite fields, with what each one is. A typmod travels
/// with it: an array column's typmod belongs to its element (`varchar(20)[]`), a domain's base
/// gets the domain's `typtypmod`, a composite field its own `atttypmod`.
const TYPES_SQL: &str = r"
WITH RECURSIVE needed(oid, typmod) AS (
    SELECT a.atttypid, a.atttypmod
      FROM pg_attribute a
     WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
  UNION
    SELECT edge.oid, edge.typmod
      FROM needed n
      JOIN pg_type t ON t.oid = n.oid
     CROSS JOIN LATERAL (
            SELECT t.typelem, n.typmod WHERE t.typcategory = 'A' AND t.typelem <> 0
        UNION ALL
            SELECT t.typbasetype, t.typtypmod WHERE t.typtype = 'd'
        UNION ALL
            SELECT r.rngsubtype, -1 FROM pg_range r WHERE r.rngtypid = t.oid OR r.rngmultitypid = t.oid
        UNION ALL
            SELECT f.atttypid, f.atttypmod
              FROM pg_attribute f
             WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped
     ) AS edge(oid, typmod)
)
SELECT n.oid,
       n.typmod,
       format_type(n.oid, n.typmod) AS display,
       t.typname::text AS typname,
       t.typtype::text AS typtype,
       t.typcategory::text AS category,
       t.typelem AS elem,
       t.typbasetype AS basetype,
       t.typtypmod AS basetypmod,
       t.typnotnull AS notnull,
       (SELECT r.rngsubtype FROM pg_range r
         WHERE r.rngtypid = t.oid OR r.rngmultitypid = t.oid LIMIT 1) AS range_subtype,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e
              WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS enum_labels,
       ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
              WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS domain_checks,
       ARRAY(SELECT f.attname::text FROM pg_attribute f
              WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped
              ORDER BY f.attnum) AS field_names,
       ARRAY(SELECT f.atttypid FROM pg_attribute f
              WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped
              ORDER BY f.attnum) AS field_types,
       ARRAY(SELECT f.atttypmod FROM pg_attribute f
              WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped
              ORDER BY f.attnum) AS field_typmods,
       ARRAY(SELECT f.attndims::int4 FROM pg_attribute f
              WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped
              ORDER BY f.attnum) AS field_ndims
  FROM needed n
  JOIN pg_type t ON t.oid = n.oid";

/// One `pg_type` row as used with one typmod.
struct TypeRow {
    /// `format_type(oid, typmod)`.
    display: String,
    typname: String,
    typtype: char,
    category: char,
    elem: u32,
    basetype: u32,
    basetypmod: i32,
    notnull: bool,
    range_subtype: Option<u32>,
    enum_labels: Vec<String>,
    domain_checks: Vec<String>,
    /// Composite fields: name, type OID, typmod, declared array dimensions.
    fields: Vec<(String, u32, i32, i32)>,
}

type TypeMap = HashMap<(u32, i32), TypeRow>;

async fn read_types(conn: &mut PgConnection, tables: &[Oid]) -> Result<TypeMap, IntrospectError> {
    const PURPOSE: &str = "column types";
    let rows = sqlx::query(TYPES_SQL).bind(tables).fetch_all(&mut *conn).await.map_err(failed(PURPOSE))?;
    let mut types = HashMap::with_capacity(rows.len());
    for row in &rows {
        let oid: Oid = get(row, "oid", PURPOSE)?;
        let typmod: i32 = get(row, "typmod", PURPOSE)?;
        let names: Vec<String> = get(row, "field_names", PURPOSE)?;
        let field_types: Vec<Oid> = get(row, "field_types", PURPOSE)?;
        let typmods: Vec<i32> = get(row, "field_typmods", PURPOSE)?;
        let ndims: Vec<i32> = get(row, "field_ndims", PURPOSE)?;
        if names.len() != field_types.len() || names.len() != typmods.len() || names.len() != ndims.len() {
            return Err(IntrospectError::Catalog {
                object: format!("type OID {}", oid.0),
                reason: "composite field arrays of different lengths".to_string(),
            });
        }
        let fields = names
            .into_iter()
            .zip(field_types)
            .zip(typmods.into_iter().zip(ndims))
            .map(|((name, ty), (typmod, ndims))| (name, ty.0, typmod, ndims))
            .collect();
        let range_subtype: Option<Oid> = get(row, "range_subtype", PURPOSE)?;
        let entry = TypeRow {
            display: get(row, "display", PURPOSE)?,
            typname: get(row, "typname", PURPOSE)?,
            typtype: get_char(row, "typtype", PURPOSE)?,
            category: get_char(row, "category", PURPOSE)?,
            elem: get::<Oid>(row, "elem", PURPOSE)?.0,
            basetype: get::<Oid>(row, "basetype", PURPOSE)?.0,
            basetypmod: get(row, "basetypmod", PURPOSE)?,
            notnull: get(row, "notnull", PURPOSE)?,
            range_subtype: range_subtype.map(|o| o.0),
            enum_labels: get(row, "enum_labels", PURPOSE)?,
            domain_checks: get(row, "domain_checks", PURPOSE)?,
            fields,
        };
        types.insert((oid.0, typmod), entry);
    }
    Ok(types)
}

/// Nesting deeper than this (arrays of domains of composites of ...) is refused rather than followed.
const MAX_TYPE_DEPTH: usize = 32;

/// Builds the [`PgType`] of `(oid, typmod)`. `ndims` is the declared array dimensions
/// (`attndims`), 0 when unknown. Errors are reasons; the caller names the column.
fn resolve_type(types: &TypeMap, oid: u32, typmod: i32, ndims: i32, depth: usize) -> Result<PgType, String> {
    if depth > MAX_TYPE_DEPTH {
        return Err(format!("types nested more than {MAX_TYPE_DEPTH} levels deep"));
    }
    let row = types
        .get(&(oid, typmod))
        .ok_or_else(|| format!("type OID {oid} with typmod {typmod} was not found in pg_type"))?;
    let kind = match builtin_kind(oid, typmod)? {
        Some(kind) => kind,
        None => match row.typtype {
            'e' => TypeKind::Enum { labels: row.enum_labels.clone() },
            'd' => TypeKind::Domain {
                base: Box::new(resolve_type(types, row.basetype, row.basetypmod, 0, depth + 1)?),
                checks: row.domain_checks.clone(),
                not_null: row.notnull,
            },
            'r' | 'm' => {
                let subtype =
                    row.range_subtype.ok_or_else(|| format!("range type {} has no pg_range entry", row.display))?;
                let subtype = Box::new(resolve_type(types, subtype, -1, 0, depth + 1)?);
                if row.typtype == 'r' { TypeKind::Range { subtype } } else { TypeKind::MultiRange { subtype } }
            }
            'c' => {
                let mut fields = Vec::with_capacity(row.fields.len());
                for (name, field_oid, field_typmod, field_ndims) in &row.fields {
                    let ty = resolve_type(types, *field_oid, *field_typmod, *field_ndims, depth + 1)
                        .map_err(|reason| format!("field {name:?} of {}: {reason}", row.display))?;
                    fields.push((name.clone(), ty));
                }
                TypeKind::Composite { fields }
            }
            _ if row.category == 'A' && row.elem != 0 => {
                let dimensions = u8::try_from(ndims.max(1)).map_err(|_| format!("an array with {ndims} dimensions"))?;
                TypeKind::Array { element: Box::new(resolve_type(types, row.elem, typmod, 0, depth + 1)?), dimensions }
            }
            _ => TypeKind::Other { name: row.typname.clone() },
        },
    };
    Ok(PgType::new(oid, row.display.clone(), kind))
}

/// The built-in scalar types, known by their fixed OIDs (`pg_type.dat`), with typmods decoded.
fn builtin_kind(oid: u32, typmod: i32) -> Result<Option<TypeKind>, String> {
    // A length typmod (varchar, bpchar) counts the 4-byte varlena header; bit's is the bit count.
    let length = |header: i32| -> Option<u32> { if typmod < 0 { None } else { u32::try_from(typmod - header).ok() } };
    use TypeKind::*;
    let kind = match oid {
        16 => Bool,
        21 => Int2,
        23 => Int4,
        20 => Int8,
        700 => Float4,
        701 => Float8,
        1700 => numeric_kind(typmod)?,
        790 => Money,
        25 => Text,
        1043 => Varchar(length(4)),
        1042 => Char(length(4)),
        19 => Name,
        18 => SingleChar,
        17 => Bytea,
        2950 => Uuid,
        1082 => Date,
        1083 => Time,
        1266 => TimeTz,
        1114 => Timestamp,
        1184 => TimestampTz,
        1186 => Interval,
        114 => Json,
        3802 => Jsonb,
        142 => Xml,
        869 => Inet,
        650 => Cidr,
        829 => MacAddr,
        774 => MacAddr8,
        1560 => Bit(length(0)),
        1562 => VarBit(length(0)),
        3614 => TsVector,
        3615 => TsQuery,
        // Spelled out: `Oid` alone would also name sqlx's OID type imported above.
        26 => TypeKind::Oid,
        600 => Point,
        628 => Line,
        601 => Lseg,
        603 => Box,
        602 => Path,
        604 => Polygon,
        718 => Circle,
        // The catalog lists these as arrays, but their literal is space-separated (`1 2 3`).
        22 => Other { name: "int2vector".to_string() },
        30 => Other { name: "oidvector".to_string() },
        _ => return Ok(None),
    };
    Ok(Some(kind))
}

/// `numeric(p, s)` from its typmod: `((p << 16) | (s & 0x7ff)) + 4`, the scale an 11-bit signed
/// number since PostgreSQL 15. A negative scale (`numeric(5, -2)`) has no place in the model.
fn numeric_kind(typmod: i32) -> Result<TypeKind, String> {
    if typmod < 4 {
        return Ok(TypeKind::Numeric { precision: None, scale: None });
    }
    let packed = typmod - 4;
    let precision = (packed >> 16) & 0xffff;
    let scale = ((packed & 0x7ff) ^ 1024) - 1024;
    let precision = u16::try_from(precision).map_err(|_| format!("numeric precision {precision}"))?;
    let scale = u16::try_from(scale).map_err(|_| format!("numeric({precision}, {scale}) has a negative scale"))?;
    Ok(TypeKind::Numeric { precision: Some(precision), scale: Some(scale) })
}

// ---------------------------------------------------------------------------------------------
// Columns

/// Columns in `attnum` order with default, identity, generation and the sequence that feeds them:
/// the one owned by the column (a serial's is an auto `'a'` dependency, an identity's an internal
/// `'i'` one), else the one a plain `nextval('...'::regclass)` default names (pg_dump of a schema
/// whose sequences were never `OWNED BY`, like pagila), found through the default's dependency.
const COLUMNS_SQL: &str = r"
SELECT a.attrelid AS table_oid,
       a.attname::text AS name,
       a.attnum AS number,
       a.atttypid AS type_oid,
       a.atttypmod AS typmod,
       a.attndims::int4 AS ndims,
       format_type(a.atttypid, a.atttypmod) AS type_name,
       a.attnotnull AS not_null,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       seq.schema AS seq_schema,
       seq.name AS seq_name,
       seq.min AS seq_min,
       seq.increment AS seq_increment
  FROM pg_attribute a
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN LATERAL (
        SELECT sn.nspname::text AS schema, s.relname::text AS name, ps.seqmin AS min, ps.seqincrement AS increment
          FROM (SELECT d.objid AS seq, 0 AS preference
                  FROM pg_depend d
                 WHERE d.classid = 'pg_class'::regclass
                   AND d.refclassid = 'pg_class'::regclass
                   AND d.refobjid = a.attrelid
                   AND d.refobjsubid = a.attnum
                   AND d.deptype IN ('a', 'i')
                UNION ALL
                SELECT d.refobjid, 1
                  FROM pg_depend d
                 WHERE d.classid = 'pg_attrdef'::regclass
                   AND d.objid = ad.oid
                   AND d.refclassid = 'pg_class'::regclass
                   AND d.deptype = 'n'
                   AND pg_get_expr(ad.adbin, ad.adrelid) ~ '^nextval\(''.*''::regclass\)$'
               ) AS feeds
          JOIN pg_class s ON s.oid = feeds.seq AND s.relkind = 'S'
          JOIN pg_namespace sn ON sn.oid = s.relnamespace
          JOIN pg_sequence ps ON ps.seqrelid = s.oid
         ORDER BY feeds.preference, s.oid
         LIMIT 1
       ) seq ON true
 WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum";

async fn read_columns(
    conn: &mut PgConnection,
    oids: &[Oid],
    types: &TypeMap,
    by_oid: &HashMap<u32, usize>,
    tables: &mut [Table],
) -> Result<(), IntrospectError> {
    const PURPOSE: &str = "columns";
    let rows = sqlx::query(COLUMNS_SQL).bind(oids).fetch_all(&mut *conn).await.map_err(failed(PURPOSE))?;
    for row in &rows {
        let table_oid: Oid = get(row, "table_oid", PURPOSE)?;
        let table = table_mut(tables, by_oid, table_oid.0)?;
        let name: String = get(row, "name", PURPOSE)?;
        let type_oid: Oid = get(row, "type_oid", PURPOSE)?;
        let typmod: i32 = get(row, "typmod", PURPOSE)?;
        let ndims: i32 = get(row, "ndims", PURPOSE)?;
        let mut ty = resolve_type(types, type_oid.0, typmod, ndims, 0).map_err(|reason| {
            IntrospectError::UnsupportedType { table: table.name.to_string(), column: name.clone(), reason }
        })?;
        ty.name = get(row, "type_name", PURPOSE)?;
        let identity = match get_char(row, "identity", PURPOSE)? {
            'a' => Some(Identity::Always),
            'd' => Some(Identity::ByDefault),
            _ => None,
        };
        // 's' stored; 'v' virtual (PostgreSQL 18): neither is ever written.
        let generated = matches!(get_char(row, "generated", PURPOSE)?, 's' | 'v');
        let seq_schema: Option<String> = get(row, "seq_schema", PURPOSE)?;
        let seq_name: Option<String> = get(row, "seq_name", PURPOSE)?;
        let seq_min: Option<i64> = get(row, "seq_min", PURPOSE)?;
        let seq_increment: Option<i64> = get(row, "seq_increment", PURPOSE)?;
        table.columns.push(Column {
            name,
            number: get(row, "number", PURPOSE)?,
            ty,
            not_null: get(row, "not_null", PURPOSE)?,
            default: get(row, "default_expr", PURPOSE)?,
            identity,
            generated,
            sequence: seq_schema.zip(seq_name).map(|(s, n)| QualifiedName::new(s, n)),
            sequence_steps: seq_min.zip(seq_increment),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Primary keys, unique constraints and unique indexes

/// Unique indexes with the constraint they back, if any (the primary key first, then constraints,
/// then bare indexes). Only key columns (`indnkeyatts`), not `INCLUDE` ones; per key position
/// either the column name or, for `attnum` 0, the expression as `pg_get_indexdef` prints it.
/// `{NND}` is `i.indnullsnotdistinct` on PostgreSQL 15+, `false` before.
const UNIQUES_SQL: &str = r"
SELECT i.indrelid AS table_oid,
       coalesce(con.conname, ic.relname)::text AS name,
       i.indisprimary AS is_primary,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       pg_get_indexdef(i.indexrelid) AS definition,
       {NND} AS nulls_not_distinct,
       ARRAY(SELECT a.attname::text
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum <> 0
              WHERE k.ord <= i.indnkeyatts
              ORDER BY k.ord) AS key_columns,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int4, true)
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
              WHERE k.ord <= i.indnkeyatts
              ORDER BY k.ord) AS key_defs
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  LEFT JOIN pg_constraint con
         ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u')
 WHERE i.indrelid = ANY($1) AND i.indisunique AND i.indislive
 ORDER BY i.indrelid, i.indisprimary DESC, con.oid IS NULL, ic.relname";

async fn read_unique_keys(
    conn: &mut PgConnection,
    oids: &[Oid],
    version: i32,
    by_oid: &HashMap<u32, usize>,
    tables: &mut [Table],
) -> Result<(), IntrospectError> {
    const PURPOSE: &str = "primary keys and unique indexes";
    let nnd = if version >= 150000 { "i.indnullsnotdistinct" } else { "false" };
    // Only a fixed fragment is spliced in; the table list is a bound parameter.
    let sql = UNIQUES_SQL.replace("{NND}", nnd);
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(oids).fetch_all(&mut *conn).await.map_err(failed(PURPOSE))?;
    for row in &rows {
        let table_oid: Oid = get(row, "table_oid", PURPOSE)?;
        let table = table_mut(tables, by_oid, table_oid.0)?;
        let name: String = get(row, "name", PURPOSE)?;
        let key_columns: Vec<Option<String>> = get(row, "key_columns", PURPOSE)?;
        let key_defs: Vec<String> = get(row, "key_defs", PURPOSE)?;
        if key_columns.len() != key_defs.len() {
            return Err(IntrospectError::Catalog {
                object: format!("index {name:?} of table {}", table.name),
                reason: "key columns and key definitions differ in number".to_string(),
            });
        }
        let mut key = UniqueKey {
            name,
            columns: Vec::new(),
            expressions: Vec::new(),
            predicate: get(row, "predicate", PURPOSE)?,
            definition: get(row, "definition", PURPOSE)?,
            nulls_not_distinct: get(row, "nulls_not_distinct", PURPOSE)?,
        };
        for (column, def) in key_columns.into_iter().zip(key_defs) {
            match column {
                Some(column) => key.columns.push(column),
                None => key.expressions.push(def),
            }
        }
        let is_primary: bool = get(row, "is_primary", PURPOSE)?;
        if is_primary && table.primary_key.is_none() {
            table.primary_key = Some(key);
        } else if !table.unique_keys().any(|k| same_key(k, &key)) {
            // A second index on the same key (often a leftover next to the constraint's own)
            // adds nothing.
            table.uniques.push(key);
        }
    }
    Ok(())
}

/// Whether two unique keys enforce the same thing (column order does not matter for uniqueness).
fn same_key(a: &UniqueKey, b: &UniqueKey) -> bool {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    sorted(&a.columns) == sorted(&b.columns)
        && sorted(&a.expressions) == sorted(&b.expressions)
        && a.predicate == b.predicate
        && a.nulls_not_distinct == b.nulls_not_distinct
}

// ---------------------------------------------------------------------------------------------
// Foreign keys

/// Foreign keys declared on each table (`conparentid = 0`: the copies a partitioned table's
/// constraint gets on its partitions, or on the partitions it references, are left out). The
/// columns of both sides are zipped in `conkey`/`confkey` order.
const FOREIGN_KEYS_SQL: &str = r"
SELECT c.conrelid AS table_oid,
       c.conname::text AS name,
       rn.nspname::text AS ref_schema,
       r.relname::text AS ref_name,
       c.condeferrable AS deferrable,
       c.condeferred AS deferred,
       pg_get_constraintdef(c.oid) AS definition,
       ARRAY(SELECT a.attname::text
               FROM unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS columns,
       ARRAY(SELECT a.attname::text
               FROM unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.refnum
              ORDER BY k.ord) AS ref_columns,
       cardinality(c.conkey) AS arity
  FROM pg_constraint c
  JOIN pg_class r ON r.oid = c.confrelid
  JOIN pg_namespace rn ON rn.oid = r.relnamespace
 WHERE c.contype = 'f' AND c.conrelid = ANY($1) AND c.conparentid = 0
 ORDER BY c.conrelid, c.conname";

async fn read_foreign_keys(
    conn: &mut PgConnection,
    oids: &[Oid],
    by_oid: &HashMap<u32, usize>,
    tables: &mut [Table],
) -> Result<(), IntrospectError> {
    const PURPOSE: &str = "foreign keys";
    let rows = sqlx::query(FOREIGN_KEYS_SQL).bind(oids).fetch_all(&mut *conn).await.map_err(failed(PURPOSE))?;
    for row in &rows {
        let table_oid: Oid = get(row, "table_oid", PURPOSE)?;
        let table = table_mut(tables, by_oid, table_oid.0)?;
        let name: String = get(row, "name", PURPOSE)?;
        let columns: Vec<String> = get(row, "columns", PURPOSE)?;
        let referenced_columns: Vec<String> = get(row, "ref_columns", PURPOSE)?;
        let arity: Option<i32> = get(row, "arity", PURPOSE)?;
        let arity = usize::try_from(arity.unwrap_or(0)).unwrap_or(0);
        if arity == 0 || columns.len() != arity || referenced_columns.len() != arity {
            return Err(IntrospectError::Catalog {
                object: format!("foreign key {name:?} of table {}", table.name),
                reason: format!(
                    "{arity} key columns, {} resolved here and {} referenced",
                    columns.len(),
                    referenced_columns.len()
                ),
            });
        }
        table.foreign_keys.push(ForeignKey {
            name,
            columns,
            referenced_table: QualifiedName::new(
                get::<String>(row, "ref_schema", PURPOSE)?,
                get::<String>(row, "ref_name", PURPOSE)?,
            ),
            referenced_columns,
            deferrable: get(row, "deferrable", PURPOSE)?,
            initially_deferred: get(row, "deferred", PURPOSE)?,
            definition: get(row, "definition", PURPOSE)?,
            declared_on: None,
        });
    }
    Ok(())
}

/// A partition's own foreign keys (declared on it, not copied from its parent: pagila's
/// `payment_p2022_01` references `customer`, its siblings do not) hold for the rows routed to it.
/// Rows are generated for the partitioned root, so the root carries them too, with where they are
/// declared: every generated row satisfies them, and the root loads after the tables they reference.
fn lift_partition_foreign_keys(tables: &mut [Table]) {
    let position: HashMap<QualifiedName, usize> = tables.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    for i in 0..tables.len() {
        let mut root = i;
        while let Some(&parent) = tables[root].partition_of.as_ref().and_then(|p| position.get(p)) {
            root = parent;
        }
        if root == i {
            continue;
        }
        let declared_on = tables[i].name.clone();
        let own: Vec<ForeignKey> =
            tables[i].foreign_keys.iter().filter(|fk| fk.declared_on.is_none()).cloned().collect();
        for fk in own {
            let carried = tables[root].foreign_keys.iter().any(|f| {
                f.columns == fk.columns
                    && f.referenced_table == fk.referenced_table
                    && f.referenced_columns == fk.referenced_columns
            });
            if !carried {
                tables[root].foreign_keys.push(ForeignKey { declared_on: Some(declared_on.clone()), ..fk });
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// CHECK constraints

/// `"s,,n"` (parameter names, comma-joined, empty for an unnamed one) as `["s", "", "n"]`, for a
/// function of `arity` arguments; `None` when a name holds a comma (the count is off).
fn split_params(joined: &str, arity: i32) -> Option<Vec<String>> {
    let params: Vec<String> = match arity {
        0 => Vec::new(),
        _ => joined.split(',').map(str::to_string).collect(),
    };
    (params.len() == usize::try_from(arity).ok()?).then_some(params)
}

/// Table CHECK constraints. A partition is loaded through its parent, whose checks already apply,
/// so only its own (`conislocal`) ones are listed; an inheritance child is loaded directly and
/// keeps the inherited ones too. With each, the `LANGUAGE sql IMMUTABLE` functions it calls (the
/// server records them as its dependencies), for the analysis to inline: name, parameter names
/// (comma-joined, one per argument), body.
const CHECKS_SQL: &str = r"
SELECT c.conrelid AS table_oid,
       c.conname::text AS name,
       pg_get_constraintdef(c.oid) AS definition,
       f.names AS function_names,
       f.params AS function_params,
       f.arities AS function_arities,
       f.bodies AS function_bodies
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
  CROSS JOIN LATERAL (
      SELECT COALESCE(array_agg(p.proname::text ORDER BY p.oid), '{}') AS names,
             COALESCE(array_agg(array_to_string(ARRAY(SELECT COALESCE(p.proargnames[i], '')
                                                        FROM generate_series(1, p.pronargs) AS i ORDER BY i), ',')
                                ORDER BY p.oid), '{}') AS params,
             COALESCE(array_agg(p.pronargs::int4 ORDER BY p.oid), '{}') AS arities,
             COALESCE(array_agg(COALESCE(pg_get_function_sqlbody(p.oid), p.prosrc) ORDER BY p.oid), '{}') AS bodies
        FROM pg_depend d
        JOIN pg_proc p ON p.oid = d.refobjid
        JOIN pg_language l ON l.oid = p.prolang
       WHERE d.classid = 'pg_constraint'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_proc'::regclass
         AND l.lanname = 'sql' AND p.provolatile = 'i' AND p.prokind = 'f' AND NOT p.proretset
  ) AS f
 WHERE c.contype = 'c' AND c.conrelid = ANY($1)
   AND (c.conislocal OR NOT t.relispartition)
 ORDER BY c.conrelid, c.conname";

async fn read_checks(
    conn: &mut PgConnection,
    oids: &[Oid],
    by_oid: &HashMap<u32, usize>,
    tables: &mut [Table],
) -> Result<(), IntrospectError> {
    const PURPOSE: &str = "CHECK constraints";
    let rows = sqlx::query(CHECKS_SQL).bind(oids).fetch_all(&mut *conn).await.map_err(failed(PURPOSE))?;
    for row in &rows {
        let table_oid: Oid = get(row, "table_oid", PURPOSE)?;
        let table = table_mut(tables, by_oid, table_oid.0)?;
        let names: Vec<String> = get(row, "function_names", PURPOSE)?;
        let params: Vec<String> = get(row, "function_params", PURPOSE)?;
        let arities: Vec<i32> = get(row, "function_arities", PURPOSE)?;
        let bodies: Vec<String> = get(row, "function_bodies", PURPOSE)?;
        let functions = names
            .into_iter()
            .zip(params.iter().zip(arities))
            .zip(bodies)
            .filter_map(|((name, (params, arity)), body)| {
                Some(SqlFunction { name, params: split_params(params, arity)?, body })
            })
            .collect();
        table.checks.push(CheckConstraint {
            name: get(row, "name", PURPOSE)?,
            definition: get(row, "definition", PURPOSE)?,
            functions,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Exclusion constraints

/// Exclusion constraints declared on each table (not the copies partitions get), with one
/// (column, operator) per key position of their index; the column is NULL for an expression.
const EXCLUSIONS_SQL: &str = r"
SELECT c.conrelid AS table_oid,
       c.conname::text AS name,
       pg_get_constraintdef(c.oid) AS definition,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       ARRAY(SELECT a.attname::text
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum <> 0
              WHERE k.ord <= i.indnkeyatts
              ORDER BY k.ord) AS key_columns,
       ARRAY(SELECT o.oprname::text
               FROM unnest(c.conexclop) WITH ORDINALITY AS x(op, ord)
               JOIN pg_operator o ON o.oid = x.op
              ORDER BY x.ord) AS operators
  FROM pg_constraint c
  JOIN pg_index i ON i.indexrelid = c.conindid
 WHERE c.contype = 'x' AND c.conrelid = ANY($1) AND c.conparentid = 0
 ORDER BY c.conrelid, c.conname";

async fn read_exclusions(
    conn: &mut PgConnection,
    oids: &[Oid],
    by_oid: &HashMap<u32, usize>,
    tables: &mut [Table],
) -> Result<(), IntrospectError> {
    const PURPOSE: &str = "exclusion constraints";
    let rows = sqlx::query(EXCLUSIONS_SQL).bind(oids).fetch_all(&mut *conn).await.map_err(failed(PURPOSE))?;
    for row in &rows {
        let table_oid: Oid = get(row, "table_oid", PURPOSE)?;
        let table = table_mut(tables, by_oid, table_oid.0)?;
        let name: String = get(row, "name", PURPOSE)?;
        let columns: Vec<Option<String>> = get(row, "key_columns", PURPOSE)?;
        let operators: Vec<String> = get(row, "operators", PURPOSE)?;
        if columns.len() != operators.len() {
            return Err(IntrospectError::Catalog {
                object: format!("exclusion constraint {name:?} of table {}", table.name),
                reason: "key columns and operators differ in number".to_string(),
            });
        }
        table.exclusions.push(Exclusion {
            name,
            parts: columns.into_iter().zip(operators).collect(),
            predicate: get(row, "predicate", PURPOSE)?,
            definition: get(row, "definition", PURPOSE)?,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Triggers

/// Enabled user triggers; `tgisinternal` ones implement foreign keys and are not the user's.
const TRIGGERS_SQL: &str = r"
SELECT t.tgrelid AS table_oid, t.tgname::text AS name, t.tgenabled::text AS enabled,
       (t.tgtype & 1 <> 0 AND t.tgtype & 4 <> 0 AND t.tgtype & 64 = 0 AND t.tgqual IS NULL) AS per_inserted_row,
       coalesce(p.prosrc, '') AS source
  FROM pg_trigger t
  LEFT JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE t.tgrelid = ANY($1) AND NOT t.tgisinternal AND t.tgenabled <> 'D'
 ORDER BY t.tgrelid, t.tgname";

async fn read_triggers(
    conn: &mut PgConnection,
    oids: &[Oid],
    by_oid: &HashMap<u32, usize>,
    tables: &mut [Table],
) -> Result<(), IntrospectError> {
    const PURPOSE: &str = "triggers";
    let rows = sqlx::query(TRIGGERS_SQL).bind(oids).fetch_all(&mut *conn).await.map_err(failed(PURPOSE))?;
    for row in &rows {
        let table_oid: Oid = get(row, "table_oid", PURPOSE)?;
        let table = table_mut(tables, by_oid, table_oid.0)?;
        let fires = match get_char(row, "enabled", PURPOSE)? {
            'A' => Fires::Always,
            'R' => Fires::Replica,
            _ => Fires::Origin,
        };
        let source: String = get(row, "source", PURPOSE)?;
        table.triggers.push(Trigger {
            name: get(row, "name", PURPOSE)?,
            fires,
            per_inserted_row: get(row, "per_inserted_row", PURPOSE)?,
            inserts: super::trigger_source::inserts(&source),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typmod(precision: i32, scale: i32) -> i32 {
        ((precision << 16) | (scale & 0x7ff)) + 4
    }

    #[test]
    fn numeric_typmods_decode() {
        assert_eq!(numeric_kind(-1), Ok(TypeKind::Numeric { precision: None, scale: None }));
        assert_eq!(numeric_kind(typmod(5, 2)), Ok(TypeKind::Numeric { precision: Some(5), scale: Some(2) }));
        assert_eq!(numeric_kind(typmod(1000, 0)), Ok(TypeKind::Numeric { precision: Some(1000), scale: Some(0) }));
        // PostgreSQL 15 allows a scale above the precision, and a negative one (not representable).
        assert_eq!(numeric_kind(typmod(2, 5)), Ok(TypeKind::Numeric { precision: Some(2), scale: Some(5) }));
        assert!(numeric_kind(typmod(5, -2)).is_err());
    }

    #[test]
    fn length_typmods_decode() {
        assert_eq!(builtin_kind(1043, 24), Ok(Some(TypeKind::Varchar(Some(20)))));
        assert_eq!(builtin_kind(1043, -1), Ok(Some(TypeKind::Varchar(None))));
        assert_eq!(builtin_kind(1042, 7), Ok(Some(TypeKind::Char(Some(3)))));
        assert_eq!(builtin_kind(1560, 8), Ok(Some(TypeKind::Bit(Some(8)))));
        assert_eq!(builtin_kind(1562, -1), Ok(Some(TypeKind::VarBit(None))));
        assert_eq!(builtin_kind(1007, -1), Ok(None));
    }
}
