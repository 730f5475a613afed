//! Choosing each column's generator: type first, then name, then CHECKs, then the profile.
//!
//! The type gives a valid domain (int2's range, numeric(5,2)'s digits, varchar(n)'s length), the
//! name makes it realistic (`email`, `*_count`, `deleted_at`), CHECK restrictions shape it (IN lists
//! become choices, bounds become ranges, `b > a` orders two columns, columns whose NULLs a CHECK
//! ties together take turns, see [`turns`]) and the profile has the last word. Columns filled by a foreign key get a generator too, but the key's value replaces it.

use crate::generate::column::{
    ColumnGen, CompositeField, GeoShape, IntSpread, IsnKind, KEY_DIGITS, LiteralKind, MAX_MULTIRANGE, MomentUnit,
    REFERENCE_DAY, REFERENCE_MICROS,
};
use crate::generate::rng::StreamKey;
use crate::generate::table::ColumnSlot;
use crate::generate::text::TextKind;
use crate::generate::value::{MICROS_PER_DAY, Value};
use crate::profile::{Profile, TableSettings};
use crate::schema::{Column, PgType, Schema, Table, TypeKind};

use super::{PlanError, scope};

mod fit;
mod identity;
mod partition;
mod restrict;
pub mod words;

pub use restrict::domain_checks;
mod settings;
mod turns;
mod validate;

/// Share of NULLs in a nullable column no rule covers.
pub const DEFAULT_NULL_RATE: f64 = 0.1;
/// Soft-delete and end-of-life columns are mostly NULL.
const MOSTLY_NULL_RATE: f64 = 0.9;

pub struct ColumnChoice {
    pub slots: Vec<ColumnSlot>,
    pub notes: Vec<String>,
    /// Rules inferred from names and types, for `seed plan` (see `TablePlan::inferred`).
    pub inferred: Vec<String>,
}

/// Whether rules inferred from names may shape `column`: not when the profile says `infer = false`.
pub fn infers(settings: Option<&TableSettings>, column: &str) -> bool {
    settings.and_then(|s| s.columns.iter().find(|c| c.name.name == column)).and_then(|c| c.infer).unwrap_or(true)
}

/// Whether rules inferred from names may make `column`'s values: not when the profile says
/// `infer = false`, nor when it chose the values itself (`generator`, `value`, `values`, `range`).
pub fn left_to_inference(settings: Option<&TableSettings>, column: &str) -> bool {
    let chosen = settings
        .and_then(|s| s.columns.iter().find(|c| c.name.name == column))
        .is_some_and(|c| c.generator.is_some() || c.value.is_some() || c.values.is_some() || c.range.is_some());
    infers(settings, column) && !chosen
}

/// Chooses a generator for every written column (`written` holds schema column indexes).
pub fn choose_all(
    table: &Table,
    written: &[usize],
    schema: &Schema,
    settings: Option<&TableSettings>,
    profile: Option<&Profile>,
    seed: u64,
) -> Result<ColumnChoice, PlanError> {
    let mut notes = Vec::new();
    let default_null = profile.and_then(|p| p.default_null_rate).unwrap_or(DEFAULT_NULL_RATE);
    let mut slots: Vec<ColumnSlot> = written
        .iter()
        .map(|&c| {
            let column = &table.columns[c];
            ColumnSlot {
                name: column.name.clone(),
                generator: super::time::at_reference(default_generator(column), profile.and_then(|p| p.now)),
                null_rate: default_null_rate(column, default_null),
                unique: None,
                key: StreamKey::new(seed, &table.name.plain(), &column.name),
                presence: None,
            }
        })
        .collect();
    let mut inferred = Vec::new();
    let mut choices = restrict::Found { notes: &mut notes, inferred: &mut inferred };
    restrict::apply_checks(table, written, &mut slots, &mut choices, profile.and_then(|p| p.now));
    let unaimed = partition::apply_bounds(table, schema, written, &mut slots);
    for column_settings in settings.map(|s| s.columns.as_slice()).unwrap_or_default() {
        let c = scope::resolve_column(table, &column_settings.name)?;
        let Some(slot) = written.iter().position(|&w| w == c) else {
            return Err(PlanError::at(
                &column_settings.name.location,
                format!(
                    "column `{}` of `{}` is a generated column: the server computes it, it cannot be set",
                    column_settings.name.name,
                    table.name.plain()
                ),
            ));
        };
        settings::apply(&table.columns[c], column_settings, &mut slots[slot])?;
        validate::settings(table, &table.columns[c], column_settings)?;
    }
    for (slot, &c) in slots.iter().zip(written) {
        if slot.generator == ColumnGen::Null && table.columns[c].not_null {
            notes.push(format!("column {} ({}) has no generator and is NOT NULL", slot.name, table.columns[c].ty.name));
        }
    }
    text_keys_as_ids(table, written, settings, &mut slots);
    fit::apply(table, written, settings, &mut slots, &mut inferred);
    identity::apply(table, written, settings, seed, &mut slots, &mut inferred)?;
    unsupported_columns(table, written, &slots)?;
    check_partition_keys(table, written, &unaimed, settings)?;
    let nullable: Vec<bool> = written.iter().map(|&c| !table.columns[c].not_null).collect();
    let keyed: Vec<bool> = written.iter().map(|&c| is_key_part(table, &table.columns[c].name)).collect();
    super::time::declared::apply(table, settings, &mut slots, &nullable, &mut inferred)?;
    super::time::order_in_row(settings, &mut slots, &keyed, &mut inferred);
    super::time::status::agree(settings, &mut slots, (&nullable, &keyed), &mut inferred);
    Ok(ColumnChoice { slots, notes, inferred })
}

/// The highest value an integer column may take where its values must be distinct: the type's
/// maximum as the table's CHECKs narrow it. Names give a column a natural range (`number` 0..=100,
/// `rank`), a preference for drawn values, not its domain: a unique key that needs more values
/// widens to this. `None` for other generators, or where the profile chose the values.
pub fn widest_high(
    table: &Table,
    written: &[usize],
    slots: &[ColumnSlot],
    slot: usize,
    settings: Option<&TableSettings>,
) -> Option<i64> {
    let ColumnGen::Int { lo, spread, .. } = slots.get(slot)?.generator else { return None };
    if !left_to_inference(settings, &slots[slot].name) {
        return None;
    }
    let type_max = match table.columns[*written.get(slot)?].ty.base_kind() {
        TypeKind::Int2 => i64::from(i16::MAX),
        TypeKind::Int4 => i64::from(i32::MAX),
        TypeKind::Int8 => i64::MAX,
        _ => return None,
    };
    let mut wide = slots.to_vec();
    wide[slot].generator = ColumnGen::Int { lo, hi: type_max, spread };
    let (mut notes, mut inferred) = (Vec::new(), Vec::new());
    let mut found = restrict::Found { notes: &mut notes, inferred: &mut inferred };
    restrict::apply_checks(table, written, &mut wide, &mut found, None);
    match wide[slot].generator {
        ColumnGen::Int { hi, .. } => Some(hi),
        _ => None,
    }
}

/// Whether `column` is part of the primary key or a unique key: its values keep keys apart, so no
/// rule inferred from names may rewrite them.
fn is_key_part(table: &Table, column: &str) -> bool {
    table.primary_key.iter().chain(&table.uniques).any(|key| key.columns.iter().any(|c| c == column))
}

/// A partition key the bounds could not aim at is a plan error (rows would fall outside every
/// partition), unless the profile sets one of the key's columns itself.
fn check_partition_keys(
    table: &Table,
    written: &[usize],
    unaimed: &[partition::Unaimed],
    settings: Option<&TableSettings>,
) -> Result<(), PlanError> {
    let configured = |column: &str| settings.is_some_and(|s| s.columns.iter().any(|c| c.name.name == column));
    for problem in unaimed {
        let key_columns: Vec<&str> = written
            .iter()
            .map(|&c| table.columns[c].name.as_str())
            .filter(|name| super::keys::mentions(&problem.key, name))
            .collect();
        if key_columns.iter().any(|c| configured(c)) {
            continue;
        }
        let column = key_columns.first().copied().unwrap_or("<key column>");
        return Err(PlanError::table(
            &table.name,
            format!(
                "partition key `{}`: {}, so rows would fall outside every partition; add a DEFAULT partition, or in a \
                 profile set `columns.{} = {{ values = [...] }}` to values inside a partition (or `skip = true`) under \
                 [tables.{}]",
                problem.key,
                problem.why,
                crate::schema::quote_ident_if_needed(column),
                scope::profile_key(&table.name)
            ),
        ));
    }
    Ok(())
}

/// A text primary key that nothing else shapes (no hint in its name, no CHECK, no profile rule)
/// looks like an id: a prefix from the table's name and a base36 index (`usr_0000002s`), rather
/// than filler words with a number.
fn text_keys_as_ids(table: &Table, written: &[usize], settings: Option<&TableSettings>, slots: &mut [ColumnSlot]) {
    let Some([column]) = table.primary_key.as_ref().map(|k| k.columns.as_slice()) else { return };
    if settings.is_some_and(|s| s.columns.iter().any(|c| c.name.name == *column)) {
        return;
    }
    let Some(slot) = written.iter().position(|&c| table.columns[c].name == *column) else { return };
    let prefix = key_prefix(&table.name.name);
    let length = (prefix.len() + 1 + KEY_DIGITS) as u32;
    let fits = match slots[slot].generator {
        ColumnGen::Text { kind: None, min, max } => min <= length && length <= max,
        _ => false,
    };
    if fits && table.columns[written[slot]].ty.is_textual() {
        slots[slot].generator = ColumnGen::Key { prefix };
    }
}

/// The table name's first letter and next consonants, three at most: `users` -> `usr`.
fn key_prefix(table: &str) -> String {
    let letters: Vec<char> = table.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect();
    let Some((&first, rest)) = letters.split_first() else { return "id".to_string() };
    std::iter::once(first).chain(rest.iter().copied().filter(|c| !"aeiou".contains(*c))).take(3).collect()
}

/// A NOT NULL column of a type we cannot generate is a plan error that says how to fix it.
fn unsupported_columns(table: &Table, written: &[usize], slots: &[ColumnSlot]) -> Result<(), PlanError> {
    let fk_columns: Vec<&String> = table.foreign_keys.iter().flat_map(|fk| &fk.columns).collect();
    for (slot, &c) in slots.iter().zip(written) {
        let column = &table.columns[c];
        if slot.generator == ColumnGen::Null && column.not_null && !fk_columns.contains(&&column.name) {
            return Err(PlanError::table(
                &table.name,
                format!(
                    "column `{}` has type `{}`, which seed cannot generate yet; set `columns.{} = {{ value = \"<a literal>\" }}` or `values = [...]` in the profile",
                    column.name, column.ty.name, column.name
                ),
            ));
        }
    }
    Ok(())
}

/// How often a nullable column no rule covers is NULL. Names of events that mostly never happen
/// (`deleted_at`, `canceled_at`) are mostly NULL. A column with a default that is not NULL
/// (`created_at DEFAULT now()`, `is_active DEFAULT true`) never is: the application leaves it to
/// its default, so real rows hold a value there.
fn default_null_rate(column: &Column, default: f64) -> f64 {
    if column.not_null || domain_not_null(&column.ty) {
        return 0.0;
    }
    let name = column.name.to_ascii_lowercase();
    let mostly_null = ["deleted", "archived", "canceled", "cancelled", "revoked", "banned", "failed", "error"];
    if mostly_null.iter().any(|w| name.contains(w)) {
        MOSTLY_NULL_RATE
    } else if column.default.as_deref().is_some_and(|d| !is_null_literal(d)) {
        0.0
    } else {
        default
    }
}

/// Whether a default expression is NULL (`NULL`, `NULL::text`, as `pg_get_expr` prints it).
fn is_null_literal(expression: &str) -> bool {
    expression.trim().split("::").next().is_some_and(|head| head.trim().eq_ignore_ascii_case("null"))
}

/// Whether a domain (or a domain it is built on) is declared NOT NULL.
fn domain_not_null(ty: &PgType) -> bool {
    match &ty.kind {
        TypeKind::Domain { base, not_null, .. } => *not_null || domain_not_null(base),
        _ => false,
    }
}

/// Marks the columns other tables' foreign keys reference as never NULL: a child copying a NULL
/// key would break its own NOT NULL, or reference nothing.
pub fn keep_referenced_columns(table: &Table, referencing: &[&Table], written: &[usize], slots: &mut [ColumnSlot]) {
    for child in referencing {
        for fk in child.foreign_keys.iter().filter(|fk| fk.referenced_table == table.name) {
            for column in &fk.referenced_columns {
                if let Some(slot) = written.iter().position(|&c| &table.columns[c].name == column) {
                    turns::require(slots, slot);
                    slots[slot].null_rate = 0.0;
                }
            }
        }
    }
}

/// A valid, realistic generator from the column's type and name alone.
/// The name is read as snake_case words (`firstName` as `first_name`).
pub fn default_generator(column: &Column) -> ColumnGen {
    generator_for_type(&column.ty, &words::snake_case(&column.name), column.sequence.is_some())
}

fn generator_for_type(ty: &PgType, name: &str, has_sequence: bool) -> ColumnGen {
    use TypeKind::*;
    match &ty.kind {
        Bool => ColumnGen::Bool { p_true: 0.5 },
        Int2 => int_generator(name, has_sequence, i64::from(i16::MAX)),
        Int4 | Oid => int_generator(name, has_sequence, i64::from(i32::MAX)),
        Int8 => int_generator(name, has_sequence, i64::MAX),
        Numeric { precision, scale } => numeric_generator(name, *precision, *scale),
        Money => ColumnGen::Int { lo: 0, hi: 100_000, spread: IntSpread::Skewed },
        Float4 | Float8 => float_generator(name),
        Text | Varchar(_) | Char(_) | Name => text_generator(name, ty),
        SingleChar => ColumnGen::Text { kind: None, min: 1, max: 1 },
        Bytea => ColumnGen::Bytes { max: 32 },
        Uuid => ColumnGen::Uuid,
        Date => date_generator(name),
        Timestamp | TimestampTz => timestamp_generator(name),
        Time | TimeTz => ColumnGen::Moment { lo: 0, hi: MICROS_PER_DAY - 1_000_000, unit: MomentUnit::Time },
        Interval => ColumnGen::Interval { lo: 0, hi: 30 * MICROS_PER_DAY },
        Json | Jsonb => ColumnGen::Json { array: looks_plural(name) },
        Enum { labels } => {
            ColumnGen::Choice { values: labels.iter().map(|l| Value::Text(l.clone())).collect(), cumulative: vec![] }
        }
        Array { element, dimensions } => ColumnGen::Array {
            element: std::boxed::Box::new(generator_for_type(element, &singular(name), false)),
            min: 0,
            max: 4,
            dimensions: *dimensions,
        },
        Domain { base, .. } => generator_for_type(base, name, has_sequence),
        Range { subtype } => range_kind(subtype).map_or(ColumnGen::Null, ColumnGen::Literal),
        MultiRange { subtype } => {
            range_kind(subtype).map_or(ColumnGen::Null, |range| ColumnGen::MultiRange { range, max: MAX_MULTIRANGE })
        }
        Composite { fields } => ColumnGen::Composite {
            fields: fields
                .iter()
                .map(|(field, ty)| CompositeField {
                    name: field.clone(),
                    ty: ty.clone(),
                    generator: generator_for_type(ty, &field.to_ascii_lowercase(), false),
                })
                .collect(),
        },
        Other { name: type_name } if type_name == "citext" => text_generator(name, ty),
        Other { name: type_name } => extension_generator(type_name, &ty.name)
            .or_else(|| system_literal(type_name))
            .map_or(ColumnGen::Null, ColumnGen::Literal),
        _ => literal_generator(&ty.kind).map_or(ColumnGen::Null, ColumnGen::Literal),
    }
}

fn int_generator(name: &str, has_sequence: bool, type_max: i64) -> ColumnGen {
    let has = |w: &str| name.contains(w);
    let (lo, hi, spread) = if has_sequence || name == "id" || name.ends_with("_id") {
        (1, type_max, IntSpread::Key)
    } else if [
        "count",
        "views",
        "likes",
        "shares",
        "comments",
        "clicks",
        "impressions",
        "followers",
        "tokens",
        "bytes",
        "size",
        "duration",
        "seconds",
        "_ms",
        "attempts",
        "retries",
        "quantity",
    ]
    .iter()
    .any(|w| has(w))
    {
        (0, type_max.min(100_000), IntSpread::Skewed)
    } else if ["position", "order", "sort", "rank", "priority", "index", "level", "step", "number"]
        .iter()
        .any(|w| has(w))
    {
        (0, type_max.min(100), IntSpread::Uniform)
    } else if has("year") {
        (1990, 2026, IntSpread::Uniform)
    } else if has("age") {
        (18, 90, IntSpread::Uniform)
    } else if has("rating") || has("stars") {
        (1, 5, IntSpread::Uniform)
    } else if ["price", "amount", "cents", "cost", "total", "balance", "revenue"].iter().any(|w| has(w)) {
        (0, type_max.min(100_000), IntSpread::Skewed)
    } else {
        (0, type_max.min(1000), IntSpread::Uniform)
    };
    ColumnGen::Int { lo, hi, spread }
}

fn numeric_generator(name: &str, precision: Option<u16>, scale: Option<u16>) -> ColumnGen {
    let scale = scale.unwrap_or(2);
    let unit = 10i128.pow(u32::from(scale));
    let type_max = precision.map_or(i128::MAX / 4, |p| 10i128.pow(u32::from(p.max(scale))) - 1);
    let nominal = if name.contains("rate") || name.contains("score") || name.contains("percent") { 100 } else { 1000 };
    ColumnGen::Decimal { lo: 0, hi: (nominal * unit).min(type_max), scale }
}

fn float_generator(name: &str) -> ColumnGen {
    let (lo, hi) = if name.contains("lat") && !name.contains("late") {
        (-90.0, 90.0)
    } else if name.contains("lng") || name.contains("lon") {
        (-180.0, 180.0)
    } else if ["rate", "ratio", "score", "confidence", "probability", "weight", "cohesion"]
        .iter()
        .any(|w| name.contains(w))
    {
        (0.0, 1.0)
    } else {
        (0.0, 1000.0)
    };
    ColumnGen::Float { lo, hi }
}

fn text_generator(name: &str, ty: &PgType) -> ColumnGen {
    let kind = TextKind::for_column(name);
    let type_max = ty.max_length();
    let natural_max = match kind {
        Some(TextKind::Paragraph) => 400,
        Some(_) => 120,
        None => 24,
    };
    let max = type_max.map_or(natural_max, |n| n.min(natural_max.max(n.min(255))));
    let min = match ty.base_kind() {
        TypeKind::Char(Some(n)) => *n.min(&max),
        _ => 1,
    };
    ColumnGen::Text { kind, min: min.min(max), max }
}

fn date_generator(name: &str) -> ColumnGen {
    let day = i64::from(REFERENCE_DAY);
    let (lo, hi) = if name.contains("birth") || name.contains("dob") {
        (day - 80 * 365, day - 18 * 365)
    } else if is_future(name) {
        (day, day + 365)
    } else {
        (day - 730, day)
    };
    ColumnGen::Moment { lo, hi, unit: MomentUnit::Date }
}

fn timestamp_generator(name: &str) -> ColumnGen {
    let year = 365 * MICROS_PER_DAY;
    let (lo, hi) = if is_future(name) {
        (REFERENCE_MICROS, REFERENCE_MICROS + year)
    } else {
        (REFERENCE_MICROS - 2 * year, REFERENCE_MICROS)
    };
    ColumnGen::Moment { lo, hi, unit: MomentUnit::Timestamp }
}

fn is_future(name: &str) -> bool {
    ["expire", "expiry", "ends", "end_", "until", "due", "scheduled", "next_", "valid_to"]
        .iter()
        .any(|w| name.contains(w))
}

fn looks_plural(name: &str) -> bool {
    ["tags", "ids", "items", "list", "errors", "memories", "steps", "history"].iter().any(|w| name.ends_with(w))
}

fn singular(name: &str) -> String {
    name.strip_suffix('s').unwrap_or(name).to_string()
}

/// The literal kind of a range (or a multirange's ranges) over `subtype`, built-in or not.
fn range_kind(subtype: &PgType) -> Option<LiteralKind> {
    Some(match subtype.base_kind() {
        TypeKind::Int4 | TypeKind::Int2 => LiteralKind::Int4Range,
        TypeKind::Int8 => LiteralKind::Int8Range,
        TypeKind::Numeric { .. } => LiteralKind::NumRange,
        TypeKind::Float4 | TypeKind::Float8 => LiteralKind::FloatRange,
        TypeKind::Date => LiteralKind::DateRange,
        TypeKind::Time => LiteralKind::TimeRange,
        TypeKind::Timestamp => LiteralKind::TsRange,
        TypeKind::TimestampTz => LiteralKind::TsTzRange,
        _ => return None,
    })
}

/// Extension types, known by name; their literals go through text COPY.
fn extension_generator(type_name: &str, display: &str) -> Option<LiteralKind> {
    Some(match type_name {
        "ltree" => LiteralKind::Ltree,
        "hstore" => LiteralKind::Hstore,
        "cube" => LiteralKind::Cube,
        "ean13" => LiteralKind::Isn(IsnKind::Ean13),
        "isbn" | "isbn13" => LiteralKind::Isn(IsnKind::Isbn),
        "issn" | "issn13" => LiteralKind::Isn(IsnKind::Issn),
        "ismn" | "ismn13" => LiteralKind::Isn(IsnKind::Ismn),
        "upc" => LiteralKind::Isn(IsnKind::Upc),
        "geometry" | "geography" => geometry_literal(type_name, display),
        _ => return None,
    })
}

/// Built-in types without a family of their own (log positions, OID aliases, snapshots...),
/// known by name; their literals go through text COPY. OID aliases name built-in objects that
/// every database has, and that resolve to one object each.
fn system_literal(type_name: &str) -> Option<LiteralKind> {
    Some(match type_name {
        "pg_lsn" => LiteralKind::Lsn,
        "xid" | "xid8" | "cid" => LiteralKind::TransactionId,
        "pg_snapshot" | "txid_snapshot" => LiteralKind::Snapshot,
        "tid" => LiteralKind::Tid,
        "int2vector" | "oidvector" => LiteralKind::NumberVector,
        "jsonpath" => LiteralKind::OneOf(&["$.a[*] ? (@ > 1)", "$.name", "$.items[0].id", "strict $.tags[*]"]),
        "regclass" => LiteralKind::OneOf(&["pg_class", "pg_type", "pg_proc", "pg_namespace", "pg_attribute"]),
        "regtype" => LiteralKind::OneOf(&["integer", "text", "boolean", "date", "uuid", "jsonb"]),
        "regproc" => LiteralKind::OneOf(&["now", "version", "pg_backend_pid", "timeofday"]),
        "regprocedure" => LiteralKind::OneOf(&["lower(text)", "now()", "abs(integer)", "length(text)"]),
        "regoper" => LiteralKind::OneOf(&["||/", "*=", "*<>"]),
        "regoperator" => LiteralKind::OneOf(&["+(integer,integer)", "||(text,text)", "=(integer,integer)"]),
        "regnamespace" => LiteralKind::OneOf(&["pg_catalog", "information_schema"]),
        "regrole" => LiteralKind::OneOf(&["pg_monitor", "pg_read_all_stats", "pg_signal_backend"]),
        "regconfig" => LiteralKind::OneOf(&["simple", "english", "french", "german"]),
        "regdictionary" => LiteralKind::OneOf(&["simple", "english_stem", "french_stem"]),
        "regcollation" => LiteralKind::OneOf(&["\"C\"", "\"POSIX\"", "\"default\""]),
        _ => return None,
    })
}

/// `geometry(Point,4326)` -> a point with SRID 4326; plain `geometry` -> a point without SRID
/// (`geography` defaults to 4326, as PostGIS does).
fn geometry_literal(type_name: &str, display: &str) -> LiteralKind {
    let inside = display.split_once('(').and_then(|(_, rest)| rest.strip_suffix(')')).unwrap_or("");
    let mut parts = inside.split(',').map(str::trim);
    let shape = match parts.next().map(|s| s.to_ascii_lowercase()).as_deref() {
        Some("linestring") => GeoShape::LineString,
        Some("polygon") => GeoShape::Polygon,
        Some("multipoint") => GeoShape::MultiPoint,
        Some("multilinestring") => GeoShape::MultiLineString,
        Some("multipolygon") => GeoShape::MultiPolygon,
        _ => GeoShape::Point,
    };
    let default_srid = if type_name == "geography" { 4326 } else { 0 };
    let srid = parts.next().and_then(|s| s.parse().ok()).unwrap_or(default_srid);
    LiteralKind::Geometry { srid, shape }
}

fn literal_generator(kind: &TypeKind) -> Option<LiteralKind> {
    use TypeKind::*;
    Some(match kind {
        Inet => LiteralKind::Inet,
        Cidr => LiteralKind::Cidr,
        MacAddr => LiteralKind::MacAddr,
        MacAddr8 => LiteralKind::MacAddr8,
        Bit(n) => LiteralKind::Bit(n.unwrap_or(1)),
        VarBit(n) => LiteralKind::Bit(n.unwrap_or(8).min(8)),
        TsVector => LiteralKind::TsVector,
        TsQuery => LiteralKind::TsQuery,
        Point => LiteralKind::Point,
        Box => LiteralKind::Box,
        Circle => LiteralKind::Circle,
        Line => LiteralKind::Line,
        Lseg => LiteralKind::Lseg,
        Path => LiteralKind::Path,
        Polygon => LiteralKind::Polygon,
        Xml => LiteralKind::Xml,
        _ => return None,
    })
}

/// Converts a profile or CHECK value into the column's kind of value.
pub fn value_for_column(ty: &PgType, value: &Value) -> Value {
    match (ty.base_kind(), value) {
        (TypeKind::Int2 | TypeKind::Int4 | TypeKind::Int8, Value::Decimal { digits, scale: 0 }) => {
            i64::try_from(*digits).map_or_else(|_| value.clone(), Value::Int)
        }
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int4(name: &str) -> Column {
        Column {
            name: name.into(),
            number: 1,
            ty: PgType::new(23, "integer".to_string(), TypeKind::Int4),
            not_null: true,
            default: None,
            identity: None,
            generated: false,
            sequence: None,
            sequence_steps: None,
        }
    }

    #[test]
    fn nullable_columns_with_a_default_are_never_null_unless_their_name_says_so() {
        let column = |name: &str, default: Option<&str>| Column {
            not_null: false,
            default: default.map(str::to_string),
            ..int4(name)
        };
        assert_eq!(default_null_rate(&column("created_at", Some("now()")), 0.1), 0.0);
        assert_eq!(default_null_rate(&column("is_active", Some("true")), 0.1), 0.0);
        assert_eq!(default_null_rate(&column("bio", None), 0.1), 0.1);
        assert_eq!(default_null_rate(&column("bio", Some("NULL::text")), 0.1), 0.1);
        assert_eq!(default_null_rate(&column("deleted_at", Some("now()")), 0.1), MOSTLY_NULL_RATE);
    }

    #[test]
    fn integer_keys_hold_as_many_rows_as_their_type() {
        // The bundled `load` profile needs more than a million content ids.
        for name in ["id", "user_id"] {
            let generator = default_generator(&int4(name));
            assert_eq!(generator.capacity(), Some(i32::MAX as u64), "{name}");
        }
    }
}
