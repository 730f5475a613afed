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
