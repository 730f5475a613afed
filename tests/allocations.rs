//! The hot path allocates nothing per value: generating and encoding the rows of the `dev`
//! profile (all three example applications: text, keys, arrays, jsonb, CHECK patterns, fixtures,
//! nullable columns) reuses the row buffer's allocations once it is warm.
//!
//! Its own test binary, because it installs a global allocator that counts the allocations of the
//! current thread.

#[path = "it/support.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use seed::encode::{BinaryRowWriter, RowWriter, TextRowWriter};
use seed::generate::Value;
use seed::generate::table::RowScratch;
use seed::plan::{Plan, PlanOptions};

use support::TestDb;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the thread's counter is gone while the thread exits.
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting touches no memory
// the allocator hands out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

/// Rows of each table generated before counting: buffers grow to their working size.
const WARM_UP: u64 = 200;
/// Rows of each table counted after the warm-up.
const COUNTED: u64 = 2_000;

/// Allocations while generating and encoding rows `WARM_UP..WARM_UP + COUNTED` of table `t`, as
/// the loader does (one row buffer, one writer cleared after each flush), and the rows counted.
/// Fixture tables are copied from their files, not generated: `None`.
fn allocations_in_table(plan: &Plan, t: usize) -> Option<(u64, u64)> {
    let table = &plan.tables[t];
    match (&table.fixture, table.binary) {
        (Some(_), _) => None,
        (None, true) => Some(count_rows(plan, t, BinaryRowWriter::new())),
        (None, false) => Some(count_rows(plan, t, TextRowWriter::new())),
    }
}

fn count_rows(plan: &Plan, t: usize, mut writer: impl RowWriter) -> (u64, u64) {
    let table = &plan.tables[t];
    let generator = &plan.dataset.tables[t];
    let mut values = vec![Value::Null; table.columns.len()];
    let mut scratch = RowScratch::default();
    let mut cursor = generator.fan_out.as_ref().map(|fan| fan.cursor(0));
    let warm = generator.rows.min(WARM_UP);
    let counted = (generator.rows - warm).min(COUNTED);
    if counted == 0 {
        return (0, 0);
    }
    let mut before = allocations();
    for row in 0..warm + counted {
        if row == warm {
            before = allocations();
        }
        let position = cursor.as_mut().map(|c| c.next_position());
        plan.dataset.fill_row(t, row, position, &mut scratch, &mut values);
        writer.begin_row(table.columns.len() as i16);
        for (value, ty) in values.iter().zip(&table.types) {
            writer.field(value, ty).expect("generated values encode");
        }
        writer.end_row();
        if writer.is_full() {
            writer.clear();
        }
    }
    (allocations() - before, counted)
}

#[tokio::test]
async fn generating_and_encoding_rows_allocates_nothing_per_value() {
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    let path =
        seed::profile::resolve_path("dev", &seed::profile::ProfileFolder::from_environment()).expect("the dev profile");
    let profile = seed::profile::load(&path).expect("the dev profile loads");
    let plan = seed::run::plan_only(&mut conn, Some(&profile), &PlanOptions::default(), &seed::events::Silent)
        .await
        .expect("the dev profile plans");

    let (mut total, mut rows) = (0, 0);
    let mut worst = Vec::new();
    for t in 0..plan.tables.len() {
        let Some((allocated, counted)) = allocations_in_table(&plan, t) else { continue };
        total += allocated;
        rows += counted;
        if allocated > 0 {
            worst.push((allocated, counted, plan.tables[t].name.plain()));
        }
    }
    worst.sort();
    worst.reverse();
    assert!(rows > 20_000, "too few rows counted: {rows}");
    // A table may allocate while one of its slots grows past every earlier row (a longer text, a
    // longer array): a handful per table, never one per row or per value.
    assert!(
        total * 100 < rows,
        "{total} allocations in {rows} rows after warm-up; the most: {:?}",
        &worst[..worst.len().min(8)]
    );
}
