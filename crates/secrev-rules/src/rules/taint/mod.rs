//! Taint rules: untrusted data reaching a dangerous operation, found by the taint engine
//! (`secrev-taint`) from sources to sinks across functions and files. Each rule reports one sink
//! kind of the taint models.

mod command_injection;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[&command_injection::RULE];
