//! The `seed` binary: parse arguments, run the engine, map the outcome to a documented exit code.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
