//! Argument errors in seed's own words: one paragraph on stderr starting with `seed: `, like every
//! other error, with exit code 2.
//!
//! clap finds the mistake and says it well; this module only reshapes its text (no usage block,
//! tips joined into the sentence) and adds what clap cannot know: which command a misplaced flag
//! belongs to (`--json` is `seed plan`'s), and that a command word comes before its flags.
//! `--help` and `--version` keep clap's own output and exit 0.

use clap::CommandFactory;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::args::Cli;

/// What to print for a command line clap refused, where, and the exit code.
pub enum Outcome {
    /// `--help`, `--version`: clap's own text on stdout, exit 0.
    Clap(clap::Error),
    /// A mistake: one `seed: ` paragraph on stderr, exit 2.
    Refused(String),
}

/// Sorts a parse failure of `args` (the command line, program name first) into an [`Outcome`].
pub fn outcome(error: clap::Error, args: &[String]) -> Outcome {
    if !error.use_stderr() {
        return Outcome::Clap(error);
    }
    let command = command_word(args);
    // Where seed knows better than clap's tip (a similar flag of this command), its hint replaces it.
    let message = match hint(&error, args, command) {
        Some(hint) => format!("{}: {hint}", clap_words(&error.to_string(), false)),
        None => clap_words(&error.to_string(), true),
    };
    let help = command.map_or("seed --help".to_string(), |c| format!("seed {c} --help"));
    Outcome::Refused(format!("seed: {message}. `{help}` lists the flags"))
}

/// The command words ([`super::args::Command`]'s names).
const COMMANDS: [&str; 3] = ["run", "plan", "clean"];

/// The command word of `args` (`plan`, `clean`, `run`), if the first argument is one: a command
/// comes before its flags.
fn command_word(args: &[String]) -> Option<&'static str> {
    static_name(args.get(1)?)
}

fn static_name(name: &str) -> Option<&'static str> {
    COMMANDS.into_iter().find(|known| *known == name)
}

/// clap's message without `error: `, the usage block or the pointer to `--help`, in one line;
/// with its `tip:` lines if `tips`.
fn clap_words(text: &str, tips: bool) -> String {
    let mut words = String::new();
    let lines = text.lines().map(str::trim).take_while(|line| !line.starts_with("Usage:"));
    let wanted = |line: &&str| !line.is_empty() && !line.starts_with("For more") && (tips || !line.starts_with("tip:"));
    for line in lines.filter(wanted) {
        if !words.is_empty() {
            words.push_str(if words.ends_with(':') { " " } else { "; " });
        }
        words.push_str(line.strip_prefix("error: ").unwrap_or(line));
    }
    words.trim_end_matches('.').to_string()
}

/// What seed can add: that a command word comes before the flags, or which commands take a flag
/// this one does not.
fn hint(error: &clap::Error, args: &[String], command: Option<&str>) -> Option<String> {
    if command.is_none()
        && let Some(word) = args.iter().skip(1).find_map(|a| static_name(a))
    {
        return Some(format!("a command comes first, before its flags: `seed {word} --profile NAME ...`"));
    }
    if error.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(argument)) = error.get(ContextKind::InvalidArg) else { return None };
    let flag = argument.split('=').next().unwrap_or(argument);
    let takers = commands_taking(flag.strip_prefix("--")?);
    if takers.is_empty() {
        return None;
    }
    let here = command.map_or("the load (`seed --profile NAME`)".to_string(), |c| format!("`seed {c}`"));
    Some(format!("{flag} is a flag of {}, not of {here}", takers.join(" and ")))
}

/// The commands (`the load`, `seed plan`, ...) that take the long flag `name`.
fn commands_taking(name: &str) -> Vec<String> {
    let cli = Cli::command();
    let takes = |command: &clap::Command| command.get_arguments().any(|a| a.get_long() == Some(name));
    let mut takers = Vec::new();
    if takes(&cli) {
        takers.push("the load (`seed`)".to_string());
    }
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        if takes(sub) {
            takers.push(format!("`seed {}`", sub.get_name()));
        }
    }
    takers
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn refused(line: &str) -> String {
        let args: Vec<String> = std::iter::once("seed").chain(line.split_whitespace()).map(str::to_string).collect();
        match Cli::try_parse_from(&args).map(|_| ()).map_err(|error| outcome(error, &args)) {
            Err(Outcome::Refused(message)) => message,
            _ => panic!("`seed {line}` was not refused"),
        }
    }

    #[test]
    fn the_command_words_are_the_commands() {
        let names: Vec<String> = Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect();
        assert_eq!(names, COMMANDS);
    }

    #[test]
    fn a_refusal_is_one_seed_paragraph_naming_who_takes_the_flag() {
        let message = refused("clean --profile p --json");
        assert_eq!(
            message,
            "seed: unexpected argument '--json' found: --json is a flag of `seed plan`, not of `seed clean`. `seed clean --help` lists the flags"
        );
        assert!(refused("--profile p clean").contains("a command comes first"));
        assert!(!refused("--profile").contains('\n'));
    }
}
