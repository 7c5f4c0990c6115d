fn main() -> std::process::ExitCode {
    intercoop::app::main()
}
