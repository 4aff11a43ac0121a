//! Injection: command, code and query strings built from data.

mod subprocess_shell;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[&subprocess_shell::RULE];
