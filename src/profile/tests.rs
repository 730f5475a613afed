use super::*;

fn parse(text: &str) -> Result<Profile, ProfileError> {
    parse_str(Path::new("profiles/test.toml"), text)
}

#[test]
fn reads_volumes_fan_out_and_column_rules() {
    let profile = parse(
        r#"
seed = 7
schema = { creator = "../seeds/creator/schema.sql" }
[defaults]
rows = 3
[tables.users]
rows = 25
columns.email = { unique = true }
columns.status = { values = ["a", "b"], weights = [9, 1] }
[tables.projects]
rows = { per = "users", count = "1..=5" }
[tables.content]
rows = { per = "projects", count = { zipf = 1.1, max = 200 } }
[tables.platforms]
fixture = "../seeds/creator/platforms.csv"
"#,
    )
    .expect("valid profile");
    assert_eq!(profile.seed, 7);
    assert_eq!(profile.default_rows, 3);
    assert_eq!(profile.ddl_files, vec![("creator".to_string(), PathBuf::from("profiles/../seeds/creator/schema.sql"))]);
    assert_eq!(profile.schemas.len(), 1);
    assert_eq!(profile.schemas[0].name, "creator");
    let table = |name: &str| profile.tables.iter().find(|t| t.name.name == name).expect(name);
    assert_eq!(table("users").rows, Some(Rows::Count(25)));
    assert_eq!(
        table("projects").rows,
        Some(Rows::Per { parent: "users".into(), count: Count::Range { min: 1, max: 5 } })
    );
    assert!(matches!(table("content").rows, Some(Rows::Per { count: Count::Zipf { max: 200, .. }, .. })));
    assert_eq!(table("platforms").fixture, Some(PathBuf::from("profiles/../seeds/creator/platforms.csv")));
    assert_eq!(table("users").name.location.line, 6);
}

#[test]
fn unknown_key_is_an_error_at_its_line() {
    let error = parse("seed = 1\n[tables.users]\nrow = 5\n").expect_err("typo");
    let text = error.to_string();
    assert!(text.starts_with("profiles/test.toml:3:"), "{text}");
    assert!(text.contains("row"), "{text}");
}

#[test]
fn wrong_value_type_is_an_error_at_its_line() {
    let error = parse("[defaults]\nrows = \"many\"\n").expect_err("type");
    assert!(error.to_string().starts_with("profiles/test.toml:2:"), "{error}");
}

#[test]
fn ranges_parse_like_rust() {
    assert_eq!(parse_range("1..=5"), Ok(Count::Range { min: 1, max: 5 }));
    assert_eq!(parse_range("0..3"), Ok(Count::Range { min: 0, max: 2 }));
    assert!(parse_range("5..=1").is_err());
    assert!(parse_range("0..0").is_err());
    assert!(parse_range("x..=2").is_err());
    assert!(parse_range("3").is_err());
}

#[test]
fn rows_and_fixture_together_are_refused() {
    let error = parse("[tables.t]\nrows = 3\nfixture = \"t.csv\"\n").expect_err("both");
    assert!(error.to_string().contains("both `rows` and `fixture`"), "{error}");
}

#[test]
fn extends_lets_the_child_override_per_table_and_column() {
    let dir = std::env::temp_dir().join(format!("seed-profile-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("base.toml"),
        "seed = 1\n[defaults]\nrows = 4\n[tables.a]\nrows = 10\ncolumns.x = { null_rate = 0.5 }\n[tables.b]\nrows = 2\n",
    )
    .expect("write base");
    std::fs::write(dir.join("child.toml"), "extends = \"base\"\n[tables.a]\nrows = 99\n").expect("write child");
    let profile = load(&dir.join("child.toml")).expect("loads");
    assert_eq!(profile.seed, 1);
    assert_eq!(profile.default_rows, 4);
    let a = profile.tables.iter().find(|t| t.name.name == "a").expect("a");
    assert_eq!(a.rows, Some(Rows::Count(99)));
    assert_eq!(a.columns.len(), 1, "the parent's column rule is kept");
    std::fs::write(dir.join("base.toml"), "extends = \"child\"\n").expect("write loop");
    assert!(matches!(load(&dir.join("child.toml")), Err(ProfileError::ExtendsLoop { .. })));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rows_mistakes_are_explained_at_their_line() {
    let negative = parse("[tables.t]\nrows = -3\n").expect_err("negative").to_string();
    assert!(negative.starts_with("profiles/test.toml:2:") && negative.contains("cannot be negative"), "{negative}");
    let typo = parse("[tables.t]\nrows = { per = \"u\", cnt = 2 }\n").expect_err("typo").to_string();
    assert!(typo.contains("unknown field `cnt`"), "{typo}");
    let rate = parse("[defaults]\nnull_rate = 1.5\n").expect_err("rate").to_string();
    assert!(rate.starts_with("profiles/test.toml:2:") && rate.contains("between 0 and 1"), "{rate}");
}

#[test]
fn allow_remote_is_read_and_a_child_may_withdraw_it() {
    assert_eq!(parse("allow_remote = true\n").expect("valid").allow_remote, Some(true));
    assert_eq!(parse("").expect("valid").allow_remote, None);
    let parent = parse("allow_remote = true\ndatabase = \"app\"\n").expect("valid");
    let child = parse("allow_remote = false\n").expect("valid");
    let merged = merge(parent, child);
    assert_eq!(merged.allow_remote, Some(false));
    assert_eq!(merged.database.as_deref(), Some("app"));
}

#[test]
fn infer_false_is_read_per_column() {
    let profile =
        parse("[tables.users]\ncolumns.email = { infer = false }\ncolumns.name = { infer = true }\n").unwrap();
    let columns = &profile.tables[0].columns;
    assert_eq!(columns.iter().find(|c| c.name.name == "email").and_then(|c| c.infer), Some(false));
    assert_eq!(columns.iter().find(|c| c.name.name == "name").and_then(|c| c.infer), Some(true));
}

#[test]
fn a_profile_that_names_no_table_is_refused() {
    let folder = std::env::temp_dir().join(format!("seed-empty-profile-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("folder");
    let write = |name: &str, text: &str| {
        let path = folder.join(name);
        std::fs::write(&path, text).expect("profile");
        path
    };
    for (name, text) in [("empty.toml", ""), ("comments.toml", "# nothing yet\n"), ("seed_only.toml", "seed = 3\n")] {
        let message = load(&write(name, text)).expect_err("refused").to_string();
        assert!(
            message.starts_with(&format!("{}: the profile names no tables", folder.join(name).display())),
            "{message}"
        );
    }
    write("parent.toml", "schemas = [\"shop\"]\n");
    assert!(load(&write("child.toml", "extends = \"parent\"\nseed = 3\n")).is_ok(), "tables come from the parent");
    let _ = std::fs::remove_dir_all(folder);
}
