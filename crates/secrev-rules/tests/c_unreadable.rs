//! C code the grammar cannot read as written, which fixtures (required to parse) cannot hold.

use secrev_ir::Language;
use secrev_rules::{check_unit, registry};

/// A format literal split by `#ifdef` lines is text written in the code: C105 stays quiet,
/// while a message handed in as the format in the same file is still reported.
#[test]
fn a_format_literal_split_by_preprocessor_lines_is_constant() {
    let source = r#"#include <stdio.h>
void show_hint(FILE *out)
{
    fprintf(out, "tool: try 'tool --help' "
#ifdef HAVE_MANUAL
            "or 'tool --manual' "
#endif
            "for more information\n");
}

void show_message(FILE *out, const char *message)
{
    fprintf(out, message);
}
"#;
    let lowered = secrev_cpp::lower(source, Language::C);
    assert!(
        !lowered.syntax_errors.is_empty(),
        "the grammar reads the split literal after all; move this case to the fixtures"
    );
    let hits = check_unit(&registry::all(), &lowered.unit, source, "hint.c");
    let lines: Vec<usize> = hits
        .iter()
        .filter(|h| h.rule.info.id == "C105")
        .map(|h| source[..h.hit.span.start as usize].lines().count())
        .collect();
    assert_eq!(lines, vec![13], "C105 findings: {lines:?}");
}
