//! The Python front-end: parses a module with `ruff_python_parser` (error-tolerant, Python 3.12+
//! syntax) and lowers it into [`secrev_ir`], resolving imports and aliases to qualified names and
//! folding constants on the way.

mod builtins;
mod fold;
mod lower;
mod scope;

use secrev_core::ByteSpan;
use secrev_ir::Unit;

/// The result of lowering one Python file.
#[derive(Debug)]
pub struct Lowered {
    pub unit: Unit,
    /// Syntax errors; the parts of the file that parsed are still in `unit`.
    pub syntax_errors: Vec<(ByteSpan, String)>,
    /// Whether some expressions nested deeper than the analysis follows and were skipped.
    pub too_deep: bool,
}

/// Parses and lowers one Python source file. Never fails: syntax errors are returned beside the
/// lowered unit of whatever could be recovered.
pub fn lower(source: &str) -> Lowered {
    if nesting_estimate(source) > MAX_NESTING {
        // The parser spends kilobytes of memory per nesting level: a few megabytes of `((((` or
        // `----` would take gigabytes. CPython itself rejects such files.
        return Lowered {
            unit: lower::lower_module(&[], source).0,
            syntax_errors: Vec::new(),
            too_deep: true,
        };
    }
    let parsed =
        ruff_python_parser::parse_unchecked_source(source, ruff_python_ast::PySourceType::Python);
    let syntax_errors = parsed
        .errors()
        .iter()
        .map(|error| {
            let range = error.location;
            let span = ByteSpan {
                start: range.start().to_u32(),
                end: range.end().to_u32(),
            };
            (span, error.error.to_string())
        })
        .collect();
    let (unit, too_deep) = lower::lower_module(parsed.suite(), source);
    if too_deep || source.len() > DEEP_DROP_MIN_LEN {
        drop_deep(parsed, source.len());
    }
    Lowered {
        unit,
        syntax_errors,
        too_deep,
    }
}

/// Nesting beyond which a file is not parsed at all (CPython refuses more than 200 levels of
/// brackets; the margin covers brackets and dashes inside strings that this estimate counts).
const MAX_NESTING: usize = 20_000;

/// A cheap upper-bound estimate of how deeply a file nests: the deepest bracket level, or the
/// longest run of prefix operators (`- - - x`), outside comments.
fn nesting_estimate(source: &str) -> usize {
    // Nesting needs one byte per level: a file with few brackets and prefix operators cannot nest
    // deeply, and counting them is a fast vectorised pass.
    let candidates = source
        .bytes()
        .filter(|b| matches!(b, b'(' | b'[' | b'{' | b'-' | b'+' | b'~'))
        .count();
    if candidates <= MAX_NESTING {
        return candidates;
    }
    let (mut depth, mut deepest, mut run) = (0usize, 0usize, 0usize);
    let mut in_comment = false;
    for byte in source.bytes() {
        match byte {
            b'\n' => in_comment = false,
            _ if in_comment => continue,
            b'#' => in_comment = true,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' | b'+' | b'~' => run += 1,
            b' ' | b'\t' => continue,
            _ => run = 0,
        }
        deepest = deepest.max(depth).max(run);
    }
    deepest
}

#[cfg(test)]
mod nesting_tests {
    use super::*;

    #[test]
    fn absurd_nesting_is_refused_before_parsing() {
        let source = format!("x = {}1\n", "-".repeat(MAX_NESTING + 1));
        let lowered = lower(&source);
        assert!(lowered.too_deep);
        let shallow = "x = (1 + [2, {3: -4}])  # ((((((\n".repeat(5_000);
        assert_eq!(nesting_estimate(&shallow), 3);
        assert!(!lower(&shallow).too_deep);
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
                    let lowered = lower(&source);
                    (lowered.syntax_errors.len(), lowered.unit.functions.len())
                })
                .expect("spawn")
                .join()
                .expect("lowering finished");
            assert_eq!(lowered, (0, 1));
        }
    }
}
