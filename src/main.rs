fn main() -> std::process::ExitCode {
    intercoop::cli::main()
}
