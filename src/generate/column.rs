//! Column generators: how one column's value is made from its row's randomness.
//!
//! A [`ColumnGen`] is chosen by the planner (from type, name, CHECK restrictions and the profile)
//! and is plain data, so plans print and compare. [`ColumnGen::fill`] writes one value given the
//! row's [`RowRng`], an optional *injective index* (for unique keys: distinct indexes must give
//! distinct values) and the values already generated for this row (for `b > a` comparisons).

use std::fmt::Write;

use super::identity;
use super::rng::{Permutation, RowRng, StreamKey};
use super::text::{self, TextKind};
use super::time::GapSpread;
use super::value::{MICROS_PER_DAY, Value};
use crate::encode;
use crate::schema::PgType;
use crate::schema::check::Pattern;

/// The reference moment all generated times are relative to: 2026-01-01 00:00:00 UTC, as days
/// since 2000-01-01. Fixed so that a seed gives the same data whenever it runs.
pub const REFERENCE_DAY: i32 = 9497;
pub const REFERENCE_MICROS: i64 = REFERENCE_DAY as i64 * MICROS_PER_DAY;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MomentUnit {
    /// `Value::Timestamp`, micros since 2000-01-01.
    Timestamp,
    /// `Value::Date`, days since 2000-01-01.
    Date,
    /// `Value::Time`, micros since midnight.
    Time,
}

/// How an integer generator draws values that need not be unique.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IntSpread {
    /// Uniform over the whole range.
    Uniform,
    /// Counts and sizes: mostly small, with a long tail.
    Skewed,
    /// Keys (ids, serials): a unique key may use the type's whole range, but a key that need not
    /// be unique stays within [`KEY_DRAW_SPAN`] values, so a sequence moved past it keeps room.
    Key,
}

/// How many values a non-unique key column draws from (`1..=1_000_000` for an id).
pub const KEY_DRAW_SPAN: i64 = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum ColumnGen {
    Null,
    Fixed(Value),
    /// `start + index`: integer keys (ids, positions).
    Sequence {
        start: i64,
    },
    /// Integers in `lo..=hi`: unique values are `lo + index`; other draws follow `spread`.
    Int {
        lo: i64,
        hi: i64,
        spread: IntSpread,
    },
    /// Decimal numbers with `scale` digits after the point, between `lo` and `hi` (scaled).
    Decimal {
        lo: i128,
        hi: i128,
        scale: u16,
    },
    Float {
        lo: f64,
        hi: f64,
    },
    Bool {
        p_true: f64,
    },
    /// One of `values`; `cumulative` holds running weight totals (empty: uniform).
    Choice {
        values: Vec<Value>,
        cumulative: Vec<f64>,
    },
    /// A moment between `lo` and `hi` in `unit`s (micros for times, days for dates).
    Moment {
        lo: i64,
        hi: i64,
        unit: MomentUnit,
    },
    /// A moment or number after another column's value by `min_gap..=max_gap` (same units), drawn
    /// by `spread`; `fallback` is the column's own generator (its span bounds the value).
    After {
        column: usize,
        min_gap: i64,
        max_gap: i64,
        fallback: Box<ColumnGen>,
        spread: GapSpread,
    },
    /// A duration between `lo` and `hi` microseconds, in whole seconds where the span allows.
    Interval {
        lo: i64,
        hi: i64,
    },
    /// Text of a kind (or filler words), `min..=max` characters.
    Text {
        kind: Option<TextKind>,
        min: u32,
        max: u32,
    },
    /// An id for a text key: `prefix_` and the index in base36, [`KEY_DIGITS`] wide (`usr_0000002s`).
    Key {
        prefix: String,
    },
    /// Text matching a simple regular expression from a CHECK.
    Pattern {
        pattern: Pattern,
        max: u32,
    },
    Uuid,
    Json {
        array: bool,
    },
    Bytes {
        max: u32,
    },
    /// `min..=max` elements along the first dimension; further dimensions (`int[][]`) have 2.
    Array {
        element: Box<ColumnGen>,
        min: u32,
        max: u32,
        dimensions: u8,
    },
    /// A literal of a type known only by its text syntax (inet, macaddr, point, ranges...).
    Literal(LiteralKind),
    /// A composite type's literal, `(12,"some text",2024-01-01)`: one generator per field, the
    /// fields rendered and quoted by the text COPY encoder's own rules ([`encode::write_record`]).
    /// An injective index goes to the first field, so distinct indexes give distinct values when
    /// that field's generator is injective.
    Composite {
        fields: Vec<CompositeField>,
    },
    /// A multirange literal, `{[1,5),[10,20)}`: 1 to `max` ranges of `range`'s kind, in
    /// increasing order with gaps between them (so the server keeps them apart).
    MultiRange {
        range: LiteralKind,
        max: u32,
    },
    /// `then`'s value when the row's `column` holds one of `values`, else NULL: a lifecycle
    /// moment set exactly when the status says it happened (`published_at` when `status =
    /// 'published'`, `deleted_at` when `is_deleted`).
    When {
        column: usize,
        values: Vec<Value>,
        then: Box<ColumnGen>,
    },
    /// A slug made from another column of the row (its name or title), `min..=max` characters
    /// (see [`identity::write_slug`]).
    Slug {
        source: usize,
        min: u32,
        max: u32,
    },
    /// `PREFIX-00042` (see [`identity::write_code`]).
    Code {
        prefix: String,
    },
    /// `K7QZ`: `len` capitals and digits, a code too short for a prefix (see
    /// [`identity::write_short_code`]).
    ShortCode {
        len: u32,
    },
    /// A UUID like [`ColumnGen::Uuid`] whose injective low bits are also keyed by `table` (a hash
    /// of the table's name), so the same row index in two tables never gives the same last 12
    /// hex digits.
    TableUuid {
        table: u64,
    },
    /// `then` when the row's `column` holds one of `values`, else `otherwise`: an earlier stage's
    /// moment on a row already at a later stage lies before the later one's (a published post's
    /// `scheduled_at` is in the past, a scheduled one's in the future; see `plan::time::stages`).
    Staged {
        column: usize,
        values: Vec<Value>,
        then: Box<ColumnGen>,
        otherwise: Box<ColumnGen>,
    },
}

/// One field of a composite type: its type (to render the value) and its generator.
#[derive(Debug, Clone, PartialEq)]
pub struct CompositeField {
    pub name: String,
    pub ty: PgType,
    pub generator: ColumnGen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralKind {
    Inet,
    Cidr,
    MacAddr,
    MacAddr8,
    Bit(u32),
    TsVector,
    TsQuery,
    Point,
    Box,
    Circle,
    Line,
    Lseg,
    Path,
    Polygon,
    Xml,
    Int4Range,
    Int8Range,
    NumRange,
    DateRange,
    TsRange,
    TsTzRange,
    /// A user-defined range over float4/float8 (`CREATE TYPE floatrange AS RANGE (subtype = float8)`).
    FloatRange,
    /// A user-defined range over `time`.
    TimeRange,
    Money,
    Ltree,
    Hstore,
    Cube,
    /// EAN-13 family numbers (isn extension) with a valid check digit.
    Isn(IsnKind),
    /// PostGIS geometry/geography as EWKT: `SRID=4326;POINT(x y)`.
    Geometry {
        srid: u32,
        shape: GeoShape,
    },
    /// A write-ahead log position, `16/B374D848`.
    Lsn,
    /// A transaction or command id (`xid`, `xid8`, `cid`): a number below 2^32.
    TransactionId,
    /// `pg_snapshot` / `txid_snapshot`: `xmin:xmax:xip,...` with the in-progress ids in between.
    Snapshot,
    /// A tuple id, `(block,offset)`.
    Tid,
    /// `int2vector` / `oidvector`: numbers separated by spaces.
    NumberVector,
    /// One of a fixed list of valid literals: the names of built-in objects for the OID alias
    /// types (`regclass` -> `pg_class`), JSON paths.
    OneOf(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsnKind {
    Ean13,
    Isbn,
    Issn,
    Ismn,
    Upc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoShape {
    Point,
    LineString,
    Polygon,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
}

impl ColumnGen {
    /// The other column of this row this generator reads, if any (ordering within a row).
    pub fn depends_on(&self) -> Option<usize> {
        match self {
            ColumnGen::After { column, .. }
            | ColumnGen::When { column, .. }
            | ColumnGen::Staged { column, .. }
            | ColumnGen::Slug { source: column, .. } => Some(*column),
            _ => None,
        }
    }

    /// Every column of the row this generator reads, through the generators it wraps (the order
    /// of generation puts them all first).
    pub fn reads(&self) -> Vec<usize> {
        match self {
            ColumnGen::After { column, fallback: inner, .. } | ColumnGen::When { column, then: inner, .. } => {
                std::iter::once(*column).chain(inner.reads()).collect()
            }
            ColumnGen::Staged { column, then, otherwise, .. } => {
                std::iter::once(*column).chain(then.reads()).chain(otherwise.reads()).collect()
            }
            _ => vec![],
        }
    }

    /// How many distinct values this generator can produce when given injective indexes, if bounded.
    pub fn capacity(&self) -> Option<u64> {
        match self {
            ColumnGen::Null | ColumnGen::Fixed(_) => Some(1),
            ColumnGen::Bool { .. } => Some(2),
            ColumnGen::Choice { values, .. } => Some(values.len() as u64),
            // Spans in i128 and saturated to u64: a full int8 range holds 2^64 values, which a
            // plain cast would wrap to 0.
            ColumnGen::Int { lo, hi, .. } => Some(saturate(i128::from(*hi) - i128::from(*lo) + 1)),
            ColumnGen::Decimal { lo, hi, .. } => Some(saturate(hi.saturating_sub(*lo).saturating_add(1))),
            ColumnGen::Moment { lo, hi, unit } => {
                let step = i128::from(moment_step(*unit));
                Some(saturate((i128::from(*hi) - i128::from(*lo)) / step + 1))
            }
            ColumnGen::Text { max, .. } | ColumnGen::Pattern { max, .. } => {
                Some(36u64.checked_pow(*max).unwrap_or(u64::MAX))
            }
            ColumnGen::Composite { fields } => fields.first().map_or(Some(1), |f| f.generator.capacity()),
            ColumnGen::Literal(kind) => kind.capacity(),
            ColumnGen::Key { .. } => Some(KEY_CAPACITY),
            _ => None,
        }
    }

    /// Writes one value into `out`.
    pub fn fill(&self, rng: &mut RowRng, unique: Option<u64>, row: &[Value], out: &mut Value) {
        match self {
            ColumnGen::Null => out.set_null(),
            ColumnGen::Fixed(value) => out.clone_from(value),
            ColumnGen::Sequence { start } => *out = Value::Int(start + unique.unwrap_or(0) as i64),
            ColumnGen::Int { lo, hi, spread } => *out = Value::Int(int_value(rng, unique, *lo, *hi, *spread)),
            ColumnGen::Decimal { lo, hi, scale } => *out = decimal_value(rng, unique, *lo, *hi, *scale),
            ColumnGen::Float { lo, hi } => *out = Value::Float(float_value(rng, unique, *lo, *hi)),
            ColumnGen::Bool { p_true } => {
                *out = Value::Bool(unique.map_or_else(|| rng.chance(*p_true), |k| k % 2 == 1))
            }
            ColumnGen::Choice { values, cumulative } => {
                let index = unique.map_or_else(|| choose(rng, values.len(), cumulative), |k| k as usize);
                out.clone_from(&values[index % values.len()]);
            }
            ColumnGen::Moment { lo, hi, unit } => *out = moment_value(rng, unique, *lo, *hi, *unit),
            ColumnGen::After { column, min_gap, max_gap, fallback, spread } => {
                fill_after(&row[*column], rng, (*min_gap, *max_gap, *spread), fallback, unique, row, out)
            }
            ColumnGen::Interval { lo, hi } => *out = interval_value(rng, *lo, *hi),
            ColumnGen::Text { kind, min, max } => fill_text(rng, unique, *kind, *min, *max, out.text_mut()),
            ColumnGen::Pattern { pattern, max } => fill_pattern(rng, unique, pattern, *max, out.text_mut()),
            ColumnGen::Uuid => *out = Value::Uuid(uuid_value(rng, unique.map(|k| (k, 0)))),
            ColumnGen::Key { prefix } => {
                let index = unique.unwrap_or_else(|| rng.below(KEY_CAPACITY));
                let _ = write!(out.text_mut(), "{prefix}_{:0>width$}", Base36(index), width = KEY_DIGITS);
            }
            ColumnGen::Json { array } => fill_json(rng, unique, *array, out.text_mut()),
            ColumnGen::Bytes { max } => *out = Value::Bytes(bytes_value(rng, unique, *max)),
            ColumnGen::Array { element, min, max, dimensions } => {
                fill_array(rng, element, (*min, *max), *dimensions, row, out)
            }
            ColumnGen::Literal(kind) => kind.write(rng, unique, out.text_mut()),
            ColumnGen::Composite { fields } => fill_composite(rng, unique, fields, out),
            ColumnGen::MultiRange { range, max } => fill_multirange(rng, *range, *max, out.text_mut()),
            ColumnGen::When { column, values, then } => match values.contains(&row[*column]) {
                true => then.fill(rng, unique, row, out),
                false => out.set_null(),
            },
            ColumnGen::Staged { column, values, then, otherwise } => match values.contains(&row[*column]) {
                true => then.fill(rng, unique, row, out),
                false => otherwise.fill(rng, unique, row, out),
            },
            ColumnGen::Slug { source, min, max } => {
                let text = out.text_mut();
                identity::write_slug(&row[*source], rng, unique, text);
                fit_length(rng, unique, *min as usize, *max as usize, text);
            }
            ColumnGen::Code { prefix } => identity::write_code(prefix, rng, unique, out.text_mut()),
            ColumnGen::ShortCode { len } => identity::write_short_code(*len, rng, unique, out.text_mut()),
            ColumnGen::TableUuid { table } => *out = Value::Uuid(uuid_value(rng, unique.map(|k| (k, *table)))),
        }
    }
}

fn moment_step(unit: MomentUnit) -> i64 {
    match unit {
        MomentUnit::Date => 1,
        MomentUnit::Timestamp | MomentUnit::Time => 1_000_000,
    }
}

/// A count of values as u64: below 0 is none, above u64::MAX is u64::MAX.
fn saturate(count: i128) -> u64 {
    u64::try_from(count.max(0)).unwrap_or(u64::MAX)
}

fn int_value(rng: &mut RowRng, unique: Option<u64>, lo: i64, hi: i64, spread: IntSpread) -> i64 {
    if let Some(k) = unique {
        return lo.saturating_add(k as i64);
    }
    match spread {
        IntSpread::Uniform => rng.range_i64(lo, hi),
        IntSpread::Skewed => {
            // Mostly small, a long tail (squared uniform).
            let u = rng.unit();
            let span = (hi as f64 - lo as f64).min(10_000.0);
            lo + (u * u * span) as i64
        }
        IntSpread::Key => rng.range_i64(lo, hi.min(lo.saturating_add(KEY_DRAW_SPAN - 1))),
    }
}

fn decimal_value(rng: &mut RowRng, unique: Option<u64>, lo: i128, hi: i128, scale: u16) -> Value {
    let digits = match unique {
        Some(k) => lo + i128::from(k),
        None => {
            let span = (hi - lo).max(0) as f64;
            lo + (rng.unit() * span).round() as i128
        }
    };
    Value::Decimal { digits: digits.min(hi.max(lo)), scale }
}

/// Whole seconds from `lo` (so they stay inside the span), unless the span is under a second.
fn interval_value(rng: &mut RowRng, lo: i64, hi: i64) -> Value {
    let span = hi.saturating_sub(lo).max(0);
    let offset = rng.range_i64(0, span);
    let offset = if span >= 1_000_000 { offset / 1_000_000 * 1_000_000 } else { offset };
    Value::Interval { months: 0, days: 0, micros: lo.saturating_add(offset) }
}

fn float_value(rng: &mut RowRng, unique: Option<u64>, lo: f64, hi: f64) -> f64 {
    match unique {
        Some(k) => lo + k as f64,
        None => {
            let x = lo + rng.unit() * (hi - lo);
            (x * 1000.0).round() / 1000.0
        }
    }
}

fn choose(rng: &mut RowRng, len: usize, cumulative: &[f64]) -> usize {
    match cumulative.last() {
        Some(total) if *total > 0.0 => weighted_index(cumulative, rng.unit() * total),
        _ => rng.below(len as u64) as usize,
    }
}

/// The entry whose running weight total first passes `target` (in `0..total`).
pub fn weighted_index(cumulative: &[f64], target: f64) -> usize {
    cumulative.partition_point(|c| *c <= target).min(cumulative.len().saturating_sub(1))
}

fn moment_value(rng: &mut RowRng, unique: Option<u64>, lo: i64, hi: i64, unit: MomentUnit) -> Value {
    let step = moment_step(unit);
    let x = match unique {
        Some(k) => lo + k as i64 * step,
        None => lo + rng.range_i64(0, hi.saturating_sub(lo) / step) * step,
    };
    match unit {
        MomentUnit::Timestamp => Value::Timestamp(x),
        MomentUnit::Date => Value::Date(x as i32),
        MomentUnit::Time => Value::Time(x),
    }
}

/// `base` plus a gap drawn by `spread` (`min_gap..=max_gap`). A base below the fallback's span is
/// lifted to the span's low end first (a `scheduled_at > created_at` whose own span starts at the
/// reference moment), and the gap never runs past the span's high end: values spread inside the
/// span instead of piling up on either end.
fn fill_after(
    base: &Value,
    rng: &mut RowRng,
    (min_gap, max_gap, spread): (i64, i64, GapSpread),
    fallback: &ColumnGen,
    unique: Option<u64>,
    row: &[Value],
    out: &mut Value,
) {
    let span = fallback.span();
    // A date followed by a timestamp (or the other way round) counts in the follower's unit.
    let converted = match span.map(|s| s.kind) {
        Some(super::span::SpanKind::Moment(unit)) => super::time::converted(base, unit),
        _ => None,
    };
    let base = converted.as_ref().unwrap_or(base);
    let (lift, room) = match span.and_then(|s| s.units_of(base).map(|x| (s, x))) {
        Some((s, x)) => ((s.lo - x).max(0), s.hi - x.max(s.lo)),
        None => (0, i128::MAX),
    };
    let gap = spread.draw(rng, min_gap, max_gap, room).saturating_add(i64::try_from(lift).unwrap_or(i64::MAX));
    *out = match base {
        Value::Timestamp(t) => Value::Timestamp(t.saturating_add(gap)),
        Value::Date(d) => Value::Date(d.saturating_add(i32::try_from(gap).unwrap_or(i32::MAX))),
        Value::Time(t) => Value::Time((t + gap).min(MICROS_PER_DAY - 1)),
        Value::Int(i) => Value::Int(i.saturating_add(gap)),
        Value::Decimal { digits, scale } => Value::Decimal { digits: digits + i128::from(gap), scale: *scale },
        Value::Float(f) => Value::Float(f + gap as f64),
        _ => return fallback.fill(rng, unique, row, out),
    };
    if let Some(span) = span {
        super::span::clamp_into(out, span);
    }
}

fn fill_text(rng: &mut RowRng, unique: Option<u64>, kind: Option<TextKind>, min: u32, max: u32, out: &mut String) {
    match kind {
        Some(kind) => kind.write(rng, unique, out),
        None => {
            let target = rng.range_i64(i64::from(min.max(1)), i64::from(max.clamp(1, 40))) as usize;
            text::write_filler(rng, target, out);
            if let Some(k) = unique {
                let _ = write!(out, " {}", k + 1);
            }
        }
    }
    fit_length(rng, unique, min as usize, max as usize, out);
}

/// Makes text fit `min..=max` characters. A unique value in a short column (under
/// [`COMPACT_BELOW`] characters, or cut to fit) ends in its index in base36, zero-padded to a width
/// fixed by `max`: the same width for every row, so distinct indexes stay distinct after the cut.
fn fit_length(rng: &mut RowRng, unique: Option<u64>, min: usize, max: usize, out: &mut String) {
    match unique {
        Some(k) if max < COMPACT_BELOW || text::longer_than(out, max) => {
            let width = max.min(8);
            let suffix_len = Base36(k).digits().max(width);
            text::truncate_chars(out, max.saturating_sub(suffix_len));
            while out.chars().count() + suffix_len > max {
                out.pop();
            }
            let _ = write!(out, "{:0>width$}", Base36(k));
        }
        Some(_) => {}
        None => text::truncate_words(out, min, max),
    }
    while min > 0 && !text::longer_than(out, min - 1) {
        out.push(char::from(b'a' + rng.below(26) as u8));
    }
}

/// Base36 digits of a [`ColumnGen::Key`], and how many distinct keys they hold.
pub const KEY_DIGITS: usize = 8;
const KEY_CAPACITY: u64 = 36u64.pow(KEY_DIGITS as u32);

/// Unique text columns shorter than this always use the fixed-width index form.
const COMPACT_BELOW: usize = 40;

/// A number in base36 (`0-9a-z`), formatted without allocating: `{:0>8}` pads it like any number.
#[derive(Debug, Clone, Copy)]
pub struct Base36(pub u64);

impl Base36 {
    /// How many digits the number has (at least one).
    pub fn digits(self) -> usize {
        let mut k = self.0 / 36;
        let mut n = 1;
        while k > 0 {
            k /= 36;
            n += 1;
        }
        n
    }
}

impl std::fmt::Display for Base36 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        // u64::MAX has 13 base36 digits.
        let mut buf = [0u8; 13];
        let mut start = buf.len();
        let mut k = self.0;
        loop {
            start -= 1;
            buf[start] = DIGITS[(k % 36) as usize];
            k /= 36;
            if k == 0 {
                break;
            }
        }
        f.pad(std::str::from_utf8(&buf[start..]).map_err(|_| std::fmt::Error)?)
    }
}

/// Text matching a CHECK's regex, within `max` characters. A unique column needs distinct values:
/// the index is appended (base36, then `-` base36, then `_`) in the first form the regex accepts.
fn fill_pattern(rng: &mut RowRng, unique: Option<u64>, pattern: &Pattern, max: u32, out: &mut String) {
    const ATTEMPTS: usize = 8;
    let max = max as usize;
    let mut sampled = false;
    for _ in 0..ATTEMPTS {
        let mut pick = |n: u32| rng.below(u64::from(n.max(1))) as u32;
        if !pattern.sample_into(&mut pick, out) {
            break;
        }
        if out.chars().count() <= max {
            sampled = true;
            break;
        }
    }
    match (sampled, unique) {
        (true, None) => {}
        (true, Some(k)) => {
            if !make_unique(pattern, k, max, out) {
                encode_unique(rng, pattern, k, out);
            }
        }
        (false, k) => {
            out.clear();
            let _ = write!(out, "{}", Base36(k.unwrap_or_else(|| rng.below(1 << 40))));
        }
    }
}

/// Turns the sample in `out` into the first variant the pattern accepts: its head, a separator,
/// index `k` in base36, within `max` characters. Each candidate is built after the sample in the
/// same buffer; the sample stays as it was when none is accepted.
fn make_unique(pattern: &Pattern, k: u64, max: usize, out: &mut String) -> bool {
    let sample_len = out.len();
    let suffix_len = Base36(k).digits();
    for separator in ["", "-", "_"] {
        let keep = max.saturating_sub(suffix_len + separator.len());
        let head_len = out.char_indices().nth(keep).map_or(sample_len, |(at, _)| at.min(sample_len));
        out.extend_from_within(..head_len);
        let _ = write!(out, "{separator}{}", Base36(k));
        if pattern.is_match(&out[sample_len..]) == Some(true) {
            out.drain(..sample_len);
            return true;
        }
        out.truncate(sample_len);
    }
    false
}

/// For a pattern of fixed shape (`^[0-9a-f]{40}$`, `^[A-Z]{3}-[0-9]{4}$`) that no suffix fits:
/// index `k`, through a keyed permutation, spelled in the choices of the pattern's last positions
/// (as many as hold every index: all of them for a small pattern, the last 64 bits' worth of a
/// long one), the others drawn at random. Distinct indexes below the pattern's capacity give
/// distinct values. `out` is left as it was when no value matches.
fn encode_unique(rng: &mut RowRng, pattern: &Pattern, k: u64, out: &mut String) {
    let mut radices: Vec<u32> = Vec::new();
    let mut probe = String::new();
    if !pattern.sample_into(
        &mut |n| {
            radices.push(n.max(1));
            0
        },
        &mut probe,
    ) {
        return;
    }
    let (mut tail, mut capacity) = (radices.len(), 1u128);
    while tail > 0 && capacity <= u128::from(u64::MAX) {
        tail -= 1;
        capacity *= u128::from(radices[tail]);
    }
    let key = StreamKey(0x5eed_c0de_0000_0001);
    let mut x = match u64::try_from(capacity) {
        Ok(capacity) => Permutation::new(capacity, key).apply(k % capacity.max(1)),
        Err(_) => Permutation::new(u64::MAX, key).apply(k.min(u64::MAX - 1)),
    };
    let mut digits = vec![0u32; radices.len()];
    for at in (tail..radices.len()).rev() {
        let radix = u64::from(radices[at]);
        digits[at] = (x % radix) as u32;
        x /= radix;
    }
    let mut at = 0;
    let mut pick = |n: u32| {
        let value = match digits.get(at) {
            Some(&digit) if at >= tail => digit.min(n.max(1) - 1),
            _ => rng.below(u64::from(n.max(1))) as u32,
        };
        at += 1;
        value
    };
    if pattern.sample_into(&mut pick, &mut probe) && pattern.is_match(&probe) == Some(true) {
        std::mem::swap(out, &mut probe);
    }
}

/// A version-4-shaped UUID. With a unique index `k` (and a table's key), the low 56 bits are a
/// keyed bijection of the index, so distinct indexes give distinct UUIDs by construction; the key
/// keeps small indexes (index 0 once gave `...-8000-000000000000`) looking as random as the rest,
/// and a table's key keeps one index apart in different tables.
fn uuid_value(rng: &mut RowRng, unique: Option<(u64, u64)>) -> [u8; 16] {
    const KEY: u64 = 0x005a_83c1_e96d_27f4;
    let high = rng.next_word();
    let low = match unique {
        Some((k, table)) => (rng.next_word() & 0xff00_0000_0000_0000) | permute56(k ^ KEY ^ table),
        None => rng.next_word(),
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&high.to_be_bytes());
    bytes[8..].copy_from_slice(&low.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    // The variant bits live in byte 8, above the 56 injective bits.
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    bytes
}

/// A bijection on 56-bit numbers (xorshift-multiply steps, each invertible modulo 2^56).
fn permute56(k: u64) -> u64 {
    const MASK: u64 = (1 << 56) - 1;
    let mut x = k & MASK;
    x ^= x >> 29;
    x = x.wrapping_mul(0x00bf_5847_6d1c_e4e5) & MASK;
    x ^= x >> 27;
    x = x.wrapping_mul(0x0094_d049_bb13_3111) & MASK;
    x ^ (x >> 31)
}

fn fill_json(rng: &mut RowRng, unique: Option<u64>, array: bool, out: &mut String) {
    if array {
        out.push('[');
        for i in 0..rng.below(4) {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{}\"", text::word(rng));
        }
        out.push(']');
        return;
    }
    let _ = write!(
        out,
        "{{\"source\":\"{}\",\"score\":{},\"tags\":[\"{}\",\"{}\"]",
        text::word(rng),
        rng.below(100),
        text::word(rng),
        text::word(rng)
    );
    if let Some(k) = unique {
        let _ = write!(out, ",\"n\":{k}");
    }
    out.push('}');
}

fn bytes_value(rng: &mut RowRng, unique: Option<u64>, max: u32) -> Vec<u8> {
    match unique {
        Some(k) => k.to_be_bytes().to_vec(),
        None => (0..rng.range_i64(1, i64::from(max.clamp(1, 64)))).map(|_| rng.below(256) as u8).collect(),
    }
}

fn fill_array(
    rng: &mut RowRng,
    element: &ColumnGen,
    (min, max): (u32, u32),
    dimensions: u8,
    row: &[Value],
    out: &mut Value,
) {
    let outer = rng.range_i64(i64::from(min), i64::from(max)) as u32;
    // The slot's vectors (and its items' strings) are reused from the previous row.
    let (mut dims, mut items) = match std::mem::take(out) {
        Value::Array { dims, items } => (dims, items),
        mut other => {
            other.set_null();
            Value::spare_array()
        }
    };
    // PostgreSQL needs every sub-array of a multi-dimensional array to have the same length.
    dims.clear();
    dims.push(outer);
    if outer > 0 {
        dims.extend(std::iter::repeat_n(2, usize::from(dimensions.max(1)) - 1));
    }
    let len = dims.iter().product::<u32>() as usize;
    items.drain(len.min(items.len())..).for_each(|mut item| item.set_null());
    items.resize(len, Value::Null);
    for item in &mut items {
        element.fill(rng, None, row, item);
    }
    *out = Value::Array { dims, items };
}

impl LiteralKind {
    fn write(self, rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
        let n = unique.unwrap_or_else(|| rng.next_word() >> 8);
        let small = |rng: &mut RowRng| rng.below(100);
        let _ = match self {
            LiteralKind::Inet => {
                write!(out, "10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
            }
            LiteralKind::Cidr => write!(out, "10.{}.{}.0/24", (n >> 8) & 255, n & 255),
            LiteralKind::MacAddr => write_mac(out, n, 6),
            LiteralKind::MacAddr8 => write_mac(out, n, 8),
            LiteralKind::Bit(len) => {
                (0..len.max(1)).for_each(|i| out.push(if (n >> (i % 64)) & 1 == 1 { '1' } else { '0' }));
                Ok(())
            }
            LiteralKind::TsVector => write!(out, "{} {}", text::word(rng), text::word(rng)),
            LiteralKind::TsQuery => write!(out, "{} & {}", text::word(rng), text::word(rng)),
            LiteralKind::Point => write!(out, "({},{})", small(rng), small(rng)),
            LiteralKind::Box => write!(out, "(({},{}),(0,0))", small(rng) + 1, small(rng) + 1),
            LiteralKind::Circle => {
                write!(out, "<({},{}),{}>", small(rng), small(rng), small(rng) + 1)
            }
            LiteralKind::Line => write!(out, "{{1,{},{}}}", small(rng) + 1, small(rng)),
            LiteralKind::Lseg => write!(out, "[(0,0),({},{})]", small(rng) + 1, small(rng)),
            LiteralKind::Path => write!(out, "[(0,0),({},{}),(1,1)]", small(rng), small(rng) + 2),
            LiteralKind::Polygon => {
                write!(out, "((0,0),({},0),(0,{}))", small(rng) + 1, small(rng) + 1)
            }
            LiteralKind::Xml => write!(out, "<item n=\"{}\">{}</item>", n % 1000, text::word(rng)),
            LiteralKind::Int4Range
            | LiteralKind::Int8Range
            | LiteralKind::NumRange
            | LiteralKind::DateRange
            | LiteralKind::TsRange
            | LiteralKind::TsTzRange
            | LiteralKind::FloatRange
            | LiteralKind::TimeRange => {
                match unique {
                    Some(k) => self.write_disjoint_range(rng, k, out),
                    None => {
                        self.write_range(rng, None, out);
                    }
                }
                Ok(())
            }
            LiteralKind::Money => write!(out, "{}.{:02}", rng.below(10_000), rng.below(100)),
            LiteralKind::Ltree => {
                // Materialized paths of ids (`0.12.345`), ltree's most common use.
                out.push('0');
                for _ in 0..rng.range_i64(0, 3) {
                    let _ = write!(out, ".{}", rng.below(1000) + 1);
                }
                if let Some(k) = unique {
                    let _ = write!(out, ".{}", k + 1);
                }
                Ok(())
            }
            LiteralKind::Hstore => {
                write!(out, "\"{}\"=>\"{}\", \"n\"=>\"{}\"", text::word(rng), text::word(rng), n % 1000)
            }
            LiteralKind::Cube => write!(out, "({}, {}, {})", small(rng), small(rng), small(rng)),
            LiteralKind::Isn(kind) => write_isn(out, kind, n),
            LiteralKind::Geometry { srid, shape } => write_geometry(out, rng, srid, shape),
            LiteralKind::Lsn => write!(out, "{:X}/{:X}", n >> 32, n & 0xffff_ffff),
            LiteralKind::TransactionId => write!(out, "{}", n % (1 << 32)),
            LiteralKind::Snapshot => {
                let xmin = n % 1_000_000 + 10;
                write!(out, "{xmin}:{}:{},{}", xmin + 10, xmin, xmin + 4)
            }
            LiteralKind::Tid => write!(out, "({},{})", n % 1_000_000, n % 100 + 1),
            LiteralKind::NumberVector => write!(out, "{} {} {}", n % 1000 + 1, small(rng) + 1, small(rng) + 1),
            LiteralKind::OneOf(values) => {
                out.push_str(values[(n % values.len() as u64) as usize]);
                Ok(())
            }
        };
    }

    /// How many distinct values this kind can produce, when that is a small fixed number.
    pub fn capacity(self) -> Option<u64> {
        match self {
            LiteralKind::OneOf(values) => Some(values.len() as u64),
            // Ranges that never overlap: one per minute of the day.
            LiteralKind::TimeRange => Some(MINUTES_PER_DAY),
            _ => None,
        }
    }
    /// Writes the `k`-th of a series of ranges that never overlap (unique range columns, and
    /// exclusion constraints with `&&`): range `k` lies inside its own slot of the kind's units,
    /// ten numbers, a day, an hour, or a minute of the day for `time` ranges.
    fn write_disjoint_range(self, rng: &mut RowRng, k: u64, out: &mut String) {
        let lo = k * 10 + rng.below(5);
        let hi = lo + 1 + rng.below(4);
        let day = |k: u64| date_literal(i32::try_from(k).unwrap_or(i32::MAX));
        let _ = match self {
            LiteralKind::Int4Range | LiteralKind::Int8Range | LiteralKind::NumRange => write!(out, "[{lo},{hi})"),
            LiteralKind::FloatRange => write!(out, "[{lo}.5,{hi}.25)"),
            LiteralKind::DateRange => write!(out, "[{},{})", day(k), day(k + 1)),
            LiteralKind::TsRange | LiteralKind::TsTzRange => {
                let minutes = 1 + rng.below(59);
                write!(out, "[{} {:02}:00,{} {:02}:{minutes:02})", day(k / 24), k % 24, day(k / 24), k % 24)
            }
            LiteralKind::TimeRange => {
                let minute = k % MINUTES_PER_DAY;
                write!(out, "[{:02}:{:02}:00,{:02}:{:02}:30)", minute / 60, minute % 60, minute / 60, minute % 60)
            }
            _ => Ok(()),
        };
    }

    /// Writes one range of this kind starting after `after` (the previous range's upper end, in
    /// the kind's units: integers, days, hours), with a gap so that ranges of a multirange never
    /// touch. Returns this range's upper end. Other kinds write nothing.
    fn write_range(self, rng: &mut RowRng, after: Option<i64>, out: &mut String) -> i64 {
        let start = after.map_or(0, |end| end + 1);
        let small = |rng: &mut RowRng| rng.below(100) as i64;
        let (written, end) = match self {
            LiteralKind::Int4Range | LiteralKind::Int8Range | LiteralKind::NumRange => {
                let lo = start + small(rng);
                let hi = lo + 1 + small(rng);
                (write!(out, "[{lo},{hi})"), hi)
            }
            LiteralKind::FloatRange => {
                let lo = start + small(rng);
                let hi = lo + 1 + small(rng);
                (write!(out, "[{lo}.5,{hi}.25)"), hi)
            }
            LiteralKind::DateRange => {
                let lo = start + rng.below(300) as i64;
                let hi = lo + 1 + small(rng);
                (write!(out, "[{},{})", date_literal(lo as i32), date_literal(hi as i32)), hi)
            }
            LiteralKind::TsRange | LiteralKind::TsTzRange => {
                let lo = start + rng.below(300) as i64;
                let hi = lo + small(rng);
                (write!(out, "[{} 09:00,{} 17:00)", date_literal(lo as i32), date_literal(hi as i32)), hi)
            }
            LiteralKind::TimeRange => {
                // Hours of one day: up to MAX_MULTIRANGE ranges of 1 to 3 hours, with gaps.
                let lo = (start + rng.below(3) as i64).min(22);
                let hi = (lo + 1 + rng.below(3) as i64).min(23);
                (write!(out, "[{lo:02}:00,{hi:02}:30)"), hi)
            }
            _ => (Ok(()), start),
        };
        debug_assert!(written.is_ok());
        end
    }
}

const MINUTES_PER_DAY: u64 = 24 * 60;

/// Ranges in a generated multirange, at most.
pub const MAX_MULTIRANGE: u32 = 3;

/// `{[1,5),[10,20)}`: 1 to `max` ranges in increasing order, never touching.
fn fill_multirange(rng: &mut RowRng, range: LiteralKind, max: u32, out: &mut String) {
    let count = rng.range_i64(1, i64::from(max.clamp(1, MAX_MULTIRANGE)));
    out.push('{');
    let mut end = None;
    for i in 0..count {
        if i > 0 {
            out.push(',');
        }
        end = Some(range.write_range(rng, end, out));
    }
    out.push('}');
}

/// A composite literal from one value per field. A field whose value its type refuses (which
/// its generator should never produce) is left NULL rather than losing the row.
fn fill_composite(rng: &mut RowRng, unique: Option<u64>, fields: &[CompositeField], out: &mut Value) {
    let mut values: Vec<Value> = fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let mut value = Value::Null;
            field.generator.fill(rng, if i == 0 { unique } else { None }, &[], &mut value);
            value
        })
        .collect();
    let mut bytes = Vec::new();
    if encode::write_record(fields.iter().zip(&values).map(|(f, v)| (v, &f.ty)), &mut bytes).is_err() {
        for (field, value) in fields.iter().zip(values.iter_mut()) {
            if encode::write_record([(&*value, &field.ty)], &mut Vec::new()).is_err() {
                *value = Value::Null;
            }
        }
        bytes.clear();
        let _ = encode::write_record(fields.iter().zip(&values).map(|(f, v)| (v, &f.ty)), &mut bytes);
    }
    let text = out.text_mut();
    text.push_str(&String::from_utf8_lossy(&bytes));
}

/// An EAN-13 with the family's prefix and a valid check digit (the isn extension checks it).
fn write_isn(out: &mut String, kind: IsnKind, n: u64) -> std::fmt::Result {
    let (prefix, free) = match kind {
        IsnKind::Ean13 => ("20", 10),
        IsnKind::Isbn => ("978", 9),
        IsnKind::Issn => ("977", 9),
        IsnKind::Ismn => ("9790", 8),
        IsnKind::Upc => ("0", 11),
    };
    let body = format!("{prefix}{:0width$}", n % 10u64.pow(free), width = free as usize);
    let sum: u32 = body.bytes().enumerate().map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 }).sum();
    let check = (10 - sum % 10) % 10;
    match kind {
        // UPC-A is the EAN-13 without its leading 0.
        IsnKind::Upc => write!(out, "{}{check}", &body[1..]),
        _ => write!(out, "{body}{check}"),
    }
}

fn write_geometry(out: &mut String, rng: &mut RowRng, srid: u32, shape: GeoShape) -> std::fmt::Result {
    if srid != 0 {
        write!(out, "SRID={srid};")?;
    }
    let point = |rng: &mut RowRng| format!("{:.5} {:.5}", rng.unit() * 360.0 - 180.0, rng.unit() * 170.0 - 85.0);
    let (x, y) = (rng.unit() * 300.0 - 150.0, rng.unit() * 140.0 - 70.0);
    let ring = format!("{x:.5} {y:.5},{:.5} {y:.5},{:.5} {:.5},{x:.5} {y:.5}", x + 1.0, x + 1.0, y + 1.0);
    match shape {
        GeoShape::Point => write!(out, "POINT({})", point(rng)),
        GeoShape::MultiPoint => write!(out, "MULTIPOINT(({}),({}))", point(rng), point(rng)),
        GeoShape::LineString => write!(out, "LINESTRING({},{})", point(rng), point(rng)),
        GeoShape::MultiLineString => write!(out, "MULTILINESTRING(({},{}))", point(rng), point(rng)),
        GeoShape::Polygon => write!(out, "POLYGON(({ring}))"),
        GeoShape::MultiPolygon => write!(out, "MULTIPOLYGON((({ring})))"),
    }
}

fn write_mac(out: &mut String, n: u64, bytes: u32) -> std::fmt::Result {
    for i in 0..bytes {
        if i > 0 {
            out.push(':');
        }
        write!(out, "{:02x}", (n >> ((i * 8) % 64)) & 255)?;
    }
    Ok(())
}

/// `YYYY-MM-DD` for a day counted from 2025-01-01 (for range literals).
fn date_literal(day_offset: i32) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
        .and_then(|d| d.checked_add_signed(chrono::TimeDelta::days(i64::from(day_offset))));
    date.map_or_else(|| "2025-01-01".to_string(), |d| d.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A unique column under a pattern of fixed shape, which no suffix fits: every value matches,
    /// and the index is spelled in the pattern's own characters, so values never repeat.
    #[test]
    fn fixed_shape_patterns_spell_the_unique_index() {
        for regex in ["^[0-9a-f]{40}$", "^[A-Z]{3}-[0-9]{4}$", "^[A-Z]{2}[0-9]{2}$"] {
            let pattern = Pattern::new(regex);
            let generator = ColumnGen::Pattern { pattern: pattern.clone(), max: 255 };
            let mut seen = std::collections::HashSet::new();
            for row in 0..5000u64 {
                let mut out = Value::Null;
                generator.fill(&mut RowRng::at(StreamKey(3), row), Some(row), &[], &mut out);
                let text = out.as_text().expect("text").to_string();
                assert_eq!(pattern.is_match(&text), Some(true), "{regex}: {text}");
                assert!(seen.insert(text.clone()), "{regex}: {text} twice");
            }
        }
    }

    #[test]
    fn base36_formats_pads_and_counts_its_digits() {
        assert_eq!(Base36(0).to_string(), "0");
        assert_eq!(Base36(35).to_string(), "z");
        assert_eq!(Base36(36).to_string(), "10");
        assert_eq!(format!("{:0>8}", Base36(71)), "0000001z");
        for k in [0, 35, 36, 1295, 1296, u64::MAX] {
            assert_eq!(Base36(k).digits(), Base36(k).to_string().len(), "{k}");
        }
    }

    #[test]
    fn capacities_of_full_ranges_saturate_instead_of_wrapping() {
        let full = ColumnGen::Int { lo: i64::MIN, hi: i64::MAX, spread: IntSpread::Uniform };
        assert_eq!(full.capacity(), Some(u64::MAX), "2^64 values, not 0");
        let moments = ColumnGen::Moment { lo: i64::MIN, hi: i64::MAX, unit: MomentUnit::Date };
        assert_eq!(moments.capacity(), Some(u64::MAX));
        let decimals = ColumnGen::Decimal { lo: i128::MIN, hi: i128::MAX, scale: 0 };
        assert_eq!(decimals.capacity(), Some(u64::MAX));
        let mut out = Value::Null;
        moment_value(&mut RowRng::at(StreamKey::new(1, "t", "c"), 0), None, i64::MIN, i64::MAX, MomentUnit::Date);
        full.fill(&mut RowRng::at(StreamKey::new(1, "t", "c"), 0), None, &[], &mut out);
    }

    fn values(generator: &ColumnGen, n: u64, unique: bool) -> Vec<Value> {
        let key = StreamKey::new(3, "t", "c");
        (0..n)
            .map(|i| {
                let mut out = Value::Null;
                generator.fill(&mut RowRng::at(key, i), unique.then_some(i), &[], &mut out);
                out
            })
            .collect()
    }

    /// Unique range columns (and exclusion constraints with `&&`) get ranges that never overlap:
    /// each lies inside its own slot, in increasing order of the row index.
    #[test]
    fn unique_ranges_never_overlap() {
        let bounds = |value: &Value| -> (String, String) {
            let text = value.as_text().unwrap_or_default();
            let inner = text.trim_start_matches('[').trim_end_matches(')');
            let (lo, hi) = inner.split_once(',').unwrap_or_default();
            (lo.to_string(), hi.to_string())
        };
        for kind in [LiteralKind::Int4Range, LiteralKind::DateRange, LiteralKind::TsTzRange, LiteralKind::TimeRange] {
            let ranges: Vec<(String, String)> =
                values(&ColumnGen::Literal(kind), 200, true).iter().map(bounds).collect();
            for pair in ranges.windows(2) {
                let numeric = |s: &str| s.parse::<i64>().ok();
                match (numeric(&pair[0].1), numeric(&pair[1].0)) {
                    (Some(end), Some(start)) => assert!(end <= start, "{kind:?}: {pair:?}"),
                    _ => assert!(pair[0].1 <= pair[1].0, "{kind:?}: {pair:?}"),
                }
            }
        }
    }

    #[test]
    fn keys_that_need_not_be_unique_stay_low() {
        // A serial column without a unique key: a sequence moved past these keeps its room.
        let generator = ColumnGen::Int { lo: 1, hi: i64::from(i32::MAX), spread: IntSpread::Key };
        for value in values(&generator, 2000, false) {
            assert!(matches!(value, Value::Int(v) if (1..=KEY_DRAW_SPAN).contains(&v)), "{value:?}");
        }
        let unique = values(&generator, 3, true);
        assert_eq!(unique, vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
    }

    #[test]
    fn injective_generators_never_repeat() {
        let generators = [
            ColumnGen::Uuid,
            ColumnGen::Text { kind: Some(TextKind::Email), min: 5, max: 254 },
            ColumnGen::Text { kind: None, min: 1, max: 6 },
            // A char(3) key: values are cut to fit, and must stay distinct (adventureworks).
            ColumnGen::Text { kind: None, min: 3, max: 3 },
            ColumnGen::Int { lo: -5, hi: 100_000, spread: IntSpread::Uniform },
            ColumnGen::Moment { lo: 0, hi: REFERENCE_MICROS, unit: MomentUnit::Timestamp },
        ];
        for generator in generators {
            let vals = values(&generator, 5000, true);
            let mut texts: Vec<String> = vals.iter().map(|v| format!("{v:?}")).collect();
            texts.sort();
            texts.dedup();
            assert_eq!(texts.len(), 5000, "{generator:?} repeated a value");
        }
    }

    /// Key UUIDs look random from the first row on: no long run of zeros where the index is
    /// small (the first row's once ended in `-8000-000000000000`).
    #[test]
    fn key_uuids_have_no_runs_of_zeros() {
        for (k, v) in values(&ColumnGen::Uuid, 20_000, true).iter().enumerate() {
            let Value::Uuid(bytes) = v else { panic!("{v:?}") };
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert!(!hex.contains("00000000"), "row {k}: {hex}");
        }
    }

    #[test]
    fn text_respects_length_bounds() {
        for v in values(&ColumnGen::Text { kind: Some(TextKind::Paragraph), min: 3, max: 20 }, 500, false) {
            let n = v.as_text().map_or(0, |t| t.chars().count());
            assert!((3..=20).contains(&n), "{v:?}");
        }
        for v in values(&ColumnGen::Text { kind: Some(TextKind::Email), min: 1, max: 8 }, 500, true) {
            assert!(v.as_text().map_or(0, |t| t.chars().count()) <= 8, "{v:?}");
        }
    }

    #[test]
    fn after_orders_two_columns() {
        let generator = ColumnGen::After {
            column: 0,
            min_gap: 1,
            max_gap: 10,
            fallback: Box::new(ColumnGen::Null),
            spread: GapSpread::Uniform,
        };
        let row = [Value::Timestamp(100)];
        let mut out = Value::Null;
        generator.fill(&mut RowRng::at(StreamKey(1), 0), None, &row, &mut out);
        assert!(matches!(out, Value::Timestamp(t) if t > 100 && t <= 110));
    }

    #[test]
    fn weighted_choice_follows_weights() {
        let generator = ColumnGen::Choice { values: vec![Value::Int(0), Value::Int(1)], cumulative: vec![9.0, 10.0] };
        let ones = values(&generator, 10_000, false).iter().filter(|v| **v == Value::Int(1)).count();
        assert!((700..1300).contains(&ones), "{ones}");
    }

    fn field(name: &str, ty: PgType, value: Value) -> CompositeField {
        CompositeField { name: name.into(), ty, generator: ColumnGen::Fixed(value) }
    }

    #[test]
    fn composite_fields_are_quoted_by_record_rules() {
        use crate::schema::TypeKind;
        let text = PgType::new(25, "text", TypeKind::Text);
        let int = PgType::new(23, "integer", TypeKind::Int4);
        let date = PgType::new(1082, "date", TypeKind::Date);
        let tags = PgType::new(1009, "text[]", TypeKind::Array { element: Box::new(text.clone()), dimensions: 1 });
        let inner = ColumnGen::Composite {
            fields: vec![field("n", int.clone(), Value::Int(1)), field("s", text.clone(), Value::Text("x y".into()))],
        };
        let inner_ty = PgType::new(0, "pair", TypeKind::Composite { fields: vec![] });
        let generator = ColumnGen::Composite {
            fields: vec![
                field("n", int, Value::Int(12)),
                field("s", text.clone(), Value::Text("some text".into())),
                field("d", date, Value::Date(0)),
                field("quote", text.clone(), Value::Text(r#"a"b\c"#.into())),
                field("empty", text.clone(), Value::Text(String::new())),
                field("null", text.clone(), Value::Null),
                field("parens", text, Value::Text("(x,y)".into())),
                field(
                    "tags",
                    tags,
                    Value::Array { dims: vec![2], items: vec![Value::Text("a b".into()), Value::Null] },
                ),
                CompositeField { name: "pair".into(), ty: inner_ty, generator: inner },
            ],
        };
        let literal = values(&generator, 1, false).remove(0);
        let expected = r#"(12,"some text",2000-01-01,"a""b\\c","",,"(x,y)","{""a b"",NULL}","(1,""x y"")")"#;
        assert_eq!(literal.as_text(), Some(expected));
    }

    #[test]
    fn multiranges_hold_ordered_ranges_that_never_touch() {
        let generator = ColumnGen::MultiRange { range: LiteralKind::Int4Range, max: MAX_MULTIRANGE };
        let mut counts = [0usize; 4];
        for value in values(&generator, 500, false) {
            let text = value.as_text().expect("text").to_string();
            let inner = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')).expect("braces");
            let bounds: Vec<i64> = inner
                .split(|c: char| !c.is_ascii_digit())
                .filter(|part| !part.is_empty())
                .map(|part| part.parse().expect("bound"))
                .collect();
            // Strictly increasing bounds: `[a,b),[c,d)` has a < b < c < d, so ranges never touch
            // (touching ranges would be merged into one by the server).
            assert!(bounds.len().is_multiple_of(2) && bounds.windows(2).all(|w| w[0] < w[1]), "{text}");
            counts[bounds.len() / 2] += 1;
        }
        assert_eq!(counts[0], 0, "an empty multirange");
        assert!(counts[1] > 0 && counts[2] > 0 && counts[3] > 0, "{counts:?}");
    }
}
