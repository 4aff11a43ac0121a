//! Crash and denial-of-service rules: inputs that make the service spend unbounded time or
//! memory (exponential regular expressions, decompression bombs, unbounded reads).

mod common;
mod decompression_without_limit;
mod regex;
mod regex_catastrophic_backtracking;
mod unbounded_read;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &regex_catastrophic_backtracking::RULE,
    &decompression_without_limit::RULE,
    &unbounded_read::RULE,
];
