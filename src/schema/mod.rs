//! The database as `seed` sees it: tables, columns, exact types, keys and constraints.
//!
//! This is the first stage of the pipeline (schema -> profile -> plan -> generate -> load). The model
//! is filled by [`introspect`] from `pg_catalog` and is never restated by hand: everything the planner
//! decides (order, generators, capacities) is derived from it. CHECK constraint texts are understood by
//! [`check`]. The model is plain data so that planning stays pure and testable without a server.

pub mod check;
pub mod introspect;
mod trigger_source;
mod types;

use std::fmt;

pub use types::{PgType, TypeKind};

/// A schema-qualified name (`creator.users`), displayed quoted for SQL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName { schema: schema.into(), name: name.into() }
    }

    /// The name as a user reads and writes it: `schema.table`, each part double-quoted only when
    /// it needs to be (capitals, dots, spaces...), so `"a.b".c` and `a."b.c"` never print alike.
    pub fn plain(&self) -> String {
        format!("{}.{}", quote_ident_if_needed(&self.schema), quote_ident_if_needed(&self.name))
    }

    /// Whether a user's `schema.table` names this table: as [`plain`](Self::plain) prints it, or
    /// unquoted (`public.Team`), as profiles have always accepted.
    pub fn is_written_as(&self, written: &str) -> bool {
        self.plain() == written
            || written.strip_prefix(self.schema.as_str()).and_then(|rest| rest.strip_prefix('.')) == Some(&self.name)
    }
}

/// SQL form: both parts quoted, so any identifier (`"teamMembers"`, spaces, quotes) is safe.
impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }
}

/// Quotes an identifier the way PostgreSQL's `quote_ident` does, but always: `a"b` -> `"a""b"`.
pub fn quote_ident(ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 2);
    out.push('"');
    for ch in ident.chars() {
        if ch == '"' {
            out.push('"');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// An identifier as PostgreSQL would need it written: bare when it is lowercase letters, digits,
/// `_` and `$` (not starting with a digit or `$`), double-quoted otherwise. Keywords are left bare:
/// this is for reading, and what matters there is that no two names print alike.
pub fn quote_ident_if_needed(ident: &str) -> String {
    let mut chars = ident.chars();
    let starts_plain = chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let bare = starts_plain && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if bare { ident.to_string() } else { quote_ident(ident) }
}

/// Quotes a string literal for SQL: `it's` -> `'it''s'`. Used only for catalog values we echo back.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Every user table of the database, in a stable order (schema, name).
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub tables: Vec<Table>,
}

impl Schema {
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.iter().find(|t| &t.name == name)
    }

    pub fn table_index(&self, name: &QualifiedName) -> Option<usize> {
        self.tables.iter().position(|t| &t.name == name)
    }

    /// What `table`'s triggers insert, and where: each trigger with one of its inserts and the
    /// table it inserts into, resolved like PostgreSQL's search path would mostly do: a qualified
    /// name exactly, else the trigger table's schema, then `public`, then the only table of that name.
    pub fn trigger_targets<'a>(&'a self, table: &'a Table) -> Vec<(&'a Trigger, &'a TriggerInsert, &'a Table)> {
        let resolve = |written: &String| match written.split_once('.') {
            Some((space, name)) => self.table(&QualifiedName::new(space, name)),
            None => self
                .table(&QualifiedName::new(table.name.schema.clone(), written.clone()))
                .or_else(|| self.table(&QualifiedName::new("public", written.clone())))
                .or_else(|| {
                    let mut named = self.tables.iter().filter(|t| &t.name.name == written);
                    named.next().filter(|_| named.next().is_none())
                }),
        };
        table
            .triggers
            .iter()
            .flat_map(|trigger| trigger.inserts.iter().map(move |insert| (trigger, insert)))
            .filter_map(|(trigger, insert)| resolve(&insert.table).map(|target| (trigger, insert, target)))
            .collect()
    }

    /// The partitions of a partitioned table.
    pub fn partitions_of(&self, parent: &QualifiedName) -> Vec<&Table> {
        self.tables.iter().filter(|t| t.partition_of.as_ref() == Some(parent)).collect()
    }

    /// The partitions that hold rows (not themselves partitioned), at any depth below `parent`.
    pub fn leaf_partitions_of(&self, parent: &QualifiedName) -> Vec<&Table> {
        let mut leaves = Vec::new();
        for partition in self.partitions_of(parent) {
            match partition.kind {
                TableKind::Partitioned => leaves.extend(self.leaf_partitions_of(&partition.name)),
                TableKind::Ordinary => leaves.push(partition),
            }
        }
        leaves
    }

    /// Names of every schema that holds at least one table.
    pub fn schema_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.tables.iter().map(|t| t.name.schema.as_str()).collect();
        names.dedup();
        names
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Ordinary,
    /// A partitioned parent: rows are routed to its partitions, it is loaded through the parent.
    Partitioned,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub oid: u32,
    pub name: QualifiedName,
    pub kind: TableKind,
    /// For a partition: its parent. Partitions are loaded through their parent, never directly.
    pub partition_of: Option<QualifiedName>,
    /// For a partition: `pg_get_expr(relpartbound)`, e.g. `FOR VALUES FROM (1) TO (100)`.
    pub partition_bound: Option<String>,
    /// For a partitioned table: `pg_get_partkeydef`, e.g. `RANGE (aid)`.
    pub partition_key: Option<String>,
    /// For a leaf partition: `pg_get_partition_constraintdef`, its own and its ancestors' bounds as
    /// one boolean expression (what a row must satisfy to be routed there).
    pub partition_constraint: Option<String>,
    /// Parents in an inheritance (not partitioning) hierarchy.
    pub inherits: Vec<QualifiedName>,
    pub columns: Vec<Column>,
    pub primary_key: Option<UniqueKey>,
    /// Unique constraints and unique indexes other than the primary key.
    pub uniques: Vec<UniqueKey>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<CheckConstraint>,
    pub exclusions: Vec<Exclusion>,
    /// Enabled user triggers (not the internal ones that implement FKs).
    pub triggers: Vec<Trigger>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The primary key first, then the other unique keys.
    pub fn unique_keys(&self) -> impl Iterator<Item = &UniqueKey> {
        self.primary_key.iter().chain(self.uniques.iter())
    }

    pub fn is_partition(&self) -> bool {
        self.partition_of.is_some()
    }

    /// An ordinary table `public.name` with these columns and nothing else, for unit tests.
    #[cfg(test)]
    pub fn with_columns(name: &str, columns: Vec<Column>) -> Table {
        Table {
            oid: 1,
            name: QualifiedName::new("public", name),
            kind: TableKind::Ordinary,
            partition_of: None,
            partition_bound: None,
            partition_key: None,
            partition_constraint: None,
            inherits: vec![],
            columns,
            primary_key: None,
            uniques: vec![],
            foreign_keys: vec![],
            checks: vec![],
            exclusions: vec![],
            triggers: vec![],
        }
    }
}

/// A user trigger, when it fires (`pg_trigger.tgenabled`), and what its function inserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub name: String,
    pub fires: Fires,
    /// `FOR EACH ROW` on `INSERT` (before or after it, not `INSTEAD OF`): the function runs once
    /// for every row a COPY writes, in the rows' order.
    pub per_inserted_row: bool,
    /// The `INSERT INTO` statements of its function's source (`pg_proc.prosrc`), in order.
    pub inserts: Vec<TriggerInsert>,
}

/// One `INSERT INTO` of a trigger function, as far as a plain-text reading of its source tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerInsert {
    /// The table, as written: `schema.name` or `name` (quotes removed, unquoted parts folded).
    pub table: String,
    /// The columns it names, each with the firing row's column its value is (`NEW.id`), if that.
    pub columns: Vec<(String, Option<String>)>,
    /// Whether each run of the function inserts exactly one row here: one `VALUES` row, and no
    /// condition, loop, exception block, dynamic SQL or `ON CONFLICT` anywhere in the function
    /// that could skip or repeat it.
    pub once: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fires {
    /// `ENABLE TRIGGER`: in ordinary sessions (`session_replication_role = origin`).
    Origin,
    /// `ENABLE ALWAYS TRIGGER`: in every session.
    Always,
    /// `ENABLE REPLICA TRIGGER`: only in replication sessions, never during a load.
    Replica,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// `attnum`: the column's position in the catalog (gaps where columns were dropped).
    pub number: i16,
    pub ty: PgType,
    pub not_null: bool,
    /// `pg_get_expr(adbin)`: the default expression, if any.
    pub default: Option<String>,
    pub identity: Option<Identity>,
    /// A stored generated column: computed by the server, never written.
    pub generated: bool,
    /// The sequence that feeds this column (serial or identity), if any.
    pub sequence: Option<QualifiedName>,
    /// That sequence's `minvalue` and `increment`: where a restart may put it, and its step.
    pub sequence_steps: Option<(i64, i64)>,
}

impl Column {
    /// A plain NOT NULL column, for unit tests.
    #[cfg(test)]
    pub fn plain(name: &str, ty: PgType) -> Column {
        Column {
            name: name.into(),
            number: 1,
            ty,
            not_null: true,
            default: None,
            identity: None,
            generated: false,
            sequence: None,
            sequence_steps: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    Always,
    ByDefault,
}

/// A primary key, unique constraint or unique index.
#[derive(Debug, Clone, PartialEq)]
pub struct UniqueKey {
    pub name: String,
    /// Column names; empty entries never occur: expression parts are listed in `expressions`.
    pub columns: Vec<String>,
    /// Expression parts of an expression index (`lower(email)`), as `pg_get_indexdef` prints them.
    pub expressions: Vec<String>,
    /// The `WHERE` of a partial unique index.
    pub predicate: Option<String>,
    /// `pg_get_indexdef`: the whole `CREATE UNIQUE INDEX ...`, to name the index in messages.
    pub definition: String,
    pub nulls_not_distinct: bool,
}

#[derive(Debug, Clone)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub referenced_table: QualifiedName,
    pub referenced_columns: Vec<String>,
    pub deferrable: bool,
    pub initially_deferred: bool,
    /// `pg_get_constraintdef`: used to re-create the constraint after a cycle is loaded.
    pub definition: String,
    /// Where the constraint lives when it is not on this table: a partition's own foreign key,
    /// which its partitioned root carries too (see `introspect`).
    pub declared_on: Option<QualifiedName>,
}

impl ForeignKey {
    /// A plain, immediate foreign key `name` from `columns` to `referenced`, for unit tests.
    #[cfg(test)]
    pub fn plain(name: &str, columns: &[&str], referenced_table: QualifiedName, referenced: &[&str]) -> ForeignKey {
        ForeignKey {
            name: name.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            referenced_table,
            referenced_columns: referenced.iter().map(|c| c.to_string()).collect(),
            deferrable: false,
            initially_deferred: false,
            definition: String::new(),
            declared_on: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CheckConstraint {
    pub name: String,
    /// `pg_get_constraintdef`, e.g. `CHECK ((status)::text = ANY (...))`.
    pub definition: String,
    /// The `LANGUAGE sql IMMUTABLE` functions the constraint calls, to be inlined (see
    /// [`check::inline`]).
    pub functions: Vec<check::SqlFunction>,
}

impl CheckConstraint {
    /// The constraint's expression, its calls to the schema's SQL functions inlined.
    pub fn parse(&self) -> Result<check::Expr, check::CheckParseError> {
        check::parse(&self.definition).map(|expr| check::inline(expr, &self.functions))
    }
}

/// An exclusion constraint: `EXCLUDE USING gist (room_id WITH =, during WITH &&)`.
#[derive(Debug, Clone)]
pub struct Exclusion {
    pub name: String,
    /// Per key position: the column (`None` for an expression) and the operator's name.
    pub parts: Vec<(Option<String>, String)>,
    /// The `WHERE` of a partial constraint.
    pub predicate: Option<String>,
    /// `pg_get_constraintdef`, e.g. `EXCLUDE USING gist (code WITH =)`.
    pub definition: String,
}
