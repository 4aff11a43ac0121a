//! Crash and denial-of-service rules: inputs that make the service spend unbounded time or
//! memory (exponential regular expressions, decompression bombs, unbounded reads).

mod common;
mod regex;
mod regex_catastrophic_backtracking;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[&regex_catastrophic_backtracking::RULE];
