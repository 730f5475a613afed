//! Encoding speed, measured (never asserted). Run in release mode:
//! `cargo test --release --lib encode::bench -- --ignored --nocapture --test-threads 1`
//!
//! Rows cycle through a small pool, as a generator refills one reused row buffer, so the figure
//! is encoding alone. Besides wall time it prints the thread's on-CPU time (Linux), which stays
//! meaningful when other processes share the machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use super::{BinaryRowWriter, RowWriter, TextRowWriter};
use crate::generate::Value;
use crate::schema::{PgType, TypeKind};

const ROWS: usize = 1_000_000;

/// int8, text, timestamptz, uuid, jsonb, text[], numeric(12,2).
fn columns() -> Vec<PgType> {
    let text = PgType::new(25, "text", TypeKind::Text);
    vec![
        PgType::new(20, "bigint", TypeKind::Int8),
        text.clone(),
        PgType::new(1184, "timestamptz", TypeKind::TimestampTz),
        PgType::new(2950, "uuid", TypeKind::Uuid),
        PgType::new(3802, "jsonb", TypeKind::Jsonb),
        PgType::new(1009, "text[]", TypeKind::Array { element: Box::new(text), dimensions: 1 }),
        PgType::new(1700, "numeric(12,2)", TypeKind::Numeric { precision: Some(12), scale: Some(2) }),
    ]
}

fn rows() -> Vec<Vec<Value>> {
    (0..16i64)
        .map(|i| {
            let tags: Vec<Value> = (0..i % 4).map(|t| Value::Text(format!("tag {t}-{i}"))).collect();
            vec![
                Value::Int(i * 7_919),
                Value::Text(format!("Person Number {i}, Esq.")),
                Value::Timestamp(i * 3_600_000_123),
                Value::Uuid(core::array::from_fn(|b| (i as u8).wrapping_mul(b as u8 + 1))),
                Value::Text(format!(r#"{{"id": {i}, "name": "n{i}", "ok": true}}"#)),
                Value::Array { dims: vec![tags.len() as u32], items: tags },
                Value::Decimal { digits: i128::from(i) * 12_345 - 999_999, scale: 3 },
            ]
        })
        .collect()
}

/// This thread's time on a CPU so far (`/proc/thread-self/schedstat`, nanoseconds).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(stat.split_whitespace().next()?.parse().ok()?))
}

/// Encodes `ROWS` rows of the given columns (all when `only` is `None`); returns (wall, cpu, bytes).
fn run<W: RowWriter>(mut writer: W, only: Option<usize>) -> (Duration, Option<Duration>, usize) {
    let (types, pool) = (columns(), rows());
    let (wall, cpu) = (Instant::now(), cpu_time());
    let mut bytes = 0;
    writer.header();
    for i in 0..ROWS {
        let row = &pool[i % pool.len()];
        writer.begin_row(row.len() as i16);
        for (c, (value, ty)) in row.iter().zip(&types).enumerate() {
            if only.is_none_or(|only| only == c) {
                writer.field(value, ty).expect("encodes");
            }
        }
        writer.end_row();
        if writer.is_full() {
            bytes += black_box(writer.buffer()).len();
            writer.clear();
        }
    }
    writer.trailer();
    bytes += writer.take().len();
    (wall.elapsed(), cpu_time().zip(cpu).map(|(end, start)| end - start), bytes)
}

fn report(name: &str, (wall, cpu, bytes): (Duration, Option<Duration>, usize), values: usize) {
    let per_value = |d: Duration| d.as_nanos() as f64 / values as f64;
    let cpu = cpu.map_or(String::new(), |cpu| format!(", {:.1} ns/value on CPU", per_value(cpu)));
    println!("{name}: {wall:.2?} wall, {:.1} ns/value wall{cpu}, {:.1} MiB", per_value(wall), bytes as f64 / 1048576.0);
}

#[test]
#[ignore = "timing; run with --release --ignored --nocapture"]
fn encode_one_million_rows() {
    let values = ROWS * columns().len();
    report("binary", run(BinaryRowWriter::new(), None), values);
    report("text", run(TextRowWriter::new(), None), values);
    for (c, ty) in columns().iter().enumerate() {
        report(&format!("  binary {}", ty.name), run(BinaryRowWriter::new(), Some(c)), ROWS);
        report(&format!("  text {}", ty.name), run(TextRowWriter::new(), Some(c)), ROWS);
    }
}
