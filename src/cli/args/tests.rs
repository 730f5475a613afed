use clap::Parser;

use super::*;

fn parse(line: &str) -> Result<Settings, clap::Error> {
    Cli::try_parse_from(std::iter::once("seed").chain(line.split_whitespace())).map(Cli::settings)
}

#[test]
fn the_load_needs_no_command_word() {
    let settings = parse("--profile minimal --jobs 2").expect("parses");
    assert_eq!(settings.action, Action::Load);
    assert_eq!(settings.profile.as_deref(), Some("minimal"));
    assert_eq!((settings.bulk, settings.jobs), (Some(true), 2));
}

#[test]
fn each_command_resolves_only_what_it_takes() {
    let plan = parse("plan --rows 5 --json").expect("parses");
    assert_eq!((plan.action, plan.rows, plan.json, plan.bulk), (Action::Plan, Some(5), true, None));
    let clean = parse("clean --profile minimal --cascade").expect("parses");
    assert_eq!((clean.action, clean.cascade, clean.rows, clean.jobs), (Action::Clean, true, None, 1));
    assert_eq!(parse("run --profile minimal --no-bulk").expect("parses").bulk, Some(false));
}

#[test]
fn numbers_are_read_negative_ones_too_and_zero_volumes_refused() {
    let message = |line: &str| parse(line).expect_err(line).to_string();
    assert!(message("--profile p --scale -1").contains("the scale must be a positive number"));
    assert!(message("--profile p --scale 0").contains("the scale must be a positive number"));
    assert!(message("--profile p --scale inf").contains("the scale must be a positive number"));
    assert!(message("--rows 0").contains("the number of rows must be at least 1"));
    assert!(message("--profile p --jobs -2").contains("--jobs is a number of connections"));
    assert_eq!(parse("--profile p --scale 0.5").expect("parses").scale, Some(0.5));
}

#[test]
fn flags_that_cannot_go_together_are_refused() {
    for line in
        ["--profile p --bulk --no-bulk", "--profile p --strict", "--strict", "clean", "clean --profile p --rows 5"]
    {
        assert!(parse(line).is_err(), "{line}");
    }
    assert!(parse("--rows 5 --strict").is_ok());
}
