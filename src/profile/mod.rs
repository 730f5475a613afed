//! Profiles: what the user wants, read from a TOML file (`profiles/<name>.toml`).
//!
//! Second stage of the pipeline. A profile only says what differs from sensible defaults: volumes,
//! fan-out, fixtures, column rules. This module parses it (following `extends`) into a [`Profile`]
//! whose every user-written name keeps its [`Location`]; the planner resolves those names against
//! the live schema and reports mistakes at that location. Nothing here touches a database.

mod lookup;
mod raw;
pub mod reference;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use lookup::{ProfileFolder, resolve_path};
use raw::{RawColumn, RawCount, RawProfile, RawRows, RawTable};
use toml::Spanned;

use crate::connect::settings::{ServerSettings, check_name};

/// The default seed when neither the profile nor `--seed` gives one.
pub const DEFAULT_SEED: u64 = 42;
/// Rows per table when the profile gives no default.
pub const DEFAULT_ROWS: u64 = 10;

/// A place in a profile file, for error messages: `profiles/minimal.toml:12:5`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(
        "profile `{name}` not found: looked for {tried}. Available profiles: {available}. Pass a path to a .toml file or one of those names."
    )]
    NotFound { name: String, tried: String, available: String },
    #[error(
        "`{name}` is not a profile: a profile is a TOML file, named by its name in the profiles folder or by a path ending in .toml. Available profiles: {available}"
    )]
    NotAProfile { name: String, available: String },
    #[error("cannot read profile {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{location}: {message}")]
    Invalid { location: Location, message: String },
    #[error(
        "{}: the profile names no tables, so a run would do nothing. Give it `[schema]` (schema = DDL file), `schemas = [\"name\"]`, `[tables.\"schema.table\"]` or `extends = \"minimal\"`",
        path.display()
    )]
    Empty { path: PathBuf },
    #[error("{}: `extends` forms a loop through {chain}", path.display())]
    ExtendsLoop { path: PathBuf, chain: String },
}

/// A parsed profile, with `extends` already applied.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The file the user named (for messages).
    pub path: PathBuf,
    pub seed: u64,
    /// (PostgreSQL schema, DDL file): the file is applied when the schema has no tables yet.
    /// Paths are resolved against the profile's folder.
    pub ddl_files: Vec<(String, PathBuf)>,
    /// PostgreSQL schemas whose every table the profile owns (fills and cleans); by default the
    /// schemas of `ddl_files`.
    pub schemas: Vec<Named>,
    pub scale: f64,
    pub database: Option<String>,
    /// `allow_remote = true`: the profile may clean a database on another machine.
    pub allow_remote: Option<bool>,
    /// `now = ...`: the reference moment (micros since 2000-01-01) generated times end at; `None`:
    /// the fixed default (see [`reference`]).
    pub now: Option<i64>,
    pub default_rows: u64,
    pub default_null_rate: Option<f64>,
    pub tables: Vec<TableSettings>,
    /// `[settings]`: server settings the schema reads, set on the load's connections.
    pub server_settings: ServerSettings,
    /// Which settings this file gave itself (for `extends`: the child's own settings win).
    explicit: Explicit,
}

#[derive(Debug, Clone, Copy, Default)]
struct Explicit {
    seed: bool,
    ddl: bool,
    schemas: bool,
    scale: bool,
    default_rows: bool,
}

impl Explicit {
    fn or(self, other: Explicit) -> Explicit {
        Explicit {
            seed: self.seed || other.seed,
            ddl: self.ddl || other.ddl,
            schemas: self.schemas || other.schemas,
            scale: self.scale || other.scale,
            default_rows: self.default_rows || other.default_rows,
        }
    }
}

/// A name the user wrote, with where they wrote it.
#[derive(Debug, Clone)]
pub struct Named {
    pub name: String,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct TableSettings {
    pub name: Named,
    pub rows: Option<Rows>,
    pub rows_location: Option<Location>,
    pub fixture: Option<PathBuf>,
    pub skip: bool,
    pub columns: Vec<ColumnSettings>,
}

/// How many rows a table gets.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    Count(u64),
    /// Each row of `parent` gets `count` rows of this table.
    Per {
        parent: String,
        count: Count,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Count {
    Exact(u64),
    /// Uniform in `min..=max`.
    Range {
        min: u64,
        max: u64,
    },
    /// Zipf-skewed in `min..=max`: most parents get few, some get many.
    Zipf {
        exponent: f64,
        min: u64,
        max: u64,
    },
}

impl Count {
    pub fn max(&self) -> u64 {
        match self {
            Count::Exact(n) => *n,
            Count::Range { max, .. } | Count::Zipf { max, .. } => *max,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ColumnSettings {
    pub name: Named,
    pub generator: Option<Named>,
    pub values: Option<Vec<toml::Value>>,
    pub weights: Option<Vec<f64>>,
    pub range: Option<[toml::Value; 2]>,
    pub null_rate: Option<f64>,
    pub unique: Option<bool>,
    pub length: Option<[u32; 2]>,
    pub value: Option<toml::Value>,
    /// `Some(false)`: the column is generated on its own, whatever its name suggests about other
    /// columns of its row or its parents (time order, identities, owners).
    pub infer: Option<bool>,
    /// `creation = true`: this moment is the row's creation, whatever its name.
    pub creation: Option<bool>,
    /// `after = "opened_at"`: this moment follows that column of the row.
    pub after: Option<Named>,
    /// `when = { status = [...] }`: this moment is set exactly when the column holds one of the values.
    pub when: Option<Condition>,
    /// `from = "name"`: the column is made from another column of its row (a slug of it, or an
    /// email or username of the same person), where names do not say so.
    pub from: Option<Named>,
    /// A membership table: the referenced user is a member of the row's group (`plan::owners`).
    pub member_of: Option<Named>,
}

/// A column of the row and the values that switch a rule on (`when = { status = ["shipped"] }`).
#[derive(Debug, Clone)]
pub struct Condition {
    pub location: Location,
    /// (column, values) as written: the planner requires exactly one.
    pub entries: Vec<(String, Vec<toml::Value>)>,
}

/// Reads and parses a profile file, following `extends`.
/// A profile that owns no table (an empty file, one with only a seed) is refused: a run would
/// connect, do nothing and succeed, which hides the mistake.
pub fn load(path: &Path) -> Result<Profile, ProfileError> {
    let profile = load_chain(path, &mut Vec::new())?;
    if profile.schemas.is_empty() && profile.tables.is_empty() {
        return Err(ProfileError::Empty { path: path.to_path_buf() });
    }
    Ok(profile)
}

/// Parses profile text; `extends` is not followed (there may be no folder to look in).
pub fn parse_str(path: &Path, text: &str) -> Result<Profile, ProfileError> {
    parse_file(path, text).map(|(profile, _)| profile)
}

fn load_chain(path: &Path, chain: &mut Vec<PathBuf>) -> Result<Profile, ProfileError> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if chain.contains(&canonical) {
        chain.push(canonical);
        let names: Vec<String> = chain.iter().map(|p| p.display().to_string()).collect();
        return Err(ProfileError::ExtendsLoop { path: path.to_path_buf(), chain: names.join(" -> ") });
    }
    chain.push(canonical);
    let text =
        std::fs::read_to_string(path).map_err(|source| ProfileError::Read { path: path.to_path_buf(), source })?;
    let (child, extends) = parse_file(path, &text)?;
    let Some(parent) = extends else {
        return Ok(child);
    };
    let parent_path = extends_path(path, &parent.name);
    if !parent_path.is_file() {
        let message = format!("`extends = \"{}\"`: no profile at {}", parent.name, parent_path.display());
        return Err(invalid(parent.location, message));
    }
    Ok(merge(load_chain(&parent_path, chain)?, child))
}

fn extends_path(child: &Path, parent: &str) -> PathBuf {
    let folder = child.parent().unwrap_or(Path::new("."));
    if parent.ends_with(".toml") { folder.join(parent) } else { folder.join(format!("{parent}.toml")) }
}

/// Parses one file into a profile located in that file, and the `extends` it names.
fn parse_file(path: &Path, text: &str) -> Result<(Profile, Option<Named>), ProfileError> {
    let raw: RawProfile = toml::from_str(text).map_err(|error| {
        let offset = error.span().map(|span| span.start).unwrap_or(0);
        invalid(locate(path, text, offset), error.message().trim().to_string())
    })?;
    let at = |offset: usize| locate(path, text, offset);
    let extends = raw.extends.as_ref().map(|e| Named { name: e.get_ref().clone(), location: at(e.span().start) });
    Ok((resolve(path, &at, raw)?, extends))
}

/// A child's settings win over its parent's, table by table and column by column.
fn merge(parent: Profile, child: Profile) -> Profile {
    let mut tables = parent.tables;
    for child_table in child.tables {
        match tables.iter_mut().find(|t| t.name.name == child_table.name.name) {
            Some(parent_table) => merge_table(parent_table, child_table),
            None => tables.push(child_table),
        }
    }
    Profile {
        path: child.path,
        seed: if child.explicit.seed { child.seed } else { parent.seed },
        ddl_files: if child.explicit.ddl { child.ddl_files } else { parent.ddl_files },
        schemas: if child.explicit.schemas { child.schemas } else { parent.schemas },
        scale: if child.explicit.scale { child.scale } else { parent.scale },
        database: child.database.or(parent.database),
        allow_remote: child.allow_remote.or(parent.allow_remote),
        now: child.now.or(parent.now),
        default_rows: if child.explicit.default_rows { child.default_rows } else { parent.default_rows },
        default_null_rate: child.default_null_rate.or(parent.default_null_rate),
        tables,
        server_settings: parent.server_settings.overridden_by(&child.server_settings),
        explicit: parent.explicit.or(child.explicit),
    }
}

fn merge_table(parent: &mut TableSettings, child: TableSettings) {
    if child.rows.is_some() || child.fixture.is_some() {
        parent.rows = child.rows;
        parent.rows_location = child.rows_location;
        parent.fixture = child.fixture;
    }
    parent.skip = child.skip;
    for column in child.columns {
        parent.columns.retain(|c| c.name.name != column.name.name);
        parent.columns.push(column);
    }
    parent.name = child.name;
}

/// Turns a byte offset into a line and column (both from 1).
pub fn locate(path: &Path, text: &str, offset: usize) -> Location {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Location { file: path.to_path_buf(), line, column }
}

fn resolve(path: &Path, at: &dyn Fn(usize) -> Location, raw: RawProfile) -> Result<Profile, ProfileError> {
    let folder = path.parent().unwrap_or(Path::new(""));
    let defaults = raw.defaults.unwrap_or_default();
    let scale = raw.scale.as_ref().map_or(1.0, |s| *s.get_ref());
    if let Some(s) = &raw.scale
        && !(scale.is_finite() && scale > 0.0)
    {
        return Err(invalid(at(s.span().start), format!("`scale = {scale}` must be a positive number")));
    }
    if let Some(rate) = &defaults.null_rate
        && !(0.0..=1.0).contains(rate.get_ref())
    {
        let message = format!("`null_rate = {}` must be between 0 and 1", rate.get_ref());
        return Err(invalid(at(rate.span().start), message));
    }
    let now = match &raw.now {
        Some(text) => Some(reference::parse(text.get_ref()).map_err(|m| invalid(at(text.span().start), m))?),
        None => None,
    };
    let explicit = Explicit {
        seed: raw.seed.is_some(),
        ddl: raw.schema.is_some(),
        schemas: raw.schemas.is_some() || raw.schema.is_some(),
        scale: raw.scale.is_some(),
        default_rows: defaults.rows.is_some(),
    };
    let server_settings = resolve_settings(at, raw.settings.unwrap_or_default())?;
    let tables = raw
        .tables
        .into_iter()
        .map(|(name, table)| resolve_table(at, folder, name, table))
        .collect::<Result<Vec<_>, _>>()?;
    let ddl_files: Vec<(String, PathBuf)> =
        raw.schema.unwrap_or_default().into_iter().map(|(space, file)| (space, folder.join(file))).collect();
    let schema_location = at(0);
    let schemas = match raw.schemas {
        Some(list) => list.into_iter().map(|s| Named { location: at(s.span().start), name: s.into_inner() }).collect(),
        None => ddl_files
            .iter()
            .map(|(space, _)| Named { name: space.clone(), location: schema_location.clone() })
            .collect(),
    };
    Ok(Profile {
        path: path.to_path_buf(),
        seed: raw.seed.unwrap_or(DEFAULT_SEED),
        ddl_files,
        schemas,
        scale,
        database: raw.database.map(|d| d.into_inner()),
        allow_remote: raw.allow_remote,
        now,
        default_rows: defaults.rows.map_or(DEFAULT_ROWS, |r| r.into_inner()),
        default_null_rate: defaults.null_rate.map(|r| r.into_inner()),
        tables,
        server_settings,
        explicit,
    })
}

/// `[settings]`, each name checked.
fn resolve_settings(
    at: &dyn Fn(usize) -> Location,
    raw: BTreeMap<Spanned<String>, String>,
) -> Result<ServerSettings, ProfileError> {
    let mut settings = ServerSettings::default();
    for (name, value) in raw {
        check_name(name.get_ref())
            .map_err(|message| invalid(at(name.span().start), format!("[settings] {message}")))?;
        settings.set(name.into_inner(), value);
    }
    Ok(settings)
}

fn invalid(location: Location, message: String) -> ProfileError {
    ProfileError::Invalid { location, message }
}

fn resolve_table(
    at: &dyn Fn(usize) -> Location,
    folder: &Path,
    name: Spanned<String>,
    table: Spanned<RawTable>,
) -> Result<TableSettings, ProfileError> {
    let name = Named { location: at(name.span().start), name: name.into_inner() };
    let table = table.into_inner();
    let rows_location = table.rows.as_ref().map(|r| at(r.span().start));
    let rows = match table.rows {
        Some(rows) => {
            let span_start = rows.span().start;
            Some(resolve_rows(rows.into_inner()).map_err(|m| invalid(at(span_start), m))?)
        }
        None => None,
    };
    if rows.is_some() && table.fixture.is_some() {
        return Err(invalid(
            name.location,
            format!(
                "table `{}` has both `rows` and `fixture`: a fixture's rows are its file's lines; remove `rows`",
                name.name
            ),
        ));
    }
    let columns = table.columns.into_iter().map(|(n, c)| resolve_column(at, n, c)).collect();
    Ok(TableSettings {
        name,
        rows,
        rows_location,
        fixture: table.fixture.map(|f| folder.join(f.into_inner())),
        skip: table.skip.unwrap_or(false),
        columns,
    })
}

fn resolve_rows(rows: RawRows) -> Result<Rows, String> {
    match rows {
        RawRows::Count(n) => Ok(Rows::Count(n)),
        RawRows::Per(per) => Ok(Rows::Per { parent: per.per, count: resolve_count(per.count)? }),
    }
}

fn resolve_count(count: RawCount) -> Result<Count, String> {
    match count {
        RawCount::Exact(n) => Ok(Count::Exact(n)),
        RawCount::Range(text) => parse_range(&text),
        RawCount::Zipf(z) => {
            if !(z.zipf.is_finite() && z.zipf > 0.0) || z.max < z.min.max(1) {
                return Err(format!(
                    "zipf count needs zipf > 0 and max >= min >= 0 (got zipf = {}, min = {}, max = {})",
                    z.zipf, z.min, z.max
                ));
            }
            Ok(Count::Zipf { exponent: z.zipf, min: z.min, max: z.max })
        }
    }
}

/// `"1..=5"` (inclusive) or `"1..5"` (exclusive end), as in Rust.
pub fn parse_range(text: &str) -> Result<Count, String> {
    let bad = || format!("count `{text}` is not a range: write \"1..=5\" (1 to 5) or \"0..3\" (0 to 2)");
    let (lo, hi, inclusive) = match text.split_once("..=") {
        Some((lo, hi)) => (lo, hi, true),
        None => text.split_once("..").map(|(lo, hi)| (lo, hi, false)).ok_or_else(bad)?,
    };
    let min: u64 = lo.trim().parse().map_err(|_| bad())?;
    let end: u64 = hi.trim().parse().map_err(|_| bad())?;
    let max = if inclusive { end } else { end.checked_sub(1).ok_or_else(bad)? };
    if max < min {
        return Err(format!("count `{text}` is empty: its end is below its start"));
    }
    Ok(Count::Range { min, max })
}

fn resolve_column(at: &dyn Fn(usize) -> Location, name: Spanned<String>, column: Spanned<RawColumn>) -> ColumnSettings {
    let name = Named { location: at(name.span().start), name: name.into_inner() };
    let column = column.into_inner();
    ColumnSettings {
        name,
        generator: column.generator.map(|g| Named { location: at(g.span().start), name: g.into_inner() }),
        values: column.values,
        weights: column.weights,
        range: column.range,
        null_rate: column.null_rate,
        unique: column.unique,
        length: column.length,
        value: column.value,
        infer: column.infer,
        creation: column.creation,
        after: column.after.map(|a| Named { location: at(a.span().start), name: a.into_inner() }),
        when: column
            .when
            .map(|w| Condition { location: at(w.span().start), entries: w.into_inner().into_iter().collect() }),
        from: column.from.map(|f| Named { location: at(f.span().start), name: f.into_inner() }),
        member_of: column.member_of.map(|m| Named { location: at(m.span().start), name: m.into_inner() }),
    }
}

#[cfg(test)]
mod tests;
