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
    if too_deep || source.len() > DEEP_DROP_MIN_LEN {
        drop_deep(parsed, source.len());
    }
    Lowered {
        unit,
        syntax_errors,
        too_deep,
    }
}

/// Sources longer than this may hold a syntax tree too deep to drop on an ordinary (8 MiB) stack;
/// shorter ones nest at most this many levels, which any such stack drops.
const DEEP_DROP_MIN_LEN: usize = 128 << 10;

/// Stack reserved per source byte for dropping a deep syntax tree: dropping recurses once per
/// nesting level, a level takes at least one byte of source (`------1`), and a level's drop
/// frames take a few dozen bytes.
const DROP_STACK_PER_BYTE: usize = 128;

/// Drops a syntax tree that may nest millions of levels deep (`a.b.b.b...`, `f()()()...`). The
/// parser grows its stack as it goes, but dropping the tree recurses on whatever stack it runs on
/// and would overflow it, aborting the whole scan; so drop it on a thread whose stack grows with
/// the source, and if no such thread can be had, leak the tree instead.
fn drop_deep<T: Send + 'static>(tree: T, source_len: usize) {
    use std::sync::{Arc, Mutex};
    let slot = Arc::new(Mutex::new(Some(tree)));
    let theirs = Arc::clone(&slot);
    let stack = source_len
        .saturating_mul(DROP_STACK_PER_BYTE)
        .max(DEEP_DROP_MIN_LEN);
    let spawned = std::thread::Builder::new()
        .name("secrev-drop".into())
        .stack_size(stack)
        .spawn(move || drop(theirs.lock().ok().and_then(|mut tree| tree.take())));
    if let Ok(handle) = spawned {
        let _ = handle.join();
    }
    // Still here when the thread could not start: leak rather than overflow this stack.
    let leftover = slot.lock().ok().and_then(|mut tree| tree.take());
    std::mem::forget(leftover);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dropping a chain hundreds of thousands of levels deep needs more than an ordinary thread
    /// stack; lowering must not overflow it (a stack overflow aborts the whole process). The type
    /// alias is a place the lowering does not look into, so nothing else notices the depth.
    #[test]
    fn deep_chains_do_not_overflow_a_small_stack() {
        let sources = [
            format!("x = a{}\n", ".b".repeat(300_000)),
            format!("type X = f{}\n", "()".repeat(300_000)),
        ];
        for source in sources {
            let lowered = std::thread::Builder::new()
                .stack_size(8 << 20)
                .spawn(move || {
                    let index = LineIndex::new(&source);
                    let lowered = lower(&source, &index);
                    (lowered.syntax_errors.len(), lowered.unit.functions.len())
                })
                .expect("spawn")
                .join()
                .expect("lowering finished");
            assert_eq!(lowered, (0, 1));
        }
    }
}
