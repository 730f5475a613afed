//! The pass decides (plan lines, spreads) and the generator keeps it, without a server: the
//! issue's multi-tenant schema planned with `--rows`, its rows generated and compared.

use crate::generate::{Dataset, Value};
use crate::plan::{Plan, PlanOptions, build};
use crate::schema::{Column, ForeignKey, PgType, QualifiedName, Schema, Table, TypeKind, UniqueKey};

/// `public.name`: integer columns (name, NOT NULL), primary key `id`, and single-column FKs
/// (column, parent table) to the parents' `id`.
pub(in crate::plan) fn table(name: &str, columns: &[(&str, bool)], fks: &[(&str, &str)]) -> Table {
    let int = PgType::new(23, "integer", TypeKind::Int4);
    let columns = columns.iter().map(|&(c, not_null)| Column { not_null, ..Column::plain(c, int.clone()) }).collect();
    let mut table = Table::with_columns(name, columns);
    table.primary_key = Some(UniqueKey {
        name: format!("{name}_pkey"),
        columns: vec!["id".into()],
        expressions: vec![],
        predicate: None,
        definition: String::new(),
        nulls_not_distinct: false,
    });
    table.foreign_keys = fks
        .iter()
        .map(|(column, parent)| {
            let parent = QualifiedName::new("public", *parent);
            ForeignKey::plain(&format!("{name}_{column}_fkey"), &[column], parent, &["id"])
        })
        .collect();
    table
}

/// The issue's schema under names that say nothing of organizations (`reporter`, `actor`,
/// `tenant`), with organizations owned by one of their users (a cycle).
fn multi_tenant() -> Schema {
    Schema {
        tables: vec![
            table("organizations", &[("id", true), ("owner", true)], &[("owner", "users")]),
            table("users", &[("id", true), ("org", true)], &[("org", "organizations")]),
            table("projects", &[("id", true), ("org", true)], &[("org", "organizations")]),
            table(
                "issues",
                &[("id", true), ("project", true), ("reporter", true)],
                &[("project", "projects"), ("reporter", "users")],
            ),
            table(
                "audit",
                &[("id", true), ("tenant", true), ("actor", false)],
                &[("tenant", "organizations"), ("actor", "users")],
            ),
        ],
    }
}

/// Every generated row of `table`, by column name.
fn rows(plan: &Plan, table: &str) -> Vec<std::collections::HashMap<String, Value>> {
    let t = plan.tables.iter().position(|p| p.name.name == table).expect("planned");
    let dataset: &Dataset = &plan.dataset;
    let mut scratch = Default::default();
    let mut out = vec![Value::Null; plan.tables[t].columns.len()];
    (0..plan.tables[t].rows)
        .map(|row| {
            dataset.fill_row(t, row, None, &mut scratch, &mut out);
            plan.tables[t].columns.iter().cloned().zip(out.iter().cloned()).collect()
        })
        .collect()
}

/// `child.column`'s parent in `parent`, by key: the parent row's `wanted` column.
fn parent_value(parents: &[std::collections::HashMap<String, Value>], key: &Value, wanted: &str) -> Value {
    parents.iter().find(|p| &p["id"] == key).map(|p| p[wanted].clone()).expect("the parent exists")
}

#[test]
fn reporters_actors_and_owners_belong_to_the_rows_organization() {
    let options = PlanOptions { rows: Some(60), strict: true, ..Default::default() };
    let plan = build(&multi_tenant(), None, &options).expect("plan");
    let (users, projects) = (rows(&plan, "users"), rows(&plan, "projects"));
    for issue in rows(&plan, "issues") {
        let organization = parent_value(&projects, &issue["project"], "org");
        assert_eq!(parent_value(&users, &issue["reporter"], "org"), organization, "{issue:?}");
    }
    let audit = rows(&plan, "audit");
    assert!(audit.iter().any(|a| a["actor"].is_null()), "the actor keeps its NULLs");
    for entry in audit.iter().filter(|a| !a["actor"].is_null()) {
        assert_eq!(parent_value(&users, &entry["actor"], "org"), entry["tenant"], "{entry:?}");
    }
    for organization in rows(&plan, "organizations") {
        assert_eq!(parent_value(&users, &organization["owner"], "org"), organization["id"]);
    }
    let inferred = |table: &str| plan.tables.iter().find(|p| p.name.name == table).map(|p| p.inferred.clone());
    let issues = inferred("issues").unwrap_or_default();
    // The first FK in order picks within the tenant the other reaches; either way they agree.
    let rule = "project in the same public.organizations as reporter -> public.users.org";
    assert!(issues.iter().any(|r| r == rule), "{issues:?}");
    let users_rules = inferred("users").unwrap_or_default();
    assert!(users_rules.iter().any(|r| r.starts_with("public.users laid out per org")), "{users_rules:?}");
}

#[test]
fn a_column_with_infer_false_picks_on_its_own() {
    let text = "schemas = [\"public\"]\n\n[tables.issues]\nrows = 60\ncolumns.reporter = { infer = false }\n";
    let profile = crate::profile::parse_str(std::path::Path::new("p.toml"), text).expect("profile");
    let plan = build(&multi_tenant(), Some(&profile), &PlanOptions::default()).expect("plan");
    let issues = plan.tables.iter().find(|p| p.name.name == "issues").expect("issues");
    assert!(issues.inferred.iter().all(|r| !r.starts_with("reporter")), "{:?}", issues.inferred);
    assert!(issues.relationships.iter().any(|l| l.starts_with("reporter -> public.users: uniform")));
}

#[test]
fn the_plan_says_where_a_parent_is_not_laid_out_per_the_tenant() {
    // Seats and desks hold unique (org, holder) pairs: digits of a composite key, no layout.
    let paired = |name: &str| paired_by(name, ("org", "organizations"), ("holder", "users"));
    let schema = Schema {
        tables: vec![
            table("organizations", &[("id", true)], &[]),
            table("users", &[("id", true), ("org", true)], &[("org", "organizations")]),
            paired("seats"),
            paired("desks"),
            table("tickets", &[("id", true), ("seat", true), ("desk", true)], &[("seat", "seats"), ("desk", "desks")]),
            paired_by("swaps", ("seat", "seats"), ("desk", "desks")),
        ],
    };
    let plan = build(&schema, None, &PlanOptions { rows: Some(40), strict: true, ..Default::default() }).expect("plan");
    let tickets = plan.tables.iter().find(|p| p.name.name == "tickets").expect("tickets");
    let note = "seat: cannot agree by construction with the public.organizations row of desk -> public.desks.org: \
                public.seats is not laid out per public.organizations by org";
    assert!(tickets.notes.iter().any(|n| n.starts_with(note)), "{:?}", tickets.notes);
    // A swap's seat and desk are digits of its unique pair: they cannot also agree on organization.
    let swaps = plan.tables.iter().find(|p| p.name.name == "swaps").expect("swaps");
    let note = "seat: cannot agree by construction with the public.organizations row of desk -> public.desks.org: \
                it is a part of a composite unique key";
    assert!(swaps.notes.iter().any(|n| n.starts_with(note)), "{:?}", swaps.notes);
}

/// A table whose two FKs, on `first` and `second`, form a unique pair (digits of one key).
fn paired_by(name: &str, first: (&str, &str), second: (&str, &str)) -> Table {
    let columns = [("id", true), (first.0, true), (second.0, true)];
    let mut pairs = table(name, &columns, &[first, second]);
    let key = pairs.primary_key.clone().map(|key| UniqueKey { columns: vec![first.0.into(), second.0.into()], ..key });
    pairs.uniques.extend(key);
    pairs
}

/// Organizations of users who post in channels, like, and moderate: `users` is tenant-like (many
/// tables reference it), but only for one role at a time.
fn social() -> Schema {
    let users = |name: &str, columns: &[(&str, &str)]| {
        let mut all = vec![("id", true)];
        all.extend(columns.iter().map(|&(c, _)| (c, true)));
        table(name, &all, columns)
    };
    Schema {
        tables: vec![
            table("organizations", &[("id", true)], &[]),
            users("users", &[("org", "organizations")]),
            users("channels", &[("org", "organizations")]),
            users("invites", &[("org", "organizations")]),
            users("posts", &[("channel", "channels"), ("author", "users")]),
            users("likes", &[("post", "posts"), ("liker", "users")]),
            users("removals", &[("moderator", "users"), ("post", "posts")]),
        ],
    }
}

#[test]
fn a_person_is_a_tenant_only_for_the_same_role() {
    let volumes =
        [("organizations", 4), ("users", 80), ("channels", 12), ("invites", 9), ("posts", 300), ("likes", 900)];
    let tables: String = volumes.iter().map(|(t, n)| format!("[tables.{t}]\nrows = {n}\n\n")).collect();
    let text = format!("schemas = [\"public\"]\n\n{tables}[tables.removals]\nrows = 200\n");
    let profile = crate::profile::parse_str(std::path::Path::new("p.toml"), &text).expect("profile");
    let plan = build(&social(), Some(&profile), &PlanOptions::default()).expect("plan");
    let (users, channels, posts) = (rows(&plan, "users"), rows(&plan, "channels"), rows(&plan, "posts"));
    let org_of_post = |post: &Value| parent_value(&channels, &parent_value(&posts, post, "channel"), "org");
    let mut by_author = 0;
    for like in rows(&plan, "likes") {
        // The liker is of the post's organization (a true tenant), yet not forced to be its author.
        assert_eq!(parent_value(&users, &like["liker"], "org"), org_of_post(&like["post"]), "{like:?}");
        by_author += usize::from(parent_value(&posts, &like["post"], "author") == like["liker"]);
    }
    assert!(by_author < 900 / 5, "{by_author} of 900 likes are by the post's author");
    for removal in rows(&plan, "removals") {
        assert_eq!(parent_value(&users, &removal["moderator"], "org"), org_of_post(&removal["post"]));
    }
    let inferred: Vec<String> = plan.tables.iter().flat_map(|p| p.inferred.clone()).collect();
    assert!(inferred.iter().all(|r| !r.contains("in the same public.users")), "{inferred:?}");
}

/// Users with posts and accounts (uniform picks), and a unique (post, account) pair per publication.
fn publications() -> Schema {
    let owned = |name: &str| table(name, &[("id", true), ("owner", true)], &[("owner", "users")]);
    Schema {
        tables: vec![
            table("users", &[("id", true)], &[]),
            owned("posts"),
            owned("accounts"),
            owned("sessions"),
            paired_by("publications", ("post", "posts"), ("account", "accounts")),
        ],
    }
}

fn publications_plan(rows: u64) -> Plan {
    let volumes = [("users", 20), ("posts", 200), ("accounts", 40), ("sessions", 10), ("publications", rows)];
    let tables: String = volumes.iter().map(|(t, n)| format!("[tables.{t}]\nrows = {n}\n\n")).collect();
    let profile =
        crate::profile::parse_str(std::path::Path::new("p.toml"), &format!("schemas = [\"public\"]\n\n{tables}"))
            .expect("profile");
    build(&publications(), Some(&profile), &PlanOptions::default()).expect("plan")
}

#[test]
fn a_unique_pair_of_parents_belongs_to_one_tenant_and_never_repeats() {
    let plan = publications_plan(300);
    let (posts, accounts) = (rows(&plan, "posts"), rows(&plan, "accounts"));
    let mut pairs = std::collections::HashSet::new();
    for publication in rows(&plan, "publications") {
        let owner = parent_value(&posts, &publication["post"], "owner");
        assert_eq!(parent_value(&accounts, &publication["account"], "owner"), owner, "{publication:?}");
        assert!(pairs.insert(format!("{:?} {:?}", publication["post"], publication["account"])), "{publication:?}");
    }
    let inferred = &plan.tables.iter().find(|p| p.name.name == "publications").expect("planned").inferred;
    // 200 posts and 40 accounts spread over 20 users: 20 x (10 x 2) pairs.
    let rule = "post, account a pair within one public.users row (the sum over its rows of public.posts rows x \
                public.accounts rows per row: 400)";
    assert!(inferred.iter().any(|r| r == rule), "{inferred:?}");
}

#[test]
fn a_unique_pair_that_cannot_fit_its_tenants_says_the_arithmetic() {
    let plan = publications_plan(401);
    let publications = plan.tables.iter().find(|p| p.name.name == "publications").expect("planned");
    let note = "post, account: cannot pick within one public.users row: the sum over its rows of public.posts rows \
                x public.accounts rows per row is 400, fewer than the 401 rows needed";
    assert!(publications.notes.iter().any(|n| n.starts_with(note)), "{:?}", publications.notes);
    assert!(publications.inferred.iter().all(|r| !r.contains("a pair within")));
}

#[test]
fn a_key_of_a_tenant_and_a_column_is_laid_out_so_pairs_can_pick_within_the_tenant() {
    // Tags are unique per (team, label): a digit of a composite key, laid out per team instead.
    let mut tags = table("tags", &[("id", true), ("team", true), ("label", true)], &[("team", "teams")]);
    tags.uniques
        .extend(tags.primary_key.clone().map(|k| UniqueKey { columns: vec!["team".into(), "label".into()], ..k }));
    let owned = |name: &str| table(name, &[("id", true), ("team", true)], &[("team", "teams")]);
    let schema = Schema {
        tables: vec![
            table("teams", &[("id", true)], &[]),
            owned("customers"),
            owned("invoices"),
            tags,
            paired_by("assignments", ("tag", "tags"), ("customer", "customers")),
        ],
    };
    let plan = build(&schema, None, &PlanOptions { rows: Some(50), strict: true, ..Default::default() }).expect("plan");
    let (tags, customers) = (rows(&plan, "tags"), rows(&plan, "customers"));
    let labels: std::collections::HashSet<String> =
        tags.iter().map(|t| format!("{:?} {:?}", t["team"], t["label"])).collect();
    assert_eq!(labels.len(), tags.len(), "a tag's (team, label) never repeats");
    for assignment in rows(&plan, "assignments") {
        let team = parent_value(&tags, &assignment["tag"], "team");
        assert_eq!(parent_value(&customers, &assignment["customer"], "team"), team, "{assignment:?}");
    }
}

#[test]
fn an_organizations_owner_is_its_first_user_created_with_it() {
    let moment = PgType::new(1184, "timestamptz", TypeKind::TimestampTz);
    let mut schema = multi_tenant();
    for t in schema.tables.iter_mut().filter(|t| t.name.name == "organizations" || t.name.name == "users") {
        t.columns.push(Column { not_null: true, ..Column::plain("created_at", moment.clone()) });
    }
    let text = "schemas = [\"public\"]\n\n[tables.organizations]\nrows = 10\n\n[tables.users]\nrows = 60\n";
    let profile = crate::profile::parse_str(std::path::Path::new("p.toml"), text).expect("profile");
    let plan = build(&schema, Some(&profile), &PlanOptions::default()).expect("plan");
    let users = rows(&plan, "users");
    for organization in rows(&plan, "organizations") {
        let first = users.iter().find(|u| u["org"] == organization["id"]).expect("the organization has users");
        assert_eq!(organization["owner"], first["id"], "{organization:?}");
        assert_eq!(first["created_at"], organization["created_at"], "{organization:?}");
    }
    let inferred = &plan.tables.iter().find(|p| p.name.name == "users").expect("users").inferred;
    let rule = "created_at of each public.organizations row's first row (its owner) equal to the public.organizations \
                row's, via org";
    assert!(inferred.iter().any(|r| r == rule), "{inferred:?}");
}

/// Stores with inventory, customers and staff (uniform picks), and rentals unique by (day, item,
/// customer): a key of a column and two FKs whose parents share a store.
fn rentals() -> Schema {
    let owned = |name: &str| table(name, &[("id", true), ("store", true)], &[("store", "stores")]);
    let mut rentals = table(
        "rentals",
        &[("id", true), ("day", true), ("item", true), ("customer", true)],
        &[("item", "inventory"), ("customer", "customers")],
    );
    let key = ["day", "item", "customer"].map(String::from).to_vec();
    rentals.uniques.extend(rentals.primary_key.clone().map(|k| UniqueKey { columns: key, ..k }));
    Schema {
        tables: vec![
            table("stores", &[("id", true)], &[]),
            owned("inventory"),
            owned("customers"),
            owned("staff"),
            rentals,
        ],
    }
}

#[test]
fn a_unique_key_of_a_column_and_two_parents_picks_the_parents_within_one_tenant() {
    let volumes = [("stores", 10), ("inventory", 60), ("customers", 40), ("staff", 20), ("rentals", 300)];
    let tables: String = volumes.iter().map(|(t, n)| format!("[tables.{t}]\nrows = {n}\n\n")).collect();
    let text = format!("schemas = [\"public\"]\n\n{tables}");
    let profile = crate::profile::parse_str(std::path::Path::new("p.toml"), &text).expect("profile");
    let plan = build(&rentals(), Some(&profile), &PlanOptions::default()).expect("plan");
    let (inventory, customers) = (rows(&plan, "inventory"), rows(&plan, "customers"));
    let mut keys = std::collections::HashSet::new();
    for rental in rows(&plan, "rentals") {
        let store = parent_value(&inventory, &rental["item"], "store");
        assert_eq!(parent_value(&customers, &rental["customer"], "store"), store, "{rental:?}");
        assert!(
            keys.insert(format!("{:?} {:?} {:?}", rental["day"], rental["item"], rental["customer"])),
            "{rental:?}"
        );
    }
    let inferred = &plan.tables.iter().find(|p| p.name.name == "rentals").expect("planned").inferred;
    // 60 items and 40 customers spread over 10 stores: 10 x (6 x 4) pairs, each with 4 days.
    let rule = "item, customer a pair within one public.stores row (the sum over its rows of public.inventory rows x \
                public.customers rows per row, times 4 values of day: 960)";
    assert!(inferred.iter().any(|r| r == rule), "{inferred:?}");
}

/// Topics name their updater before their creator; a request's creator follows its (nullable)
/// post's creator, and where the post is NULL, its (nullable) topic's creator: the same role.
fn requests() -> Schema {
    Schema {
        tables: vec![
            table("users", &[("id", true)], &[]),
            table(
                "topics",
                &[("id", true), ("updater", true), ("creator", true)],
                &[("updater", "users"), ("creator", "users")],
            ),
            table("posts", &[("id", true), ("creator", true)], &[("creator", "users")]),
            table(
                "requests",
                &[("id", true), ("post", false), ("topic", false), ("creator", true)],
                &[("post", "posts"), ("topic", "topics"), ("creator", "users")],
            ),
        ],
    }
}

#[test]
fn a_person_owner_is_found_along_a_chain_that_ends_in_the_same_role() {
    let plan =
        build(&requests(), None, &PlanOptions { rows: Some(400), strict: true, ..Default::default() }).expect("plan");
    let (topics, posts) = (rows(&plan, "topics"), rows(&plan, "posts"));
    let mut fallbacks = 0;
    for request in rows(&plan, "requests") {
        if !request["post"].is_null() {
            assert_eq!(parent_value(&posts, &request["post"], "creator"), request["creator"], "{request:?}");
        } else if !request["topic"].is_null() {
            assert_eq!(parent_value(&topics, &request["topic"], "creator"), request["creator"], "{request:?}");
            fallbacks += 1;
        }
    }
    assert!(fallbacks > 10, "{fallbacks} requests without a post but with a topic");
    let inferred = &plan.tables.iter().find(|p| p.name.name == "requests").expect("planned").inferred;
    assert!(
        inferred.iter().any(|r| r == "creator in the same public.users as topic -> public.topics.creator"),
        "{inferred:?}"
    );
}

/// Reports unique per (post, creator) beside posts by a creator: the same column names, yet the
/// key says a post has many reporters; and blocks of an organization by a user, unique per pair.
fn reports() -> Schema {
    let owned = |name: &str, parent: &str| table(name, &[("id", true), ("owner", true)], &[("owner", parent)]);
    Schema {
        tables: vec![
            table("organizations", &[("id", true)], &[]),
            table("users", &[("id", true), ("org", true)], &[("org", "organizations")]),
            owned("channels", "organizations"),
            owned("invites", "organizations"),
            table("posts", &[("id", true), ("creator", true)], &[("creator", "users")]),
            owned("sessions", "users"),
            paired_by("reports", ("post", "posts"), ("creator", "users")),
            paired_by("blocks", ("user", "users"), ("org", "organizations")),
        ],
    }
}

#[test]
fn a_key_with_a_foreign_key_straight_to_the_tenant_links_it_with_others_rows() {
    let volumes = [("organizations", 5), ("users", 50), ("channels", 5), ("invites", 5), ("posts", 200)];
    let tables: String = volumes.iter().map(|(t, n)| format!("[tables.{t}]\nrows = {n}\n\n")).collect();
    let text =
        format!("schemas = [\"public\"]\n\n{tables}[tables.sessions]\nrows = 50\n\n[tables.reports]\nrows = 150\n");
    let profile = crate::profile::parse_str(std::path::Path::new("p.toml"), &text).expect("profile");
    let plan = build(&reports(), Some(&profile), &PlanOptions::default()).expect("plan");
    let (users, posts) = (rows(&plan, "users"), rows(&plan, "posts"));
    let mut own = 0;
    for report in rows(&plan, "reports") {
        let author = parent_value(&posts, &report["post"], "creator");
        // Reporter and post are of one organization, a true tenant both reach further up.
        assert_eq!(parent_value(&users, &report["creator"], "org"), parent_value(&users, &author, "org"), "{report:?}");
        own += usize::from(author == report["creator"]);
    }
    assert!(own < 150 / 5, "{own} of 150 reports are by the post's author");
    let reports = plan.tables.iter().find(|p| p.name.name == "reports").expect("planned");
    assert!(reports.inferred.iter().any(|r| r.contains("a pair within one public.organizations row")), "{reports:?}");
    assert!(reports.notes.is_empty(), "{:?}", reports.notes);
    // A user blocks other organizations than their own: nothing to agree on, nothing to note.
    let blocks = plan.tables.iter().find(|p| p.name.name == "blocks").expect("planned");
    assert!(blocks.notes.is_empty() && blocks.inferred.iter().all(|r| !r.contains("within")), "{blocks:?}");
}
