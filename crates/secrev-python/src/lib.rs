//! The Python front-end: parses a module with `ruff_python_parser` (error-tolerant, Python 3.12+
//! syntax) and lowers it into [`secrev_ir`], resolving imports and aliases to qualified names and
//! folding constants on the way.

mod builtins;
mod fold;
mod lower;
mod scope;

use secrev_core::{LineIndex, Span};
use secrev_ir::Unit;

/// The result of lowering one Python file.
#[derive(Debug)]
pub struct Lowered {
    pub unit: Unit,
    /// Syntax errors; the parts of the file that parsed are still in `unit`.
    pub syntax_errors: Vec<(Span, String)>,
    /// Whether some expressions nested deeper than the analysis follows and were skipped.
    pub too_deep: bool,
}

/// Parses and lowers one Python source file. Never fails: syntax errors are returned beside the
/// lowered unit of whatever could be recovered.
pub fn lower(source: &str, index: &LineIndex) -> Lowered {
    let parsed =
        ruff_python_parser::parse_unchecked_source(source, ruff_python_ast::PySourceType::Python);
    let syntax_errors = parsed
        .errors()
        .iter()
        .map(|error| {
            let range = error.location;
            let span = index.span(source, range.start().to_usize(), range.end().to_usize());
            (span, error.error.to_string())
        })
        .collect();
    let (unit, too_deep) = lower::lower_module(parsed.suite(), source, index);
    Lowered {
        unit,
        syntax_errors,
        too_deep,
    }
}
