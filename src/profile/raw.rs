//! The profile file exactly as written: serde structures with spans, before names are resolved.
//!
//! Everything a user can mistype is `Spanned`, so the planner can point at the line.
//! `deny_unknown_fields` turns a misspelt key into an error at its line instead of a silent default.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub seed: Option<u64>,
    /// Another profile (name or path) whose settings this one starts from.
    pub extends: Option<Spanned<String>>,
    /// PostgreSQL schema name -> DDL file (relative to the profile), applied when that schema has
    /// no tables yet.
    pub schema: Option<BTreeMap<String, String>>,
    /// The PostgreSQL schemas whose tables the profile owns.
    pub schemas: Option<Vec<Spanned<String>>>,
    /// Multiplies every absolute row count (`--scale` multiplies again).
    pub scale: Option<Spanned<f64>>,
    /// The database name the profile expects to run against (checked before connecting).
    pub database: Option<Spanned<String>>,
    /// Allow cleaning and filling a database on another machine (refused by default).
    pub allow_remote: Option<bool>,
    /// The reference moment generated times end at: a date, a timestamp or `"today"`.
    pub now: Option<Spanned<String>>,
    pub defaults: Option<RawDefaults>,
    /// Server settings the schema reads (`"app.current_tenant" = "1"`), set for the load.
    pub settings: Option<BTreeMap<Spanned<String>, String>>,
    #[serde(default)]
    pub tables: BTreeMap<Spanned<String>, Spanned<RawTable>>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub rows: Option<Spanned<u64>>,
    /// Share of NULLs in nullable columns that no rule covers.
    pub null_rate: Option<Spanned<f64>>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawTable {
    pub rows: Option<Spanned<RawRows>>,
    pub fixture: Option<Spanned<String>>,
    /// Leave the table out of the run (not cleaned, not filled).
    pub skip: Option<bool>,
    #[serde(default)]
    pub columns: BTreeMap<Spanned<String>, Spanned<RawColumn>>,
}

/// Read through `toml::Value` so a mistake gets a message about `rows`, not serde's "did not
/// match any variant of untagged enum".
#[derive(Debug, Deserialize, Clone)]
#[serde(try_from = "toml::Value")]
pub enum RawRows {
    Count(u64),
    Per(RawPer),
}

impl TryFrom<toml::Value> for RawRows {
    type Error = String;

    fn try_from(value: toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Integer(n) => count(n, "rows").map(RawRows::Count),
            toml::Value::Table(_) => value.try_into().map(RawRows::Per).map_err(|e| format!("`rows`: {}", e.message())),
            other => Err(format!(
                "`rows` is a whole number (`rows = 25`) or a fan-out (`rows = {{ per = \"schema.table\", count = \"1..=5\" }}`), not {} {other}",
                other.type_str()
            )),
        }
    }
}

fn count(n: i64, key: &str) -> Result<u64, String> {
    u64::try_from(n).map_err(|_| format!("`{key} = {n}`: a number of rows cannot be negative"))
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawPer {
    /// The parent table: each of its rows gets `count` rows of this table.
    pub per: String,
    pub count: RawCount,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(try_from = "toml::Value")]
pub enum RawCount {
    Exact(u64),
    /// `"1..=5"` or `"0..3"`.
    Range(String),
    Zipf(RawZipf),
}

impl TryFrom<toml::Value> for RawCount {
    type Error = String;

    fn try_from(value: toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Integer(n) => count(n, "count").map(RawCount::Exact),
            toml::Value::String(text) => Ok(RawCount::Range(text)),
            toml::Value::Table(_) => {
                value.try_into().map(RawCount::Zipf).map_err(|e| format!("`count`: {}", e.message()))
            }
            other => Err(format!(
                "`count` is a number (`3`), a range (`\"1..=5\"`) or a skew (`{{ zipf = 1.1, max = 200 }}`), not {} {other}",
                other.type_str()
            )),
        }
    }
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawZipf {
    pub zipf: f64,
    pub max: u64,
    #[serde(default)]
    pub min: u64,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawColumn {
    /// A named generator (`email`, `first_name`, `sentence`, ...).
    pub generator: Option<Spanned<String>>,
    pub values: Option<Vec<toml::Value>>,
    pub weights: Option<Vec<f64>>,
    /// Inclusive bounds: numbers, or dates/timestamps as strings.
    pub range: Option<[toml::Value; 2]>,
    pub null_rate: Option<f64>,
    pub unique: Option<bool>,
    /// Bounds on a text's length in characters or an array's element count.
    pub length: Option<[u32; 2]>,
    /// A fixed value for every row.
    pub value: Option<toml::Value>,
    /// `false`: no rule inferred from names and types shapes this column (see `plan::columns`).
    pub infer: Option<bool>,
    /// `true`: this moment is the row's creation (what later moments and child rows follow).
    pub creation: Option<bool>,
    /// Another column of the row this moment follows (`closed_at` after `opened_at`).
    pub after: Option<Spanned<String>>,
    /// `{ status = ["shipped", "delivered"] }`: the moment is set exactly when that column of the
    /// row holds one of the values, NULL otherwise.
    pub when: Option<Spanned<BTreeMap<String, Vec<toml::Value>>>>,
    /// Another column of the row this one is made from: a slug of it, or the same person.
    pub from: Option<Spanned<String>>,
    /// On a foreign key to users: a membership table (`team_members`) whose row links the
    /// referenced user to the row's group (see `plan::owners`).
    pub member_of: Option<Spanned<String>>,
}
