//! The `sdg` command: parse arguments, run, exit with the documented code.

fn main() -> std::process::ExitCode {
    sdg::cli::main()
}
