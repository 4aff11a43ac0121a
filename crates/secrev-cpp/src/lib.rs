//! The C and C++ front-end: parses a translation unit with tree-sitter (C or C++ grammar) and
//! lowers it into [`secrev_ir`]. Parsing is error-tolerant: code the grammar cannot read (unknown
//! macros, extensions) becomes `ERROR` nodes that are counted, and everything around them is
//! still lowered.
//!
//! What the representation holds for C and C++ (see ARCHITECTURE.md, "C and C++"):
//! functions, methods (`Class::method`), lambdas (`outer::<lambda>`), calls with qualified names
//! (`std::system`, `QString::fromUtf8`, `QSqlQuery::exec` for a call on a variable declared as a
//! `QSqlQuery`), declared variables with their types ([`secrev_ir::Local`]), string building
//! (literal concatenation, `+` on strings, `QString::arg`, `sprintf` into a buffer), and a
//! control-flow graph with `goto`, `switch`, `try`/`catch` and destructor calls at scope exits.

mod lower;
mod macros;
mod prescan;
mod text;

use secrev_core::ByteSpan;
use secrev_ir::{Language, Unit};

/// The result of lowering one C or C++ file.
#[derive(Debug)]
pub struct Lowered {
    pub unit: Unit,
    /// Places the grammar could not read (`ERROR` and missing nodes); the rest of the file is
    /// still in `unit`.
    pub syntax_errors: Vec<(ByteSpan, String)>,
    /// Whether some code nested deeper than the analysis follows and was skipped.
    pub too_deep: bool,
}

/// Parses and lowers one source file as `language` ([`Language::C`] or [`Language::Cpp`]; any
/// other value is read as C++). Never fails: what cannot be parsed is reported beside the
/// lowered unit of everything else.
pub fn lower(source: &str, language: Language) -> Lowered {
    let language = if language == Language::C {
        Language::C
    } else {
        Language::Cpp
    };
    let mut parser = tree_sitter::Parser::new();
    let grammar: tree_sitter::Language = if language == Language::C {
        tree_sitter_c::LANGUAGE.into()
    } else {
        tree_sitter_cpp::LANGUAGE.into()
    };
    let empty = || Lowered {
        unit: Unit {
            language,
            functions: lower::empty_module(source),
            imports: Vec::new(),
            records: Default::default(),
        },
        syntax_errors: Vec::new(),
        too_deep: false,
    };
    if parser.set_language(&grammar).is_err() {
        return empty();
    }
    let blanked = macros::blank_macros(source);
    let parsed_text = blanked.as_deref().unwrap_or(source);
    let Some(tree) = parser.parse(parsed_text, None) else {
        return empty();
    };
    let root = tree.root_node();
    let syntax_errors = if root.has_error() {
        syntax_errors(root)
    } else {
        Vec::new()
    };
    let (unit, too_deep) = lower::lower_unit(root, parsed_text, language);
    Lowered {
        unit,
        syntax_errors,
        too_deep,
    }
}

/// The spans tree-sitter could not parse, outermost first (an `ERROR` node's children are not
/// listed again).
fn syntax_errors(root: tree_sitter::Node) -> Vec<(ByteSpan, String)> {
    let mut errors = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let message = if node.is_missing() {
                format!("missing `{}`", node.kind())
            } else {
                "code the C/C++ grammar cannot read (often an unknown macro)".to_owned()
            };
            errors.push((span(node), message));
            continue;
        }
        if !node.has_error() {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    errors.sort_by_key(|(s, _)| s.start);
    errors
}

pub(crate) fn span(node: tree_sitter::Node) -> ByteSpan {
    ByteSpan {
        start: u32::try_from(node.start_byte()).unwrap_or(u32::MAX),
        end: u32::try_from(node.end_byte()).unwrap_or(u32::MAX),
    }
}
