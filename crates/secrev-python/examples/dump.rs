//! Prints the lowered representation of a Python file (a debugging aid for rule authors).
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE.py");
        std::process::exit(2);
    };
    let source = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let lowered = secrev_python::lower(&source);
    println!("{:#?}", lowered.unit);
}
